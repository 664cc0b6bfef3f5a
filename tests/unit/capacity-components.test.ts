import { describe, expect, it } from 'vitest';
import { createSim } from '../../src/sim/world';
import type { QueuePersisted } from '../../src/sim/components/queue';
import { validateScenario } from '../../src/scenario/validate';
import { summarize } from '../../src/sim/report';
import { loadDoc as load, seeds } from './helpers/scenarios';

// The load balancer, the job queue and the validation of the capacity kinds, in small worlds.


const S = 1_000_000;

const replicas = (seed: number) => ({
  format: 'faultline/1',
  seed,
  durationMs: 60_000,
  sites: [{ id: 'dc' }],
  nodes: [
    { id: 'db1', kind: 'database', site: 'dc', role: 'primary' },
    { id: 'db2', kind: 'database', site: 'dc', role: 'replica', replicateFrom: 'db1' },
    { id: 'db3', kind: 'database', site: 'dc', role: 'replica', replicateFrom: 'db1' },
    { id: 'lb', kind: 'balancer', site: 'dc', targets: ['db2', 'db3'], healthCheckMs: 1000, checkTimeoutMs: 500, unhealthyAfter: 3, healthyAfter: 2 },
    { id: 'app', kind: 'client', site: 'dc', target: 'db1', readTarget: 'lb', readsPerSec: 200, writesPerSec: 10 },
  ],
  faults: [{ atMs: 20_000, untilMs: 35_000, kind: 'pause', target: 'db2' }],
});

describe('the balancer', () => {
  it.each(seeds(3))('seed %i: spreads reads round robin, takes a silent target out after its failed checks, and back after good ones', (seed) => {
    const sim = createSim(load(replicas(seed)), { checkpoints: false });
    sim.advanceTo(60 * S);
    const marks = sim.journals.marks.items;
    const out = marks.find((m) => m.kind === 'target-unhealthy')!;
    const back = marks.find((m) => m.kind === 'target-healthy')!;
    expect(out.data!.target).toBe('db2');
    // Paused at 20 s: the checks sent at 20, 21 and 22 s are judged failed a second later each.
    expect(out.atUs).toBeGreaterThan(22 * S);
    expect(out.atUs).toBeLessThan(24.5 * S);
    expect(back.atUs).toBeGreaterThan(35 * S);
    expect(back.atUs).toBeLessThan(40 * S);
    const reads = sim.journals.history.items.filter((e) => e.f === 'read' && e.type === 'ok');
    const share = (from: number, to: number) => {
      const xs = reads.filter((e) => e.invokedUs! >= from && e.invokedUs! < to);
      return xs.filter((e) => e.node === 'db2').length / xs.length;
    };
    expect(share(2 * S, 19 * S)).toBeCloseTo(0.5, 1);
    // Out of rotation: no new read is sent to db2 (those sent before answer when it thaws).
    expect(reads.filter((e) => e.node === 'db2' && e.invokedUs! > out.atUs && e.invokedUs! < back.atUs)).toEqual([]);
    expect(share(back.atUs + S, 60 * S)).toBeCloseTo(0.5, 1);
  });

  it('fails open: with every target unhealthy it still routes to all of them', () => {
    const doc = replicas(1);
    doc.faults = [
      { atMs: 20_000, untilMs: 35_000, kind: 'pause', target: 'db2' },
      { atMs: 20_000, untilMs: 35_000, kind: 'pause', target: 'db3' },
    ];
    const sim = createSim(load(doc), { checkpoints: false });
    sim.advanceTo(40 * S);
    const out = sim.journals.marks.items.filter((m) => m.kind === 'target-unhealthy');
    expect(out.map((m) => m.data!.target).sort()).toEqual(['db2', 'db3']);
    const lastOut = Math.max(...out.map((m) => m.atUs));
    const sent = sim.journals.history.items.filter((e) => e.f === 'read' && e.type !== 'invoke' && e.invokedUs! > lastOut && e.invokedUs! < 34 * S);
    expect(new Set(sent.map((e) => e.node))).toEqual(new Set(['db2', 'db3']));
  });
});

