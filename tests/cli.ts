// The command line as a user runs it: `npm run sim` and `npm run lincheck` start
// src/cli/launch.mjs, which runs the built bundle (rebuilt first if the sources changed).
// Tests spawn the same thing, minus npm's own start-up.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI_LAUNCHER = fileURLToPath(new URL('../src/cli/launch.mjs', import.meta.url));

export interface CliResult {
  code: number | null;
  out: string;
  err: string;
}

/**
 * The longest a command may run before it is taken for hung and killed. A limit on hangs, not
 * on speed: beside other work (CI, CPU hogs), a run that takes seconds alone can take minutes.
 */
const HUNG_MS = 900_000;

/** Run a command of the CLI (`sim`, `lincheck`, ...) with its arguments, to completion. */
export function runCli(command: string, args: string[], options: SpawnSyncOptions = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI_LAUNCHER, command, ...args], { encoding: 'utf8', timeout: HUNG_MS, ...options });
  if (r.error) throw r.error;
  return { code: r.status, out: String(r.stdout), err: String(r.stderr) };
}

/** The benchmark's probe: loaded into the CLI's process, it writes its peak resident memory at exit. */
const PROBE = fileURLToPath(new URL('../bench/cli-probe.mjs', import.meta.url));

/** As runCli, also measuring the process's peak resident memory (from the kernel's own count, getrusage). */
export function runCliMeasured(command: string, args: string[], options: SpawnSyncOptions = {}): CliResult & { maxRssBytes: number } {
  const probe = join(mkdtempSync(join(tmpdir(), 'faultline-probe-')), 'probe.json');
  const r = spawnSync(process.execPath, ['--import', PROBE, CLI_LAUNCHER, command, ...args], {
    encoding: 'utf8',
    timeout: HUNG_MS,
    maxBuffer: 64 << 20,
    ...options,
    env: { ...process.env, ...options.env, FAULTLINE_BENCH_PROBE: probe },
  });
  if (r.error) throw r.error;
  const { maxRssBytes } = JSON.parse(readFileSync(probe, 'utf8')) as { maxRssBytes: number };
  return { code: r.status, out: String(r.stdout), err: String(r.stderr), maxRssBytes };
}
