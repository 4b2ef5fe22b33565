import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { LABELS, SHUTDOWN } from '../charts/constants';
import { HighlyAvailableService, HighlyAvailableServiceProps, SCALED_OBJECT_SYNC_WAVE, SCALING } from '../charts/constructs/highly-available-service';
import { K8sObject } from './helpers';

const BASE: HighlyAvailableServiceProps = {
  name: 'web',
  instance: 'web-test',
  component: 'frontend',
  image: 'registry.example.com/web:1.0.0',
  version: '1.0.0',
  minReplicas: 3,
  maxReplicas: 9,
  resources: { cpu: '250m', memory: '512Mi', memoryLimit: '1Gi' },
  health: { readinessPath: '/ready', livenessPath: '/alive', slowStart: true },
};

function synth(props: Partial<HighlyAvailableServiceProps> = {}, extra?: (chart: Chart, svc: HighlyAvailableService) => void) {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'shop' });
  const svc = new HighlyAvailableService(chart, 'web', { ...BASE, ...props });
  extra?.(chart, svc);
  const objects = Testing.synth(chart) as K8sObject[];
  const get = (kind: string, name = 'web') => {
    const found = objects.filter((o) => o.kind === kind && o.metadata.name === name);
    expect(found).toHaveLength(1);
    return found[0];
  };
  const deployment = get('Deployment');
  return { objects, get, deployment, pod: deployment.spec.template.spec, container: deployment.spec.template.spec.containers[0] };
}

