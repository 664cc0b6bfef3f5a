// How the swarm draws a parameter: log-uniformly within a range around its default where
// the world can still keep up (DRAW_RANGES), clamped to the parameter's bounds.
//
// The bounds are the validator's today (written out in BOUNDS below). When the per-kind
// parameter tables (defaults, units, min/max per parameter) land in src/sim, `boundsOf`
// reads them instead and this local copy goes: nothing else in the swarm changes.

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

/** The validator's bounds for the parameters the swarm draws (src/scenario/validate.ts). */
const BOUNDS: Record<string, Record<string, Bounds>> = {
  database: {
    serviceMs: { min: 1e-6, max: 60_000 },
    cores: { min: 1, max: 256, integer: true },
    applyMs: { min: 0, max: 60_000 },
    semiSyncTimeoutMs: { min: 0, max: 3_600_000 },
    replicationWindowEntries: { min: 1, max: 10_000_000, integer: true },
    catchupEntriesPerSec: { min: 0, max: 1e9 },
  },
  client: {
    writesPerSec: { min: 0, max: 100_000 },
    readsPerSec: { min: 0, max: 100_000 },
    keys: { min: 1, max: 1_000_000, integer: true },
    timeoutMs: { min: 1e-6, max: 3_600_000 },
  },
  orchestrator: {
    heartbeatMs: { min: 1, max: 3_600_000 },
    timeoutMs: { min: 1, max: 3_600_000 },
    phiThreshold: { min: 1e-6, max: 100 },
  },
  endpoint: {
    ttlMs: { min: 0, max: 86_400_000 },
    updateDelayMs: { min: 0, max: 86_400_000 },
  },
  balancer: { healthCheckMs: { min: 1, max: 3_600_000 } },
  cache: { ttlMs: { min: 0, max: 86_400_000 } },
  worker: { jobMs: { min: 0, max: 60_000 } },
  monitor: { scrapeMs: { min: 1, max: 3_600_000 } },
};

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
  const b = BOUNDS[kind]?.[name];
  if (!b) throw new Error(`the swarm has no bounds for ${kind}.${name}`);
  return b;
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
