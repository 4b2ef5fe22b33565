/**
 * Invariants over every rendered object of every region: what Argo CD will apply, checked the way a
 * reviewer (or kube-linter, Polaris, kube-score and the restricted Pod Security Standard) would.
 */
import * as path from 'path';
import { DATA_ENDPOINTS, LABELS, PART_OF, SHUTDOWN } from '../charts/constants';
import { CHART_NAMES, renderManifests } from '../charts/render';
import { SCALED_OBJECT_SYNC_WAVE } from '../charts/constructs/highly-available-service';
import { TRACE_COLLECTOR } from '../charts/telemetry';
import { serviceUrl } from '../charts/workloads';
import { NODE_CLASS_NAME, NODE_POOLS, ZONE_LABEL } from '../config/karpenter';
import { parseConfig } from '../config/load';
import { SERVICE_NAMES } from '../config/schema';
import { committedInput, defaultConfigData, defaultInput, K8sObject, readTree, renderRegion, ROOT, tmpDir } from './helpers';

/** The default environment's data with one region's evacuatedZones set. */
function withEvacuated(region: string, zones: string[]): Record<string, any> {
  const data = defaultConfigData();
  data.regions.find((r: any) => r.name === region).evacuatedZones = zones;
  return data;
}

const input = defaultInput();
const { config } = input;
const rendered = Object.fromEntries(config.regions.map((r) => [r.name, renderRegion(input, r.name)]));

/** Kinds without a namespace: the shop's own Namespace and Karpenter's pools. */
const CLUSTER_SCOPED = ['Namespace', 'NodePool'];

const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

