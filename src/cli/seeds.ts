// `--seeds A..B`: the same scenario under many seeds, on every core, and in how many runs
// each anomaly kind occurred. One lucky seed proves nothing; a sweep shows how often.

import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import type { RunOutput, RunRequest } from './run';

export interface SeedRun {
  seed: number;
  trace?: string;
  events?: number;
  anomalies?: Record<string, number>;
  aborted?: string;
  error?: string;
}

export interface SweepOutput {
  format: 'faultline/1';
  scenario: string;
  seeds: { from: number; to: number };
  untilMs: number;
  runs: number;
  /** Per anomaly kind: in how many runs it occurred. */
  anomalies: Record<string, number>;
  results: SeedRun[];
}

export const MAX_SWEEP_SEEDS = 100_000;

export function parseSeedRange(text: string): { from: number; to: number } | string {
  const m = /^(-?\d+)\.\.(-?\d+)$/.exec(text);
  if (!m) return `--seeds takes a range like 1..50; found '${text}'`;
  const from = Number(m[1]);
  const to = Number(m[2]);
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to)) return '--seeds bounds must be safe integers';
  if (to < from) return `--seeds ${text} is empty: the first seed must not be after the last`;
  if (to - from + 1 > MAX_SWEEP_SEEDS) return `--seeds ${text} is ${to - from + 1} runs; at most ${MAX_SWEEP_SEEDS} are allowed`;
  return { from, to };
}

export async function sweep(request: RunRequest, from: number, to: number): Promise<SweepOutput> {
  const seeds: number[] = [];
  for (let s = from; s <= to; s++) seeds.push(s);
  const workers = Math.max(1, Math.min(availableParallelism(), seeds.length));
  const shares: number[][] = Array.from({ length: workers }, () => []);
  seeds.forEach((s, i) => shares[i % workers].push(s));
  const bySeed = new Map<number, SeedRun>();
  // This module runs from the CLI's bundle (src/cli/launch.mjs), where every command is a
  // file beside it: the worker is seed-worker.mjs.
  const entry = new URL('./seed-worker.mjs', import.meta.url);
  await Promise.all(
    shares.map(
      (share) =>
        new Promise<void>((resolve, reject) => {
          const w = new Worker(entry, { workerData: { request, seeds: share } });
          w.on('message', (m: { seed: number; output?: RunOutput; error?: string }) => {
            bySeed.set(m.seed, m.output ? toSeedRun(m.seed, m.output) : { seed: m.seed, error: m.error });
          });
          w.on('error', reject);
          w.on('exit', () => resolve());
        }),
    ),
  );
  const results = seeds.map((s) => bySeed.get(s) ?? { seed: s, error: 'the worker stopped before reporting this seed' });
  const anomalies: Record<string, number> = {};
  for (const r of results) for (const kind of Object.keys(r.anomalies ?? {})) anomalies[kind] = (anomalies[kind] ?? 0) + 1;
  return {
    format: 'faultline/1',
    scenario: request.scenario.title ?? 'Untitled scenario',
    seeds: { from, to },
    untilMs: Math.min(request.untilMs ?? request.scenario.durationMs, request.scenario.durationMs),
    runs: results.length,
    anomalies: Object.fromEntries(Object.entries(anomalies).sort(([a], [b]) => (a < b ? -1 : 1))),
    results,
  };
}

function toSeedRun(seed: number, o: RunOutput): SeedRun {
  const r: SeedRun = { seed, trace: o.trace, events: o.events, anomalies: Object.fromEntries(o.anomalies.map((a) => [a.kind, a.count])) };
  if (o.aborted) r.aborted = o.aborted.reason;
  return r;
}
