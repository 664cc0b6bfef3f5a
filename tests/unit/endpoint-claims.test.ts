// Found by the swarm (seed 25): a partition made the orchestrator of cluster c1 fail over
// twice in one instant (c1-db1 in epoch 2, then c1-db2 in epoch 3). Each new primary claims
// the role endpoint; the claims arrived in the other order, so the name ended on c1-db1,
// which was demoted ten seconds later, and nothing claimed it again: a third of c1's clients'
// operations failed for good. The newer epoch's claim now keeps the name.

import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { validateScenario } from '../../src/scenario/validate';
import { createSim } from '../../src/sim/world';

const doc = JSON.parse(readFileSync(new URL('./fixtures/swarm-late-claim.json', import.meta.url), 'utf8'));

describe('role endpoint claims', () => {
  it('the endpoint ends on the primary of the newest epoch, and its clients are served', () => {
    const res = validateScenario(doc);
    if (!res.ok) throw new Error(res.errors.map((e) => e.message).join('\n'));
    const sim = createSim(res.scenario, { checkpoints: false });
    const endUs = res.scenario.durationMs * 1000;
    sim.advanceTo(endUs);
    // The story the fixture tells: two failovers at once in c1.
    const failovers = sim.journals.marks.items.filter((m) => m.node === 'c1-orch' && m.kind === 'failover');
    expect(failovers.length).toBeGreaterThanOrEqual(2);
    const primaries = ['c1-db0', 'c1-db1', 'c1-db2'].filter((id) => {
      const d = sim.view(sim.index(id)).detail as { role: string; fenced: boolean };
      return d.role === 'primary' && !d.fenced;
    });
    expect(primaries).toHaveLength(1);
    expect((sim.view(sim.index('c1-rw')).detail as { record: string }).record).toBe(primaries[0]);
    // Its writes go through the endpoint: in the last 10 s, every one is acknowledged.
    const writes = sim.journals.history.items.filter((e) => e.client.startsWith('c1-') && e.f === 'write' && e.type !== 'invoke' && e.atUs > endUs - 10_000_000);
    expect(writes.length).toBeGreaterThan(50);
    expect(writes.filter((e) => e.type !== 'ok').map((e) => `${e.op} ${e.error}`)).toEqual([]);
  });
});
