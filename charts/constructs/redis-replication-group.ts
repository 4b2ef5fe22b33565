import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { DATA_SAFETY_ANNOTATIONS, LABELS, PORTS } from '../constants';
import { applyLabels } from '../labels';
import { SecretKeyRef } from './aurora-global-database';

export interface RedisReplicationGroupProps {
  /** Replication group id (at most 40 characters), e.g. securecart-prod-checkout. */
  readonly identifier: string;
  /** Name of the Kubernetes objects (e.g. "checkout-redis"). */
  readonly name: string;
  readonly engineVersion: string;
  readonly nodeType: string;
  /** Replicas of the primary; with the primary, spread over the AZs in order. At least 1. */
  readonly replicas: number;
  readonly availabilityZones: string[];
  readonly subnetIds: string[];
  readonly securityGroupIds: string[];
  /** AUTH token, from the Secret synced from Secrets Manager. */
  readonly authToken: SecretKeyRef;
  /** Days of daily snapshots kept. */
  readonly snapshotRetentionDays: number;
  /** Where the primary endpoint is exported for the workloads. */
  readonly endpointExport: { readonly configMap: string; readonly key: string };
  /** AWS tags. @default none */
  readonly tags?: Record<string, string>;
}

/**
 * A Redis replication group that survives the loss of its primary node or AZ: one shard, replicas in
 * the other AZs, Multi-AZ with automatic failover, encrypted at rest and in transit with an AUTH
 * token, daily snapshots kept; plus its subnet group and a FieldExport of the primary endpoint. It is
 * regional: ElastiCache Global Datastore is not supported by the ACK controller.
 */
export class RedisReplicationGroup extends Construct {
  readonly replicationGroup: ApiObject;

  constructor(scope: Construct, id: string, props: RedisReplicationGroupProps) {
    super(scope, id);
    if (props.replicas < 1) throw new Error(`redis ${props.identifier}: automatic failover needs at least 1 replica, got ${props.replicas}`);
    if (props.identifier.length > 40) throw new Error(`redis ${props.identifier}: replication group ids have at most 40 characters`);
    const tags = Object.entries(props.tags ?? {}).map(([key, value]) => ({ key, value }));
    const annotations = { ...DATA_SAFETY_ANNOTATIONS };
    const subnetGroup = new ApiObject(this, 'SubnetGroup', {
      apiVersion: 'elasticache.services.k8s.aws/v1alpha1',
      kind: 'CacheSubnetGroup',
      metadata: { name: props.name, annotations },
      spec: {
        cacheSubnetGroupName: props.identifier,
        cacheSubnetGroupDescription: `${props.identifier}: isolated data subnets`,
        subnetIDs: props.subnetIds,
        tags,
      },
    });
    const nodes = props.replicas + 1;
    this.replicationGroup = new ApiObject(this, 'ReplicationGroup', {
      apiVersion: 'elasticache.services.k8s.aws/v1alpha1',
      kind: 'ReplicationGroup',
      metadata: { name: props.name, annotations },
      spec: {
        replicationGroupID: props.identifier,
        description: `${props.identifier}: checkout sessions`,
        engine: 'redis',
        engineVersion: props.engineVersion,
        cacheNodeType: props.nodeType,
        numNodeGroups: 1,
        replicasPerNodeGroup: props.replicas,
        // The primary in the first AZ, one replica in each following AZ (wrapping if there are more).
        preferredCacheClusterAZs: Array.from({ length: nodes }, (_, i) => props.availabilityZones[i % props.availabilityZones.length]),
        automaticFailoverEnabled: true,
        multiAZEnabled: true,
        atRestEncryptionEnabled: true,
        transitEncryptionEnabled: true,
        authToken: props.authToken,
        port: PORTS.redis,
        cacheSubnetGroupName: props.identifier,
        securityGroupIDs: props.securityGroupIds,
        snapshotRetentionLimit: props.snapshotRetentionDays,
        snapshotWindow: '04:00-05:00',
        tags,
      },
    });
    this.replicationGroup.addDependency(subnetGroup);

    new ApiObject(this, 'EndpointExport', {
      apiVersion: 'services.k8s.aws/v1alpha1',
      kind: 'FieldExport',
      metadata: { name: `${props.name}-endpoint` },
      spec: {
        from: { path: '.status.nodeGroups[0].primaryEndpoint.address', resource: { group: 'elasticache.services.k8s.aws', kind: 'ReplicationGroup', name: props.name } },
        to: { kind: 'configmap', name: props.endpointExport.configMap, key: props.endpointExport.key },
      },
    });

    applyLabels(this, { [LABELS.name]: props.name, [LABELS.component]: 'cache', [LABELS.version]: props.engineVersion });
  }
}
