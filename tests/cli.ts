// The command line as a user runs it: `npm run sim` and `npm run lincheck` start
// src/cli/launch.mjs, which runs the built bundle (rebuilt first if the sources changed).
// Tests spawn the same thing, minus npm's own start-up.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CLI_LAUNCHER = fileURLToPath(new URL('../src/cli/launch.mjs', import.meta.url));

export interface CliResult {
  code: number | null;
  out: string;
  err: string;
}

/** Run a command of the CLI (`sim`, `lincheck`, ...) with its arguments, to completion. */
export function runCli(command: string, args: string[], options: SpawnSyncOptions = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI_LAUNCHER, command, ...args], { encoding: 'utf8', timeout: 120_000, ...options });
  if (r.error) throw r.error;
  return { code: r.status, out: String(r.stdout), err: String(r.stderr) };
}
