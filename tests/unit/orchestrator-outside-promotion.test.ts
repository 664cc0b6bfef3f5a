// An operator promotes a replica by hand while an orchestrator watches the group (found by
// the swarm: seeds 5, 7 and 10, among many). The orchestrator used to demote it back under
// its own, older epoch; the old primary, hearing of the newer epoch, fenced itself, and from
// then on no database accepted writes. Now the orchestrator follows the newer primary, and
// a primary it chose that does not act as one (its promotion lost) is asked again.

import { describe, expect, it } from 'vitest';
import { builtIn } from '../../src/scenario/library';
import { validateScenario } from '../../src/scenario/validate';
import { createSim } from '../../src/sim/world';

function endState(fencing: boolean, faults: unknown[]) {
  const doc = structuredClone(builtIn('first-failover')!.document) as { nodes: { id: string; kind: string; fencing?: boolean }[]; faults: unknown[] };
  for (const n of doc.nodes) if (n.kind === 'orchestrator') n.fencing = fencing;
  doc.faults = faults;
  const res = validateScenario(doc);
  if (!res.ok) throw new Error(res.errors.map((e) => e.message).join('\n'));
  const sim = createSim(res.scenario, { checkpoints: false });
  const endUs = res.scenario.durationMs * 1000;
  sim.advanceTo(endUs);
  const primaries = ['db1', 'db2', 'db3'].filter((id) => {
    const d = sim.view(sim.index(id)).detail as { role: string; fenced: boolean };
    return d.role === 'primary' && !d.fenced;
  });
  // Writes in the last 20 s of the run: acknowledged, not refused.
  const h = sim.journals.history.items.filter((e) => e.f === 'write' && e.type !== 'invoke' && e.atUs > endUs - 20_000_000);
  return { primaries, acked: h.filter((e) => e.type === 'ok').length, failed: h.filter((e) => e.type !== 'ok').length };
}

describe('a replica promoted outside the orchestrator', () => {
  for (const fencing of [false, true]) {
    it(`with fencing ${fencing ? 'on' : 'off'}: one primary at the end, and writes succeed`, () => {
      const s = endState(fencing, [{ atMs: 30_000, kind: 'promote', target: 'db2' }]);
      expect(s.primaries).toEqual(['db2']);
      expect(s.acked).toBeGreaterThan(100);
      expect(s.failed).toBe(0);
    });
  }

  it('promoted while the orchestrator is down: when it comes back it follows the new primary', () => {
    const s = endState(true, [
      { atMs: 20_000, untilMs: 60_000, kind: 'crash', target: 'orch' },
      { atMs: 30_000, kind: 'promote', target: 'db3' },
    ]);
    expect(s.primaries).toEqual(['db3']);
    expect(s.failed).toBe(0);
  });
});
