/**
 * The resilience report: its arithmetic against hand-computed cases, its budgets, and its
 * determinism.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parseConfig } from '../config/load';
import { evictionsAllowed, scaleOut, ScaleUpBehavior, zoneDistribution } from '../resilience/capacity';
import { buildReport, chartRows, readRendered } from '../resilience/report';
import { platformComponentRows, platformViolations } from '../resilience/zone-loss-scenarios';
import { committedInput, defaultConfigData, defaultInput, renderRegion, ROOT } from './helpers';

const DNS = 'DoNotSchedule' as const;

describe('replicas per zone and what survives a zone loss', () => {
  test.each([
    // replicas, zones, maxSkew, policy, balanced, worst zone, survivors
    [3, 3, 1, DNS, [1, 1, 1], 1, 2],
    [4, 3, 1, DNS, [2, 1, 1], 2, 2],
    [5, 3, 1, DNS, [2, 2, 1], 2, 3],
    [2, 3, 1, DNS, [1, 1, 0], 1, 1],
    [1, 3, 1, DNS, [1, 0, 0], 1, 0],
    [18, 3, 1, DNS, [6, 6, 6], 6, 12],
    [10, 2, 1, DNS, [5, 5], 5, 5],
    [7, 3, 2, DNS, [3, 2, 2], 3, 4],
    [3, 3, 3, DNS, [1, 1, 1], 3, 0],
    [6, 3, 1, 'ScheduleAnyway', [2, 2, 2], 6, 0],
  ] as const)('%i pods over %i zones, maxSkew %i, %s', (replicas, zones, maxSkew, policy, balanced, worst, survivors) => {
    expect(zoneDistribution(replicas, { zones, maxSkew, whenUnsatisfiable: policy })).toEqual({ balanced, maxInOneZone: worst, survivorsAfterZoneLoss: survivors });
  });
});

describe('what a PodDisruptionBudget lets a drain evict', () => {
  test.each([
    [{ maxUnavailable: 1 }, 3, 1],
    [{ maxUnavailable: '25%' }, 3, 1],
    [{ maxUnavailable: '50%' }, 5, 3],
    [{ maxUnavailable: 0 }, 3, 0],
    [{ minAvailable: 2 }, 3, 1],
    [{ minAvailable: '100%' }, 3, 0],
    [{}, 3, 3],
  ] as const)('%p at %i replicas: %i', (pdb, replicas, expected) => {
    expect(evictionsAllowed(pdb, replicas)).toBe(expected);
  });
});

describe('HPA scale-out under its behavior', () => {
  const ours: ScaleUpBehavior = {
    stabilizationWindowSeconds: 0,
    selectPolicy: 'Max',
    policies: [
      { type: 'Percent', value: 100, periodSeconds: 15 },
      { type: 'Pods', value: 4, periodSeconds: 15 },
    ],
  };
  test('doubling or +4, whichever is more, every 15 s', () => {
    expect(scaleOut(ours, 3, 18)).toEqual({ steps: 3, seconds: 45, path: [7, 14, 18] });
    expect(scaleOut(ours, 2, 3)).toEqual({ steps: 1, seconds: 15, path: [3] });
    expect(scaleOut(ours, 5, 5)).toEqual({ steps: 0, seconds: 0, path: [] });
  });
  test('Min picks the smaller step; a stabilization window delays the start', () => {
    expect(scaleOut({ ...ours, selectPolicy: 'Min', stabilizationWindowSeconds: 60 }, 3, 18)).toEqual({ steps: 4, seconds: 120, path: [6, 10, 14, 18] });
  });
  test('disabled scale-up is an error, not an infinite loop', () => {
    expect(() => scaleOut({ ...ours, selectPolicy: 'Disabled' }, 2, 4)).toThrow(/scale-up is disabled/);
    expect(() => scaleOut({ policies: [{ type: 'Pods', value: 0, periodSeconds: 15 }] }, 2, 4)).toThrow(/never add a replica at 2/);
  });
});

/** The rendered objects of every region for a config variant (in memory). */
function rendered(mutate?: (c: any) => void) {
  const input = defaultInput();
  const data = defaultConfigData();
  mutate?.(data);
  const config = parseConfig(data);
  return { config, objects: Object.fromEntries(config.regions.map((r) => [r.name, Object.values(renderRegion({ ...input, config }, r.name)).flat()])) };
}

