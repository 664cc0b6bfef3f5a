// A full disk stops a database; freeing the space (the fault's end) and starting it again
// brings it back. Found by the swarm (seed 33): the space was freed through a command to the
// database's process, which a stopped database refuses, so it filled up again at every start.

import { describe, expect, it } from 'vitest';
import { builtIn } from '../../src/scenario/library';
import { validateScenario } from '../../src/scenario/validate';
import { createSim } from '../../src/sim/world';

function run(extraFaults: unknown[]) {
  const doc = structuredClone(builtIn('first-failover')!.document) as { nodes: { id: string; diskBytes?: number }[]; faults: unknown[]; durationMs: number };
  // No crash of its own: the disk is the only trouble.
  doc.faults = extraFaults;
  for (const n of doc.nodes) if (n.id === 'db2') n.diskBytes = 1e12;
  const res = validateScenario(doc);
  if (!res.ok) throw new Error(res.errors.map((e) => e.message).join('\n'));
  const sim = createSim(res.scenario, { checkpoints: false });
  sim.advanceTo(res.scenario.durationMs * 1000);
  return { sim, status: sim.view(sim.index('db2')).status, marks: sim.journals.marks.items.filter((m) => m.node === 'db2').map((m) => m.kind) };
}

describe('fill-disk', () => {
  it('a database stopped by a full disk starts again once the space is freed', () => {
    const r = run([
      { atMs: 10_000, untilMs: 20_000, kind: 'fill-disk', target: 'db2', bytes: 1e12 },
      { atMs: 20_001, kind: 'restart', target: 'db2' },
    ]);
    expect(r.marks.filter((k) => k === 'disk-full')).toHaveLength(1);
    expect(r.marks).toContain('restart');
    expect(r.status).toBe('up');
  });

  it('without the space freed, a restart stops it again', () => {
    const r = run([
      { atMs: 10_000, kind: 'fill-disk', target: 'db2', bytes: 1e12 },
      { atMs: 20_001, kind: 'restart', target: 'db2' },
    ]);
    expect(r.marks.filter((k) => k === 'disk-full')).toHaveLength(2);
    expect(r.status).not.toBe('up');
  });
});