describe('the job queue', () => {
  it('every acknowledged write enqueues a job; with no worker the lag is the age of the oldest', () => {
    const sim = createSim(
      load({
        format: 'faultline/1',
        seed: 2,
        durationMs: 30_000,
        sites: [{ id: 'dc' }],
        nodes: [
          { id: 'db', kind: 'database', site: 'dc', role: 'primary' },
          { id: 'jobs', kind: 'queue', site: 'dc', maxJobs: 100 },
          { id: 'shop', kind: 'client', site: 'dc', target: 'db', writesPerSec: 10, jobsTo: 'jobs' },
        ],
      }),
      { checkpoints: false },
    );
    sim.advanceTo(30 * S);
    const acked = sim.journals.history.items.filter((e) => e.type === 'ok' && e.f === 'write');
    const q = sim.state.nodes[sim.index('jobs')].p as QueuePersisted;
    // Bounded: 100 jobs held, the rest dropped and counted.
    expect(q.depth).toBe(100);
    expect(q.enqueued + q.dropped).toBe(acked.length);
    expect(sim.journals.marks.items.some((m) => m.kind === 'queue-full')).toBe(true);
    const first = acked[0];
    const sample = sim.journals.samples.items.filter((s) => s.node === 'jobs').at(-1)!;
    // The first job reached the queue a LAN hop after its write was acknowledged.
    expect(sample.values.lagMs).toBeGreaterThan((sample.atUs - first.atUs) / 1000 - 1);
    expect(sample.values.lagMs).toBeLessThanOrEqual((sample.atUs - first.atUs) / 1000);
    const m = summarize(sim).metrics;
    expect(m.queues.jobs.maxDepth).toBe(100);
    expect(m.queues.jobs.finalLagMs).toBe(sample.values.lagMs);
  });
});

describe('validating the capacity kinds', () => {
  const base = () => ({
    format: 'faultline/1',
    seed: 1,
    durationMs: 60_000,
    sites: [{ id: 'dc' }],
    nodes: [
      { id: 'db1', kind: 'database', site: 'dc', role: 'primary' },
      { id: 'db2', kind: 'database', site: 'dc', role: 'replica', replicateFrom: 'db1' },
      { id: 'spare', kind: 'database', site: 'dc', role: 'replica', replicateFrom: 'db1', provisioned: false },
      { id: 'lb', kind: 'balancer', site: 'dc', targets: ['db2'] },
      { id: 'scaler', kind: 'autoscaler', site: 'dc', balancer: 'lb', spares: ['spare'] },
      { id: 'q', kind: 'queue', site: 'dc' },
      { id: 'w', kind: 'worker', site: 'dc', queue: 'q', target: 'db1' },
      { id: 'c', kind: 'cache', site: 'dc', backend: 'lb' },
      { id: 'app', kind: 'client', site: 'dc', target: 'db1', readTarget: 'c', jobsTo: 'q' },
    ],
    faults: [
      { atMs: 1000, kind: 'add-workers', target: 'w', count: 2 },
      { atMs: 2000, kind: 'fix-race', target: 'w' },
      { atMs: 3000, kind: 'add-replica', target: 'scaler' },
    ],
  });

  it('accepts a world with every capacity kind, and it runs', () => {
    const sim = createSim(load(base()), { checkpoints: false });
    sim.advanceTo(10 * S);
    expect(sim.aborted).toBeNull();
  });

  it.each([
    ['a balancer listing a spare', (d: any) => d.nodes[3].targets.push('spare'), 'nodes[3].targets[1]', 'a spare (provisioned: false)'],
    ['an autoscaler spare that is not one', (d: any) => (d.nodes[4].spares = ['db2']), 'nodes[4].spares[0]', 'is not a spare'],
    ['a spare primary', (d: any) => Object.assign(d.nodes[2], { role: 'primary', replicateFrom: undefined }), 'nodes[2].provisioned', 'only a replica can be a spare'],
    ['a sync spare', (d: any) => (d.nodes[2].replication = 'sync'), 'nodes[2].replication', 'must be async for a spare'],
    ['a worker without a queue', (d: any) => (d.nodes[6].queue = 'db1'), 'nodes[6].queue', 'not a queue'],
    ['jobs sent to a database', (d: any) => (d.nodes[8].jobsTo = 'db1'), 'nodes[8].jobsTo', 'not a queue'],
    ['a cache that is its own backend', (d: any) => (d.nodes[7].backend = 'c'), 'nodes[7].backend', 'names the node itself'],
    ['add-workers on a client', (d: any) => (d.faults[0].target = 'app'), 'faults[0].target', 'not a worker'],
    ['add-workers with no count', (d: any) => delete d.faults[0].count, 'faults[0].count', 'is missing'],
    ['add-replica on a balancer', (d: any) => (d.faults[2].target = 'lb'), 'faults[2].target', 'not an autoscaler'],
    ['a trigger on another metric', (d: any) => (d.nodes[4].trigger = { metric: 'disk-usage', above: 0.5 }), 'nodes[4].trigger.metric', 'must be one of cpu-busy'],
  ])('refuses %s', (_what, change, path, fragment) => {
    const doc = base();
    change(doc);
    const res = validateScenario(JSON.parse(JSON.stringify(doc)));
    expect(res.ok).toBe(false);
    if (res.ok) return;
    const e = res.errors.find((x) => x.path === path);
    expect(e?.message, JSON.stringify(res.errors)).toContain(fragment);
  });
});
