/**
 * The private network as the charts render it (issue 16): images through the region's ECR pull-through
 * cache, and NetworkPolicies narrowed to the VPC endpoints. The call graph is read from the rendered
 * objects themselves (each container's environment, its ServiceAccount's IRSA role, the collector's
 * exporter, the partners of the config), not from the chart's own list, and then walked through every
 * NetworkPolicy: every flow the shop needs is open, and nothing else is.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { ANY_IPV4, awsApiEgress, partnerEgress } from '../charts/aws-api-egress';
import { LABELS, WELL_KNOWN } from '../charts/constants';
import { ADOT_COLLECTOR } from '../charts/constructs/trace-collector';
import { TRACE_COLLECTOR } from '../charts/telemetry';
import { FIS_POD_LABELS } from '../config/drills';
import { parseConfig } from '../config/load';
import { cacheRegistry, INTERFACE_ENDPOINTS, SHOP_AWS_CALLS, throughCache, UPSTREAM_REGISTRY } from '../config/network';
import { SERVICE_NAMES } from '../config/schema';
import { defaultConfigData, defaultInput, K8sObject, renderRegion, withoutNetwork } from './helpers';
import { canConnect, Endpoint } from './support/network-policy';

const input = defaultInput();
const { config } = input;
const regions = config.regions.map((r) => r.name);
const all = (inp: typeof input, region: string): K8sObject[] => Object.values(renderRegion(inp, region)).flat();
const podSpecs = (objects: K8sObject[]) => objects.filter((o) => o.kind === 'Deployment').map((d) => ({ name: d.metadata.name, spec: d.spec.template.spec, labels: d.spec.template.metadata.labels }));

describe('images through the ECR pull-through cache', () => {
  test('throughCache keeps the upstream path (and tag or digest) under the prefix, and leaves other registries alone', () => {
    const registry = cacheRegistry('111122223333', 'us-east-1', 'ecr-public');
    expect(registry).toBe('111122223333.dkr.ecr.us-east-1.amazonaws.com/ecr-public');
    // AWS's form: <account>.dkr.ecr.<region>.amazonaws.com/<prefix>/<upstream repository path>:<tag>
    // (ECR User Guide, "Pulling an image with a pull through cache rule").
    expect(throughCache('public.ecr.aws/aws-containers/retail-store-sample-ui:1.6.2', registry)).toBe(`${registry}/aws-containers/retail-store-sample-ui:1.6.2`);
    const digest = `public.ecr.aws/a/b@sha256:${'a'.repeat(64)}`;
    expect(throughCache(digest, registry)).toBe(`${registry}/a/b@sha256:${'a'.repeat(64)}`);
    expect(throughCache('ghcr.io/x/y:1', registry)).toBe('ghcr.io/x/y:1');
    expect(throughCache('public.ecr.aws.evil.example/x:1', registry)).toBe('public.ecr.aws.evil.example/x:1');
    expect(throughCache('public.ecr.aws/x:1', undefined)).toBe('public.ecr.aws/x:1');
  });

  test.each(regions)('%s: every container image comes from the region’s own cache, the configured image under the prefix', (region) => {
    const registry = input.outputs.regions[region].network!.imageCacheRegistry!;
    expect(registry).toBe(cacheRegistry(config.accountId, region, config.network.pullThroughCache.prefix));
    const objects = all(input, region);
    const configured = new Map<string, string>([...SERVICE_NAMES.map((s) => [s, config.services[s].image] as [string, string]), [TRACE_COLLECTOR.name, ADOT_COLLECTOR.image]]);
    const pods = podSpecs(objects);
    expect(pods.map((p) => p.name).sort()).toEqual([...configured.keys()].sort());
    for (const pod of pods) {
      for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
        const upstream = configured.get(pod.name)!;
        expect(upstream.startsWith(`${UPSTREAM_REGISTRY}/`)).toBe(true);
        expect({ pod: pod.name, image: c.image }).toEqual({ pod: pod.name, image: `${registry}/${upstream.slice(UPSTREAM_REGISTRY.length + 1)}` });
      }
    }
    // The version label stays the upstream tag.
    expect(pods.find((p) => p.name === 'ui')!.labels[LABELS.version]).toBe(config.services.ui.image.split(':').pop());
  });

  test('public images when the cache is off in the config, or not in the outputs yet (deploy first, then render)', () => {
    const data = defaultConfigData();
    data.network = { ...data.network, pullThroughCache: { enabled: false } };
    const off = { ...input, config: parseConfig(data) };
    const early = { ...input, outputs: withoutNetwork(input.outputs) };
    for (const inp of [off, early]) {
      const images = podSpecs(all(inp, regions[0])).flatMap((p) => p.spec.containers.map((c: any) => c.image));
      expect(images.length).toBeGreaterThan(5);
      for (const image of images) expect(image.startsWith(`${UPSTREAM_REGISTRY}/`)).toBe(true);
    }
  });
});

describe('which AWS calls go where (charts/aws-api-egress.ts)', () => {
  const network = input.outputs.regions[regions[0]].network!;

  test('the catalog names who calls each interface endpoint; the shop’s callers are exactly carts and the trace collector', () => {
    for (const e of INTERFACE_ENDPOINTS) expect(e.callers.length).toBeGreaterThan(0);
    // carts: IRSA (STS) and DynamoDB by its default name, i.e. the gateway endpoint: with an endpoint
    // override the image pins its client to us-west-2 (retail-store-sample-app v1.6.2
    // src/cart/src/main/java/com/amazon/sample/carts/config/DynamoDBConfiguration.java:50-54).
    expect(SHOP_AWS_CALLS.carts).toEqual({ interface: ['sts'], gateway: ['dynamodb'] });
    // The collector: IRSA and the awsxray exporter's PutTraceSegments (aws-otel-collector v0.49.0
    // vendor/.../exporter/awsxrayexporter/awsxray.go:59).
    expect(SHOP_AWS_CALLS['trace-collector']).toEqual({ interface: ['sts', 'xray'], gateway: [] });
  });

  test('the architecture doc lists every interface endpoint of the catalog, and no other', () => {
    const doc = fs.readFileSync(path.join(__dirname, '..', 'docs', 'architecture.md'), 'utf8');
    const section = doc.slice(doc.indexOf('## Private network'), doc.indexOf('\n## ', doc.indexOf('## Private network') + 1));
    const table = section.slice(section.indexOf('| endpoint | called by |'), section.indexOf('\n\n', section.indexOf('| endpoint | called by |')));
    const listed = table.split('\n').slice(2).flatMap((row) => row.split('|')[1].split(',').map((x) => x.trim()));
    expect(listed.sort()).toEqual(INTERFACE_ENDPOINTS.map((e) => e.service).sort());
  });

  test.each(regions)('%s: every IRSA service account asks for the regional STS endpoint (so its AssumeRoleWithWebIdentity reaches the interface endpoint)', (region) => {
    const irsa = all(input, region).filter((o) => o.kind === 'ServiceAccount' && o.metadata.annotations?.[WELL_KNOWN.irsaRoleArn]);
    expect(irsa.map((a) => a.metadata.name).sort()).toEqual(['carts', TRACE_COLLECTOR.name]);
    // aws/amazon-eks-pod-identity-webhook v0.6.17 pkg/cache/cache.go:238-244 reads exactly this key and value.
    for (const a of irsa) expect(a.metadata.annotations![WELL_KNOWN.stsRegionalEndpoints]).toBe('true');
  });

  test('interface endpoints only: the endpoint subnets; a gateway endpoint or no endpoints yet: anywhere on 443, with the reason', () => {
    expect(awsApiEgress('trace-collector', network).cidrs).toEqual(network.endpointSubnetCidrs.split(','));
    expect(awsApiEgress('carts', network)).toEqual({ cidrs: [ANY_IPV4], reason: expect.stringContaining('prefix list') });
    expect(awsApiEgress('trace-collector', undefined)).toEqual({ cidrs: [ANY_IPV4], reason: expect.stringContaining('NAT') });
    expect(partnerEgress('checkout', config.network.partners, network)).toEqual([{ partner: 'payments', cidrs: network.endpointSubnetCidrs.split(','), ports: [443] }]);
    expect(partnerEgress('ui', config.network.partners, network)).toEqual([]);
    expect(partnerEgress('checkout', config.network.partners, undefined)).toEqual([]);
  });
});

/** Where a flow goes: a pod of the namespace, or a class of address outside the cluster. */
type Target = { pod: string } | { place: 'endpoints' | 'internet' | 'data' | 'coredns' | 'apiserver' };
type Flow = { from: string; to: Target; port: number; protocol: 'TCP' | 'UDP'; why: string };

