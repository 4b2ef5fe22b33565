/**
 * Scheduled capacity: the config's `schedules` (validation against what KEDA's cron scaler accepts),
 * their rendering as cron triggers, and the scheduled peaks of the resilience report against
 * hand-computed cases.
 */
import { Chart, Testing } from 'cdk8s';
import { loadConfig, parseConfig } from '../config/load';
import { cronProblem, timeZoneProblem } from '../config/schedules';
import { HighlyAvailableService } from '../charts/constructs/highly-available-service';
import { buildReport } from '../resilience/report';
import { PeakServiceInput, peakService, renderedAutoscaler, scheduledPeaks, scheduledPeakViolations, smallestSoundFloor } from '../resilience/schedules';
import { defaultInput, K8sObject, problemsOf, renderRegion, withChange } from './helpers';



const RUSH = { name: 'evening-rush', timezone: 'America/New_York', start: '0 17 * * *', end: '0 22 * * *', floors: { ui: { 'us-east-1': 6 } } };
const withSchedule = (schedule: Record<string, unknown>, more: Array<Record<string, unknown>> = []) => withChange((c) => (c.schedules = [{ ...RUSH, ...schedule }, ...more]));

describe('the schedules in the config', () => {
  test('the default environment raises the five services to six in us-east-1 for the evening rush', () => {
    const config = loadConfig();
    expect(config.schedules).toEqual([
      { name: 'evening-rush', timezone: 'America/New_York', start: '0 17 * * *', end: '0 22 * * *', floors: Object.fromEntries(['ui', 'catalog', 'carts', 'orders', 'checkout'].map((s) => [s, { 'us-east-1': 6 }])) },
    ]);
  });

  test('default to none', () => {
    expect(parseConfig(withChange((c) => delete c.schedules)).schedules).toEqual([]);
  });

  test.each([
    ['0 17 * * *'],
    ['30 8 * * MON-FRI'],
    ['0 9-17/2 1,15 jan-mar ?'],
    ['*/15 * * * 0-6'],
    ['59 23 31 12 sat'],
  ])('accepts the cron expression "%s"', (cron) => {
    expect(cronProblem(cron)).toBeUndefined();
  });

  test.each([
    ['0 0 17 * * *', /has 6 field\(s\): use five fields/],
    ['0 17 * *', /has 4 field\(s\)/],
    ['@daily', /is a descriptor, which KEDA's cron scaler does not accept/],
    ['TZ=America/New_York 0 17 * * *', /sets its time zone inline: remove the TZ= prefix/],
    ['60 17 * * *', /the minute field "60" is outside 0-59/],
    ['0 24 * * *', /the hour field "24" is outside 0-23/],
    ['0 17 0 * *', /the day of month field "0" is outside 1-31/],
    ['0 17 * 13 *', /the month field "13" is outside 1-12/],
    // robfig/cron v3 bounds day of week to 0-6: 7 (Sunday in some crons) is refused by KEDA.
    ['0 17 * * 7', /the day of week field "7" is outside 0-6/],
    ['0 17 * * FRI-MON', /range that ends before it starts/],
    ['*/0 17 * * *', /bad step/],
    ['0 17 * * MONDAY', /is not a number, a name, a range or \*/],
    ['0 1-2-3 * * *', /too many hyphens/],
  ])('refuses the cron expression "%s"', (cron, message) => {
    expect(cronProblem(cron)).toMatch(message);
  });

  test.each([['America/New_York'], ['Europe/Berlin'], ['Etc/UTC'], ['UTC'], ['US/Eastern'], ['Asia/Kolkata']])('accepts the time zone %s', (zone) => {
    expect(timeZoneProblem(zone)).toBeUndefined();
  });

  test.each([
    ['America/Gotham', /"America\/Gotham" is not an IANA time zone/],
    ['america/new_york', /is not written as the IANA name, and KEDA reads the zone files case-sensitively: write it as "America\/New_York"/],
    ['Local', /the KEDA pod's own zone, not a place/],
    ['EST+5', /is not an IANA time zone/],
  ])('refuses the time zone %s', (zone, message) => {
    expect(timeZoneProblem(zone)).toMatch(message);
  });

  test('each error names the path and the fix', () => {
    expect(problemsOf(withSchedule({ start: '0 0 17 * * *' }))).toEqual([expect.stringMatching(/^schedules\.0\.start: "0 0 17 \* \* \*" has 6 field\(s\): use five fields/)]);
    expect(problemsOf(withSchedule({ timezone: 'America/Gotham' }))).toEqual([expect.stringMatching(/^schedules\.0\.timezone: "America\/Gotham" is not an IANA time zone/)]);
    expect(problemsOf(withSchedule({ end: ' 0 17 * * * ' }))).toEqual([expect.stringMatching(/^schedules\.0\.end: " 0 17 \* \* \* " is the same as start: the window would never open/)]);
    expect(problemsOf(withSchedule({ name: 'Evening Rush' }))).toEqual([expect.stringMatching(/^schedules\.0\.name: must be a DNS label/)]);
    expect(problemsOf(withSchedule({ floors: {} }))).toEqual([expect.stringMatching(/^schedules\.0\.floors: raises nothing/)]);
    expect(problemsOf(withSchedule({}, [{ ...RUSH, start: '0 11 * * *', end: '0 14 * * *' }]))).toEqual([
      'schedules.1.name: "evening-rush" is also the name of schedules.0: give each schedule its own name',
    ]);
  });

  test('floors name services and regions that exist, within each service’s floor and ceiling there', () => {
    expect(problemsOf(withSchedule({ floors: { search: { 'us-east-1': 6 } } }))).toEqual([
      'schedules.0.floors.search: "search" is not a service (ui, catalog, carts, orders, checkout): name one of them',
    ]);
    expect(problemsOf(withSchedule({ floors: { ui: { 'eu-west-1': 6 } } }))).toEqual([
      'schedules.0.floors.ui.eu-west-1: "eu-west-1" is not one of the regions (us-east-1, us-west-2): name one of them',
    ]);
    expect(problemsOf(withSchedule({ floors: { ui: { 'us-east-1': 2 } } }))).toEqual([
      'schedules.0.floors.ui.us-east-1: 2 is below services.ui.regions.us-east-1.minReplicas 3: a schedule only raises floors (the HPA never goes below minReplicas), so this one would do nothing; use at least 3, or remove it',
    ]);
    expect(problemsOf(withSchedule({ floors: { catalog: { 'us-east-1': 13 } } }))).toEqual([
      'schedules.0.floors.catalog.us-east-1: 13 is above services.catalog.regions.us-east-1.maxReplicas 12: the HPA would stop at the ceiling; raise maxReplicas or lower the floor',
    ]);
    expect(problemsOf(withSchedule({ floors: { ui: { 'us-east-1': 0 } } }))).toEqual([expect.stringMatching(/^schedules\.0\.floors\.ui\.us-east-1: must be at least 1/)]);
    // A floor equal to minReplicas is allowed: it raises nothing, but says so in git.
    expect(parseConfig(withSchedule({ floors: { ui: { 'us-east-1': 3 } } })).schedules[0].floors.ui['us-east-1']).toBe(3);
  });

  test('the requests at a schedule’s floors must fit Karpenter’s ceiling in the region', () => {
    // ui 18 x 250m = 4.5, carts and orders 12 x 250m = 3 each, catalog and checkout (not raised) at
    // their floors, 3 x 100m = 0.3 each: 11.1 vCPU, above a ceiling of 11.
    const data = withSchedule({ floors: { ui: { 'us-east-1': 18 }, carts: { 'us-east-1': 12 }, orders: { 'us-east-1': 12 } } });
    data.cluster.karpenterCpuLimit = 12;
    expect(parseConfig(data).schedules).toHaveLength(1);
    data.cluster.karpenterCpuLimit = 11;
    expect(problemsOf(data)).toEqual([
      'schedules.0.floors: at its floors the shop requests 11.1 vCPU in us-east-1 (ui 18 x 250m, catalog 3 x 100m, carts 12 x 250m, orders 12 x 250m, checkout 3 x 100m), above cluster.karpenterCpuLimit 11: Karpenter would leave the extra pods Pending; lower the floors or raise cluster.karpenterCpuLimit',
    ]);
  });
});

describe('the ScaledObject of a service', () => {
  const synth = (schedules: ConstructorParameters<typeof HighlyAvailableService>[2]['schedules']) => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'shop' });
    new HighlyAvailableService(chart, 'web', {
      name: 'web',
      instance: 'web-test',
      component: 'frontend',
      image: 'registry.example.com/web:1.0.0',
      version: '1.0.0',
      minReplicas: 3,
      maxReplicas: 12,
      resources: { cpu: '250m', memory: '512Mi', memoryLimit: '1Gi' },
      health: { readinessPath: '/ready' },
      schedules,
    });
    return Testing.synth(chart) as K8sObject[];
  };

  // The keys KEDA reads (kedacore/keda v2.20.1 pkg/scalers/cron_scaler.go:30-36 cronMetadata: start, end,
  // timezone, desiredReplicas from the trigger's metadata), and what it refuses (:38-58: a 5-field cron for
  // start and end, start != end, desiredReplicas != 0).
  test('adds one cron trigger per schedule, after CPU and memory, with desiredReplicas as the floor (strings, as KEDA’s metadata)', () => {
    const so = synth([
      { name: 'lunch', timezone: 'Europe/Berlin', start: '0 11 * * 1-5', end: '0 14 * * 1-5', replicas: 5 },
      { name: 'evening', timezone: 'America/New_York', start: '0 17 * * *', end: '0 22 * * *', replicas: 9 },
    ]).find((o) => o.kind === 'ScaledObject')!;
    expect(so.spec.triggers).toEqual([
      { type: 'cpu', metricType: 'Utilization', metadata: { value: '70' } },
      { type: 'memory', metricType: 'Utilization', metadata: { value: '90' } },
      { type: 'cron', name: 'lunch', metadata: { timezone: 'Europe/Berlin', start: '0 11 * * 1-5', end: '0 14 * * 1-5', desiredReplicas: '5' } },
      { type: 'cron', name: 'evening', metadata: { timezone: 'America/New_York', start: '0 17 * * *', end: '0 22 * * *', desiredReplicas: '9' } },
    ]);
    expect(renderedAutoscaler(synth([]), 'web').floors).toEqual([]);
    expect(renderedAutoscaler([so], 'web').floors).toEqual([
      { schedule: 'lunch', timezone: 'Europe/Berlin', start: '0 11 * * 1-5', end: '0 14 * * 1-5', replicas: 5 },
      { schedule: 'evening', timezone: 'America/New_York', start: '0 17 * * *', end: '0 22 * * *', replicas: 9 },
    ]);
  });

  test('the apps chart gives each service the schedules that raise it in its region, and no other', () => {
    const input = defaultInput();
    const east = renderRegion(input, 'us-east-1').apps;
    const west = renderRegion(input, 'us-west-2').apps;
    for (const service of ['ui', 'catalog', 'carts', 'orders', 'checkout']) {
      expect(renderedAutoscaler(east, service).floors).toEqual([{ schedule: 'evening-rush', timezone: 'America/New_York', start: '0 17 * * *', end: '0 22 * * *', replicas: 6 }]);
      expect(renderedAutoscaler(west, service).floors).toEqual([]);
    }
    expect(renderedAutoscaler(east, 'trace-collector').floors).toEqual([]);
  });
});

