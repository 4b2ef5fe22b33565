import { Construct } from 'constructs';
import * as blueprints from '@aws-quickstart/eks-blueprints';
import { RDS_CA_BUNDLE } from '../../../config/credentials';
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
/** Name of the store that reads AWS's public RDS certificate bundles. */
export const RDS_TRUST_STORE_NAME = 'rds-trust-store';

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
    return addManifestAfter(clusterInfo, blueprints.addons.ExternalsSecretsAddOn.name, this.id, [
      this.store(),
      ...this.props.credentials.map((c) => this.sync(c)),
      this.rdsTrustStore(),
      this.rdsCaBundle(),
    ]);
  }

  /**
   * A store that reads AWS's published RDS certificate bundle over HTTPS (verified against the public
   * roots): External Secrets' webhook provider returns the raw body when no jsonPath is set
   * (external-secrets v2.7.0 providers/v1/webhook/webhook.go; its "good plaintext" test), so the PEM
   * lands whole in one key.
   */
  private rdsTrustStore(): Record<string, unknown> {
    return this.clusterStore(RDS_TRUST_STORE_NAME, { webhook: { url: RDS_CA_BUNDLE.url, method: 'GET', timeout: '30s' } });
  }

  /** The RDS CA bundle as a Secret in the shop's namespace, refreshed daily (AWS adds CAs ahead of rotations). */
  private rdsCaBundle(): Record<string, unknown> {
    return this.clusterSync(RDS_CA_BUNDLE.kubernetesSecret, RDS_TRUST_STORE_NAME, '24h', { data: [{ secretKey: RDS_CA_BUNDLE.key, remoteRef: { key: RDS_CA_BUNDLE.bundle } }] });
  }

  private store(): Record<string, unknown> {
    return this.clusterStore(SECRET_STORE_NAME, {
      aws: {
        service: 'SecretsManager',
        region: this.props.region,
        auth: { jwt: { serviceAccountRef: { name: 'external-secrets-sa', namespace: 'external-secrets' } } },
      },
    });
  }

  private sync(c: SyncedCredential): Record<string, unknown> {
    return this.clusterSync(c.kubernetesSecret, SECRET_STORE_NAME, this.props.refreshInterval ?? '1h', { dataFrom: [{ extract: { key: c.secretName } }] });
  }

  /** A ClusterSecretStore only the shop's namespace may read through: the shop's secrets stay the shop's. */
  private clusterStore(name: string, provider: Record<string, unknown>): Record<string, unknown> {
    return {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ClusterSecretStore',
      metadata: { name },
      spec: { conditions: [{ namespaces: [this.props.namespace] }], provider },
    };
  }

  /**
   * A Kubernetes Secret `name` in the shop's namespace, kept in step with `store`. Orphan + Retain:
   * neither deleting the ExternalSecret nor losing the source removes the Secret from under running pods
   * and the ACK controllers.
   */
  private clusterSync(name: string, store: string, refreshInterval: string, source: Record<string, unknown>): Record<string, unknown> {
    return {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ClusterExternalSecret',
      metadata: { name },
      spec: {
        externalSecretName: name,
        namespaceSelectors: [{ matchLabels: { 'kubernetes.io/metadata.name': this.props.namespace } }],
        refreshTime: '1m',
        externalSecretSpec: {
          refreshInterval,
          secretStoreRef: { kind: 'ClusterSecretStore', name: store },
          target: { name, creationPolicy: 'Orphan', deletionPolicy: 'Retain' },
          ...source,
        },
      },
    };
  }
}
