/**
 * Scheduled capacity (`schedules` in the config): floors raised before a known peak and lowered after
 * it, rendered as KEDA cron triggers beside the CPU and memory targets of each service's ScaledObject
 * (charts/constructs/highly-available-service.ts); Karpenter follows the pods. The cron syntax, the
 * time zone and the rules below are those of KEDA v2.20.1's cron scaler, so that a schedule KEDA would
 * refuse at reconcile time (which fails the whole ScaledObject, CPU and memory included) is refused
 * here instead.
 */
import { z } from 'zod';

/** A schedule's name: a DNS label (it names the cron trigger of every ScaledObject it raises). */
const NAME_PATTERN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * The five fields KEDA's cron scaler parses (kedacore/keda v2.20.1 pkg/scalers/cron_scaler.go:39,70:
 * `cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow)`), with robfig/cron v3's
 * bounds and names (vendor/github.com/robfig/cron/v3/spec.go); `?` means `*` in any field (parser.go getRange).
 */
const CRON_FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'], offset: 1 },
  { name: 'day of week', min: 0, max: 6, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'], offset: 0 },
] as const;

/**
 * What is wrong with a cron expression for KEDA's cron scaler (undefined when nothing is): exactly five
 * fields (no seconds), no `@daily`-style descriptor (the parser is built without `cron.Descriptor`:
 * robfig/cron v3 parser.go Parse refuses them), no `TZ=` prefix (the time zone is the schedule's own
 * field), and each field a list of `*`, `?`, values, ranges and steps within robfig's bounds.
 */
export function cronProblem(expression: string): string | undefined {
  const example = 'use five fields (minute hour day-of-month month day-of-week), e.g. "0 17 * * *" for 17:00 every day';
  if (expression.trim().startsWith('@')) return `"${expression}" is a descriptor, which KEDA's cron scaler does not accept: ${example}`;
  if (/^\s*(CRON_)?TZ=/.test(expression)) return `"${expression}" sets its time zone inline: remove the TZ= prefix and set the schedule's timezone`;
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) return `"${expression}" has ${fields.length} field(s): ${example}`;
  for (let i = 0; i < 5; i++) {
    const spec = CRON_FIELDS[i];
    const value = (text: string): number | undefined => {
      const named = 'names' in spec ? (spec.names as readonly string[]).indexOf(text.toLowerCase()) : -1;
      if (named >= 0) return named + ('offset' in spec ? spec.offset : 0);
      return /^\d+$/.test(text) ? Number(text) : undefined;
    };
    for (const part of fields[i].split(',')) {
      const [range, step, ...extra] = part.split('/');
      const bad = `"${expression}": the ${spec.name} field "${fields[i]}"`;
      if (extra.length || (step !== undefined && !/^[1-9]\d*$/.test(step))) return `${bad} has a bad step: use e.g. "*/15"`;
      if (range === '*' || range === '?') continue;
      const bounds = range.split('-');
      if (bounds.length > 2) return `${bad} has too many hyphens`;
      const [low, high] = bounds.map(value);
      if (low === undefined || (bounds.length === 2 && high === undefined)) return `${bad} is not a number, a name, a range or *`;
      const end = high ?? low;
      if (low < spec.min || end > spec.max) return `${bad} is outside ${spec.min}-${spec.max}`;
      if (low > end) return `${bad} has a range that ends before it starts`;
    }
  }
  return undefined;
}

/**
 * What is wrong with an IANA time zone name (undefined when nothing is). KEDA loads it with Go's
 * time.LoadLocation on every metric read (cron_scaler.go:124-127: "unable to load timezone", which
 * leaves the trigger failing), from the tzdata of its distroless/static image (GoogleContainerTools/
 * distroless base/README.md: static holds tzdata). Node's ICU knows the same names, but matches them
 * regardless of case, where the zoneinfo files Go reads do not: the case is checked here.
 */
export function timeZoneProblem(zone: string): string | undefined {
  if (zone === 'Local' || zone === '') return `"${zone}" is the KEDA pod's own zone, not a place: name an IANA time zone such as "America/New_York" or "Etc/UTC"`;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return `"${zone}" is not an IANA time zone: use a name such as "America/New_York", "Europe/Berlin" or "Etc/UTC"`;
  }
  const aliasOf = resolved.toLowerCase() === zone.toLowerCase() ? resolved : undefined;
  if ((aliasOf !== undefined && aliasOf !== zone) || zone.split('/').some((part) => !/^[A-Z]/.test(part))) {
    return `"${zone}" is not written as the IANA name, and KEDA reads the zone files case-sensitively: write it as "${aliasOf ?? resolved}"`;
  }
  return undefined;
}