/** A service over three zones (maxSkew 1, DoNotSchedule) with the default's floor 3 and requirement 2. */
const svc = (over: Partial<PeakServiceInput> = {}): PeakServiceInput => ({
  service: 'ui',
  minReplicas: 3,
  maxReplicas: 12,
  requiredReplicas: 2,
  cpuMillis: 250,
  spread: { zones: 3, maxSkew: 1, whenUnsatisfiable: 'DoNotSchedule' },
  floors: [],
  ...over,
});

describe('a service at a scheduled floor, by hand', () => {
  test.each([
    // floor, input, pods per zone, survivors, peak needs ceil(floor x 2 / 3), % of the peak's need, % of the floor, % of 2 required
    [6, svc(), [2, 2, 2], 4, 4, 100, 66, 200],
    // 5 = 2+2+1: the fullest zone takes 2, leaving 3 of the 4 the peak needs.
    [5, svc(), [2, 2, 1], 3, 4, 75, 60, 150],
    // 7 = 3+2+2: 4 left, of ceil(14/3) = 5.
    [7, svc(), [3, 2, 2], 4, 5, 80, 57, 200],
    [9, svc(), [3, 3, 3], 6, 6, 100, 66, 300],
    // A zone evacuated: 6 over two zones, 3 left.
    [6, svc({ spread: { zones: 2, maxSkew: 1, whenUnsatisfiable: 'DoNotSchedule' } }), [3, 3], 3, 4, 75, 50, 150],
    // ScheduleAnyway guarantees nothing.
    [6, svc({ spread: { zones: 3, maxSkew: 1, whenUnsatisfiable: 'ScheduleAnyway' } }), [2, 2, 2], 0, 4, 0, 0, 0],
    // No headroom kept (required = min): the peak needs its whole floor.
    [6, svc({ requiredReplicas: 3 }), [2, 2, 2], 4, 6, 66, 66, 133],
  ] as const)('floor %i', (floor, input, perZone, survivors, peakRequired, ofPeak, ofFloor, ofRequired) => {
    expect(peakService(input, floor)).toEqual({
      service: 'ui',
      normalFloor: input.minReplicas,
      floor,
      perZone,
      survivors,
      required: input.requiredReplicas,
      peakRequired,
      survivingPercentOfPeakRequired: ofPeak,
      survivingPercentOfFloor: ofFloor,
      survivingPercentOfRequired: ofRequired,
    });
  });

  test('the smallest floor that keeps the budget', () => {
    expect(smallestSoundFloor(svc(), 5, 100)).toBe(6);
    // 7 leaves 4 of 5, 8 leaves 5 of 6 (3+3+2, floor(10/3) = 3 in the fullest zone), 9 leaves 6 of 6.
    expect(smallestSoundFloor(svc(), 7, 100)).toBe(9);
    expect(smallestSoundFloor(svc({ maxReplicas: 8 }), 7, 100)).toBeUndefined();
    expect(smallestSoundFloor(svc(), 5, 75)).toBe(5);
  });
});

