/**
 * Runs Lua health scripts the way Argo CD v3.4.4 does, in a real Lua VM (wasmoon, Lua 5.4), outside
 * jest, whose module sandbox cannot load wasmoon's dynamic imports.
 *
 * - As a script (`tsx run-lua.ts`): reads [LuaCase] as JSON on stdin, prints [LuaHealth] as JSON.
 * - From tests: `runLua(cases)` spawns that script once for the whole batch.
 *
 * The VM is Argo CD's (argo-cd v3.4.4 util/lua/lua.go:71-129): a fresh state per evaluation with only
 * the base, table and package libraries, so no `string`, `math`, `io`, `utf8`, `coroutine`, `debug`,
 * no string methods, and no global `os`; `require("os")` gives a table with only `time` and `date`
 * (util/lua/oslib_safe.go). (Argo CD also registers that time/date into `table`, a side effect of
 * OpenSafeOs registering under TabLibName; no script should rely on it, so it is left out here.)
 * Time is deterministic per case: `now` (epoch seconds) is what `os.time()` returns, and `os.date`
 * formats in UTC, as in the Argo CD image, which runs in UTC.
 * Results follow ExecuteHealthLua (lua.go:132-165) and GetResourceHealth (gitops-engine
 * pkg/health/health.go:78-90): a table gives {status, message}; an invalid status gives Unknown
 * "Lua returned an invalid health status"; nil or an empty table gives {}; a Lua error gives Unknown
 * with the error as message (the batch goes on).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { LuaEngine, LuaFactory } from 'wasmoon';

export type LuaCase = {
  script: string;
  /** The live object, exposed to the script as the global `obj`. */
  obj: unknown;
  /** "Now", in epoch seconds, for `os.time()` and `os.date()`; the real clock when absent. */
  now?: number;
  /**
   * All standard libraries, as Argo CD gives its built-in scripts (lua.go:203-204) and overrides with
   * `resource.customizations.useOpenLibs.<group>_<kind>: true`. Scripts in argocd-cm get false.
   */
  openLibs?: boolean;
};

export type LuaHealth = { status?: string; message?: string };

const HEALTH_CODES = ['Unknown', 'Progressing', 'Healthy', 'Suspended', 'Degraded', 'Missing'];