/**
 * The flows of the shop in one region, read from the rendered objects: in-cluster URLs in the
 * environment (resolved through the rendered Services to their target ports), database and Redis hosts
 * with their ports, the IRSA role (STS), carts' DynamoDB provider, the collector's awsxray exporter, the
 * partners' clients, the ALB in front of ui, and DNS for every pod.
 */
function flowsOf(objects: K8sObject[], ns: string): Flow[] {
  const flows: Flow[] = [];
  const services = objects.filter((o) => o.kind === 'Service');
  const accounts = objects.filter((o) => o.kind === 'ServiceAccount');
  for (const pod of podSpecs(objects)) {
    const add = (to: Target, port: number, why: string, protocol: 'TCP' | 'UDP' = 'TCP') => flows.push({ from: pod.name, to, port, protocol, why });
    add({ place: 'coredns' }, 53, 'DNS', 'UDP');
    add({ place: 'coredns' }, 53, 'DNS');
    for (const c of pod.spec.containers) {
      for (const e of c.env ?? []) {
        const value: string = e.value ?? '';
        for (const m of value.matchAll(new RegExp(`https?://([a-z0-9-]+)\\.${ns}\\.svc:(\\d+)`, 'g'))) {
          const svc = services.find((s) => s.metadata.name === m[1]);
          if (!svc) throw new Error(`${pod.name} ${e.name} calls ${m[1]}, which has no Service`);
          const port = svc.spec.ports.find((p: any) => p.port === Number(m[2]));
          add({ pod: m[1] }, port.targetPort, `${e.name}`);
        }
        for (const m of value.matchAll(/\$\(([A-Z_]+_HOST)\):(\d+)/g)) add({ place: 'data' }, Number(m[2]), `${e.name} (${m[1]})`);
        // retail-store-sample-app v1.6.2 DynamoDBConfiguration.java:35-38: the DynamoDB client exists only
        // with retail.cart.persistence.provider=dynamodb.
        if (e.name === 'RETAIL_CART_PERSISTENCE_PROVIDER' && value === 'dynamodb') add({ place: 'internet' }, 443, 'DynamoDB through its gateway endpoint');
      }
    }
    const account = accounts.find((a) => a.metadata.name === pod.spec.serviceAccountName);
    if (account?.metadata.annotations?.[WELL_KNOWN.irsaRoleArn]) add({ place: 'endpoints' }, 443, 'STS (IRSA)');
    if (pod.name === TRACE_COLLECTOR.name) {
      const file = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === TRACE_COLLECTOR.name)!;
      const collector = YAML.parse(Object.values(file.data as Record<string, string>)[0]);
      expect(Object.keys(collector.exporters)).toEqual(['awsxray']);
      add({ place: 'endpoints' }, 443, 'X-Ray');
    }
    for (const p of config.network.partners.filter((x) => x.clients.includes(pod.name))) for (const port of p.ports) add({ place: 'endpoints' }, port, `partner ${p.name}`);
  }
  flows.push({ from: 'alb', to: { pod: 'ui' }, port: 8080, protocol: 'TCP', why: 'ALB IP targets' });
  return flows;
}

