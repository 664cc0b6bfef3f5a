import { describe, expect, it } from 'vitest';
import { node, ofKind, run, seeds, total } from './helpers/scenarios';

describe('semi-synchronous replication', () => {
  it.each(seeds(6))('seed %i: a write acknowledged only once the replica has it survives the crash', (seed) => {
    const r = run('async-failover', seed, (d) => node(d, 'db2', { replication: 'semi-sync' }));
    expect(ofKind(r, 'lost-write'), `seed ${seed}`).toEqual([]);
    expect(r.summary.metrics.writes.latency.p50Ms).toBeGreaterThan(40); // one round trip to the west region
  });

  it('with the replica down, the primary waits out semiSyncTimeoutMs, then acknowledges without it', () => {
    const r = run('async-failover', 2, (d) => {
      node(d, 'db2', { replication: 'semi-sync' });
      node(d, 'db1', { semiSyncTimeoutMs: 3000 });
      d.faults = [{ atMs: 10_000, kind: 'crash', target: 'db2' }];
    }, 30_000);
    const off = r.sim.journals.marks.items.find((m) => m.kind === 'semi-sync-off');
    expect(off).toBeDefined();
    // 3 s after the oldest write db2 never confirmed (sent up to one shipment and a round
    // trip before the crash at 10 s).
    expect(off!.atUs).toBeGreaterThan(12_750_000);
    expect(off!.atUs).toBeLessThan(13_500_000);
    // Fast again after the fallback: async acknowledgements within the primary's own region.
    const later = r.history.filter((e) => e.type === 'ok' && e.f === 'write' && e.atUs > 16_000_000);
    expect(later.length).toBeGreaterThan(1000);
    expect(later.every((e) => e.atUs - e.invokedUs! < 5_000)).toBe(true);
  });
});

describe('manual promotion', () => {
  it('raises an alert and waits for the operator, who promotes operatorDelayMs later', () => {
    const r = run('async-failover', 1, (d) => node(d, 'orch', { promotion: 'manual', operatorDelayMs: 20_000 }));
    const marks = r.sim.journals.marks.items;
    const alert = marks.find((m) => m.kind === 'alert')!;
    const failover = marks.find((m) => m.kind === 'failover')!;
    expect(alert.atUs).toBe(35_000_000); // 5 s after the crash
    expect(failover.atUs).toBe(55_000_000); // 20 s later
    expect(r.summary.metrics.alerts.map((a) => a.rule)).toEqual(['primary down']);
    // The outage lasts until the operator acts (plus the endpoint's TTL).
    const failed = ofKind(r, 'request-failed');
    expect(Math.max(...failed.map((a) => a.endUs!))).toBeGreaterThan(55_000_000);
  });
});

describe('the monitor', () => {
  it('fires a node-up alert after its for-duration, notifies after its delay, and resolves when the node is back', () => {
    const r = run('replica-resumes', 1, (d) => {
      d.nodes.push({ id: 'mon', kind: 'monitor', site: 'dc', scrapeMs: 5000, rules: [{ name: 'db2 down', metric: 'node-up', nodes: ['db2'], forMs: 10_000, notifyDelayMs: 3000 }] });
    });
    const alerts = r.sim.journals.marks.items.filter((m) => m.kind === 'alert').map((m) => [m.data!.state, m.atUs / 1e6]);
    // db2 is down from 20 s to 40 s; scrapes every 5 s see it from the one at 25 s; it fires
    // 10 s later, a person hears of it 3 s after that, and it resolves once db2 answers.
    expect(alerts).toEqual([
      ['firing', 35],
      ['notified', 38],
      ['resolved', 45],
    ]);
  });

  it('does not see what it does not watch', () => {
    const r = run('replica-resumes', 1, (d) => {
      d.nodes.push({ id: 'mon', kind: 'monitor', site: 'dc', scrapeMs: 5000, rules: [{ metric: 'node-up', nodes: ['db1'] }] });
    });
    expect(r.summary.metrics.alerts).toEqual([]);
  });
});

describe('client retries', () => {
  it('with retries, a write refused during a failover is retried and often succeeds; without, it fails', () => {
    const withRetries = run('split-brain-fenced', 4, (d) => node(d, 'web', { retries: 3, retryDelayMs: 2000 }));
    const without = run('split-brain-fenced', 4);
    const failedWeb = (r: typeof without) => r.history.filter((e) => e.client === 'web' && e.f === 'write' && e.type === 'fail').length;
    expect(failedWeb(without)).toBeGreaterThan(0);
    expect(failedWeb(withRetries)).toBeLessThan(failedWeb(without));
    // One invocation and one completion per operation, whatever the attempts.
    const ops = new Map<string, string[]>();
    for (const e of withRetries.history.filter((x) => x.client === 'web')) ops.set(e.op, [...(ops.get(e.op) ?? []), e.type]);
    expect([...ops.values()].every((t) => t[0] === 'invoke' && t.length <= 2)).toBe(true);
    expect(total(withRetries, 'write-rejected')).toBeLessThan(total(without, 'write-rejected'));
  });
});

describe('role endpoints in a world with several clusters', () => {
  it('each follows the primary of its own group: a failover in one cluster moves only its endpoint', async () => {
    const { createSim } = await import('../../src/sim/world');
    const { syntheticWorld } = await import('../../bench/worlds');
    const sim = createSim(syntheticWorld(3, 1, 20_000), { checkpoints: false });
    sim.advanceTo(20_000_000); // c0's primary crashes at 10 s
    const record = (id: string) => (sim.view(sim.index(id)).detail as { record: string }).record;
    expect(record('c0-rw')).not.toBe('c0-db1');
    expect(['c0-db2', 'c0-db3']).toContain(record('c0-rw'));
    expect(record('c1-rw')).toBe('c1-db1');
    expect(record('c2-rw')).toBe('c2-db1');
  });
});
