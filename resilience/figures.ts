/**
 * Published AWS figures and operating assumptions the report uses as inputs, named so a reader can
 * check them. Times in seconds.
 */
export const FIGURES = {
  auroraGlobalLag: { seconds: 1, source: 'Aurora global database: cross-region replication lag typically under 1 second (Aurora User Guide, "Using Amazon Aurora global databases")' },
  auroraGlobalFailover: {
    seconds: 180,
    source:
      'Aurora global database: "Typically, the chosen secondary cluster assumes the primary role within a few minutes" and RTO "can be in the order of minutes" (Aurora User Guide, "Using switchover or failover in Amazon Aurora Global Database", aurora-global-database-disaster-recovery.html); AWS publishes no figure for a switchover, which waits for the secondary to catch up and then changes roles the same way. The model reads "a few minutes" as 3',
  },
  auroraMultiAzFailover: { seconds: 30, source: 'Aurora Multi-AZ: writer failover to a reader in another AZ typically completes within 30 seconds; storage is replicated over 3 AZs (RPO 0)' },
  crossRegionReplicaPromotion: { seconds: 300, source: 'RDS cross-region read replica: promotion takes minutes; RPO is the replica lag (seconds to minutes)' },
  dynamoGlobalLag: { seconds: 1, source: 'DynamoDB global tables: replication typically within a second; every replica accepts writes (RTO 0)' },
  elastiCacheFailover: { seconds: 60, source: 'ElastiCache Redis Multi-AZ: automatic failover promotes a replica, typically in under a minute' },
  metricsToDecision: { seconds: 30, source: 'assumption: metrics-server scrapes every 15 s and the HPA acts on its next 15 s sync' },
  karpenterNode: { seconds: 60, source: 'assumption: Karpenter launches and registers a node in about a minute when no spare capacity exists' },
  podStart: { seconds: 60, source: 'assumption: image pull and JVM start to readiness; the startup probe allows up to 180 s' },
  nodeMonitorGrace: {
    seconds: 50,
    source: 'node-monitor-grace-period: the node lifecycle controller marks a silent node NotReady and taints it unreachable after 50 s (Kubernetes default since 1.32, kubernetes/kubernetes#126287; EKS does not publish its value)',
  },
  failedLaunch: {
    seconds: 300,
    source:
      "a launch into the lost zone that fails before Karpenter picks again: an InsufficientInstanceCapacity error (what the FIS drill injects) fails in seconds and marks the zone's offerings unavailable for 3 minutes (karpenter-provider-aws v1.14.1 pkg/cache/cache.go UnavailableOfferingsTTL); any other error leaves the NodeClaim until the 5-minute launch timeout (kubernetes-sigs/karpenter v1.14.1 pkg/controllers/nodeclaim/lifecycle/liveness.go:57-59). Which one a dead zone returns is not documented: the model takes the 5 minutes",
  },
  leaderLease: { seconds: 15, source: 'controller-runtime leader election: a standby takes over once the leader\'s 15 s lease lapses (pkg/manager defaults; the load balancer controller and Karpenter set no other)' },
  evacuationDecision: {
    seconds: 600,
    source:
      'assumption: the NodesNotReady alarm fires about 3 minutes after the loss; a person confirms the zone is lost, deletes Argo CD\'s application controller pod if it was there, and pushes the evacuation commit (docs/operations.md, "A zone degrades", steps 1 to 4): 10 minutes in all',
  },
  cloudFrontOriginDns: {
    seconds: 60,
    source:
      "assumption: CloudFront resolves a custom origin's name with public DNS (CloudFront Developer Guide, \"HTTP 502 status code (DNS error)\") and does not document how long it keeps the answer; the model takes the record's TTL, the ALB alias's 60 s",
  },
  globalAcceleratorFailover: {
    seconds: 30,
    source:
      'Global Accelerator sends new connections elsewhere once an endpoint is unhealthy, without DNS caching (Developer Guide, "How AWS Global Accelerator works"); for an ALB endpoint it follows the ALB\'s target health, which the ALB sees after 2 failed checks 10 s apart (charts/constructs/failover-ingress.ts), plus GA\'s own propagation: about 30 s in all (../shared/FACTS.md)',
  },
  gitopsApply: {
    seconds: 60,
    source: 'Argo CD applies the commit: the runbook asks for a hard refresh of the platform application, which syncs itself (automated sync; under a minute); without it Argo CD polls every 120 s plus up to 60 s of jitter (argo-cd v3.4.4 cmd/argocd-application-controller: defaultAppResyncPeriod 120, jitter 60), up to 120 s more',
  },
} as const;
