import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createSim } from '../../src/sim/world';
import { hashString } from '../../src/sim/kernel/hash';
import { SEQ_CHUNK } from '../../src/sim/kernel/seq';
import type { Sim } from '../../src/sim/kernel/sim';
import type { FaultSpec, WorldSpec } from '../../src/sim/spec';

// Checkpoints share sequence chunks and table pages with the live state and with each other
// (snapshot.ts). This world exercises every way those structures change: a CPU queue longer
// than a chunk, a log trimmed from the front, a follower too far behind that gets a snapshot
// (a table and sequences copied into a message), a deposed primary that truncates its
// divergent suffix and rewinds its data. Any seek, in any order, must land on exactly the
// state a straight run reaches.
function stressWorld(seed: number, faults?: FaultSpec[]): WorldSpec {
  return {
    seed,
    durationMs: 40_000,
    sites: [{ id: 'a' }, { id: 'b' }],
    links: [{ between: ['a', 'b'], latencyMs: 20, jitterMs: 3 }],
    nodes: [
      { id: 'db1', kind: 'database', site: 'a', role: 'primary', cores: 1, serviceMs: 1.5, logRetainEntries: 400 },
      { id: 'db2', kind: 'database', site: 'a', role: 'replica', replicateFrom: 'db1', replication: 'async', logRetainEntries: 400 },
      { id: 'db3', kind: 'database', site: 'b', role: 'replica', replicateFrom: 'db1', replication: 'async', logRetainEntries: 400 },
      { id: 'orch', kind: 'orchestrator', site: 'a', watches: ['db1', 'db2', 'db3'], detector: 'timeout', timeoutMs: 2000, promotion: 'auto', fencing: false },
      { id: 'rw', kind: 'endpoint', resolvesTo: 'role:primary', ttlMs: 1000 },
      // A burst far beyond db1's capacity fills its CPU queue past a chunk; keys beyond a page.
      { id: 'app', kind: 'client', site: 'a', target: 'rw', writesPerSec: 900, readsPerSec: 300, keys: 3000, timeoutMs: 4000 },
    ],
    faults: faults ?? [
      { id: 'c2', kind: 'crash', atMs: 4_000, untilMs: 12_000, target: 'db3' },
      { id: 'p1', kind: 'partition', atMs: 20_000, untilMs: 26_000, sides: [['db1'], ['db2', 'db3', 'orch', 'app']] },
    ],
  };
}

/** The state hash plus the journals' contents: what a learner sees after a seek. */
function fullHash(s: Sim): string {
  const j = s.journals;
  return s.stateHash() + hashString(JSON.stringify([j.history.items, j.marks.items, j.log.items, j.samples.items]));
}

describe('seeking over chunked and copy-on-write state', () => {
  const seed = 21;
  const spec = stressWorld(seed);

  it('the stress world really exercises every kind of change', () => {
    const sim = createSim(spec, { checkpoints: false });
    let maxQueue = 0;
    for (let t = 0; t <= 40_000; t += 100) {
      sim.advanceTo(t * 1000);
      maxQueue = Math.max(maxQueue, sim.state.nodes.map((n) => (n.v as { cpu?: { waiting: { length: number } } } | null)?.cpu?.waiting.length ?? 0).reduce((a, b) => Math.max(a, b)));
    }
    expect(sim.aborted).toBeNull();
    const log = sim.journals.log.items.map((l) => l.text).join('\n');
    expect(maxQueue, 'a CPU queue longer than a chunk').toBeGreaterThan(SEQ_CHUNK);
    expect(log, 'a follower behind the retained log gets a snapshot').toMatch(/behind the retained log/);
    expect(sim.journals.marks.items.some((m) => m.kind === 'discard'), 'a deposed primary discards its divergent suffix').toBe(true);
    expect((sim.state.nodes[0].p as { logStart: number }).logStart, 'the log was trimmed').toBeGreaterThan(1);
  });

  it('any sequence of seeks gives the state of a straight run to each moment', () => {
    // The straight run's state at every moment of a grid, in one pass.
    const GRID_MS = 1_500;
    const straight = new Map<number, string>();
    const ref = createSim(spec, { checkpoints: false });
    for (let ms = 0; ms <= spec.durationMs; ms += GRID_MS) {
      ref.advanceTo(ms * 1000);
      straight.set(ms, fullHash(ref));
    }
    // Dense checkpoints, so seeks restore often and from many different states.
    const sim = createSim(spec, { checkpoints: { everyEvents: 1500, eventsPerByte: 0 } });
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: Math.floor(spec.durationMs / GRID_MS) }).map((k) => k * GRID_MS), { minLength: 1, maxLength: 6 }), (msList) => {
        for (const ms of msList) {
          sim.seek(ms * 1000);
          expect(fullHash(sim), `seek to ${ms} ms (seed ${seed})`).toBe(straight.get(ms));
        }
      }),
      { numRuns: 10 },
    );
    expect(sim.checkpoints!.count).toBeGreaterThan(20);
  });

  it('editing the timeline mid-run replays from a shared checkpoint to the state of the edited run', () => {
    const edited: FaultSpec[] = [...spec.faults, { id: 'c1', kind: 'crash', atMs: 15_000, untilMs: 17_000, target: 'db2' }];
    const sim = createSim(spec, { checkpoints: { everyEvents: 1500, eventsPerByte: 0 } });
    sim.advanceTo(35_000_000);
    sim.seek(8_000_000);
    sim.advanceTo(30_000_000);
    sim.setFaults(edited);
    const ref = createSim(stressWorld(seed, edited), { checkpoints: false });
    ref.advanceTo(30_000_000);
    expect(sim.stateHash()).toBe(ref.stateHash());
    // And back before the edit: the checkpoints kept from before it are still right.
    sim.seek(10_000_000);
    const early = createSim(stressWorld(seed, edited), { checkpoints: false });
    early.advanceTo(10_000_000);
    expect(fullHash(sim)).toBe(fullHash(early));
  });
});
