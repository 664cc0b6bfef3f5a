// The command line as a user runs it (the built bundle, through src/cli/launch.mjs), timed
// from outside: wall time of the run counting from after start-up (a run of the same
// scenario to t = 0 measures the start-up: Node, the launcher's freshness check, loading the
// bundle, validating), events per second, and the process's peak resident memory.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { syntheticWorld } from './worlds';
import { fmt, type BenchSection } from './report';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PROBE = join(ROOT, 'bench/cli-probe.mjs');
const LAUNCHER = join(ROOT, 'src/cli/launch.mjs');

export interface CliProcess {
  json: { trace: string; events: number; untilMs: number; aborted?: { reason: string } };
  endMs: number;
  /** User and system CPU time of the whole process (all its threads). */
  cpuMs: number;
  maxRssBytes: number;
}

/** `built`: the bundle, as `npm run sim` runs it; `tsx`: the TypeScript sources compiled at start, as the CLI ran before. */
export type CliWay = 'built' | 'tsx';

export function runCliProcess(args: string[], way: CliWay = 'built'): CliProcess {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-bench-'));
  const probe = join(dir, 'probe.json');
  try {
    const argv = way === 'built' ? ['--import', PROBE, LAUNCHER, 'sim', ...args] : ['--import', 'tsx', '--import', PROBE, join(ROOT, 'src/cli/sim.ts'), ...args];
    const r = spawnSync(process.execPath, [...argv, '--json'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, FAULTLINE_BENCH_PROBE: probe }, maxBuffer: 64 << 20 });
    if (r.status !== 0) throw new Error(`npm run sim -- ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(0, 2000)}`);
    const p = JSON.parse(readFileSync(probe, 'utf8')) as { endMs: number; cpuMs: number; maxRssBytes: number };
    return { json: JSON.parse(r.stdout), ...p };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface CliFigures {
  events: number;
  trace: string;
  untilMs: number;
  /** Wall seconds of the run after start-up. */
  seconds: number;
  /** CPU seconds of the run after start-up (less sensitive to a busy machine than wall time). */
  cpuSeconds: number;
  startupMs: number;
  eventsPerSec: number;
  peakRssBytes: number;
}

/** One scenario (a built-in id or a file) run to its end, and to t = 0 for the start-up. */
export function measureCli(target: string, way: CliWay = 'built'): CliFigures {
  const start = runCliProcess([target, '--until', '0'], way);
  const run = runCliProcess([target], way);
  const seconds = Math.max(1e-3, (run.endMs - start.endMs) / 1000);
  return {
    events: run.json.events,
    trace: run.json.trace,
    untilMs: run.json.untilMs,
    seconds,
    cpuSeconds: (run.cpuMs - start.cpuMs) / 1000,
    startupMs: start.endMs,
    eventsPerSec: run.json.events / seconds,
    peakRssBytes: run.maxRssBytes,
  };
}

/** Write a scenario document to a temporary file for the CLI; returns the path and a clean-up. */
export function scenarioFile(doc: object): { path: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-bench-'));
  const path = join(dir, 'scenario.json');
  writeFileSync(path, JSON.stringify(doc));
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

// ---- the CLI on a 100-node world (the figure for `npm run sim`) -------------------

export async function benchCliWorld(bareEventsPerSec: number): Promise<BenchSection> {
  const world = syntheticWorld(10, 5, 60_000);
  const file = scenarioFile({ format: 'faultline/1', title: 'Benchmark: 100 nodes', ...world });
  try {
    const built = measureCli(file.path);
    const tsx = measureCli(file.path, 'tsx');
    const line = (f: CliFigures) =>
      `${fmt(f.eventsPerSec)} events/s, ${fmt(f.eventsPerSec / bareEventsPerSec, 3)} of the bare loop (${fmt(f.seconds, 2)} s, ${fmt(f.cpuSeconds, 2)} CPU s, after a start-up of ${fmt(f.startupMs)} ms; peak RSS ${fmt(f.peakRssBytes / 1e6)} MB)`;
    return {
      title: 'CLI on a 100-node world (npm run sim, 60 s simulated)',
      rows: [
        ['world', `${world.nodes.length} nodes in ${world.sites.length} sites, ${fmt(built.events)} events`],
        ['npm run sim (built)', line(built)],
        ['through tsx (as before)', line(tsx)],
        ['bare loop', `${fmt(bareEventsPerSec)} events/s (bench/bare.ts, this run)`],
      ],
      data: { events: built.events, built, tsx, bareEventsPerSec, ratio: built.eventsPerSec / bareEventsPerSec, tsxRatio: tsx.eventsPerSec / bareEventsPerSec },
    };
  } finally {
    file.remove();
  }
}