describe('budgets', () => {
  test('the default environment meets every budget', () => {
    const { config, objects } = rendered();
    const report = buildReport(config, objects);
    expect(report.violations).toEqual([]);
    for (const s of report.services.filter((x) => x.primary)) expect(s.survivors).toBeGreaterThanOrEqual(s.required);
  });

  test('an AZ loss that leaves less than the required capacity names the service and the shortfall', () => {
    const { config, objects } = rendered((c) => (c.services.catalog.regions['us-east-1'] = { minReplicas: 2, maxReplicas: 12, requiredReplicas: 2 }));
    expect(buildReport(config, objects).violations).toEqual([
      'AZ loss in us-east-1: catalog keeps 1 of 2 pods, 50 % of the 2 it requires (budget 100 %): short by 1 pod(s); raise services.catalog.regions.us-east-1.minReplicas or its zone spread',
      // The evening rush's floor of 6 keeps no headroom either: the rush is taken to need all of it (resilience/schedules.ts).
      expect.stringMatching(/^scheduled peak evening-rush in us-east-1: an AZ loss leaves catalog 4 of its 6 pods, 66 % of the 6 the peak needs .*keep a zone's worth of headroom in minReplicas/),
    ]);
  });

  test('a spread that only prefers zones (ScheduleAnyway) guarantees no survivor', () => {
    const { config, objects } = rendered();
    const ui = objects['us-east-1'].find((o: any) => o.kind === 'Deployment' && o.metadata.name === 'ui')!;
    ui.spec.template.spec.topologySpreadConstraints[0].whenUnsatisfiable = 'ScheduleAnyway';
    expect(buildReport(config, objects).violations).toEqual([
      expect.stringMatching(/^AZ loss in us-east-1: ui keeps 0 of 3 pods, 0 % of the 2 it requires .*short by 2 pod\(s\)/),
      expect.stringMatching(/^scheduled peak evening-rush in us-east-1: an AZ loss leaves ui 0 of its 6 pods, .*guarantees no survivor/),
    ]);
  });

  test('a lower budget is met by less', () => {
    const { config, objects } = rendered((c) => {
      c.budgets.azLossCapacityPercent = 50;
      c.services.catalog.regions['us-east-1'] = { minReplicas: 2, maxReplicas: 12, requiredReplicas: 2 };
    });
    expect(buildReport(config, objects).violations).toEqual([]);
  });

  test('order data without a cross-region copy breaks the RPO budget', () => {
    const { config, objects } = rendered();
    objects['us-west-2'] = objects['us-west-2'].filter((o: any) => !(o.kind === 'DBCluster' && o.metadata.name === 'orders'));
    expect(buildReport(config, objects).violations).toEqual([
      'order data RPO: Multi-AZ in one region loses everything since the last backup on a region loss, above the budget of 20 s: use an Aurora global database',
    ]);
  });

  test('the order-data RPO is the bound Aurora enforces; lifting it (during a failover) leaves it unbounded, a violation', () => {
    const bounded = buildReport(rendered().config, rendered().objects);
    expect(bounded.data[0]).toMatchObject({ store: 'orders (PostgreSQL)', regionRpoSeconds: 20, regionRpoEnforced: true });
    expect(bounded.markdown).toContain('≤ 20 s, enforced (rds.global_db_rpo: commits block past it)');
    const lifted = rendered((c) => (c.data.ordersRpoBoundSeconds = null));
    expect(buildReport(lifted.config, lifted.objects).violations).toEqual([
      'order data RPO: Aurora global database over 2 regions, 2 AZs in the primary loses the replica lag (unbounded) on a region loss, above the budget of 20 s: bound it with data.ordersRpoBoundSeconds (rds.global_db_rpo)',
    ]);
  });

  test('a PDB that allows no eviction is reported, since it blocks drains', () => {
    const { config, objects } = rendered();
    const pdb = objects['us-east-1'].find((o: any) => o.kind === 'PodDisruptionBudget' && o.metadata.name === 'orders')!;
    pdb.spec.maxUnavailable = 0;
    expect(buildReport(config, objects).violations).toEqual([expect.stringMatching(/^node drain in us-east-1: the PodDisruptionBudget of orders allows no eviction at 3 replicas/)]);
  });

  test('the standby’s time to full size counts HPA steps, a node and pod start', () => {
    const { config, objects } = rendered();
    const ui = buildReport(config, objects).regionLoss.find((x) => x.service === 'ui')!;
    // The standby already runs the primary's floor (3): no HPA step, a node and pod start after the decision.
    expect(ui).toEqual({ service: 'ui', standbyMin: 3, fullSize: 3, hpaSeconds: 0, readySeconds: 30 + 0 + 60 + 60 });
  });
});

describe('zone loss through both schedulers', () => {
  const { config, objects } = rendered();
  const report = buildReport(config, objects);
  const primary = report.services.filter((s) => s.primary);
  const scenario = (s: (typeof primary)[number], load: string, room: string, mitigation: string) => s.zoneLoss.find((z) => z.load === load && z.room === room && z.mitigation === mitigation)!;

  test('as rendered, at the peak with no room, every service of the primary is caught in the dead-zone trap', () => {
    for (const s of primary) {
      const z = scenario(s, 'peak', 'no room', 'none');
      expect([s.service, z.timeline.neededBackSeconds, z.timeline.neverBack]).toEqual([s.service, null, s.maxReplicas / 3]);
      expect(z.timeline.outcome.stuckReason).toMatch(/us-east-1a.*on-demand, spot-burst/);
    }
  });

  test('evacuated, every service is back within the budget: 600 s decision + 60 s Argo CD + 60 s node + 60 s pods', () => {
    for (const s of primary) {
      const z = scenario(s, 'peak', 'no room', 'evacuation');
      expect([s.service, z.timeline.neededBackSeconds]).toEqual([s.service, 780]);
      expect(z.timeline.neededBackSeconds).toBeLessThanOrEqual(config.budgets.zoneLossRecoverySeconds);
    }
  });

  test('with room on the surviving nodes kube-scheduler places the replacements: back at 50 + 30 + 60 = 140 s', () => {
    for (const s of primary) expect(scenario(s, 'peak', 'room', 'none').timeline.neededBackSeconds).toBe(140);
  });

  test('a spread that ignores taints keeps the trap after evacuation: a violation naming the service', () => {
    const { config: c, objects: o } = rendered();
    const ui = o['us-east-1'].find((x: any) => x.kind === 'Deployment' && x.metadata.name === 'ui')!;
    delete ui.spec.template.spec.topologySpreadConstraints[0].nodeTaintsPolicy;
    const violations = buildReport(c, o).violations;
    // At the floor the two survivors are all it needs; at the peak six replacements stay Pending.
    expect(violations).toEqual([
      expect.stringMatching(/^AZ loss in us-east-1 at peak load: ui is back to the 18 pods it needs never while the zone is out \(6 pod\(s\) stay Pending even with us-east-1a evacuated.*nodeTaintsPolicy Honor/),
    ]);
  });

  test('a NodePool without a zone requirement cannot be evacuated: every service breaks the budget', () => {
    const { config: c, objects: o } = rendered();
    const pool = o['us-east-1'].find((x: any) => x.kind === 'NodePool' && x.metadata.name === 'spot-burst')!;
    pool.spec.template.spec.requirements = pool.spec.template.spec.requirements.filter((r: any) => r.key !== 'topology.kubernetes.io/zone');
    const violations = buildReport(c, o).violations;
    expect(violations.map((v) => v.match(/^AZ loss in us-east-1 at peak load: (\w+) .* never while the zone is out/)?.[1])).toEqual(['ui', 'catalog', 'carts', 'orders', 'checkout']);
  });

  test('a tighter recovery budget names each service and its time', () => {
    const { config: c, objects: o } = rendered((d) => (d.budgets.zoneLossRecoverySeconds = 600));
    expect(buildReport(c, o).violations[0]).toBe(
      'AZ loss in us-east-1 at peak load: ui is back to the 18 pods it needs after 780 s, budget 600 s: at the peak only a faster evacuation or spare room on the surviving nodes helps; or raise budgets.zoneLossRecoverySeconds',
    );
  });

  test('the designs considered: only evacuation and the pod affinity keep the spread and place everything', () => {
    const byDesign = Object.fromEntries(report.alternatives.map((a) => [a.design.split(':')[0].split(' ')[0], [a.timeline.neverBack, a.timeline.neededBackSeconds]]));
    // Evacuated at 660 s: a node and the pods 120 s later; the pod affinity, pushed at the same time, as
    // fast (it also restarts every pod); ScheduleAnyway needs no change, but a failed launch into the lost
    // zone first (80 + 300 + 60 + 60).
    expect(byDesign).toEqual({ as: [6, null], zonal: [6, null], evacuation: [0, 780], required: [0, 780], whenUnsatisfiable: [0, 500], minDomains: [6, null], nodeTaintsPolicy: [6, null] });
    expect(report.alternatives[0].verdict).toMatch(/^6 stuck: /);
  });

  test('a needed component that keeps no replica, or that nothing brings back, is a violation naming it', () => {
    const base = { role: 'r', neededDuringZoneLoss: true, source: 's' } as const;
    const rows = platformComponentRows(3, [
      { ...base, name: 'one-zone-spread', replicas: 1, mode: 'leader-election', zoneSpread: true },
      { ...base, name: 'stateful', replicas: 1, mode: 'single', statefulSet: true },
      { ...base, name: 'stateful-with-runbook', replicas: 1, mode: 'single', statefulSet: true, manualRecovery: 'docs/operations.md' },
      { ...base, name: 'two-over-zones', replicas: 2, mode: 'active-active', zoneSpread: true },
    ]);
    expect(platformViolations(rows)).toEqual([
      expect.stringMatching(/^AZ loss: one-zone-spread, which the shop needs during a zone loss, keeps no replica/),
      expect.stringMatching(/^AZ loss: stateful, .* no runbook step brings it back/),
    ]);
  });

  test('the platform components: two replicas leave one after the worst zone loss; the Argo CD controller needs a person', () => {
    const rows = Object.fromEntries(report.platform.map((p) => [p.component.name, [p.survivors, p.backSeconds]]));
    expect(rows['metrics-server']).toEqual([1, 0]);
    expect(rows['karpenter']).toEqual([1, 15]);
    expect(rows['argocd-application-controller']).toEqual([0, null]);
    expect(rows['external-dns']).toEqual([0, 50 + 30 + 60]);
    expect(rows['cloudwatch-agent (Container Insights)']).toEqual([Number.POSITIVE_INFINITY, 0]);
    expect(report.markdown).toContain('### The platform\'s own parts');
  });
});

describe('the report', () => {
  const { config, objects } = rendered();

  test('is deterministic', () => {
    expect(buildReport(config, objects).markdown).toBe(buildReport(config, rendered().objects).markdown);
  });

  test('the committed docs/resilience.md is the report of the committed manifests (run npm run resilience)', () => {
    const env = committedInput().config;
    const committed = readRendered(path.join(ROOT, 'manifests'), env);
    expect(fs.readFileSync(path.join(ROOT, 'docs', 'resilience.md'), 'utf8')).toBe(buildReport(env, committed).markdown);
  });

  test('the chart shows, per service of the primary, required vs running in each scenario', () => {
    const rows = chartRows(buildReport(config, objects));
    expect(rows).toHaveLength(5 * 4);
    expect(rows.filter((r) => r.service === 'ui')).toEqual([
      { service: 'ui', scenario: 'required', replicas: 2, kind: 'required' },
      { service: 'ui', scenario: 'normal (primary at min)', replicas: 3, kind: 'running' },
      { service: 'ui', scenario: 'after worst AZ loss', replicas: 2, kind: 'running' },
      // The standby runs the primary's floor (either may be active after a Region switch).
      { service: 'ui', scenario: 'after region loss (standby at floor)', replicas: 3, kind: 'running' },
    ]);
  });

  test('npm run resilience writes the same SVG twice, and the committed one is current', () => {
    const out = fs.mkdtempSync(path.join(require('os').tmpdir(), 'res-'));
    const run = () => spawnSync(path.join(ROOT, 'node_modules', '.bin', 'tsx'), [path.join(ROOT, 'scripts', 'resilience.ts'), '--out', path.join(out, 'resilience.md')], { encoding: 'utf8', cwd: ROOT });
    const first = run();
    expect(first.status).toBe(0);
    const svg = fs.readFileSync(path.join(out, 'resilience.svg'), 'utf8');
    expect(svg).toMatch(/^<svg /);
    expect(svg).toContain('after worst AZ loss');
    expect(run().status).toBe(0);
    expect(fs.readFileSync(path.join(out, 'resilience.svg'), 'utf8')).toBe(svg);
    expect(fs.readFileSync(path.join(ROOT, 'docs', 'resilience.svg'), 'utf8')).toBe(svg);
  });

  test('a violated budget makes npm run resilience exit 1 with the message', () => {
    const dir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'res-bad-'));
    const data = defaultConfigData();
    data.budgets.regionFailoverSeconds = 60;
    const file = path.join(dir, 'env.yaml');
    fs.writeFileSync(file, require('yaml').stringify(data));
    const run = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'tsx'), [path.join(ROOT, 'scripts', 'resilience.ts'), '--config', file, '--out', path.join(dir, 'r.md')], { encoding: 'utf8', cwd: ROOT });
    expect(run.status).toBe(1);
    // The default front door is CloudFront, whose slowest request type (a write) moves with DNS: 90 s.
    expect(run.stderr).toContain('budget violated: cloudfront front door: writes and / (POST /cart, /checkout*, GET /) reach the secondary after 90 s, over the budget of 60 s (budgets.regionFailoverSeconds) by 30 s');
  });
});