describe('scheduled peaks, by hand', () => {
  const rush = { schedule: 'rush', timezone: 'America/New_York', start: '0 17 * * *', end: '0 22 * * *' };
  const regions = [
    {
      region: 'us-east-1',
      karpenterCpuLimit: 200,
      services: [
        svc({ floors: [{ ...rush, replicas: 6 }] }),
        // Not raised: counts at its floor, 3 x 100m.
        svc({ service: 'catalog', cpuMillis: 100 }),
        // Raised "below" its floor (possible in hand-written manifests): the HPA keeps minReplicas.
        svc({ service: 'carts', minReplicas: 4, floors: [{ ...rush, replicas: 2 }] }),
      ],
    },
    { region: 'us-west-2', karpenterCpuLimit: 200, services: [svc(), svc({ service: 'catalog', cpuMillis: 100 })] },
  ];

  test('one window per schedule and region that renders it, with the CPU of every service at its floor', () => {
    const peaks = scheduledPeaks(regions);
    expect(peaks.map((p) => [p.schedule, p.region])).toEqual([['rush', 'us-east-1']]);
    const [p] = peaks;
    expect(p).toMatchObject({ timezone: 'America/New_York', start: '0 17 * * *', end: '0 22 * * *', karpenterCpuLimit: 200 });
    expect(p.services.map((s) => [s.service, s.floor])).toEqual([
      ['ui', 6],
      ['carts', 4],
    ]);
    // ui 6 x 250 + catalog 3 x 100 + carts 4 x 250 = 1500 + 300 + 1000.
    expect(p.cpuMillis).toBe(2800);
  });

  test('violations: survivors short of what the peak needs, and requests above Karpenter’s ceiling', () => {
    const short = [{ ...regions[0], services: [svc({ floors: [{ ...rush, replicas: 5 }] })] }];
    expect(scheduledPeakViolations(scheduledPeaks(short), short, 100)).toEqual([
      'scheduled peak rush in us-east-1: an AZ loss leaves ui 3 of its 5 pods, 75 % of the 4 the peak needs (budget 100 %): raise its floor (schedules "rush" floors.ui.us-east-1) to 6',
    ]);
    expect(scheduledPeakViolations(scheduledPeaks(short), short, 75)).toEqual([]);
    const tight = [{ ...regions[0], karpenterCpuLimit: 2 }];
    expect(scheduledPeakViolations(scheduledPeaks(tight), tight, 100)).toEqual([
      'scheduled peak rush in us-east-1: the floors request 2.8 vCPU, above Karpenter\'s ceiling of 2 (cluster.karpenterCpuLimit): the raised pods would stay Pending; lower the floors or raise the ceiling',
    ]);
  });
});

