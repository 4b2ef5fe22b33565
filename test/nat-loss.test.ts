/**
 * "A zone's NAT gateway fails" (resilience/nat-loss.ts): what the report says still needs NAT, read
 * from the rendered manifests and the network catalog, and that the architecture doc lists the same.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseConfig } from '../config/load';
import { INTERFACE_ENDPOINTS, NAT_FLOWS, SHOP_AWS_CALLS } from '../config/network';
import { natLossRows, servingPathOnNat } from '../resilience/nat-loss';
import { buildReport, Rendered } from '../resilience/report';
import { defaultConfigData, defaultInput, renderRegion, ROOT, withoutNetwork } from './helpers';

const input = defaultInput();
const { config } = input;
const home = config.primaryRegion;
const objects = (inp: typeof input, region: string) => Object.values(renderRegion(inp, region)).flat() as Rendered[];
const rowsOf = (inp: typeof input, region = home) => natLossRows(inp.config, region, objects(inp, region));
const SHOPPER = 'the synthetic shopper behind CloudFront';
/** The serving path's NAT rows but the synthetic shopper's (a health probe, asserted on its own). */
const shopOnNat = (rows: ReturnType<typeof rowsOf>) => servingPathOnNat(rows).filter((r) => r.who !== SHOPPER);

test.each(config.regions.map((r) => r.name))('%s: nothing the shop serves from needs NAT once the endpoints and the cache exist; its health probe behind CloudFront does', (region) => {
  const rows = rowsOf(input, region);
  expect(shopOnNat(rows)).toEqual([]);
  // Behind CloudFront the synthetic shopper probes from the NAT addresses, and the region's health follows it.
  expect(config.edge.frontDoor).toBe('cloudfront');
  expect(servingPathOnNat(rows).map((r) => r.who)).toEqual([SHOPPER]);
  // Every shop Deployment's image comes through the cache.
  const images = rows.filter((r) => r.what === 'its image');
  expect(images.map((r) => r.who).sort()).toEqual(['carts', 'catalog', 'checkout', 'orders', 'trace-collector', 'ui']);
  for (const r of images) expect(r.route).toBe('pull-through cache');
});

test('rendered before the network outputs: the shop’s images are public, and the verdict names each', () => {
  const early = { ...input, outputs: withoutNetwork(input.outputs) };
  const onNat = shopOnNat(rowsOf(early));
  expect(onNat.map((r) => r.who).sort()).toEqual(['carts', 'catalog', 'checkout', 'orders', 'trace-collector', 'ui']);
  const report = buildReport(config, Object.fromEntries(config.regions.map((r) => [r.name, objects(early, r.name)])));
  expect(report.markdown).toContain(`- **${home}**: on the serving path or its health, still through NAT: ui (its image): a pod on a new node`);
});

test('the cache switched off: the add-ons’ images (Karpenter among them) need NAT too', () => {
  const data = defaultConfigData();
  data.network = { ...data.network, pullThroughCache: { enabled: false } };
  const off = { ...input, config: parseConfig(data) };
  const onNat = shopOnNat(rowsOf(off)).map((r) => r.who);
  expect(onNat).toContain('Karpenter, Load Balancer Controller, ACK controllers');
  expect(onNat).toContain('ui');
});

test('every caller of the endpoint catalog, every shop AWS call and every NAT flow is in the table', () => {
  const rows = rowsOf(input);
  for (const e of INTERFACE_ENDPOINTS) for (const c of e.callers) expect({ caller: c.who, service: e.service, listed: rows.some((r) => r.who === c.who && r.what.split(', ').includes(e.service)) }).toEqual({ caller: c.who, service: e.service, listed: true });
  for (const [caller, calls] of Object.entries(SHOP_AWS_CALLS)) for (const g of calls.gateway) expect(rows.some((r) => r.who === caller && r.route === 'gateway endpoint' && r.what.includes(g))).toBe(true);
  for (const f of NAT_FLOWS) expect(rows.filter((r) => r.route === 'NAT' && r.who === f.who && r.whenNatFails === f.whenNatFails && r.servingPath === f.servingPath)).toHaveLength(1);
});

test('the synthetic shopper’s NAT flow exists only behind CloudFront (elsewhere it runs outside the VPC)', () => {
  const data = defaultConfigData();
  data.edge = { ...data.edge, frontDoor: 'route53' };
  const dns = { ...input, config: parseConfig(data) };
  expect(rowsOf(dns).some((r) => r.who === SHOPPER)).toBe(false);
  expect(servingPathOnNat(rowsOf(dns))).toEqual([]);
});

test('the architecture doc’s NAT table is NAT_FLOWS (who, reaches, why)', () => {
  const doc = fs.readFileSync(path.join(ROOT, 'docs', 'architecture.md'), 'utf8');
  const start = doc.indexOf('| who | reaches | why no endpoint |');
  expect(start).toBeGreaterThan(0);
  const table = doc.slice(start, doc.indexOf('\n\n', start)).split('\n').slice(2);
  expect(table).toEqual(NAT_FLOWS.map((f) => `| ${f.who} | ${f.what} | ${f.why} |`));
});
