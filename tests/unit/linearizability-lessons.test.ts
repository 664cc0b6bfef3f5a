import { describe, expect, it } from 'vitest';
import { node, run, seeds } from './helpers/scenarios';
import { checkLinearizability } from '../../src/sim/checks/linearizability';

// The failover lessons' "check linearizability" step, judged from the clients' histories
// alone: reads from an async replica are not linearizable, and the counterexample says why;
// the synchronous standby with reads from the primary is linearizable, failover included.
describe('linearizability of the lessons', () => {
  it.each(seeds(4))('seed %i: async failover with reads from the replica is not linearizable', (seed) => {
    const r = run('async-failover', seed, (d) => node(d, 'app', { readTarget: 'db2' }), 45_000);
    const res = checkLinearizability(r.history, { budgetSteps: 20_000_000 });
    expect(res.verdict, `seed ${seed}`).toBe('not linearizable');
    const c = res.counterexample!;
    expect(c.stuck.length).toBeGreaterThan(0);
    expect(c.linearized.length).toBeGreaterThan(0);
  });

  it.each(seeds(4))('seed %i: the sync standby with reads from the primary is linearizable, failover included', (seed) => {
    const r = run('sync-standby', seed, undefined, 45_000);
    expect(r.summary.metrics.failovers).toBe(1);
    const res = checkLinearizability(r.history, { budgetSteps: 20_000_000 });
    expect(res.verdict, `seed ${seed}`).toBe('linearizable');
  });
});