describe('the resilience report', () => {
  const input = defaultInput();
  const rendered = (config: typeof input.config) => Object.fromEntries(config.regions.map((r) => [r.name, Object.values(renderRegion({ ...input, config }, r.name)).flat()]));

  test('shows the evening rush from the rendered ScaledObjects: six pods over three zones, four left after an AZ loss, all the rush needs', () => {
    const report = buildReport(input.config, rendered(input.config));
    expect(report.scheduledPeaks).toHaveLength(1);
    const [rush] = report.scheduledPeaks;
    expect(rush).toMatchObject({ schedule: 'evening-rush', region: 'us-east-1', timezone: 'America/New_York', karpenterCpuLimit: 200 });
    for (const s of rush.services) expect([s.service, s.floor, s.perZone, s.survivors, s.peakRequired]).toEqual([s.service, 6, [2, 2, 2], 4, 4]);
    // 6 x (250 + 100 + 250 + 250 + 100) m.
    expect(rush.cpuMillis).toBe(5700);
    expect(report.violations.filter((v) => v.startsWith('scheduled peak'))).toEqual([]);
    expect(report.markdown).toContain('## Scheduled peaks');
    expect(report.markdown).toContain('### evening-rush: `0 17 * * *` to `0 22 * * *` (America/New_York)');
    expect(report.markdown).toContain('| us-east-1 | ui | 3 → 6 | 2/2/2 | 4 | 100 % of 4 ✓ | 66 % | 200 % of 2 |');
  });

  test('a floor whose AZ-loss survivors fall short of the rush is a budget violation', () => {
    const config = parseConfig(withChange((c) => (c.schedules[0].floors.orders['us-east-1'] = 5)));
    expect(buildReport(config, rendered(config)).violations.filter((v) => v.startsWith('scheduled peak'))).toEqual([
      'scheduled peak evening-rush in us-east-1: an AZ loss leaves orders 3 of its 5 pods, 75 % of the 4 the peak needs (budget 100 %): raise its floor (schedules "evening-rush" floors.orders.us-east-1) to 6',
    ]);
  });

  test('without schedules the section says the floors hold around the clock', () => {
    const config = parseConfig(withChange((c) => delete c.schedules));
    const report = buildReport(config, rendered(config));
    expect(report.scheduledPeaks).toEqual([]);
    expect(report.markdown).toContain("No schedule is configured: the floors are the services' minReplicas around the clock.");
  });
});
