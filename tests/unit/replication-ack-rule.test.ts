// The primary's ack rule with sync and semi-sync followers at once, found by the swarm
// (seed 70): a write held by a sync follower past the semi-sync timeout armed the semi-sync
// timer again and again at the same instant (a zero-delay loop that ran until the event
// budget stopped the run). Only a wait for semi-sync runs out by itself; a sync follower's ack
// releases what it holds.

import { describe, expect, it } from 'vitest';
import { node, run } from './helpers/scenarios';

describe('sync and semi-sync followers together', () => {
  it('with the sync standby down, writes wait for it (no event loop), and are acknowledged once it is back', () => {
    const r = run('async-failover', 1, (d) => {
      node(d, 'db2', { replication: 'sync' });
      node(d, 'db1', { semiSyncTimeoutMs: 500 });
      d.nodes.push({ id: 'db3', kind: 'database', site: 'east', role: 'replica', replicateFrom: 'db1', replication: 'semi-sync' });
      // A budget far above what 30 s of this world needs (about 60,000 events), far below a loop's.
      d.limits = { maxEvents: 2_000_000 };
      d.faults = [{ atMs: 10_000, untilMs: 20_000, kind: 'crash', target: 'db2' }];
    }, 30_000);
    expect(r.sim.aborted).toBeNull();
    expect(r.sim.state.executed).toBeLessThan(200_000);
    const writes = r.history.filter((e) => e.f === 'write' && e.type === 'ok');
    // Nothing written after db2 went down is acknowledged while it is down…
    expect(writes.filter((e) => e.invokedUs! > 10_200_000 && e.atUs < 20_000_000)).toEqual([]);
    // …and writes are acknowledged again once it is back.
    expect(writes.filter((e) => e.atUs > 21_000_000).length).toBeGreaterThan(1000);
  });
});
