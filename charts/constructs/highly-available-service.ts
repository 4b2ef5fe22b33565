import { ApiObject, Chart, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { cpuMillis, memoryMebibytes, ServiceResources } from '../../config/schema';
import { applyLabels } from '../labels';
import { addPatchAfterTypedRender } from '../patches';
import { HTTP_PORT_NAME, LABELS, PORTS, RUN_AS_USER, SHUTDOWN, WELL_KNOWN } from '../constants';

/** HPA targets when a service names none, in percent of the request (the dashboards draw them too). */
export const DEFAULT_HPA_TARGETS = { cpu: 70, memory: 90 } as const;

/** One environment variable: a literal value, or a key of a Kubernetes Secret or ConfigMap. */
export type EnvVar =
  | { readonly name: string; readonly value: string }
  | { readonly name: string; readonly secret: { readonly name: string; readonly key: string } }
  | { readonly name: string; readonly configMap: { readonly name: string; readonly key: string } };

/** A Secret whose keys appear as read-only files in a directory of the container. */
export interface SecretFiles {
  readonly secretName: string;
  /** Directory the keys appear in, one file per key. */
  readonly mountPath: string;
}

/** A ConfigMap whose keys appear as read-only files in a directory of the container. */
export interface ConfigFiles {
  readonly configMapName: string;
  /** Directory the keys appear in, one file per key. */
  readonly mountPath: string;
}

/** Where the service reports its health. */
export interface HealthEndpoints {
  /** HTTP path that answers 2xx only when the pod can serve traffic. */
  readonly readinessPath: string;
  /**
   * Port of the readiness (and startup) endpoint, for images that report health on a port of their own.
   * @default - the container port
   */
  readonly port?: number;
  /**
   * HTTP path that answers 2xx while the process is alive, independent of its backends.
   * @default - a TCP check of the container port: the process accepts connections
   */
  readonly livenessPath?: string;
  /**
   * Give the container a startup probe (for slow starters such as the JVM services), so the liveness
   * probe cannot kill it while it boots.
   * @default false
   */
  readonly slowStart?: boolean;
}

/** How pods are spread over zones. */
export type ZoneSpreadPolicy = 'DoNotSchedule' | 'ScheduleAnyway';

/** A floor raised on a schedule (config `schedules`, for this service in this region). */
export interface ScheduledFloor {
  /** The schedule's name: it names the cron trigger. */
  readonly name: string;
  /** IANA time zone `start` and `end` are read in. */
  readonly timezone: string;
  /** Five-field cron expression: when the floor goes up. */
  readonly start: string;
  /** Five-field cron expression: when it comes down. */
  readonly end: string;
  /** Replicas at least, between start and end. */
  readonly replicas: number;
}

export interface HighlyAvailableServiceProps {
  /**
   * Name of every object of the service (Deployment, Service, ServiceAccount, ScaledObject and the HPA
   * KEDA makes of it, PDB, NetworkPolicy).
   */
  readonly name: string;
  /** `app.kubernetes.io/instance`: this installation of the service. */
  readonly instance: string;
  /** `app.kubernetes.io/component`, e.g. frontend or backend. */
  readonly component: string;
  /** Container image, pinned by tag or digest. */
  readonly image: string;
  /**
   * Arguments of the container (its image's CMD otherwise).
   * @default - the image's own
   */
  readonly args?: string[];
  /**
   * Port the container serves on; peers are allowed to it (`allowTo`).
   * @default PORTS.container (8080, every sample image)
   */
  readonly port?: number;
  /**
   * Port of the Service in front of the pods.
   * @default PORTS.service (80, so in-cluster URLs need no port)
   */
  readonly servicePort?: number;
  /**
   * UID and GID the container runs as (the image's own user, numeric so runAsNonRoot can be checked).
   * @default RUN_AS_USER (1000, the sample images' user)
   */
  readonly runAsUser?: number;
  /** `app.kubernetes.io/version`. */
  readonly version: string;
  /** HPA floor; at least 2. */
  readonly minReplicas: number;
  /** HPA ceiling; above minReplicas. */
  readonly maxReplicas: number;
  /**
   * Floors raised on a schedule (KEDA cron triggers): the HPA takes the largest replica count any
   * metric asks for, so each acts as a floor between its start and end.
   * @default - none
   */
  readonly schedules?: ScheduledFloor[];
  /** Requests and memory limit of the container. */
  readonly resources: ServiceResources;
  /** Health endpoints used by the probes. */
  readonly health: HealthEndpoints;
  /**
   * Environment, in order (a value may refer to an earlier variable as `$(NAME)`).
   * @default - no variables
   */
  readonly env?: EnvVar[];
  /**
   * Secrets mounted read-only as files, e.g. a CA bundle. The pod does not start until the Secret exists.
   * @default - none
   */
  readonly secretFiles?: SecretFiles[];
  /**
   * ConfigMaps mounted read-only as files, e.g. a configuration file. The pod does not start until the
   * ConfigMap exists.
   * @default - none
   */
  readonly configFiles?: ConfigFiles[];
  /**
   * Annotations of the pod template, e.g. a hash of a mounted configuration, so that a change of it rolls
   * the pods (a mounted ConfigMap changes under running pods without restarting them).
   * @default - none
   */
  readonly podAnnotations?: Record<string, string>;
  /**
   * Annotations of the service account, e.g. the IRSA role.
   * @default - none
   */
  readonly serviceAccountAnnotations?: Record<string, string>;
  /**
   * Mount a Kubernetes API token: only a service that calls the Kubernetes API needs it. IRSA does not:
   * the pod identity webhook projects its own AWS token (amazon-eks-pod-identity-webhook v0.6.17
   * pkg/handler/handler.go:347-362).
   * @default false
   */
  readonly automountServiceAccountToken?: boolean;
  /**
   * HPA target of average CPU use, in percent of the request.
   * @default 70
   */
  readonly cpuTargetUtilization?: number;
  /**
   * HPA target of average memory use, in percent of the request. Set high: memory is a safety net
   * against OOM kills, CPU is the scaling signal (a JVM keeps its heap once grown).
   * @default 90
   */
  readonly memoryTargetUtilization?: number;
  /**
   * What the scheduler does when a new pod cannot keep zones within one pod of each other.
   * @default 'DoNotSchedule' - guaranteed spread, so the survivors of an AZ loss are known in advance
   */
  readonly zoneSpread?: ZoneSpreadPolicy;
  /**
   * Seconds the pod keeps serving after it starts terminating, to outlast its removal from the ALB.
   * @default SHUTDOWN.albDeregistrationDelaySeconds + SHUTDOWN.deregistrationMarginSeconds
   */
  readonly drainSeconds?: number;
  /**
   * Give the container a read-only root filesystem (its writable /tmp is an emptyDir either way). Only
   * the FIS drills turn it off: FIS can only follow its EKS pod actions in containers whose root
   * filesystem is writable, and fails every one of them otherwise (FIS User Guide, "EKS Pod actions",
   * Limitations: https://docs.aws.amazon.com/fis/latest/userguide/eks-pod-actions.html).
   * @default true
   */
  readonly readOnlyRootFilesystem?: boolean;
  /**
   * Seconds pods stay bound to a node that stopped answering (NotReady or unreachable) before they are
   * evicted and rescheduled elsewhere. Kubernetes' default is 300 s: five minutes of lost capacity per
   * lost node or zone for a stateless service that can simply start elsewhere.
   * @default 30
   */
  readonly nodeLossToleranceSeconds?: number;
}

/** How fast the HPA reacts: scale up within one 15 s sync period, scale down slowly. */
export const SCALING = {
  syncPeriodSeconds: 15,
  scaleUpPercent: 100,
  scaleUpPods: 4,
  scaleDownStabilizationSeconds: 300,
  scaleDownPercent: 10,
  scaleDownPeriodSeconds: 60,
} as const;

/**
 * The Argo CD sync wave of the ScaledObjects, after the Deployments' (0) within the apps Application.
 * KEDA's admission webhook reads the target Deployment from its informer cache to check the requests of
 * a cpu or memory trigger, and denies the ScaledObject when it is not there (kedacore/keda v2.20.1
 * apis/keda/v1alpha1/scaledobject_webhook.go:441-470, getFromCacheOrDirect: no direct read unless
 * --cache-miss-to-direct-client). Within one wave Argo CD applies kind after kind, custom resources last
 * (argo-cd v3.4.4 gitops-engine/pkg/sync/sync_tasks.go kindOrder, sync_context.go runTasks), which
 * leaves only the cache's delay; a later wave starts once the Deployments are Healthy, i.e. long in the
 * cache, and the ScaledObject meets pods that already report metrics. The Applications' retry covers
 * the rest (charts/gitops.ts).
 */
export const SCALED_OBJECT_SYNC_WAVE = 1;

/** KEDA annotations the ScaledObjects carry (kedacore/keda v2.20.1 apis/keda/v1alpha1/scaledobject_types.go:54-61). */
export const KEDA_ANNOTATIONS = {
  transferHpaOwnership: 'scaledobject.keda.sh/transfer-hpa-ownership',
  hpaExcludedLabels: 'scaledobject.keda.sh/hpa-excluded-labels',
} as const;

/**
 * The part of KEDA's ScaledObject (keda.sh/v1alpha1) the services use, typed here because cdk8s has no
 * KEDA API: fields as in kedacore/keda v2.20.1 apis/keda/v1alpha1/scaledobject_types.go:100-170 and
 * scaletriggers_types.go, checked against its CRD by the strict validation of the rendered manifests.
 */
export interface ScaledObjectSpec {
  readonly scaleTargetRef: { readonly apiVersion: string; readonly kind: string; readonly name: string };
  readonly minReplicaCount: number;
  readonly maxReplicaCount: number;
  readonly advanced: {
    readonly horizontalPodAutoscalerConfig: { readonly name: string; readonly behavior: kplus.k8s.HorizontalPodAutoscalerBehaviorV2 };
  };
  readonly triggers: ScaledObjectTrigger[];
}

/** A trigger: cpu and memory name a utilization target, cron a window and its replicas (metadata values are strings). */
export type ScaledObjectTrigger =
  | { readonly type: 'cpu' | 'memory'; readonly metricType: 'Utilization'; readonly metadata: { readonly value: string } }
  | {
      readonly type: 'cron';
      readonly name: string;
      readonly metadata: { readonly timezone: string; readonly start: string; readonly end: string; readonly desiredReplicas: string };
    };

/**
 * A stateless service that keeps serving through the loss of a pod, a node or an Availability Zone:
 * Deployment (replicas owned by the HPA), Service, ScaledObject (the HPA: CPU, memory and scheduled
 * floors), PodDisruptionBudget, zone spread plus hostname
 * anti-affinity, probes, graceful shutdown, restricted security context, its own ServiceAccount and
 * NetworkPolicy (ingress and egress denied unless allowed through `allowFrom` / `allowTo`).
 */
export class HighlyAvailableService extends Construct {
  readonly deployment: kplus.Deployment;
  readonly service: kplus.Service;
  readonly serviceAccount: kplus.ServiceAccount;
  /** The KEDA ScaledObject, from which KEDA makes (and keeps) the HPA of the same name. */
  readonly autoscaler: ApiObject;
  readonly disruptionBudget: kplus.k8s.KubePodDisruptionBudget;
  readonly networkPolicy: kplus.NetworkPolicy;
  /** Labels that select exactly this service's pods (stable across versions). */
  readonly selectorLabels: Record<string, string>;
  /** This service's pods, as a selector and a NetworkPolicy peer. */
  readonly pods: kplus.Pods;
  readonly name: string;
  /** Port the pods serve on (what `allowTo` opens). */
  readonly port: number;

  constructor(scope: Construct, id: string, props: HighlyAvailableServiceProps) {
    super(scope, id);
    if (props.minReplicas < 2) throw new Error(`service ${props.name}: minReplicas ${props.minReplicas} must be at least 2`);
    if (props.maxReplicas <= props.minReplicas) {
      throw new Error(`service ${props.name}: maxReplicas ${props.maxReplicas} must be greater than minReplicas ${props.minReplicas}`);
    }
    this.name = props.name;
    this.port = props.port ?? PORTS.container;
    const uid = props.runAsUser ?? RUN_AS_USER;
    const healthPort = props.health.port ?? this.port;
    this.selectorLabels = { [LABELS.name]: props.name, [LABELS.instance]: props.instance };
    const labels = { ...this.selectorLabels, [LABELS.component]: props.component, [LABELS.version]: props.version };
    this.pods = kplus.Pods.select(this, 'Pods', { labels: this.selectorLabels });
    const drainSeconds = props.drainSeconds ?? SHUTDOWN.albDeregistrationDelaySeconds + SHUTDOWN.deregistrationMarginSeconds;

    this.serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', {
      metadata: { name: props.name, annotations: props.serviceAccountAnnotations },
      automountToken: props.automountServiceAccountToken ?? false,
    });

    this.deployment = new kplus.Deployment(this, 'Deployment', {
      metadata: { name: props.name },
      // Our own selector (name + instance) instead of cdk8s' generated one, so the HPA, PDB, spread
      // and NetworkPolicies select the same pods and kubectl users can read it.
      select: false,
      podMetadata: { labels: { ...Chart.of(this).labels, ...labels }, annotations: props.podAnnotations },
      serviceAccount: this.serviceAccount,
      automountServiceAccountToken: props.automountServiceAccountToken ?? false,
      // Keep full capacity during a rollout: add a pod before removing one.
      strategy: kplus.DeploymentStrategy.rollingUpdate({
        maxSurge: kplus.PercentOrAbsolute.percent(25),
        maxUnavailable: kplus.PercentOrAbsolute.absolute(0),
      }),
      minReady: Duration.seconds(5),
      terminationGracePeriod: Duration.seconds(drainSeconds + SHUTDOWN.appShutdownSeconds),
      securityContext: {
        ensureNonRoot: true,
        user: uid,
        group: uid,
        fsGroup: uid,
      },
    });
    this.deployment.select(kplus.LabelSelector.of({ labels: this.selectorLabels }));

    const container = this.deployment.addContainer({
      name: props.name,
      image: props.image,
      // Pinned tags never change: a node that has the image starts pods even when the registry is down.
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      args: props.args,
      ports: [{ number: this.port, name: HTTP_PORT_NAME }],
      // CPU: a request and no limit, on purpose. The EKS best-practices guide advises against CPU limits:
      // CFS throttling stalls JVM start-up and tail latency while the node has idle cores. Requests
      // already guarantee each pod its share. Memory: a limit, because memory is not compressible and an
      // unbounded pod would get its neighbours OOM-killed.
      resources: {
        cpu: { request: kplus.Cpu.millis(cpuMillis(props.resources.cpu)) },
        memory: {
          request: Size.mebibytes(memoryMebibytes(props.resources.memory)),
          limit: Size.mebibytes(memoryMebibytes(props.resources.memoryLimit)),
        },
      },
      securityContext: {
        ensureNonRoot: true,
        user: uid,
        group: uid,
        readOnlyRootFilesystem: props.readOnlyRootFilesystem ?? true,
        allowPrivilegeEscalation: false,
        privileged: false,
        capabilities: { drop: [kplus.Capability.ALL] },
        seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
      },
      readiness: kplus.Probe.fromHttpGet(props.health.readinessPath, {
        port: healthPort,
        periodSeconds: Duration.seconds(5),
        timeoutSeconds: Duration.seconds(2),
        failureThreshold: 3,
        successThreshold: 1,
      }),
      // Liveness restarts a wedged process; it is slower than readiness and never checks backends, so a
      // database outage does not turn into a restart storm.
      liveness: props.health.livenessPath
        ? kplus.Probe.fromHttpGet(props.health.livenessPath, {
            port: healthPort,
            periodSeconds: Duration.seconds(10),
            timeoutSeconds: Duration.seconds(3),
            failureThreshold: 6,
          })
        : kplus.Probe.fromTcpSocket({
            port: this.port,
            periodSeconds: Duration.seconds(10),
            timeoutSeconds: Duration.seconds(3),
            failureThreshold: 6,
          }),
      // Up to 5 s x 36 = 3 min to boot before liveness takes over.
      startup: props.health.slowStart
        ? kplus.Probe.fromHttpGet(props.health.livenessPath ?? props.health.readinessPath, {
            port: healthPort,
            periodSeconds: Duration.seconds(5),
            timeoutSeconds: Duration.seconds(2),
            failureThreshold: 36,
          })
        : undefined,
    });
    for (const v of props.env ?? []) container.env.addVariable(v.name, this.envValue(v));
    // The images write to /tmp (JVM, Node); the root filesystem stays read-only (unless a drill needs it).
    container.mount('/tmp', kplus.Volume.fromEmptyDir(this, 'Tmp', 'tmp', { sizeLimit: Size.mebibytes(256) }));
    for (const files of props.secretFiles ?? []) {
      const secret = kplus.Secret.fromSecretName(this, `Files-${files.secretName}`, files.secretName);
      container.mount(files.mountPath, kplus.Volume.fromSecret(this, `Volume-${files.secretName}`, secret, { name: files.secretName, optional: false }), { readOnly: true });
    }
    for (const files of props.configFiles ?? []) {
      const configMap = kplus.ConfigMap.fromConfigMapName(this, `Files-${files.configMapName}`, files.configMapName);
      container.mount(files.mountPath, kplus.Volume.fromConfigMap(this, `Volume-${files.configMapName}`, configMap, { name: files.configMapName, optional: false }), { readOnly: true });
    }

    const evictAfter = Duration.seconds(props.nodeLossToleranceSeconds ?? 30);
    this.deployment.scheduling.tolerate(
      new kplus.TaintedNode([
        kplus.NodeTaintQuery.exists(WELL_KNOWN.taintNotReady, { effect: kplus.TaintEffect.NO_EXECUTE, evictAfter }),
        kplus.NodeTaintQuery.exists(WELL_KNOWN.taintUnreachable, { effect: kplus.TaintEffect.NO_EXECUTE, evictAfter }),
      ]),
    );

    // Preferred, not required: a required rule would leave pods pending once replicas exceed nodes.
    this.deployment.scheduling.separate(this.pods, { topology: kplus.Topology.HOSTNAME, weight: 100 });

    const deploymentObject = ApiObject.of(this.deployment);
    // cdk8s-plus-28 has no topology spread constraints (its `spread` makes anti-affinity): JSON patch.
    // maxSkew 1 over zones. When a zone is lost its nodes go NotReady and are tainted unreachable;
    // nodeTaintsPolicy Honor drops them from the skew calculation, so replacement pods are spread over
    // the surviving zones instead of waiting for the lost one.
    deploymentObject.addJsonPatch(
      JsonPatch.add('/spec/template/spec/topologySpreadConstraints', [
        {
          topologyKey: WELL_KNOWN.zone,
          maxSkew: 1,
          whenUnsatisfiable: props.zoneSpread ?? 'DoNotSchedule',
          nodeTaintsPolicy: 'Honor',
          labelSelector: { matchLabels: this.selectorLabels },
          matchLabelKeys: ['pod-template-hash'],
        },
      ]),
    );
    deploymentObject.addJsonPatch(
      // Everything selects pods by name + instance; cdk8s-plus' generated address label is unused.
      JsonPatch.remove(`/spec/template/metadata/labels/${kplus.Pod.ADDRESS_LABEL.replace('/', '~1')}`),
      // Service links would put every Service of the namespace into the environment; nothing reads them.
      JsonPatch.add('/spec/template/spec/enableServiceLinks', false),
    );
    // cdk8s-plus-28 lacks the lifecycle `sleep` action (Kubernetes 1.29+), which needs no shell or sleep
    // binary in the image; its typed renderer drops fields it does not know, so patch after it.
    addPatchAfterTypedRender(
      deploymentObject,
      JsonPatch.add('/spec/template/spec/containers/0/lifecycle', { preStop: { sleep: { seconds: drainSeconds } } }),
    );

    this.service = new kplus.Service(this, 'Service', {
      metadata: { name: props.name },
      selector: this.pods,
      ports: [{ name: HTTP_PORT_NAME, port: props.servicePort ?? PORTS.service, targetPort: this.port, protocol: kplus.Protocol.TCP }],
    });

    // The HPA KEDA makes owns the replicas: no spec.replicas (cdk8s-plus renders 2 unless told).
    this.deployment.markHasAutoscaler();
    this.autoscaler = new ApiObject(this, 'Autoscaler', {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: {
        name: props.name,
        annotations: {
          // The HPA of the same name that earlier renders created is adopted, not refused: KEDA's webhook
          // denies a ScaledObject whose target another HPA scales unless this annotation names it through
          // advanced.horizontalPodAutoscalerConfig.name (kedacore/keda v2.20.1 scaledobject_webhook.go:
          // 297-311); the controller then rewrites that HPA with itself as controlling owner
          // (controllers/keda/hpa.go:164-190, updateHPAIfNeeded 195-240), after which Argo CD no longer
          // counts it among the app's resources (argo-cd v3.4.4 gitops-engine/pkg/cache/cluster.go:1469:
          // only objects without ownerReferences), so the HPA that left git is not pruned.
          [KEDA_ANNOTATIONS.transferHpaOwnership]: 'true',
          // KEDA copies the ScaledObject's labels onto the HPA, its own managed-by included (hpa.go:138-159):
          // the HPA says keda-operator manages it, not cdk8s.
          [KEDA_ANNOTATIONS.hpaExcludedLabels]: LABELS.managedBy,
          'argocd.argoproj.io/sync-wave': String(SCALED_OBJECT_SYNC_WAVE),
        },
      },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: ApiObject.of(this.deployment).name },
        minReplicaCount: props.minReplicas,
        maxReplicaCount: props.maxReplicas,
        advanced: {
          // The HPA keeps the name it had before KEDA (the service's): dashboards, alarms and runbooks name it.
          horizontalPodAutoscalerConfig: { name: props.name, behavior: hpaBehavior() },
        },
        // No fallback: KEDA allows it only beside a trigger that is not cpu or memory, and cron needs none.
        triggers: [
          // `metricType` is required: leaving it out is an error since the `type` metadata was removed in
          // v2.18 (pkg/scalers/cpu_memory_scaler.go:60-76).
          { type: 'cpu', metricType: 'Utilization', metadata: { value: String(props.cpuTargetUtilization ?? DEFAULT_HPA_TARGETS.cpu) } },
          { type: 'memory', metricType: 'Utilization', metadata: { value: String(props.memoryTargetUtilization ?? DEFAULT_HPA_TARGETS.memory) } },
          // Inside its window a cron trigger's metric is desiredReplicas against an average target of 1,
          // so the HPA asks for that many pods; outside it, 0 (pkg/scalers/cron_scaler.go:111-151). The
          // HPA takes the largest count any metric asks for: a floor, with CPU and memory above it.
          ...(props.schedules ?? []).map((f) => ({
            type: 'cron' as const,
            name: f.name,
            metadata: { timezone: f.timezone, start: f.start, end: f.end, desiredReplicas: String(f.replicas) },
          })),
        ],
      } satisfies ScaledObjectSpec,
    });

    // cdk8s-plus-28 has no PodDisruptionBudget construct: low-level import. maxUnavailable 1 with at
    // least 2 replicas always allows one eviction (a drain makes progress) and never all of them;
    // AlwaysAllow lets a drain evict pods that are not ready anyway instead of blocking on them.
    this.disruptionBudget = new kplus.k8s.KubePodDisruptionBudget(this, 'DisruptionBudget', {
      metadata: { name: props.name },
      spec: {
        maxUnavailable: kplus.k8s.IntOrString.fromNumber(1),
        selector: { matchLabels: this.selectorLabels },
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      },
    });

    this.networkPolicy = new kplus.NetworkPolicy(this, 'NetworkPolicy', {
      metadata: { name: props.name },
      selector: this.pods,
      ingress: { default: kplus.NetworkPolicyTrafficDefault.DENY },
      egress: { default: kplus.NetworkPolicyTrafficDefault.DENY },
    });

    applyLabels(this, labels);
  }

  private envValue(v: EnvVar): kplus.EnvValue {
    if ('value' in v) return kplus.EnvValue.fromValue(v.value);
    if ('secret' in v) return kplus.EnvValue.fromSecretValue({ secret: kplus.Secret.fromSecretName(this, `Secret-${v.name}`, v.secret.name), key: v.secret.key });
    return kplus.EnvValue.fromConfigMap(kplus.ConfigMap.fromConfigMapName(this, `ConfigMap-${v.name}`, v.configMap.name), v.configMap.key);
  }

  /** Lets `peer` open connections to this service's pods. */
  allowFrom(peer: kplus.INetworkPolicyPeer, port: number = this.port): void {
    this.networkPolicy.addIngressRule(peer, [kplus.NetworkPolicyPort.tcp(port)]);
  }

  /** Lets this service call `target` on its port (both sides of the connection are opened). */
  allowTo(target: HighlyAvailableService): void {
    this.networkPolicy.addEgressRule(target.pods, [kplus.NetworkPolicyPort.tcp(target.port)]);
    target.allowFrom(this.pods, target.port);
  }

  /** Lets this service open connections to `peer` (e.g. a database subnet or AWS APIs) on `ports`. */
  allowEgress(peer: kplus.INetworkPolicyPeer, ports: number[]): void {
    this.networkPolicy.addEgressRule(peer, ports.map((p) => kplus.NetworkPolicyPort.tcp(p)));
  }
}

/**
 * The HPA behavior: scale up within one 15 s sync period (the larger of +100 % and +4 pods), scale down
 * by at most 10 % a minute after 5 minutes of lower load.
 */
export function hpaBehavior(): kplus.k8s.HorizontalPodAutoscalerBehaviorV2 {
  return {
    scaleUp: {
      stabilizationWindowSeconds: 0,
      selectPolicy: 'Max',
      policies: [
        { type: 'Percent', value: SCALING.scaleUpPercent, periodSeconds: SCALING.syncPeriodSeconds },
        { type: 'Pods', value: SCALING.scaleUpPods, periodSeconds: SCALING.syncPeriodSeconds },
      ],
    },
    scaleDown: {
      stabilizationWindowSeconds: SCALING.scaleDownStabilizationSeconds,
      selectPolicy: 'Min',
      policies: [{ type: 'Percent', value: SCALING.scaleDownPercent, periodSeconds: SCALING.scaleDownPeriodSeconds }],
    },
  };
}