export const scheduleSchema = z
  .object({
    /** Names the schedule (a DNS label, unique): the cron trigger it adds to each ScaledObject carries it. */
    name: z.string().regex(NAME_PATTERN, 'must be a DNS label such as "evening-rush"'),
    /**
     * IANA time zone the start and end are read in, e.g. America/New_York; daylight saving time is
     * followed (Go's time package).
     */
    timezone: z.string().superRefine((zone, ctx) => {
      const problem = timeZoneProblem(zone);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
    /** When the floors go up: a five-field cron expression (minute hour day-of-month month day-of-week). */
    start: z.string().superRefine((cron, ctx) => {
      const problem = cronProblem(cron);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
    /** When they come down again, in the same form. A window may cross midnight. */
    end: z.string().superRefine((cron, ctx) => {
      const problem = cronProblem(cron);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
    /**
     * Replicas per service and region while the schedule is on: `{ <service>: { <region>: replicas } }`.
     * Each floor is at least the service's minReplicas there and at most its maxReplicas; the HPA still
     * scales above it on CPU and memory. Services and regions left out keep their own floors.
     */
    floors: z.record(z.string(), z.record(z.string(), z.number().int().min(1, 'must be at least 1'))),
  })
  .strict()
  .superRefine((s, ctx) => {
    // KEDA compares the two strings (cron_scaler.go:48-50: "start and end can not have exactly same time input").
    if (s.start.trim() === s.end.trim()) {
      ctx.addIssue({ code: 'custom', path: ['end'], message: `"${s.end}" is the same as start: the window would never open; give it an end after the start` });
    }
    if (Object.keys(s.floors).length === 0) ctx.addIssue({ code: 'custom', path: ['floors'], message: 'raises nothing: name at least one service and region, e.g. { ui: { us-east-1: 6 } }, or remove the schedule' });
  });

export type Schedule = z.output<typeof scheduleSchema>;

/** What the schedules check needs of the config (the raw schema output, before defaults of zones). */
interface ScheduledConfig {
  readonly schedules: Schedule[];
  readonly regions: ReadonlyArray<{ readonly name: string }>;
  readonly cluster: { readonly karpenterCpuLimit: number };
  readonly services: Record<string, { readonly resources: { readonly cpu: string }; readonly regions: Record<string, { minReplicas: number; maxReplicas: number; resources?: { cpu: string } }> }>;
}

/**
 * Rules across the config: unique names; floors only for services and regions that exist, within each
 * service's floor and ceiling there; and the requests at a schedule's floors (every service at its
 * floor, raised or not) within the region's Karpenter on-demand ceiling, which would otherwise leave
 * the raised pods Pending at the very moment they are needed.
 */
export function checkSchedules(c: ScheduledConfig, ctx: z.RefinementCtx, cpuMillis: (quantity: string) => number): void {
  const regionNames = c.regions.map((r) => r.name);
  const seen = new Map<string, number>();
  c.schedules.forEach((s, i) => {
    const at = (...path: Array<string | number>) => ['schedules', i, ...path];
    if (seen.has(s.name)) ctx.addIssue({ code: 'custom', path: at('name'), message: `"${s.name}" is also the name of schedules.${seen.get(s.name)}: give each schedule its own name` });
    seen.set(s.name, i);
    for (const [service, byRegion] of Object.entries(s.floors)) {
      const svc = c.services[service];
      if (!svc) {
        ctx.addIssue({ code: 'custom', path: at('floors', service), message: `"${service}" is not a service (${Object.keys(c.services).join(', ')}): name one of them` });
        continue;
      }
      for (const [region, floor] of Object.entries(byRegion)) {
        if (!Number.isInteger(floor) || floor < 1) continue; // refused by the field's own rule
        const sizing = svc.regions[region];
        if (!regionNames.includes(region) || !sizing) {
          ctx.addIssue({ code: 'custom', path: at('floors', service, region), message: `"${region}" is not one of the regions (${regionNames.join(', ')}): name one of them` });
        } else if (floor < sizing.minReplicas) {
          ctx.addIssue({
            code: 'custom',
            path: at('floors', service, region),
            message: `${floor} is below services.${service}.regions.${region}.minReplicas ${sizing.minReplicas}: a schedule only raises floors (the HPA never goes below minReplicas), so this one would do nothing; use at least ${sizing.minReplicas}, or remove it`,
          });
        } else if (floor > sizing.maxReplicas) {
          ctx.addIssue({
            code: 'custom',
            path: at('floors', service, region),
            message: `${floor} is above services.${service}.regions.${region}.maxReplicas ${sizing.maxReplicas}: the HPA would stop at the ceiling; raise maxReplicas or lower the floor`,
          });
        }
      }
    }
    // Karpenter's on-demand ceiling per region, against the requests of the whole shop at this schedule's floors.
    for (const region of regionNames) {
      if (!Object.values(s.floors).some((byRegion) => region in byRegion)) continue;
      const terms = Object.entries(c.services).map(([service, svc]) => {
        const sizing = svc.regions[region];
        const replicas = Math.max(s.floors[service]?.[region] ?? 0, sizing?.minReplicas ?? 0);
        return { service, replicas, cpu: (sizing?.resources ?? svc.resources).cpu };
      });
      const millis = terms.reduce((sum, t) => sum + t.replicas * cpuMillis(t.cpu), 0);
      const limit = c.cluster.karpenterCpuLimit;
      if (millis > limit * 1000) {
        ctx.addIssue({
          code: 'custom',
          path: at('floors'),
          message: `at its floors the shop requests ${millis / 1000} vCPU in ${region} (${terms.map((t) => `${t.service} ${t.replicas} x ${t.cpu}`).join(', ')}), above cluster.karpenterCpuLimit ${limit}: Karpenter would leave the extra pods Pending; lower the floors or raise cluster.karpenterCpuLimit`,
        });
      }
    }
  });
}
