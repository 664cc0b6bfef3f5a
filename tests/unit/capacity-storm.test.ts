import { describe, expect, it } from 'vitest';
import { node, ofKind, run, seeds, type Patch } from './helpers/scenarios';

// 1. The catch-up storm: an off-site replica down for a long time while writes continue, then
//    restarted: without a throttle the primary's latency passes the clients' timeout and
//    request-failed appears with the cause "overloaded by replication catch-up"; with a
//    throttle, no failures and a longer catch-up. The disk alert fires; an alert on the
//    primary's latency fires only if configured.

/** The storm compressed: the slave is back after 15 minutes, not an hour, and stays. */
const compressed: Patch = (d) => {
  d.durationMs = 1_500_000;
  d.faults = d.faults.filter((f: { id: string }) => f.id !== 'back-down');
  // Its what-ifs are timed for the full-length lesson.
  delete d.whatIf;
  for (const f of d.faults) f.atMs = 900_000;
};
const throttled: Patch = (d) => {
  compressed(d);
  node(d, 'master', { catchupEntriesPerSec: 150 });
};
const RESTART_US = 900_000_000;

// Each seed's storm is run once and shared by the tests that look at it.
const storms = new Map<number, ReturnType<typeof run>>();
function storm(seed: number): ReturnType<typeof run> {
  let r = storms.get(seed);
  if (!r) storms.set(seed, (r = run('catchup-storm', seed, compressed)));
  return r;
}

/** When the off-site slave had applied everything the master had (lag under 10 entries). */
function caughtUpUs(r: ReturnType<typeof run>): number | undefined {
  return r.sim.journals.samples.items.find((s) => s.node === 'master' && s.atUs > RESTART_US && s.values.replicationLag < 10)?.atUs;
}

describe('the catch-up storm', () => {
  it.each(seeds(4))('seed %i: the returning replica swamps the master; clients time out, and the cause is named', (seed) => {
    const r = storm(seed);
    const failed = r.history.filter((e) => (e.type === 'fail' || e.type === 'info') && e.atUs > RESTART_US);
    expect(failed.length, `seed ${seed}`).toBeGreaterThan(1000);
    expect(failed.every((e) => e.error === 'timeout')).toBe(true);
    expect(r.history.filter((e) => (e.type === 'fail' || e.type === 'info') && e.atUs < RESTART_US)).toEqual([]);
    const overload = r.sim.journals.marks.items.find((m) => m.kind === 'overloaded' && m.node === 'master');
    expect(overload?.data?.cause).toBe('replication catch-up');
    const rf = ofKind(r, 'request-failed');
    expect(rf.length).toBeGreaterThan(0);
    expect(rf.every((a) => a.explanation.includes('the primary master was overloaded by replication catch-up'))).toBe(true);
    // The master's latency passed the clients' 2 s timeout while it caught the slave up.
    const p99 = r.sim.journals.samples.items.filter((s) => s.node === 'master' && s.atUs > RESTART_US).map((s) => s.values.p99Ms);
    expect(Math.max(...p99)).toBeGreaterThan(2000);
    expect(caughtUpUs(r)).toBeDefined();
  });

  it.each(seeds(4))('seed %i: with catch-up throttled, no request fails, and the catch-up takes longer', (seed) => {
    const t = run('catchup-storm', seed, throttled);
    expect(t.history.filter((e) => e.type === 'fail' || e.type === 'info')).toEqual([]);
    expect(ofKind(t, 'request-failed')).toEqual([]);
    expect(caughtUpUs(t)! - RESTART_US).toBeGreaterThan(2 * (caughtUpUs(storm(seed))! - RESTART_US));
  });

  it('the disk alert fires before the slave stops; a latency alert on the master fires only when there is one', () => {
    const r = storm(2);
    const diskFull = r.sim.journals.marks.items.find((m) => m.kind === 'disk-full')!;
    const diskAlert = r.summary.metrics.alerts.find((a) => a.rule === 'disk almost full')!;
    expect(diskAlert.firedAtMs * 1000).toBeLessThan(diskFull.atUs);
    expect(r.summary.metrics.alerts.map((a) => a.rule)).toEqual(['disk almost full']);
    expect(ofKind(r, 'undetected-outage').length).toBeGreaterThan(0);
    const watched = run('catchup-storm', 2, (d) => {
      compressed(d);
      d.nodes.find((n: { id: string }) => n.id === 'monitor').rules.push({ name: 'master slow', metric: 'latency-p99', nodes: ['master'], above: 1000, forMs: 30_000 });
    });
    const slow = watched.summary.metrics.alerts.find((a) => a.rule === 'master slow');
    expect(slow).toBeDefined();
    // Within a minute and a half of the storm: a scrape interval, its 30 s, and the wait growing.
    expect(slow!.firedAtMs * 1000 - RESTART_US).toBeLessThan(90_000_000);
  });
});
