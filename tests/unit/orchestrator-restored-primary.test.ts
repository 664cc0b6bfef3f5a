// A primary restored from a backup while the orchestrator is cut off (found by the swarm,
// seed 1759). Restored as primary, db1 starts a new epoch of its own, 2; the orchestrator,
// having declared it down meanwhile, fails over in epoch 2 as well, but its promotion of the
// replica is lost in the partition, and the replica goes on following db1. When the partition
// healed, the orchestrator took db1 for a deposed primary of its own epoch and demoted it to
// follow the replica, which still followed db1: two replicas following each other, no primary,
// every write refused to the end of the run. The only primary there is goes on.

import { describe, expect, it } from 'vitest';
import { validateScenario } from '../../src/scenario/validate';
import { createSim } from '../../src/sim/world';

describe('an orchestrator whose promotion was lost, and a primary of the same epoch', () => {
  it('follows the primary there is: one primary at the end, and writes succeed', () => {
    const doc = {
      format: 'faultline/1',
      seed: 1,
      durationMs: 120_000,
      sites: [{ id: 'dc' }],
      nodes: [
        { id: 'db1', kind: 'database', site: 'dc', role: 'primary' },
        { id: 'db2', kind: 'database', site: 'dc', role: 'replica', replicateFrom: 'db1' },
        { id: 'orch', kind: 'orchestrator', site: 'dc', watches: ['db1', 'db2'], detector: 'timeout', timeoutMs: 10_000, promotion: 'auto', fencing: false },
        { id: 'primary', kind: 'endpoint', resolvesTo: 'role:primary', ttlMs: 1000 },
        { id: 'app', kind: 'client', site: 'dc', target: 'primary', writesPerSec: 20, readsPerSec: 20 },
      ],
      faults: [
        { atMs: 20_000, untilMs: 26_000, kind: 'restore-backup', target: 'db1', from: 'db2' },
        { atMs: 21_000, untilMs: 60_000, kind: 'partition', sides: [['orch'], ['db1', 'db2']] },
      ],
    };
    const res = validateScenario(doc);
    if (!res.ok) throw new Error(res.errors.map((e) => e.message).join('\n'));
    const sim = createSim(res.scenario, { checkpoints: false });
    const endUs = res.scenario.durationMs * 1000;
    sim.advanceTo(endUs);
    const marks = sim.journals.marks.items;
    // The collision the test is about: db1 restored into epoch 2, the orchestrator's failover into epoch 2.
    expect(marks.find((m) => m.kind === 'role' && m.node === 'db1' && m.data?.restoredFrom)?.data?.epoch).toBe(2);
    expect(marks.find((m) => m.kind === 'failover')?.data?.epoch).toBe(2);
    const detail = (id: string) => sim.view(sim.index(id)).detail as { role: string; fenced: boolean; follow: string | null };
    const primaries = ['db1', 'db2'].filter((id) => detail(id).role === 'primary' && !detail(id).fenced);
    expect(primaries).toEqual(['db1']);
    const late = sim.journals.history.items.filter((e) => e.f === 'write' && e.type !== 'invoke' && e.atUs > endUs - 30_000_000);
    expect(late.filter((e) => e.type === 'ok').length).toBeGreaterThan(400);
    expect(late.filter((e) => e.type !== 'ok')).toEqual([]);
  });

  it('a primary restored into a newer epoch claims the role endpoint, as a promotion does (seed 2097)', () => {
    // Cut off from the orchestrator, db1 is replaced by db2 (epoch 2), then restored from a
    // backup of db2 while still primary: it starts epoch 3. The orchestrator follows it when
    // the partition heals; the endpoint used to stay on db2, demoted, to the end of the run.
    const doc = {
      format: 'faultline/1',
      seed: 1,
      durationMs: 120_000,
      sites: [{ id: 'dc' }],
      nodes: [
        { id: 'db1', kind: 'database', site: 'dc', role: 'primary' },
        { id: 'db2', kind: 'database', site: 'dc', role: 'replica', replicateFrom: 'db1' },
        { id: 'orch', kind: 'orchestrator', site: 'dc', watches: ['db1', 'db2'], detector: 'timeout', timeoutMs: 10_000, promotion: 'auto', fencing: false },
        { id: 'primary', kind: 'endpoint', resolvesTo: 'role:primary', ttlMs: 1000 },
        { id: 'app', kind: 'client', site: 'dc', target: 'primary', writesPerSec: 20, readsPerSec: 20 },
      ],
      faults: [
        { atMs: 10_000, untilMs: 60_000, kind: 'partition', sides: [['db1'], ['orch']] },
        { atMs: 30_000, untilMs: 35_000, kind: 'restore-backup', target: 'db1', from: 'db2' },
      ],
    };
    const res = validateScenario(doc);
    if (!res.ok) throw new Error(res.errors.map((e) => e.message).join('\n'));
    const sim = createSim(res.scenario, { checkpoints: false });
    const endUs = res.scenario.durationMs * 1000;
    sim.advanceTo(endUs);
    const marks = sim.journals.marks.items;
    expect(marks.find((m) => m.kind === 'failover')?.data).toMatchObject({ to: 'db2', epoch: 2 });
    expect(marks.find((m) => m.kind === 'role' && m.node === 'db1' && m.data?.restoredFrom)?.data?.epoch).toBe(3);
    expect((sim.view(sim.index('primary')).detail as { record: string }).record).toBe('db1');
    const late = sim.journals.history.items.filter((e) => e.f === 'write' && e.type !== 'invoke' && e.atUs > endUs - 30_000_000);
    expect(late.filter((e) => e.type === 'ok').length).toBeGreaterThan(400);
    expect(late.filter((e) => e.type !== 'ok')).toEqual([]);
  });
});
