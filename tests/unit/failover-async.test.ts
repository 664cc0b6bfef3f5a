import { describe, expect, it } from 'vitest';
import { node, ofKind, run, seeds, total } from './helpers/scenarios';

// 1. Async replica, primary crashes under write load, automatic promotion: acknowledged
//    writes are lost, exactly those the replica never received, and the explanation names
//    them. With a sync standby: none lost, and writes are visibly slower.
describe('async failover loses acknowledged writes; a sync standby does not', () => {
  it.each(seeds(20))('seed %i: the writes lost are exactly the acknowledged writes db2 never received', (seed) => {
    const r = run('async-failover', seed);
    // Ground truth from the survivors' own logs: acknowledged writes of db1 that are not at
    // their LSN in db2's log.
    const db2 = r.db('db2');
    const missing = r.history.filter(
      (e) => e.type === 'ok' && e.f === 'write' && e.node === 'db1' && db2.logValues[e.lsn! - db2.logStart] !== e.value,
    );
    const lost = ofKind(r, 'lost-write');
    expect(total(r, 'lost-write'), `seed ${seed}`).toBe(missing.length);
    expect(missing.length, `seed ${seed}: a crash under 300 writes/s with 100 ms shipping loses some`).toBeGreaterThan(0);
    expect(lost).toHaveLength(1);
    const a = lost[0];
    expect(a.nodes).toEqual(['db1', 'db2']);
    expect(a.ops).toEqual(missing.slice(0, 50).map((e) => e.op));
    expect(a.explanation).toContain(`db2 was promoted at`);
    expect(a.explanation).toContain('db1 crashed at 30.000 s');
    expect(a.explanation).toMatch(/async/);
    expect(r.summary.metrics.writes.lost).toBe(missing.length);
  });

  it.each(seeds(10))('seed %i: with db2 a synchronous standby nothing acknowledged is lost', (seed) => {
    const r = run('async-failover', seed, (d) => node(d, 'db2', { role: 'standby', replication: 'sync' }));
    const db2 = r.db('db2');
    const acked = r.history.filter((e) => e.type === 'ok' && e.f === 'write' && e.node === 'db1');
    expect(acked.length).toBeGreaterThan(5000);
    expect(acked.every((e) => db2.logValues[e.lsn! - db2.logStart] === e.value), `seed ${seed}`).toBe(true);
    expect(ofKind(r, 'lost-write')).toEqual([]);
    expect(r.summary.metrics.failovers).toBe(1);
  });

  it('a sync standby costs a round trip on every write: write latency is far higher than async', () => {
    for (const seed of seeds(5)) {
      const asyncRun = run('async-failover', seed, undefined, 25_000);
      const syncRun = run('sync-standby', seed, undefined, 25_000);
      const a = asyncRun.summary.metrics.writes.latency;
      const s = syncRun.summary.metrics.writes.latency;
      // 40 ms each way to the standby: at least 80 ms, against well under a millisecond.
      expect(s.p50Ms, `seed ${seed}`).toBeGreaterThan(80);
      expect(a.p50Ms, `seed ${seed}`).toBeLessThan(2);
    }
  });

  it('the primary reports acknowledged writes at risk with async replication, and none with sync', () => {
    const atRisk = (id: string) =>
      run(id, 3, undefined, 25_000)
        .sim.journals.samples.items.filter((s) => s.node === 'db1' && s.values.atRisk !== undefined)
        .map((s) => s.values.atRisk);
    const a = atRisk('async-failover');
    expect(Math.max(...a)).toBeGreaterThan(5);
    expect(Math.max(...atRisk('sync-standby'))).toBe(0);
  });
});
