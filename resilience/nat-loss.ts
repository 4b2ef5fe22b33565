/**
 * A zone's NAT gateway fails: what still works, what waits. Each region has one NAT gateway per zone, and
 * a pod's or node's traffic to the internet leaves through its own zone's. What goes through the VPC
 * endpoints (config/network.ts INTERFACE_ENDPOINTS, GATEWAY_ENDPOINTS), PrivateLink or the pull-through
 * cache does not touch them; NAT_FLOWS lists what still does. The shop's images are read from the rendered
 * manifests: rendered before the region's endpoints were in the outputs, they are public and need NAT.
 */
import { cacheRegistry, GATEWAY_ENDPOINTS, INTERFACE_ENDPOINTS, NAT_FLOWS, SHOP_AWS_CALLS, ShopApiCaller } from '../config/network';
import { PlatformConfig } from '../config/schema';

/** How a flow leaves the VPC. */
export type Route = 'interface endpoint' | 'gateway endpoint' | 'PrivateLink' | 'pull-through cache' | 'NAT';

export interface NatLossRow {
  readonly who: string;
  readonly what: string;
  readonly route: Route;
  /** What happens while the NAT gateway of the zone it runs in is down. */
  readonly whenNatFails: string;
  /** On the shop's serving path: its pods, their data and AWS calls, their images, node launches. */
  readonly servingPath: boolean;
}

/** A rendered object, as much of it as this module reads. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type RenderedObject = { kind: string; metadata: { name: string; namespace?: string }; spec?: any };

const UNAFFECTED = 'unaffected';

/**
 * The flows of one region and how each fares when a zone's NAT gateway fails: the shop's images (as
 * rendered), its AWS calls and partners, the platform's AWS calls (the endpoint catalog), and NAT_FLOWS.
 */
export function natLossRows(config: PlatformConfig, region: string, objects: readonly RenderedObject[]): NatLossRow[] {
  const rows: NatLossRow[] = [];
  const { pullThroughCache, partners } = config.network;
  const addOnsCached = pullThroughCache.enabled;
  // The region's cache, as the charts render images through it (config/network.ts throughCache).
  const cache = `${cacheRegistry(config.accountId, region, pullThroughCache.prefix)}/`;
  // Karpenter's own image decides whether nodes launch at all once its pod has to move.
  rows.push({
    who: 'Karpenter, Load Balancer Controller, ACK controllers',
    what: 'their images (ECR Public)',
    route: addOnsCached ? 'pull-through cache' : 'NAT',
    whenNatFails: addOnsCached ? `${UNAFFECTED} (cluster/regional-stack.ts PUBLIC_ECR_ADD_ON_IMAGES)` : 'a replica moved to a new node in that zone cannot start: network.pullThroughCache is off',
    servingPath: true,
  });
  const deployments = objects.filter((o) => o.kind === 'Deployment' && o.metadata.namespace === config.namespace);
  for (const d of deployments) {
    const images: string[] = (d.spec.template.spec.containers as Array<{ image: string }>).map((c) => c.image);
    const cached = images.every((i) => i.startsWith(cache));
    rows.push({
      who: d.metadata.name,
      what: 'its image',
      route: cached ? 'pull-through cache' : 'NAT',
      whenNatFails: cached ? `${UNAFFECTED} (ECR endpoints and the S3 gateway)` : 'a pod on a new node in that zone cannot pull it: rendered before the cache was in the outputs',
      servingPath: true,
    });
  }
  for (const [caller, calls] of Object.entries(SHOP_AWS_CALLS) as Array<[ShopApiCaller, (typeof SHOP_AWS_CALLS)[ShopApiCaller]]>) {
    if (!deployments.some((d) => d.metadata.name === caller)) continue;
    if (calls.interface.length) rows.push({ who: caller, what: calls.interface.join(', '), route: 'interface endpoint', whenNatFails: UNAFFECTED, servingPath: true });
    if (calls.gateway.length) rows.push({ who: caller, what: calls.gateway.join(', '), route: 'gateway endpoint', whenNatFails: UNAFFECTED, servingPath: true });
  }
  for (const p of partners) rows.push({ who: p.clients.join(', '), what: `partner ${p.name}`, route: 'PrivateLink', whenNatFails: UNAFFECTED, servingPath: true });
  // The platform's own calls through interface endpoints, by caller (the shop's are above).
  const shop = new Set<string>(Object.keys(SHOP_AWS_CALLS));
  const byCaller = new Map<string, { services: string[]; unverified: string[] }>();
  for (const e of INTERFACE_ENDPOINTS) {
    for (const c of e.callers) {
      if (shop.has(c.who)) continue;
      const entry = byCaller.get(c.who) ?? { services: [], unverified: [] };
      entry.services.push(e.service);
      if (c.unverified) entry.unverified.push(`${e.service}: ${c.unverified}`);
      byCaller.set(c.who, entry);
    }
  }
  for (const [who, { services, unverified }] of byCaller) {
    rows.push({
      who,
      what: services.join(', '),
      route: 'interface endpoint',
      whenNatFails: unverified.length ? `${UNAFFECTED}, to be checked on the first deploy (${unverified.join('; ')})` : UNAFFECTED,
      servingPath: who === 'karpenter' || who === 'nodes' || who === 'vpc-cni',
    });
  }
  if (GATEWAY_ENDPOINTS.includes('s3')) rows.push({ who: 'nodes', what: 'image layers (S3)', route: 'gateway endpoint', whenNatFails: UNAFFECTED, servingPath: true });
  for (const f of NAT_FLOWS.filter((x) => !x.frontDoor || x.frontDoor === config.edge.frontDoor)) rows.push({ who: f.who, what: f.what, route: 'NAT', whenNatFails: f.whenNatFails, servingPath: f.servingPath });
  return rows;
}

/** The rows on the serving path (or the region's health) that need NAT. */
export function servingPathOnNat(rows: readonly NatLossRow[]): NatLossRow[] {
  return rows.filter((r) => r.servingPath && r.route === 'NAT');
}

/** The report's section: each region's verdict, and the home region's flows (the other regions' differ only in their images). */
export function natLossMarkdown(home: string, byRegion: Readonly<Record<string, readonly NatLossRow[]>>): string[] {
  const verdict = (region: string) => {
    const onNat = servingPathOnNat(byRegion[region]);
    return onNat.length === 0
      ? `- **${region}**: nothing on the serving path needs NAT; the shop keeps serving, scaling and launching nodes in that zone.`
      : `- **${region}**: on the serving path or its health, still through NAT: ${onNat.map((r) => `${r.who} (${r.what}): ${r.whenNatFails}`).join('; ')}.`;
  };
  return [
    "## A zone's NAT gateway fails",
    '',
    "Each zone's pods and nodes reach the internet through that zone's NAT gateway. What goes through the VPC endpoints, PrivateLink or the pull-through cache does not touch it (config/network.ts; docs/architecture.md, \"Private network\"). The shop's images are read from the rendered manifests.",
    '',
    ...Object.keys(byRegion).map(verdict),
    '',
    `Flows in ${home} (the same in every region but for the images):`,
    '',
    '| who | reaches | through | while that zone\'s NAT gateway is down |',
    '|---|---|---|---|',
    ...byRegion[home].map((r) => `| ${r.who} | ${r.what} | ${r.route} | ${r.whenNatFails} |`),
    '',
  ];
}
