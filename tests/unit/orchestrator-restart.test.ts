// A restarted orchestrator's persisted view may be out of date. With fencing, while it was
// down db1's lease ran out, and an operator promoted db2 by hand (epoch 2). On restart the
// orchestrator renewed every node's lease at once, db1's included, from its view (db1 primary,
// epoch 1), and on adopting db2 it left db1 alone until its next heartbeat: two primaries for
// a heartbeat, and db1's writes of that second lost (the swarm's "lease regained at epoch 1"
// split brain at an orchestrator restart). Now a restarted orchestrator grants a lease only to
// a node it has heard from since, and fences the primary it replaces when it adopts another.

import { describe, expect, it } from 'vitest';
import { createSim } from '../../src/sim/world';
import { anomaliesOf } from '../../src/sim/report';
import { loadDoc } from './helpers/scenarios';

function world(seed: number) {
  return loadDoc({
    format: 'faultline/1',
    title: 'An operator promotes db2 while the orchestrator is down',
    seed,
    durationMs: 30_000,
    sites: [{ id: 'dc' }],
    nodes: [
      { id: 'db1', kind: 'database', site: 'dc', role: 'primary' },
      { id: 'db2', kind: 'database', site: 'dc', role: 'replica', replicateFrom: 'db1' },
      { id: 'orch', kind: 'orchestrator', site: 'dc', watches: ['db1', 'db2'], detector: 'timeout', timeoutMs: 3000, promotion: 'auto', fencing: true },
      { id: 'rw', kind: 'endpoint', resolvesTo: 'role:primary', ttlMs: 1000 },
      { id: 'web', kind: 'client', site: 'dc', target: 'rw', writesPerSec: 200, readsPerSec: 0 },
      // Pinned to db1: it writes there whatever happens.
      { id: 'batch', kind: 'client', site: 'dc', target: 'db1', writesPerSec: 200, readsPerSec: 0 },
    ],
    faults: [
      { atMs: 10_000, untilMs: 20_000, kind: 'crash', target: 'orch' },
      { atMs: 15_000, kind: 'promote', target: 'db2' },
    ],
  });
}

describe('an orchestrator restarting into a world that moved on', () => {
  it.each([1, 2, 3, 4])('seed %i: it renews no lease of the primary an operator replaced: one primary at a time, nothing lost', (seed) => {
    const sim = createSim(world(seed), { checkpoints: false });
    sim.advanceTo(30_000_000);
    const kinds = anomaliesOf(sim).map((a) => a.kind);
    expect(kinds).not.toContain('split-brain');
    expect(kinds).not.toContain('lost-write');
    // db1's lease ran out half a timeout after the orchestrator went down; it acknowledges nothing after.
    const late = sim.journals.history.items.filter((e) => e.type === 'ok' && e.f === 'write' && e.node === 'db1' && e.atUs > 10_600_000);
    expect(late).toEqual([]);
    // The orchestrator follows db2, and db1 ends up following it.
    expect((sim.view(sim.index('orch')).detail as { primary: string }).primary).toBe('db2');
    expect((sim.view(sim.index('db1')).detail as { follow: string }).follow).toBe('db2');
  });
});