describe.each(config.regions.map((r) => r.name))('region %s', (regionName) => {
  const charts = rendered[regionName];
  const all: K8sObject[] = Object.values(charts).flat();
  const ofKind = (kind: string) => all.filter((o) => o.kind === kind);
  const deployments = ofKind('Deployment');

  test('renders every chart, each non-empty', () => {
    expect(Object.keys(charts).sort()).toEqual([...CHART_NAMES].sort());
    for (const objects of Object.values(charts)) expect(objects.length).toBeGreaterThan(0);
  });

  test('runs the five shop services and the trace collector', () => {
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual([...SERVICE_NAMES, TRACE_COLLECTOR.name].sort());
  });

  test('every object carries the six recommended labels, part of securecart', () => {
    for (const o of all) {
      const labels = o.metadata.labels ?? {};
      for (const key of Object.values(LABELS)) expect({ object: `${o.kind}/${o.metadata.name}`, key, value: labels[key] }).toEqual(expect.objectContaining({ value: expect.any(String) }));
      expect(labels[LABELS.partOf]).toBe(PART_OF);
    }
  });

  test('names are unique per kind and namespaced objects live in the shop namespace', () => {
    const keys = all.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const o of all) {
      if (CLUSTER_SCOPED.includes(o.kind)) expect(o.metadata).not.toHaveProperty('namespace');
      else expect(o.metadata.namespace).toBe(config.namespace);
    }
  });

  describe.each(SERVICE_NAMES)('%s', (name) => {
    const deployment = deployments.find((d) => d.metadata.name === name)!;
    const podLabels = deployment.spec.template.metadata.labels;
    const pod = deployment.spec.template.spec;
    const sizing = config.services[name].regions[regionName];

    test('the Deployment selects its own pods and leaves replicas to exactly one autoscaler, its KEDA ScaledObject', () => {
      expect(matches(deployment.spec.selector.matchLabels, podLabels)).toBe(true);
      expect(deployment.spec).not.toHaveProperty('replicas');
      // No HPA in git: KEDA makes it from the ScaledObject (a second HPA would fight it).
      expect(ofKind('HorizontalPodAutoscaler')).toEqual([]);
      const scalers = ofKind('ScaledObject').filter((h) => h.spec.scaleTargetRef.kind === 'Deployment' && h.spec.scaleTargetRef.name === name);
      expect(scalers).toHaveLength(1);
      const spec = scalers[0].spec;
      expect([spec.minReplicaCount, spec.maxReplicaCount]).toEqual([sizing.minReplicas, sizing.maxReplicas]);
      expect(spec.minReplicaCount).toBeGreaterThanOrEqual(2);
      expect(spec.maxReplicaCount).toBeGreaterThan(spec.minReplicaCount);
      // The HPA keeps the service's name; KEDA adopts the one earlier renders created.
      expect(spec.advanced.horizontalPodAutoscalerConfig.name).toBe(name);
      expect(scalers[0].metadata.annotations).toMatchObject({ 'scaledobject.keda.sh/transfer-hpa-ownership': 'true' });
    });

    test('its ScaledObject is applied after its Deployment, which Argo CD has by then synced and seen Healthy', () => {
      const wave = (o: K8sObject) => Number(o.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0);
      const scaler = ofKind('ScaledObject').find((h) => h.spec.scaleTargetRef.name === name)!;
      expect(wave(scaler)).toBe(SCALED_OBJECT_SYNC_WAVE);
      expect(wave(scaler)).toBeGreaterThan(wave(deployment));
    });

    test('exactly one PDB covers its pods and allows a drain', () => {
      const pdbs = ofKind('PodDisruptionBudget').filter((p) => matches(p.spec.selector.matchLabels, podLabels));
      expect(pdbs).toHaveLength(1);
      expect(pdbs[0].spec.maxUnavailable).toBeGreaterThanOrEqual(1);
      expect(pdbs[0].spec.maxUnavailable).toBeLessThan(sizing.minReplicas);
      expect(pdbs[0].spec.unhealthyPodEvictionPolicy).toBe('AlwaysAllow');
    });

    test('spreads over zones with a selector that matches its pods', () => {
      const zone = pod.topologySpreadConstraints.filter((c: any) => c.topologyKey === 'topology.kubernetes.io/zone');
      expect(zone).toHaveLength(1);
      expect(zone[0].maxSkew).toBe(1);
      expect(matches(zone[0].labelSelector.matchLabels, podLabels)).toBe(true);
      const hostTerms = pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution;
      expect(hostTerms.some((t: any) => t.podAffinityTerm.topologyKey === 'kubernetes.io/hostname' && matches(t.podAffinityTerm.labelSelector.matchLabels, podLabels))).toBe(true);
    });

    test('exactly one Service selects it, and selects nothing else', () => {
      const services = ofKind('Service').filter((s) => matches(s.spec.selector, podLabels));
      expect(services.map((s) => s.metadata.name)).toEqual([name]);
      for (const other of deployments.filter((d) => d !== deployment)) {
        expect(matches(services[0].spec.selector, other.spec.template.metadata.labels)).toBe(false);
      }
    });

    test('containers are probed, sized and locked down', () => {
      for (const c of pod.containers) {
        expect(c.readinessProbe).toBeDefined();
        expect(c.livenessProbe).toBeDefined();
        expect(c.livenessProbe).not.toEqual(c.readinessProbe);
        expect(c.resources.requests.cpu).toBeDefined();
        expect(c.resources.requests.memory).toBeDefined();
        expect(c.resources.limits.memory).toBeDefined();
        expect(c.image).toMatch(/(:[\w][\w.-]*|@sha256:[a-f0-9]{64})$/);
        expect(c.image).not.toMatch(/:latest$/);
        expect(c.securityContext).toMatchObject({
          runAsNonRoot: true,
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        });
        expect(c.lifecycle.preStop.sleep.seconds).toBeLessThan(pod.terminationGracePeriodSeconds);
      }
      expect(pod.hostNetwork).toBe(false);
      expect(pod).not.toHaveProperty('hostPID');
      expect(pod).not.toHaveProperty('hostIPC');
      expect(JSON.stringify(pod.volumes)).not.toContain('hostPath');
    });

    test('drains for as long as its callers need: the ALB for ui, kube-proxy for the others', () => {
      const drain = pod.containers[0].lifecycle.preStop.sleep.seconds;
      expect(drain).toBe(name === 'ui' ? SHUTDOWN.albDeregistrationDelaySeconds + SHUTDOWN.deregistrationMarginSeconds : SHUTDOWN.inClusterDrainSeconds);
      expect(pod.terminationGracePeriodSeconds).toBe(drain + SHUTDOWN.appShutdownSeconds);
    });

    test('every $(VAR) in its environment refers to a variable defined before it', () => {
      for (const c of pod.containers) {
        const seen: string[] = [];
        for (const e of c.env ?? []) {
          for (const [, ref] of (e.value ?? '').matchAll(/\$\(([A-Z0-9_]+)\)/g)) expect({ variable: e.name, uses: ref, defined: seen.includes(ref) }).toEqual({ variable: e.name, uses: ref, defined: true });
          seen.push(e.name);
        }
      }
    });

    test('no credential appears as a literal in its environment', () => {
      for (const c of pod.containers) {
        for (const e of c.env ?? []) {
          if (/PASSWORD|TOKEN|SECRET|_USER(NAME)?$/.test(e.name)) {
            expect({ name: e.name, ref: e.valueFrom?.secretKeyRef?.name }).toEqual({ name: e.name, ref: expect.any(String) });
          }
          if ('value' in e) expect(e.value).not.toMatch(/:\/\/[^:/@]*:[^$@][^@]*@/); // user:password@ in a URL
        }
      }
    });

    test('is covered by the namespace default-deny and its own NetworkPolicy', () => {
      const policies = ofKind('NetworkPolicy');
      const defaultDeny = policies.find((p) => p.metadata.name === 'default-deny')!;
      expect(defaultDeny.spec).toEqual({ podSelector: {}, policyTypes: ['Egress', 'Ingress'] });
      const own = policies.filter((p) => p.spec.podSelector.matchLabels && matches(p.spec.podSelector.matchLabels, podLabels));
      expect(own).toHaveLength(1);
    });
  });

  test('the shop namespace enforces the restricted profile and gets ALB readiness gates', () => {
    const ns = rendered[regionName].platform.find((o) => o.kind === 'Namespace')!;
    expect(ns.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
      // aws-load-balancer-controller v3.4.0: the pod mutating webhook (mpod.elbv2.k8s.aws) selects
      // namespaces by this label (helm chart templates/webhook.yaml namespaceSelector; docs/deploy/pod_readiness_gate.md).
      'elbv2.k8s.aws/pod-readiness-gate-inject': 'enabled',
    });
  });

  test('NetworkPolicies open exactly the call graph', () => {
    const out = input.outputs.regions[regionName];
    const policy = (name: string) => ofKind('NetworkPolicy').find((p) => p.metadata.name === name)!;
    /** Every (peer, port) a policy allows, peers named by service or CIDR. */
    const rules = (name: string, direction: 'ingress' | 'egress') =>
      (policy(name).spec[direction] ?? [])
        .flatMap((r: any) =>
          (direction === 'ingress' ? r.from : r.to).flatMap((peer: any) =>
            r.ports.map((p: any) => `${peer.podSelector?.matchLabels?.[LABELS.name] ?? peer.ipBlock?.cidr}:${p.port}/${p.protocol}`),
          ),
        )
        .sort();
    const cidrs = (list: string, port: number) => list.split(',').map((c) => `${c}:${port}/TCP`).sort();
    // Every service also sends its spans to the trace collector (tracing is on by default).
    const traces = 'trace-collector:4318/TCP';

    expect(rules('ui', 'ingress')).toEqual(cidrs(out.publicSubnetCidrs, 8080));
    expect(rules('ui', 'egress')).toEqual(['carts:8080/TCP', 'catalog:8080/TCP', 'checkout:8080/TCP', 'orders:8080/TCP', traces]);
    expect(rules('catalog', 'ingress')).toEqual(['ui:8080/TCP']);
    expect(rules('catalog', 'egress')).toEqual([...cidrs(out.dataSubnetCidrs, 3306), traces].sort());
    expect(rules('carts', 'ingress')).toEqual(['ui:8080/TCP']);
    expect(rules('carts', 'egress')).toEqual(['0.0.0.0/0:443/TCP', traces]);
    expect(rules('orders', 'ingress')).toEqual(['checkout:8080/TCP', 'ui:8080/TCP']);
    expect(rules('orders', 'egress')).toEqual([...cidrs(out.dataSubnetCidrs, 5432), traces].sort());
    expect(rules('checkout', 'ingress')).toEqual(['ui:8080/TCP']);
    // checkout also reaches the payment provider's PrivateLink endpoint (network.partners, port 443), in the endpoint subnets.
    expect(rules('checkout', 'egress')).toEqual([...cidrs(out.dataSubnetCidrs, 6379), ...cidrs(out.network!.endpointSubnetCidrs, 443), 'orders:8080/TCP', traces].sort());
    expect(rules('trace-collector', 'ingress')).toEqual([...SERVICE_NAMES].sort().map((s) => `${s}:4318/TCP`));
    // X-Ray and STS through their interface endpoints only (charts/aws-api-egress.ts).
    expect(rules('trace-collector', 'egress')).toEqual(cidrs(out.network!.endpointSubnetCidrs, 443));

    const dns = policy('allow-dns').spec;
    expect(dns.podSelector).toEqual({});
    expect(dns.policyTypes).toEqual(['Egress']);
    expect(dns.egress).toEqual([
      {
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [
          { port: 53, protocol: 'UDP' },
          { port: 53, protocol: 'TCP' },
        ],
      },
    ]);
  });

  test('workloads are wired to their real backends from the outputs file', () => {
    const out = input.outputs.regions[regionName];
    const envOf = (name: string) => {
      const c = deployments.find((d) => d.metadata.name === name)!.spec.template.spec.containers[0];
      return Object.fromEntries(c.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    };
    expect(envOf('ui')).toMatchObject({
      RETAIL_UI_ENDPOINTS_CATALOG: serviceUrl('catalog', config.namespace),
      RETAIL_UI_ENDPOINTS_CARTS: serviceUrl('carts', config.namespace),
      RETAIL_UI_ENDPOINTS_ORDERS: serviceUrl('orders', config.namespace),
      RETAIL_UI_ENDPOINTS_CHECKOUT: serviceUrl('checkout', config.namespace),
    });
    const fromEndpoints = (key: string) => ({ configMapKeyRef: { name: DATA_ENDPOINTS.configMap, key } });
    // The databases through the region's own cluster endpoints, in either role (data.rdsProxy off, though
    // the example outputs name proxies: test/data-access.test.ts covers the proxies turned on).
    expect(envOf('catalog')).toMatchObject({
      RETAIL_CATALOG_PERSISTENCE_PROVIDER: 'mysql',
      CATALOG_DB_HOST: fromEndpoints(DATA_ENDPOINTS.catalogDbHost),
      RETAIL_CATALOG_PERSISTENCE_ENDPOINT: '$(CATALOG_DB_HOST):3306',
      // The database the cluster creates, with verified TLS for its driver (test/catalog-dsn.test.ts).
      RETAIL_CATALOG_PERSISTENCE_DB_NAME: 'catalog?tls=true&timeout=5s&interpolateParams=true&connectionAttributes=',
      RETAIL_CATALOG_PERSISTENCE_PASSWORD: { secretKeyRef: { name: out.catalogDbSecretName, key: 'password' } },
    });
    expect(envOf('orders')).toMatchObject({
      RETAIL_ORDERS_PERSISTENCE_PROVIDER: 'postgres',
      ORDERS_DB_HOST: fromEndpoints(DATA_ENDPOINTS.ordersDbHost),
      RETAIL_ORDERS_PERSISTENCE_ENDPOINT: '$(ORDERS_DB_HOST):5432',
      RETAIL_ORDERS_PERSISTENCE_PASSWORD: { secretKeyRef: { name: out.ordersDbSecretName, key: 'password' } },
    });
    expect(envOf('carts')).toMatchObject({
      RETAIL_CART_PERSISTENCE_PROVIDER: 'dynamodb',
      RETAIL_CART_PERSISTENCE_DYNAMODB_TABLE_NAME: input.outputs.global.cartsTableName,
      RETAIL_CART_PERSISTENCE_DYNAMODB_CREATE_TABLE: 'false',
      AWS_REGION: regionName,
    });
    const checkout = envOf('checkout');
    expect(checkout.CHECKOUT_REDIS_HOST).toEqual(fromEndpoints(DATA_ENDPOINTS.redisHost));
    expect(checkout.RETAIL_CHECKOUT_PERSISTENCE_REDIS_URL).toBe('rediss://:$(RETAIL_CHECKOUT_REDIS_AUTH_TOKEN)@$(CHECKOUT_REDIS_HOST):6379');
    expect(checkout.RETAIL_CHECKOUT_ENDPOINTS_ORDERS).toBe(serviceUrl('orders', config.namespace));
    const carts = ofKind('ServiceAccount').find((s) => s.metadata.name === 'carts')!;
    // Regional STS (the interface endpoint): amazon-eks-pod-identity-webhook v0.6.17 pkg/cache/cache.go:238-244.
    expect(carts.metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': out.cartsRoleArn, 'eks.amazonaws.com/sts-regional-endpoints': 'true' });
    // No Kubernetes API token: IRSA's own projected token does not depend on it (amazon-eks-pod-identity-webhook
    // v0.6.17 pkg/handler/handler.go:347-362 adds the aws-iam-token volume for the role annotation alone).
    expect(carts.automountServiceAccountToken).toBe(false);
    const cartsPod = ofKind('Deployment').find((d) => d.metadata.name === 'carts')!.spec.template.spec;
    expect(cartsPod.automountServiceAccountToken).toBe(false);
    expect(cartsPod.serviceAccountName).toBe('carts');
  });
});

