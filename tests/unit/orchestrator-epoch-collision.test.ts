// Two promotions in one epoch (found by the swarm, seed 1054). The orchestrator fails over to
// db2 in epoch 2 while db3 is cut off from it; an operator then promotes db3, which has heard
// of no epoch past 1 and so takes 2 as well, and claims the role endpoint as db2 had. When
// the partition heals the orchestrator keeps its own primary and demotes db3, and used to
// leave the endpoint naming db3: every write after that was refused (read-only) to the end of
// the run. And lost-write, taking the later of two tied promotions as the history that goes
// on, judged against db3's: db2's writes would all have been lost, db3's discarded one kept.

import { describe, expect, it } from 'vitest';
import { builtIn } from '../../src/scenario/library';
import { validateScenario } from '../../src/scenario/validate';
import { createSim } from '../../src/sim/world';
import { anomaliesOf } from '../../src/sim/report';

function run() {
  const doc = structuredClone(builtIn('first-failover')!.document) as { faults: unknown[] };
  doc.faults = [
    { atMs: 10_000, untilMs: 60_000, kind: 'partition', sides: [['db3'], ['orch']] },
    { atMs: 20_000, kind: 'crash', target: 'db1' },
    { atMs: 45_000, kind: 'promote', target: 'db3' },
  ];
  const res = validateScenario(doc);
  if (!res.ok) throw new Error(res.errors.map((e) => e.message).join('\n'));
  const sim = createSim(res.scenario, { checkpoints: false });
  sim.advanceTo(res.scenario.durationMs * 1000);
  const roles = sim.journals.marks.items.filter((m) => m.kind === 'role' && m.data?.role === 'primary' && m.atUs > 0);
  const writes = sim.journals.history.items.filter((e) => e.f === 'write' && e.type !== 'invoke');
  return { sim, roles, writes, anomalies: anomaliesOf(sim) };
}

describe('two promotions in one epoch', () => {
  const r = run();

  it('db2 (the orchestrator) and db3 (the operator) are both promoted in epoch 2', () => {
    expect(r.roles.map((m) => [m.node, m.data!.epoch])).toEqual([['db2', 2], ['db3', 2]]);
  });

  it('the orchestrator keeps db2, points the endpoint back at it, and writes succeed again', () => {
    const endpoint = r.sim.view(r.sim.index('primary')).detail as { record: string };
    expect(endpoint.record).toBe('db2');
    const late = r.writes.filter((e) => e.atUs > 90_000_000);
    expect(late.filter((e) => e.type === 'ok').length).toBeGreaterThan(400);
    expect(late.filter((e) => e.type !== 'ok')).toEqual([]);
  });

  it('lost-write counts the writes db3 acknowledged and then discarded, and none of db2', () => {
    const lost = r.anomalies.filter((a) => a.kind === 'lost-write');
    const acked = (node: string) => r.writes.filter((e) => e.type === 'ok' && e.node === node).length;
    expect(acked('db3')).toBeGreaterThan(50);
    expect(acked('db2')).toBeGreaterThan(500);
    expect(lost.map((a) => a.nodes[0])).toEqual(['db3']);
    // Every write db3 acknowledged in its epoch 2: db2's history never had them.
    expect(lost[0].count).toBe(r.writes.filter((e) => e.type === 'ok' && e.node === 'db3' && e.epoch === 2).length);
  });
});