describe('HighlyAvailableService', () => {
  test('renders one of each object, all named after the service', () => {
    const { objects } = synth();
    expect(objects.map((o) => o.kind).sort()).toEqual(
      ['Deployment', 'ScaledObject', 'NetworkPolicy', 'PodDisruptionBudget', 'Service', 'ServiceAccount'].sort(),
    );
    for (const o of objects) expect(o.metadata.name).toBe('web');
  });

  test('leaves replicas to a KEDA ScaledObject, whose HPA scales between the configured floor and ceiling on CPU and memory', () => {
    const { deployment, get } = synth();
    expect(deployment.spec).not.toHaveProperty('replicas');
    const so = get('ScaledObject');
    expect(so.apiVersion).toBe('keda.sh/v1alpha1');
    expect(so.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' });
    expect([so.spec.minReplicaCount, so.spec.maxReplicaCount]).toEqual([3, 9]);
    // kedacore/keda v2.20.1 pkg/scalers/cpu_memory_scaler.go:60-76: metricType is required (the `type`
    // metadata was removed in v2.18); Utilization takes an integer percentage, as a string.
    expect(so.spec.triggers).toEqual([
      { type: 'cpu', metricType: 'Utilization', metadata: { value: '70' } },
      { type: 'memory', metricType: 'Utilization', metadata: { value: '90' } },
    ]);
    // No fallback: KEDA refuses it unless a trigger is neither cpu nor memory (scaledobject_types.go CheckFallbackValid).
    expect(so.spec).not.toHaveProperty('fallback');
  });

  test('the HPA KEDA makes keeps the service’s name, and the HPA of that name earlier renders created is adopted, not refused', () => {
    const so = synth().get('ScaledObject');
    // kedacore/keda v2.20.1: the HPA is named advanced.horizontalPodAutoscalerConfig.name (controllers/keda/
    // hpa.go:393-403); the webhook admits a ScaledObject whose target another HPA scales only with the
    // transfer annotation and that HPA's name there (apis/keda/v1alpha1/scaledobject_webhook.go:297-311).
    expect(so.spec.advanced.horizontalPodAutoscalerConfig.name).toBe('web');
    expect(so.metadata.annotations!['scaledobject.keda.sh/transfer-hpa-ownership']).toBe('true');
    // KEDA copies the ScaledObject's labels onto the HPA (hpa.go:138-159), but not managed-by: KEDA manages it.
    expect(so.metadata.annotations!['scaledobject.keda.sh/hpa-excluded-labels']).toBe(LABELS.managedBy);
    // Applied after the Deployment, which KEDA's webhook must find in its cache (scaledobject_webhook.go:441-470).
    expect(so.metadata.annotations!['argocd.argoproj.io/sync-wave']).toBe(String(SCALED_OBJECT_SYNC_WAVE));
    expect(synth().deployment.metadata.annotations?.['argocd.argoproj.io/sync-wave']).toBeUndefined();
  });

  test('scales up within one 15 s sync period and down slowly', () => {
    const { behavior } = synth().get('ScaledObject').spec.advanced.horizontalPodAutoscalerConfig;
    expect(behavior.scaleUp.stabilizationWindowSeconds).toBe(0);
    expect(behavior.scaleUp.selectPolicy).toBe('Max');
    for (const p of behavior.scaleUp.policies) expect(p.periodSeconds).toBeLessThanOrEqual(SCALING.syncPeriodSeconds);
    expect(behavior.scaleDown.stabilizationWindowSeconds).toBeGreaterThanOrEqual(300);
    expect(behavior.scaleDown.selectPolicy).toBe('Min');
    expect(behavior.scaleDown.policies).toEqual([{ type: 'Percent', value: 10, periodSeconds: 60 }]);
  });

  test('honours custom HPA targets', () => {
    const so = synth({ cpuTargetUtilization: 55, memoryTargetUtilization: 80 }).get('ScaledObject');
    expect(so.spec.triggers.map((t: any) => t.metadata.value)).toEqual(['55', '80']);
  });

  test('has a PDB that always allows one eviction, never all, and evicts unhealthy pods', () => {
    const { get, deployment } = synth();
    const pdb = get('PodDisruptionBudget');
    expect(pdb.spec.maxUnavailable).toBe(1);
    expect(pdb.spec).not.toHaveProperty('minAvailable');
    expect(pdb.spec.unhealthyPodEvictionPolicy).toBe('AlwaysAllow');
    expect(pdb.spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
  });

  test('spreads pods over zones (maxSkew 1) and prefers distinct nodes', () => {
    const { pod, deployment } = synth();
    const selector = deployment.spec.selector.matchLabels;
    expect(selector).toEqual({ [LABELS.name]: 'web', [LABELS.instance]: 'web-test' });
    expect(pod.topologySpreadConstraints).toEqual([
      {
        topologyKey: 'topology.kubernetes.io/zone',
        maxSkew: 1,
        whenUnsatisfiable: 'DoNotSchedule',
        nodeTaintsPolicy: 'Honor',
        labelSelector: { matchLabels: selector },
        matchLabelKeys: ['pod-template-hash'],
      },
    ]);
    const anti = pod.affinity.podAntiAffinity;
    expect(anti).not.toHaveProperty('requiredDuringSchedulingIgnoredDuringExecution');
    expect(anti.preferredDuringSchedulingIgnoredDuringExecution).toEqual([
      { weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: selector } } },
    ]);
  });

  test('leaves a dead node after 30 s instead of Kubernetes’ 5 minutes', () => {
    const { pod } = synth();
    expect(pod.tolerations).toEqual([
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 },
    ]);
    expect(synth({ nodeLossToleranceSeconds: 90 }).pod.tolerations.map((t: any) => t.tolerationSeconds)).toEqual([90, 90]);
  });

  test('zone spread can be relaxed to ScheduleAnyway', () => {
    expect(synth({ zoneSpread: 'ScheduleAnyway' }).pod.topologySpreadConstraints[0].whenUnsatisfiable).toBe('ScheduleAnyway');
  });

  test('pods carry the selector labels and none of cdk8s-plus’ generated ones', () => {
    const { deployment } = synth();
    const labels = deployment.spec.template.metadata.labels;
    expect(labels).toMatchObject(deployment.spec.selector.matchLabels);
    expect(labels).toMatchObject({ [LABELS.component]: 'frontend', [LABELS.version]: '1.0.0' });
    expect(Object.keys(labels).some((k) => k.startsWith('cdk8s.io'))).toBe(false);
  });

  test('keeps serving through ALB deregistration before it shuts down', () => {
    const { pod, container } = synth();
    const drain = SHUTDOWN.albDeregistrationDelaySeconds + SHUTDOWN.deregistrationMarginSeconds;
    expect(container.lifecycle).toEqual({ preStop: { sleep: { seconds: drain } } });
    expect(drain).toBeGreaterThan(SHUTDOWN.albDeregistrationDelaySeconds);
    expect(pod.terminationGracePeriodSeconds).toBe(drain + SHUTDOWN.appShutdownSeconds);
  });

  test('a custom drain time moves the grace period with it', () => {
    const { pod, container } = synth({ drainSeconds: 10 });
    expect(container.lifecycle.preStop.sleep.seconds).toBe(10);
    expect(pod.terminationGracePeriodSeconds).toBe(10 + SHUTDOWN.appShutdownSeconds);
  });

  test('probes: readiness and liveness differ, startup guards slow starters', () => {
    const { container } = synth();
    expect(container.readinessProbe.httpGet).toMatchObject({ path: '/ready', port: 8080 });
    expect(container.livenessProbe.httpGet).toMatchObject({ path: '/alive', port: 8080 });
    expect(container.livenessProbe.failureThreshold * container.livenessProbe.periodSeconds).toBeGreaterThan(
      container.readinessProbe.failureThreshold * container.readinessProbe.periodSeconds,
    );
    expect(container.startupProbe.httpGet.path).toBe('/alive');
    expect(container.startupProbe.failureThreshold * container.startupProbe.periodSeconds).toBeGreaterThanOrEqual(120);
  });

  test('without a liveness path, liveness checks the port and there is no startup probe', () => {
    const { container } = synth({ health: { readinessPath: '/health' } });
    expect(container.livenessProbe.tcpSocket).toEqual({ port: 8080 });
    expect(container.livenessProbe).not.toHaveProperty('httpGet');
    expect(container).not.toHaveProperty('startupProbe');
  });

  test('requests CPU and memory, limits memory only', () => {
    const { container } = synth();
    expect(container.resources).toEqual({ requests: { cpu: '250m', memory: '512Mi' }, limits: { memory: '1024Mi' } });
  });

  test('runs restricted: non-root uid 1000, read-only root with a writable /tmp, nothing extra', () => {
    const { pod, container } = synth();
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 });
    expect(container.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 1000,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.volumeMounts).toEqual([{ mountPath: '/tmp', name: 'tmp' }]);
    expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '256Mi' } }]);
    expect(pod.hostNetwork).toBe(false);
    expect(pod.enableServiceLinks).toBe(false);
    expect(container.imagePullPolicy).toBe('IfNotPresent');
  });

  test('a writable root filesystem only when asked (FIS pod actions need it), everything else the same', () => {
    const { container } = synth({ readOnlyRootFilesystem: false });
    expect(container.securityContext.readOnlyRootFilesystem).toBe(false);
    const { securityContext, ...rest } = container;
    const { securityContext: defaultContext, ...defaultRest } = synth().container;
    expect({ ...securityContext, readOnlyRootFilesystem: true }).toEqual(defaultContext);
    expect(rest).toEqual(defaultRest);
  });

  test('has its own service account, without a token unless it calls AWS', () => {
    const plain = synth();
    expect(plain.pod.serviceAccountName).toBe('web');
    expect(plain.pod.automountServiceAccountToken).toBe(false);
    expect(plain.get('ServiceAccount').automountServiceAccountToken).toBe(false);

    const irsa = synth({ automountServiceAccountToken: true, serviceAccountAnnotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/x' } });
    expect(irsa.pod.automountServiceAccountToken).toBe(true);
    expect(irsa.get('ServiceAccount').metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/x' });
  });

  test('environment keeps its order and takes secrets by reference', () => {
    const { container } = synth({
      env: [
        { name: 'TOKEN', secret: { name: 'creds', key: 'token' } },
        { name: 'URL', value: 'rediss://:$(TOKEN)@host:6379' },
      ],
    });
    expect(container.env).toEqual([
      { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'creds', key: 'token' } } },
      { name: 'URL', value: 'rediss://:$(TOKEN)@host:6379' },
    ]);
  });

  test('the Service selects exactly the pods, on port 80 to 8080', () => {
    const { get, deployment } = synth();
    const service = get('Service');
    expect(service.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    expect(service.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }]);
  });

  test('denies all traffic until allowed, and allowTo opens both ends of a call', () => {
    let callee!: HighlyAvailableService;
    const { get, objects } = synth({}, (chart, web) => {
      callee = new HighlyAvailableService(chart, 'api', { ...BASE, name: 'api', instance: 'api-test', health: { readinessPath: '/health' } });
      web.allowTo(callee);
      web.allowEgress(kplus.NetworkPolicyIpBlock.ipv4(chart, 'Db', '10.0.0.0/16'), [5432]);
    });
    const webPolicy = get('NetworkPolicy');
    expect(webPolicy.spec.policyTypes.sort()).toEqual(['Egress', 'Ingress']);
    expect(webPolicy.spec).not.toHaveProperty('ingress');
    expect(webPolicy.spec.egress).toEqual([
      { to: [{ podSelector: { matchLabels: { [LABELS.name]: 'api', [LABELS.instance]: 'api-test' } } }], ports: [{ port: 8080, protocol: 'TCP' }] },
      { to: [{ ipBlock: { cidr: '10.0.0.0/16' } }], ports: [{ port: 5432, protocol: 'TCP' }] },
    ]);
    const apiPolicy = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'api')!;
    expect(apiPolicy.spec.ingress).toEqual([
      { from: [{ podSelector: { matchLabels: { [LABELS.name]: 'web', [LABELS.instance]: 'web-test' } } }], ports: [{ port: 8080, protocol: 'TCP' }] },
    ]);
    expect(apiPolicy.spec).not.toHaveProperty('egress');
  });

  test('labels every object with name, instance, component and version', () => {
    for (const o of synth().objects) {
      expect(o.metadata.labels).toMatchObject({ [LABELS.name]: 'web', [LABELS.instance]: 'web-test', [LABELS.component]: 'frontend', [LABELS.version]: '1.0.0' });
    }
  });

  test.each([
    [{ minReplicas: 1 }, /service web: minReplicas 1 must be at least 2/],
    [{ minReplicas: 4, maxReplicas: 4 }, /service web: maxReplicas 4 must be greater than minReplicas 4/],
  ])('refuses unsafe sizing %p', (props, message) => {
    expect(() => synth(props)).toThrow(message);
  });
});