describe.each(config.regions.map((r) => r.name))('Karpenter capacity in %s', (regionName) => {
  const pools = rendered[regionName].platform.filter((o) => o.kind === 'NodePool');
  const pool = (name: string) => pools.find((o) => o.metadata.name === name)!;
  const req = (p: K8sObject, key: string) => p.spec.template.spec.requirements.find((r: any) => r.key === key);
  const zones = config.regions.find((r) => r.name === regionName)!.availabilityZones;

  test('both pools are rendered here, on the cluster app’s node class, over every AZ of the region', () => {
    expect(pools.map((p) => p.metadata.name).sort()).toEqual([NODE_POOLS.baseline.name, NODE_POOLS.spotBurst.name].sort());
    for (const p of pools) {
      expect(req(p, ZONE_LABEL)).toEqual({ key: ZONE_LABEL, operator: 'In', values: zones });
      expect(p.spec.template.spec.nodeClassRef).toEqual({ group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: NODE_CLASS_NAME });
    }
  });

  test('on-demand baseline first, capped, with consolidation budgets and a peak-hour freeze', () => {
    const p = pool(NODE_POOLS.baseline.name);
    expect(req(p, 'karpenter.sh/capacity-type').values).toEqual(['on-demand']);
    expect(p.spec.limits.cpu).toBe(config.cluster.karpenterCpuLimit);
    expect(p.spec.weight).toBe(NODE_POOLS.baseline.weight);
    expect(p.spec.disruption.budgets).toEqual([{ nodes: '10%' }, { nodes: '0', schedule: '0 17 * * *', duration: '4h' }]);
  });

  test('spot only for bursts: capped and weighted below the baseline', () => {
    const p = pool(NODE_POOLS.spotBurst.name);
    expect(req(p, 'karpenter.sh/capacity-type').values).toEqual(['spot']);
    expect(p.spec.limits.cpu).toBe(config.cluster.spotBurstCpuLimit);
    expect(p.spec.weight).toBeLessThan(pool(NODE_POOLS.baseline.name).spec.weight);
  });
});