describe.each(regions)('NetworkPolicies against the call graph in %s (walked)', (region) => {
  const objects = all(input, region);
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  const ns = config.namespace;
  const out = input.outputs.regions[region];
  const nsLabels = { [WELL_KNOWN.namespaceName]: ns };
  const pods = podSpecs(objects);
  const podIp = (i: number) => `10.${region === regions[0] ? 10 : 20}.64.${i + 10}`;
  const endpoint = (name: string): Endpoint => {
    const i = pods.findIndex((p) => p.name === name);
    return { name, namespace: ns, namespaceLabels: nsLabels, labels: pods[i].labels, ip: podIp(i) };
  };
  const hostIn = (cidrs: string, n: number) => cidrs.split(',')[n % 3].replace(/0\/\d+$/, String(20 + n));
  const places: Record<string, Endpoint[]> = {
    endpoints: [0, 1, 2].map((n) => ({ name: 'an interface endpoint', ip: hostIn(out.network!.endpointSubnetCidrs, n) })),
    data: [0, 1, 2].map((n) => ({ name: 'a database or Redis node', ip: hostIn(out.dataSubnetCidrs, n) })),
    internet: [{ name: 'DynamoDB (public address)', ip: '52.94.0.10' }],
    coredns: [{ name: 'coredns', namespace: 'kube-system', namespaceLabels: { [WELL_KNOWN.namespaceName]: 'kube-system' }, labels: { 'k8s-app': 'kube-dns' }, ip: '10.10.70.2' }],
    apiserver: [{ name: 'the EKS API server', ip: '172.16.0.1' }],
  };
  const alb: Endpoint = { name: 'alb', ip: hostIn(out.publicSubnetCidrs, 0) };
  const flows = flowsOf(objects, ns);
  const targets = (t: Target): Endpoint[] => ('pod' in t ? [endpoint(t.pod)] : places[t.place]);
  const source = (name: string) => (name === 'alb' ? alb : endpoint(name));

  test('the graph read from the objects is the shop’s (a sanity check of the reader)', () => {
    const edges = new Set(flows.filter((f) => 'pod' in f.to).map((f) => `${f.from}->${(f.to as { pod: string }).pod}:${f.port}`));
    for (const e of ['ui->catalog:8080', 'ui->carts:8080', 'ui->orders:8080', 'ui->checkout:8080', 'checkout->orders:8080', 'alb->ui:8080']) expect(edges).toContain(e);
    for (const s of SERVICE_NAMES) expect(edges).toContain(`${s}->${TRACE_COLLECTOR.name}:4318`);
    const outside = new Set(flows.filter((f) => 'place' in f.to && (f.to as any).place !== 'coredns').map((f) => `${f.from}->${(f.to as { place: string }).place}:${f.port}`));
    expect([...outside].sort()).toEqual(['carts->endpoints:443', 'carts->internet:443', 'catalog->data:3306', 'checkout->data:6379', 'checkout->endpoints:443', 'orders->data:5432', `${TRACE_COLLECTOR.name}->endpoints:443`].sort());
  });

  test('every flow of the call graph is open', () => {
    for (const f of flows) {
      for (const to of targets(f.to)) {
        expect({ flow: `${f.from} -> ${to.name} ${f.port}/${f.protocol} (${f.why})`, open: canConnect(policies, source(f.from), to, f.port, f.protocol) }).toEqual({
          flow: `${f.from} -> ${to.name} ${f.port}/${f.protocol} (${f.why})`,
          open: true,
        });
      }
    }
  });

  test('nothing else is: each pod reaches only what a flow needs, and the narrowest rule that carries it', () => {
    const probePorts = [80, 443, 3306, 5432, 6379, 8080, 4318, ADOT_COLLECTOR.healthPort];
    const destinations: Endpoint[] = [...pods.map((p) => endpoint(p.name)), ...places.endpoints, ...places.data, ...places.internet, ...places.apiserver];
    const placeOf = (d: Endpoint) => Object.entries(places).find(([, list]) => list.some((x) => x.ip === d.ip))?.[0];
    let checked = 0;
    for (const from of [...pods.map((p) => p.name), 'alb']) {
      const mine = flows.filter((f) => f.from === from && f.protocol === 'TCP');
      for (const to of destinations) {
        // The ALB is outside the cluster: only the pods' ingress applies to it.
        if (to.name === from || (from === 'alb' && !to.namespace)) continue;
        for (const port of probePorts) {
          const expected = mine.some((f) => {
            if (f.port !== port) return false;
            if ('pod' in f.to) return f.to.pod === to.name;
            // DynamoDB's gateway flow needs 0.0.0.0/0 on its port: every address on that port is open.
            if (f.to.place === 'internet') return !to.namespace;
            return f.to.place === placeOf(to);
          });
          const open = canConnect(policies, source(from), to, port);
          expect({ from, to: `${to.name} ${to.ip}`, port, open }).toEqual({ from, to: `${to.name} ${to.ip}`, port, open: expected });
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(500);
  });

  test('pods outside the graph reach no endpoint and nothing public; the FIS pod (drills only) keeps its API server rule', () => {
    const strangers: Endpoint[] = [
      { name: 'unlabelled pod', namespace: ns, namespaceLabels: nsLabels, labels: {}, ip: podIp(90) },
      { name: 'fis-pod', namespace: ns, namespaceLabels: nsLabels, labels: { ...FIS_POD_LABELS }, ip: podIp(91) },
    ];
    for (const s of strangers) {
      for (const to of [...places.endpoints, ...places.internet, ...places.data]) {
        // The FIS pod talks to the EKS API server, whose addresses are the control plane's (public, or
        // the private endpoint's in the cluster subnets): any address on 443, as before this issue.
        expect({ from: s.name, to: to.name, open: canConnect(policies, s, to, 443) }).toEqual({ from: s.name, to: to.name, open: s.name === 'fis-pod' });
        expect(canConnect(policies, s, to, 5432)).toBe(false);
      }
    }
  });

  test('who can open a connection to a partner’s endpoint: checkout by its rule; carts and the collector through their AWS rules (docs/architecture.md says so)', () => {
    const partnerEndpoint = places.endpoints[2];
    const reach = pods.map((p) => p.name).filter((name) => canConnect(policies, endpoint(name), partnerEndpoint, config.network.partners[0].ports[0]));
    expect(reach.sort()).toEqual(['carts', 'checkout', TRACE_COLLECTOR.name].sort());
  });

  test('what still allows any address, and why: carts’ DynamoDB gateway flow, and the FIS pod’s EKS API server', () => {
    const open = policies.flatMap((p) => (p.spec.egress ?? []).filter((r: any) => (r.to ?? []).some((t: any) => t.ipBlock?.cidr === ANY_IPV4)).map((r: any) => `${p.metadata.name}:${r.ports.map((x: any) => x.port).join(',')}`));
    // carts: charts/aws-api-egress.ts (a prefix list cannot be named; no ipBlock.except, which
    // aws/aws-network-policy-agent#180 mis-merges); the FIS pod: the EKS API server's
    // public or private endpoint addresses (charts/constructs/fault-injection-access.ts).
    expect(open.sort()).toEqual(['carts:443', 'fis-pod-api-server:443']);
  });
});

describe('before the endpoints exist (outputs without the network keys)', () => {
  const early = { ...input, outputs: withoutNetwork(input.outputs) };
  const objects = all(early, regions[0]);
  const policy = (name: string) => objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === name)!;

  test('the AWS calls keep the public endpoints (anywhere on 443), and no partner rule is rendered', () => {
    expect(policy(TRACE_COLLECTOR.name).spec.egress).toEqual([{ to: [{ ipBlock: { cidr: ANY_IPV4 } }], ports: [{ port: 443, protocol: 'TCP' }] }]);
    const checkout = policy('checkout').spec.egress.filter((r: any) => r.ports.some((p: any) => p.port === 443));
    expect(checkout).toEqual([]);
  });
});