/** Runs every case in one child process (a few milliseconds per case). */
export function runLua(cases: LuaCase[]): LuaHealth[] {
  const tsx = path.resolve(__dirname, '..', '..', 'node_modules', '.bin', 'tsx');
  const run = spawnSync(tsx, [__filename], { input: JSON.stringify(cases), encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`Lua runner failed: ${run.stderr || run.error}`);
  return JSON.parse(run.stdout) as LuaHealth[];
}

/** One evaluation in a fresh VM, as Argo CD creates one LState per script run. */
export async function evaluate(factory: LuaFactory, c: LuaCase): Promise<LuaHealth> {
  const lua = await createVm(factory, c);
  try {
    lua.global.set('obj', c.obj);
    return toHealth(await lua.doString(c.script));
  } catch (e) {
    return { status: 'Unknown', message: e instanceof Error ? e.message : String(e) };
  } finally {
    lua.global.close();
  }
}

async function createVm(factory: LuaFactory, c: LuaCase): Promise<LuaEngine> {
  const { LuaLibraries } = await import('wasmoon');
  const lua = await factory.createEngine({ openStandardLibs: !!c.openLibs });
  if (!c.openLibs) for (const lib of [LuaLibraries.Package, LuaLibraries.Base, LuaLibraries.Table]) lua.global.loadLibrary(lib);
  const now = c.now ?? Math.floor(Date.now() / 1000);
  lua.global.set('__argo_os_time', (t?: Record<string, number>) => osTime(now, t));
  lua.global.set('__argo_os_date', (format?: string, t?: number) => osDate(now, format, t));
  // Restricted: preloaded, as lua.go:100 (l.PreloadModule(lua.OsLibName, SafeOsLoader)). Open libraries:
  // the full os, with time and date pinned to the case's clock too. The helper globals go away.
  await lua.doString(`local t, d = __argo_os_time, __argo_os_date
if os ~= nil then
  os.time, os.date = t, d
else
  package.preload["os"] = function() return { time = t, date = d } end
end
__argo_os_time = nil
__argo_os_date = nil`);
  return lua;
}

/** oslib_safe.go osTime: now without argument; a date table otherwise (hour defaults to 12), in UTC. */
function osTime(now: number, t?: Record<string, number>): number {
  if (t === undefined || t === null) return now;
  const field = (k: string, dflt: number) => (typeof t[k] === 'number' ? t[k] : dflt);
  return Math.floor(Date.UTC(field('year', -1), field('month', -1) - 1, field('day', -1), field('hour', 12), field('min', 0), field('sec', 0)) / 1000);
}

/** oslib_safe.go osDate: strftime with Argo CD's flag table; "*t" gives a table; UTC throughout. */
function osDate(now: number, format = '%c', t?: number): string | Record<string, number | boolean> {
  const fmt = format.startsWith('!') ? format.replace(/^!+/, '') : format;
  const d = new Date((t ?? now) * 1000);
  if (fmt.startsWith('*t')) {
    return {
      year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), min: d.getUTCMinutes(), sec: d.getUTCSeconds(),
      wday: d.getUTCDay() + 1, yday: 0, isdst: false,
    };
  }
  return strftime(d, fmt);
}

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** oslib_safe.go cDateFlagToGo (Go layouts rendered in UTC); unknown flags are kept as written. */
function strftime(d: Date, fmt: string): string {
  const hour12 = d.getUTCHours() % 12 === 0 ? 12 : d.getUTCHours() % 12;
  const flags: Record<string, () => string> = {
    a: () => 'mon', // Argo CD maps %a to the Go layout "mon", which is not a layout token: always the text "mon"
    A: () => DAYS[d.getUTCDay()],
    b: () => MONTHS[d.getUTCMonth()].slice(0, 3),
    B: () => MONTHS[d.getUTCMonth()],
    c: () => `${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()].slice(0, 3)} ${pad(d.getUTCFullYear() % 100)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`,
    d: () => pad(d.getUTCDate()),
    F: () => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`,
    H: () => pad(d.getUTCHours()),
    I: () => pad(hour12),
    m: () => pad(d.getUTCMonth() + 1),
    M: () => pad(d.getUTCMinutes()),
    p: () => (d.getUTCHours() < 12 ? 'AM' : 'PM'),
    P: () => (d.getUTCHours() < 12 ? 'am' : 'pm'),
    S: () => pad(d.getUTCSeconds()),
    x: () => `${pad(d.getUTCHours())}/${pad(d.getUTCMinutes())}/${pad(d.getUTCSeconds())}`,
    X: () => `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`,
    y: () => pad(d.getUTCFullYear() % 100),
    Y: () => String(d.getUTCFullYear()),
    z: () => '+0000',
    Z: () => 'UTC',
    w: () => String(d.getUTCDay()),
  };
  let out = '';
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i];
    if (c !== '%' || i === fmt.length - 1) {
      out += c;
    } else if (fmt[i + 1] === '%') {
      out += '%';
      i++;
    } else {
      const flag = fmt[++i];
      out += flags[flag] ? flags[flag]() : `%${flag}`;
    }
  }
  return out;
}

/** ExecuteHealthLua (lua.go:137-164): what Argo CD makes of the script's return value. */
function toHealth(value: unknown): LuaHealth {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object') return { status: 'Unknown', message: `expect table output from Lua script, not ${typeof value}` };
  const table = value as Record<string, unknown>;
  if (Object.keys(table).length === 0) return {};
  const status = table.status;
  if (typeof status !== 'string' || !HEALTH_CODES.includes(status)) return { status: 'Unknown', message: 'Lua returned an invalid health status' };
  return typeof table.message === 'string' ? { status, message: table.message } : { status };
}

async function main(): Promise<void> {
  const { LuaFactory } = await import('wasmoon');
  const cases = JSON.parse(fs.readFileSync(0, 'utf8')) as LuaCase[];
  const factory = new LuaFactory();
  const results: LuaHealth[] = [];
  for (const c of cases) results.push(await evaluate(factory, c));
  process.stdout.write(JSON.stringify(results));
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
