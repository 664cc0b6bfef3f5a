// How the swarm draws a parameter: log-uniformly within a range around its default where
// the world can still keep up (DRAW_RANGES), clamped to the parameter's bounds as its kind's
// parameter table gives them (src/sim/params: the same bounds the validator enforces).

import { NODE_PARAMS } from '../../sim/params';
import type { NodeKind } from '../../sim/spec';

export interface Draw {
  float(): number;
  int(lo: number, hi: number): number;
  chance(p: number): boolean;
  pick<T>(xs: readonly T[]): T;
  logUniform(lo: number, hi: number): number;
}

interface Bounds {
  min: number;
  max: number;
  integer?: boolean;
}

/**
 * Where the swarm draws each parameter (log-uniform between the two): near the default, and
 * where the drawn world can keep up with its load and settle within the quiet tail.
 */
const DRAW_RANGES: Record<string, Record<string, [lo: number, hi: number]>> = {
  database: {
    serviceMs: [0.02, 0.5],
    cores: [1, 4],
    applyMs: [0.01, 0.5],
    semiSyncTimeoutMs: [200, 10_000],
    replicationWindowEntries: [16, 4096],
    catchupEntriesPerSec: [2000, 50_000],
  },
  client: { writesPerSec: [1, 60], readsPerSec: [1, 80], keys: [5, 2000], timeoutMs: [300, 3000] },
  orchestrator: { heartbeatMs: [200, 2000], timeoutMs: [2000, 15_000], phiThreshold: [3, 12] },
  endpoint: { ttlMs: [100, 8000], updateDelayMs: [50, 3000] },
  balancer: { healthCheckMs: [200, 3000] },
  cache: { ttlMs: [100, 60_000] },
  worker: { jobMs: [5, 100] },
  monitor: { scrapeMs: [1000, 20_000] },
};

function boundsOf(kind: string, name: string): Bounds {
  const param = (NODE_PARAMS[kind as NodeKind] as Record<string, { type: string; min?: number; above?: number; max?: number; integer?: true }> | undefined)?.[name];
  if (!param || param.type !== 'number') throw new Error(`the parameter table of ${kind} has no number ${name}`);
  // An exclusive lower bound: a millionth above it is inside.
  const min = param.min ?? (param.above !== undefined ? param.above + 1e-6 : -Infinity);
  return { min, max: param.max ?? Infinity, integer: param.integer };
}

export function drawParam(r: Draw, kind: string, name: string): number {
  const range = DRAW_RANGES[kind]?.[name];
  if (!range) throw new Error(`the swarm has no draw range for ${kind}.${name}`);
  const b = boundsOf(kind, name);
  const v = Math.min(b.max, Math.max(b.min, r.logUniform(range[0], range[1])));
  if (b.integer) return Math.max(b.min, Math.round(v));
  // Three significant figures: readable in the link and the inspector.
  return Number(v.toPrecision(3));
}
