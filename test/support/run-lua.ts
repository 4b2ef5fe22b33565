/**
 * Runs Lua health scripts in a real Lua VM (wasmoon) outside jest, whose module sandbox cannot load
 * wasmoon's dynamic imports. Reads [{script, obj}] as JSON on stdin, prints the results as JSON.
 */
import { LuaFactory } from 'wasmoon';

async function main(): Promise<void> {
  const cases = JSON.parse(require('fs').readFileSync(0, 'utf8')) as Array<{ script: string; obj: unknown }>;
  const results = [];
  for (const c of cases) {
    const lua = await new LuaFactory().createEngine();
    try {
      lua.global.set('obj', c.obj);
      results.push(await lua.doString(c.script));
    } finally {
      lua.global.close();
    }
  }
  process.stdout.write(JSON.stringify(results));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