describe('evacuating an impaired zone (regions[].evacuatedZones)', () => {
  const [east] = config.regions;
  const lost = east.availabilityZones[1];
  const evacuated = defaultInput(parseConfig(withEvacuated(east.name, [lost])));
  const after = renderRegion(evacuated, east.name);
  const before = rendered[east.name];

  test('takes the zone out of every NodePool, and only out of the zone requirement', () => {
    // Karpenter adds every value of a NodePool zone `In` requirement as a topology domain
    // (kubernetes-sigs/karpenter v1.14.1 pkg/controllers/provisioning/scheduling/topology.go:129-140):
    // a single pool that keeps the zone keeps the dead-zone trap (resilience/zone-loss.ts).
    const pools = after.platform.filter((o) => o.kind === 'NodePool');
    expect(pools).toHaveLength(2);
    for (const p of pools) {
      const zoneReq = p.spec.template.spec.requirements.find((r: any) => r.key === ZONE_LABEL);
      expect(zoneReq.values).toEqual(east.availabilityZones.filter((z) => z !== lost));
      const strip = (o: K8sObject) => ({ ...o.spec, template: { spec: { ...o.spec.template.spec, requirements: o.spec.template.spec.requirements.filter((r: any) => r.key !== ZONE_LABEL) } } });
      expect(strip(p)).toEqual(strip(before.platform.find((o) => o.metadata.name === p.metadata.name)!));
    }
  });

  test('changes nothing else: not the workloads (no rollout), not the data tier, not the edge, not the other region', () => {
    for (const chart of CHART_NAMES.filter((c) => c !== 'platform')) expect(after[chart]).toEqual(before[chart]);
    expect(after.platform.filter((o) => o.kind !== 'NodePool')).toEqual(before.platform.filter((o) => o.kind !== 'NodePool'));
    expect(renderRegion(evacuated, config.regions[1].name)).toEqual(rendered[config.regions[1].name]);
  });

  test('refuses a zone the region does not use, a duplicate, or every zone, naming the field', () => {
    expect(() => parseConfig(withEvacuated(east.name, ['us-east-1f']))).toThrow(/regions\.0\.evacuatedZones\.0: "us-east-1f" is not one of the region's zones/);
    expect(() => parseConfig(withEvacuated(east.name, [lost, lost]))).toThrow(/regions\.0\.evacuatedZones\.1: .* is listed twice/);
    expect(() => parseConfig(withEvacuated(east.name, east.availabilityZones))).toThrow(/regions\.0\.evacuatedZones: evacuates every zone of us-east-1/);
  });
});

describe('across regions', () => {
  test('the warm standby runs the same floors and ceilings: either region may be active after a Region switch', () => {
    const [primary, standby] = config.regions.map((r) => r.name);
    const hpa = (region: string, name: string) => Object.values(rendered[region]).flat().find((o) => o.kind === 'ScaledObject' && o.metadata.name === name)!;
    for (const name of SERVICE_NAMES) {
      expect(hpa(standby, name).spec.minReplicaCount).toBe(hpa(primary, name).spec.minReplicaCount);
      expect(hpa(standby, name).spec.maxReplicaCount).toBe(hpa(primary, name).spec.maxReplicaCount);
    }
  });
});

describe('rendered files', () => {
  test('the committed manifests/ and argocd/ equal a fresh render (run `npm run synth` after changing charts or config)', () => {
    const fresh = tmpDir('fresh-');
    renderManifests(committedInput(), path.join(fresh, 'manifests'), path.join(fresh, 'argocd'));
    expect(readTree(path.join(ROOT, 'manifests'))).toEqual(readTree(path.join(fresh, 'manifests')));
    expect(readTree(path.join(ROOT, 'argocd'))).toEqual(readTree(path.join(fresh, 'argocd')));
  });

  test('rendering twice gives byte-identical files', () => {
    const a = path.join(tmpDir('det-a-'), 'm');
    const b = path.join(tmpDir('det-b-'), 'm');
    renderManifests(input, a);
    renderManifests(input, b);
    const treeA = readTree(a);
    expect(Object.keys(treeA)).toEqual(config.regions.flatMap((r) => CHART_NAMES.map((c) => path.join(r.name, `${c}.yaml`))).sort());
    expect(treeA).toEqual(readTree(b));
  });
});
