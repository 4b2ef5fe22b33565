/**
 * Argument parsing shared by the command-line entry points: `--help` (or `-h`) prints the usage on
 * stdout and exits 0, anything unknown prints the error and the usage on stderr and exits 2.
 */
import { parseArgs, ParseArgsConfig } from 'util';

/** What a command does with its arguments: run with the values, or stop with an exit code. */
export type CliArgs<T> = { readonly values: T } | { readonly exitCode: number };

/**
 * Parses `argv` against `options` (strict: unknown flags are errors). `check` may throw to refuse a
 * combination of values with a message.
 */
export function parseCli<T>(argv: string[], options: ParseArgsConfig['options'], usage: string, check?: (values: T) => void): CliArgs<T> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(usage);
    return { exitCode: 0 };
  }
  try {
    const values = parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values as T;
    check?.(values);
    return { values };
  } catch (e) {
    console.error(`error: ${(e as Error).message}\n${usage}`);
    return { exitCode: 2 };
  }
}
