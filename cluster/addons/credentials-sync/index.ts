import { Construct } from 'constructs';
import * as blueprints from '@aws-quickstart/eks-blueprints';
import { addManifestAfter } from '../manifest-after';

/** A Secrets Manager secret mirrored into a Kubernetes Secret of the same shape. */
export interface SyncedCredential {
  /** Secrets Manager name (JSON secret; every key becomes a key of the Kubernetes Secret). */
  readonly secretName: string;
  /** Kubernetes Secret name in the target namespace. */
  readonly kubernetesSecret: string;
}

export interface CredentialsSyncAddOnProps {
  /** Namespace the Kubernetes Secrets are created in (the shop's; it may be created later by Argo CD). */
  readonly namespace: string;
  /** The region's Secrets Manager (secrets are replicated to every region, so each cluster reads locally). */
  readonly region: string;
  /** What to sync. */
  readonly credentials: SyncedCredential[];
  /**
   * How often External Secrets re-reads Secrets Manager (a rotated password reaches pods this fast).
   * @default 1h
   */
  readonly refreshInterval?: string;
}

/** Name of the store all credentials are read through. */
export const SECRET_STORE_NAME = 'aws-secrets-manager';

/**
 * Makes credentials from Secrets Manager available as Kubernetes Secrets, with nothing secret in git:
 * a ClusterSecretStore bound to the External Secrets service account (IRSA) and one
 * ClusterExternalSecret per credential. ClusterExternalSecrets are cluster-scoped and select the
 * namespace by name, so they wait for Argo CD to create the namespace instead of racing it.
 * Applied by CDK rather than Argo CD: External Secrets' kinds are not part of the GitOps manifests.
 */
export class CredentialsSyncAddOn implements blueprints.ClusterAddOn {
  readonly id = 'credentials-sync';

  constructor(private readonly props: CredentialsSyncAddOnProps) {}

  deploy(clusterInfo: blueprints.ClusterInfo): Promise<Construct> {
    return addManifestAfter(clusterInfo, blueprints.addons.ExternalsSecretsAddOn.name, this.id, [this.store(), ...this.props.credentials.map((c) => this.sync(c))]);
  }

  private store(): Record<string, unknown> {
    return {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ClusterSecretStore',
      metadata: { name: SECRET_STORE_NAME },
      spec: {
        // Only the shop's namespace may read through this store: the shop's credentials stay the shop's.
        conditions: [{ namespaces: [this.props.namespace] }],
        provider: {
          aws: {
            service: 'SecretsManager',
            region: this.props.region,
            auth: { jwt: { serviceAccountRef: { name: 'external-secrets-sa', namespace: 'external-secrets' } } },
          },
        },
      },
    };
  }

  private sync(c: SyncedCredential): Record<string, unknown> {
    return {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ClusterExternalSecret',
      metadata: { name: c.kubernetesSecret },
      spec: {
        externalSecretName: c.kubernetesSecret,
        namespaceSelectors: [{ matchLabels: { 'kubernetes.io/metadata.name': this.props.namespace } }],
        refreshTime: '1m',
        externalSecretSpec: {
          refreshInterval: this.props.refreshInterval ?? '1h',
          secretStoreRef: { kind: 'ClusterSecretStore', name: SECRET_STORE_NAME },
          // Orphan + Retain: neither deleting the ExternalSecret nor losing the source secret removes the
          // Kubernetes Secret from under running pods and the ACK controllers.
          target: { name: c.kubernetesSecret, creationPolicy: 'Orphan', deletionPolicy: 'Retain' },
          dataFrom: [{ extract: { key: c.secretName } }],
        },
      },
    };
  }
}
