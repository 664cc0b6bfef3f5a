import { describe, expect, it } from 'vitest';
import { node, ofKind, run, seeds, total } from './helpers/scenarios';

// 2. The primary is cut off from the orchestrator and replicas but not from its clients:
//    without fencing, two primaries accept writes, and after healing the old primary's
//    writes are discarded and reported lost. With fencing: no split-brain.
describe('split-brain without fencing, and fencing preventing it', () => {
  it.each(seeds(12))('seed %i: without fencing both accept writes; the old primary\'s writes are discarded and reported lost', (seed) => {
    const r = run('split-brain', seed);
    const sb = ofKind(r, 'split-brain');
    expect(sb.length, `seed ${seed}`).toBeGreaterThan(0);
    expect(sb[0].nodes).toEqual(['db1', 'db2']);
    // Ground truth: both nodes acknowledged writes after db2's promotion and before the heal.
    const promotedUs = r.sim.journals.marks.items.find((m) => m.kind === 'role' && m.node === 'db2')!.atUs;
    const ackedBy = (n: string) => r.history.filter((e) => e.type === 'ok' && e.f === 'write' && e.node === n && e.atUs > promotedUs && e.atUs < 60_000_000);
    expect(ackedBy('db1').length).toBeGreaterThan(0);
    expect(ackedBy('db2').length).toBeGreaterThan(0);
    // After healing, db1 follows db2 and holds exactly db2's history: its divergent writes are gone.
    const db1 = r.db('db1');
    const db2 = r.db('db2');
    expect(db1.role).toBe('replica');
    expect(db1.follow).toBe('db2');
    expect(db1.lsn).toBe(db2.lsn);
    expect(db1.values).toEqual(db2.values);
    // Every acknowledged write of db1 that is not in the surviving history is reported lost.
    const missing = r.history.filter((e) => e.type === 'ok' && e.f === 'write' && e.node === 'db1' && db2.logValues[e.lsn! - db2.logStart] !== e.value);
    expect(missing.length).toBeGreaterThan(ackedBy('db1').length - 1);
    expect(total(r, 'lost-write'), `seed ${seed}`).toBe(missing.length);
    expect(r.sim.journals.marks.items.some((m) => m.kind === 'discard' && m.node === 'db1')).toBe(true);
  });

  it.each(seeds(12))('seed %i: with fencing there is no split-brain; the cut-off primary refuses writes on its own', (seed) => {
    const r = run('split-brain-fenced', seed);
    expect(ofKind(r, 'split-brain'), `seed ${seed}`).toEqual([]);
    const promotedUs = r.sim.journals.marks.items.find((m) => m.kind === 'role' && m.node === 'db2')!.atUs;
    // Not one write acknowledged by db1 once db2 was primary...
    expect(r.history.filter((e) => e.type === 'ok' && e.f === 'write' && e.node === 'db1' && e.atUs > promotedUs)).toEqual([]);
    // ...because it had stopped accepting them before db2 was promoted.
    const leaseLost = r.sim.journals.marks.items.find((m) => m.kind === 'lease-lost' && m.node === 'db1');
    expect(leaseLost!.atUs).toBeLessThan(promotedUs);
    expect(ofKind(r, 'write-rejected').some((a) => a.explanation.includes('lease'))).toBe(true);
  });

  it('the same partition with fencing turned on in the unfenced scenario removes the split-brain too', () => {
    const r = run('split-brain', 3, (d) => node(d, 'orch', { fencing: true }));
    expect(ofKind(r, 'split-brain')).toEqual([]);
  });
});
