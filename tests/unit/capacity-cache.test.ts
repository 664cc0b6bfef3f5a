import { describe, expect, it } from 'vitest';
import { createSim } from '../../src/sim/world';
import type { HistoryEntry } from '../../src/sim/kernel/component';
import { scenarioOf, seeds, type Patch } from './helpers/scenarios';
import { validateScenario } from '../../src/scenario/validate';
import { anomaliesOf } from '../../src/sim/report';

// The catch-up storm with a cache in front of the master (seed 000): while the master is
// swamped by the returning replica, pages the cache holds keep being served (fresh, or stale
// once expired), pages it does not hold fail: some users see nothing wrong, others a total
// outage. Without the cache, many more reads fail.

const RESTART_MS = 900_000;
const END_MS = 1_080_000;

/** The storm compressed (the slave is back after 15 minutes and stays), as the storm tests do. */
const compressed: Patch = (d) => {
  d.durationMs = END_MS;
  d.faults = d.faults.filter((f: { id: string }) => f.id !== 'back-down');
  // Its what-ifs are timed for the full-length lesson.
  delete d.whatIf;
  for (const f of d.faults) f.atMs = RESTART_MS;
};

interface Storm {
  /** Keys the cache held just before the storm (ground truth, from the cache's state). */
  cached: Set<string>;
  /** The web client's reads invoked while the master was overloaded (after a few seconds' grace). */
  reads: HistoryEntry[];
}

function storm(seed: number, patch?: Patch): Storm {
  const scenario = scenarioOf('catchup-storm', (d) => {
    compressed(d);
    patch?.(d);
  });
  const sim = createSim({ ...scenario, seed }, { checkpoints: false });
  sim.advanceTo(RESTART_MS * 1000 - 1);
  const v = sim.state.nodes[sim.index('page-cache')].v as { entries: Record<string, unknown> };
  const cached = new Set(Object.keys(v.entries));
  sim.advanceTo(END_MS * 1000);
  if (sim.aborted) throw new Error(`seed ${seed}: ${sim.aborted.reason}`);
  const marks = sim.journals.marks.items.filter((m) => m.node === 'master');
  const from = marks.find((m) => m.kind === 'overloaded' && m.atUs >= RESTART_MS * 1000)!.atUs + 5_000_000;
  const to = marks.find((m) => m.kind === 'overload-over' && m.atUs > from)?.atUs ?? END_MS * 1000;
  const reads = sim.journals.history.items.filter((e) => e.client === 'web' && e.type !== 'invoke' && e.invokedUs! >= from && e.invokedUs! < to);
  return { cached, reads };
}

const okShare = (xs: HistoryEntry[]) => xs.filter((e) => e.type === 'ok').length / Math.max(1, xs.length);

describe('a cache in front of the sick master', () => {
  it.each(seeds(4))('seed %i: reads of cached pages keep succeeding while reads of uncached pages fail', (seed) => {
    const { cached, reads } = storm(seed);
    expect(cached.size, `seed ${seed}`).toBeGreaterThan(500);
    const hot = reads.filter((e) => cached.has(e.key));
    const cold = reads.filter((e) => !cached.has(e.key));
    expect(hot.length, `seed ${seed}`).toBeGreaterThan(1000);
    expect(cold.length, `seed ${seed}`).toBeGreaterThan(300);
    expect(okShare(hot), `seed ${seed}: cached pages`).toBeGreaterThan(0.85);
    expect(okShare(cold), `seed ${seed}: uncached pages`).toBeLessThan(0.15);
    // The popular pages are the cached ones: zipf keys, k0 the hottest.
    expect(cached.has('k0') && cached.has('k1'), `seed ${seed}`).toBe(true);
    // What fails is the master's doing: the cache passes on its gateway timeouts naming it.
    const failed = cold.filter((e) => e.type !== 'ok');
    expect(failed.every((e) => e.error === 'timeout' && e.node === 'master'), `seed ${seed}`).toBe(true);
  });

  it.each(seeds(3))('seed %i: without the cache, far more of the same reads fail', (seed) => {
    const withCache = storm(seed).reads.filter((e) => e.type !== 'ok').length;
    const without = storm(seed, (d) => (d.nodes.find((n: { id: string }) => n.id === 'web').target = 'master')).reads.filter((e) => e.type !== 'ok').length;
    expect(without, `seed ${seed}`).toBeGreaterThan(2.5 * withCache);
  });

  it('serves an expired page while the backend fails only with serveStale', () => {
    const failedHot = (serveStale: boolean) => {
      const { cached, reads } = storm(1, (d) => Object.assign(d.nodes.find((n: { id: string }) => n.id === 'page-cache'), { serveStale, ttlMs: 20_000 }));
      return 1 - okShare(reads.filter((e) => cached.has(e.key)));
    };
    // With a 20 s TTL every copy expires early in the storm: without stale copies, cached
    // pages fail like the rest.
    expect(failedHot(true)).toBeLessThan(0.15);
    expect(failedHot(false)).toBeGreaterThan(0.8);
  });
});

describe('the cache on its own', () => {
  const world = (writesThroughCache: boolean) => ({
    format: 'faultline/1',
    seed: 5,
    durationMs: 60_000,
    sites: [{ id: 'dc' }],
    nodes: [
      { id: 'db', kind: 'database', site: 'dc', role: 'primary' },
      { id: 'cache', kind: 'cache', site: 'dc', backend: 'db', ttlMs: 30_000 },
      { id: 'writer', kind: 'client', site: 'dc', target: writesThroughCache ? 'cache' : 'db', writesPerSec: 50, keys: 20 },
      { id: 'reader', kind: 'client', site: 'dc', target: 'cache', readsPerSec: 200, keys: 20 },
    ],
  });

  function runWorld(writesThroughCache: boolean) {
    const res = validateScenario(world(writesThroughCache));
    if (!res.ok) throw new Error(JSON.stringify(res.errors));
    const sim = createSim(res.scenario, { checkpoints: false });
    sim.advanceTo(60_000_000);
    return { sim, anomalies: anomaliesOf(sim), history: sim.journals.history.items };
  }

  it('answers hits itself and names the database for what it relays', () => {
    const { sim, history } = runWorld(true);
    const reads = history.filter((e) => e.client === 'reader' && e.type === 'ok');
    const fromCache = reads.filter((e) => e.node === 'cache').length;
    const relayed = reads.filter((e) => e.node === 'db').length;
    expect(fromCache + relayed).toBe(reads.length);
    expect(fromCache).toBeGreaterThan(relayed);
    // Writes relayed by the cache are acknowledged by the database, with its log position.
    const writes = history.filter((e) => e.client === 'writer' && e.type === 'ok');
    expect(writes.length).toBeGreaterThan(2000);
    expect(writes.every((e) => e.node === 'db' && typeof e.lsn === 'number')).toBe(true);
    const last = sim.journals.samples.items.filter((s) => s.node === 'cache').at(-1)!.values;
    expect(last.hitRatio).toBeCloseTo(last.hits / (last.hits + last.misses), 6);
  });

  it('a write through the cache drops its copy: no stale reads; a write around it leaves the copy, and reads are stale', () => {
    const through = runWorld(true);
    expect(through.anomalies.filter((a) => a.kind === 'stale-read')).toEqual([]);
    const around = runWorld(false);
    const stale = around.anomalies.filter((a) => a.kind === 'stale-read');
    expect(stale.length).toBeGreaterThan(0);
    expect(stale[0].nodes).toEqual(['cache']);
    expect(stale[0].explanation).toContain('cache is a cache');
  });
});
