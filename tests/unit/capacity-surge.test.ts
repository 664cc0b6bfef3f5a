import { describe, expect, it } from 'vitest';
import { createSim } from '../../src/sim/world';
import type { QueuePersisted } from '../../src/sim/components/queue';
import type { Sim } from '../../src/sim/kernel/sim';
import type { HistoryEntry, Mark } from '../../src/sim/kernel/component';
import type { AutoscalerSpec } from '../../src/sim/spec';
import { anomaliesOf } from '../../src/sim/report';
import type { Anomaly } from '../../src/sim/checks';
import { dbLook, scenarioOf, seeds, type Patch } from './helpers/scenarios';
import type { DbPersisted } from '../../src/sim/components/database';

// 3. The surge (seed 004): queue lag grows during a surge; with the race, adding workers
//    barely changes the drain rate and duplicates appear; with the race fixed, the lag
//    drains and nothing is generated twice. Read replicas at full CPU produce timeouts and
//    refusals; the added replica helps only after its provisioning steps.

const S = 1_000_000;
const SURGE_US = 300 * S;
const FIX_US = 1080 * S;

interface SurgeRun {
  sim: Sim;
  history: HistoryEntry[];
  marks: Mark[];
  anomalies: Anomaly[];
  /** The queue's persisted state (jobs done so far), read at the times asked for. */
  doneAt: Map<number, number>;
}

/** Run the surge, reading the queue's own count of jobs done at each of `probesUs`. */
function surge(seed: number, patch?: Patch, untilUs?: number, probesUs: number[] = []): SurgeRun {
  const scenario = scenarioOf('surge-lag', patch);
  const sim = createSim({ ...scenario, seed }, { checkpoints: false });
  const doneAt = new Map<number, number>();
  for (const t of probesUs) {
    sim.advanceTo(t);
    doneAt.set(t, (sim.state.nodes[sim.index('payments')].p as QueuePersisted).done);
  }
  sim.advanceTo(untilUs ?? scenario.durationMs * 1000);
  if (sim.aborted) throw new Error(`seed ${seed}: ${sim.aborted.reason}`);
  return { sim, history: sim.journals.history.items, marks: sim.journals.marks.items, anomalies: anomaliesOf(sim), doneAt };
}

const full = new Map<number, SurgeRun>();
function outage(seed: number): SurgeRun {
  let r = full.get(seed);
  if (!r) full.set(seed, (r = surge(seed)));
  return r;
}

/** The queue's lag at a sampled time, in ms. */
function lagMs(r: SurgeRun, atUs: number): number {
  const s = r.sim.journals.samples.items.find((x) => x.node === 'payments' && x.atUs === atUs);
  if (!s) throw new Error(`no queue sample at ${atUs}`);
  return s.values.lagMs;
}

const failures = (r: SurgeRun, fromUs: number, toUs: number) =>
  r.history.filter((e) => (e.type === 'fail' || e.type === 'info') && (e.client === 'stores' || e.client === 'event-stores') && e.atUs >= fromUs && e.atUs < toUs);

/** Ground truth from the primary's own log: inserts of each effect key, the extra ones counted. */
function duplicatesInLog(r: SurgeRun): number {
  const p = dbLook(r.sim.state.nodes[r.sim.index('primary')].p as DbPersisted);
  expect(p.logStart).toBe(1); // the whole log is retained, so it holds every insert
  const count = new Map<string, number>();
  for (const k of p.logKeys) if (k.startsWith('cmd:')) count.set(k, (count.get(k) ?? 0) + 1);
  let extra = 0;
  for (const c of count.values()) extra += c - 1;
  return extra;
}

describe('the surge: job lag and the check-then-act race', () => {
  it.each(seeds(4))('seed %i: the lag grows during the surge, duplicates appear, and fixing the race drains it', (seed) => {
    const r = outage(seed);
    const m = `seed ${seed}`;
    for (let t = 10; t < 300; t += 10) expect(lagMs(r, t * S), `${m} at ${t} s`).toBeLessThan(2000);
    expect(lagMs(r, 400 * S), m).toBeGreaterThan(10_000);
    expect(lagMs(r, 700 * S), m).toBeGreaterThan(lagMs(r, 400 * S) + 30_000);
    expect(lagMs(r, 1070 * S), m).toBeGreaterThan(lagMs(r, 700 * S) + 30_000);
    // The race fixed at 1080 s: the backlog of minutes is gone within three.
    expect(lagMs(r, 1260 * S), m).toBeLessThan(5000);
    const dups = r.anomalies.filter((a) => a.kind === 'duplicate-effect');
    expect(dups.length, m).toBeGreaterThan(0);
    expect(dups.reduce((n, a) => n + a.count, 0), m).toBe(duplicatesInLog(r));
    expect(duplicatesInLog(r), m).toBeGreaterThan(1000);
    expect(dups[0].explanation).toMatch(/check-then-act race/);
    // No job is generated twice once the race is fixed (jobs already in hand finish first).
    const lastDuplicate = Math.max(...dups.map((a) => a.endUs!));
    expect(lastDuplicate, m).toBeLessThan(FIX_US + 10 * S);
  });

  it.each(seeds(3))('seed %i: with the race, doubling the daemons barely changes the drain rate', (seed) => {
    const base: Patch = (d) => (d.faults = d.faults.filter((f: { kind: string }) => f.kind === 'surge'));
    const probes = [400 * S, 800 * S];
    const rate = (count: number) => {
      const r = surge(seed, (d) => {
        base(d);
        d.nodes.find((n: { id: string }) => n.id === 'command-gen').count = count;
      }, 800 * S, probes);
      return (r.doneAt.get(800 * S)! - r.doneAt.get(400 * S)!) / 400;
    };
    const four = rate(4);
    const eight = rate(8);
    // Far below the 26 payments a second arriving: the lag grows either way.
    expect(four, `seed ${seed}`).toBeLessThan(22);
    expect(Math.abs(eight - four) / four, `seed ${seed}: ${four.toFixed(1)} vs ${eight.toFixed(1)} jobs/s`).toBeLessThan(0.15);
  });

  it.each(seeds(3))('seed %i: without the race the daemons keep up: no lag to speak of, and nothing generated twice', (seed) => {
    const r = surge(seed, (d) => {
      d.nodes.find((n: { id: string }) => n.id === 'command-gen').race = false;
      d.faults = d.faults.filter((f: { kind: string }) => f.kind === 'surge');
    }, 900 * S, [400 * S, 800 * S]);
    for (let t = 10; t <= 900; t += 10) expect(lagMs(r, t * S), `seed ${seed} at ${t} s`).toBeLessThan(3000);
    expect(r.anomalies.filter((a) => a.kind === 'duplicate-effect'), `seed ${seed}`).toEqual([]);
    // Every payment's jobs done as they come: about 26 a second during the surge.
    expect((r.doneAt.get(800 * S)! - r.doneAt.get(400 * S)!) / 400, `seed ${seed}`).toBeGreaterThan(23);
  });
});

describe('the surge: saturated read replicas and slow scaling', () => {
  it.each(seeds(4))('seed %i: read replicas at full CPU time requests out and refuse connections', (seed) => {
    const r = outage(seed);
    const m = `seed ${seed}`;
    expect(failures(r, 0, SURGE_US), m).toEqual([]);
    const during = failures(r, 320 * S, 820 * S);
    expect(during.length, m).toBeGreaterThan(10_000);
    const errors = new Set(during.map((e) => e.error));
    expect([...errors].sort(), m).toEqual(['timeout', 'too-many-connections']);
    expect(during.every((e) => e.node === 'replica-1' || e.node === 'replica-2'), m).toBe(true);
    // Ground truth for "full CPU": every core of both replicas busy at nearly every sample.
    const busy = r.sim.journals.samples.items.filter((s) => (s.node === 'replica-1' || s.node === 'replica-2') && s.atUs >= 320 * S && s.atUs < 820 * S);
    expect(busy.filter((s) => s.values.cpuBusy === 1).length / busy.length, m).toBeGreaterThan(0.95);
    const failed = r.anomalies.filter((a) => a.kind === 'request-failed');
    expect(failed.some((a) => /replica-[12] was overloaded by client load/.test(a.explanation)), m).toBe(true);
    expect(failed.some((a) => /refused the connection: it had no connections left/.test(a.explanation)), m).toBe(true);
  });

  it.each(seeds(4))('seed %i: the added replica serves only after snapshot, provision, load, replay and attach', (seed) => {
    const r = outage(seed);
    const m = `seed ${seed}`;
    const spec = r.sim.spec.nodes.find((n) => n.id === 'db-scaler') as AutoscalerSpec;
    const at = (kind: string, node?: string) => r.marks.find((k) => k.kind === kind && (!node || k.node === node))?.atUs;
    const trigger = at('scale-up')!;
    const loaded = at('provisioned', 'replica-3')!;
    const replayed = at('scale-step-done')!;
    const attached = at('attached', 'read-lb')!;
    // The CPU stayed above 90% for a minute, then the next scrape triggered it.
    expect(trigger, m).toBeGreaterThan(SURGE_US + 60 * S);
    expect(trigger, m).toBeLessThan(SURGE_US + 100 * S);
    expect(loaded - trigger, m).toBe((spec.snapshotMs! + spec.provisionMs! + spec.loadMs!) * 1000);
    expect(replayed, m).toBeGreaterThan(loaded + 5 * S); // the log since the snapshot takes a while
    expect(attached - replayed, m).toBe(spec.attachMs! * 1000);
    // Ground truth of the replay: the new replica's log position at load was the snapshot's.
    const lsnAtLoad = Number(r.marks.find((k) => k.kind === 'provisioned')!.data!.lsn);
    expect(lsnAtLoad, m).toBeGreaterThan(0);
    expect(Number(r.marks.find((k) => k.kind === 'scale-step-done')!.data!.lsn), m).toBeGreaterThan(lsnAtLoad + 10_000);
    // Nothing reached it before it was attached; afterwards it takes its share.
    expect(r.history.filter((e) => e.node === 'replica-3' && e.atUs < attached), m).toEqual([]);
    expect(r.history.filter((e) => e.node === 'replica-3' && e.type === 'ok').length, m).toBeGreaterThan(10_000);
    // And only then do the errors stop.
    const before = failures(r, attached - 200 * S, attached).length;
    const after = failures(r, attached + 15 * S, attached + 200 * S).length;
    expect(before, m).toBeGreaterThan(5000);
    expect(after, m).toBeLessThan(before / 100);
  });

  it('an operator can ask for a replica; it takes the same steps', () => {
    const r = surge(1, (d) => {
      delete d.nodes.find((n: { id: string }) => n.id === 'db-scaler').trigger;
      d.faults = [{ id: 'ask', atMs: 100_000, kind: 'add-replica', target: 'db-scaler' }];
    }, 700 * S);
    const at = (kind: string) => r.marks.find((k) => k.kind === kind)?.atUs;
    expect(at('scale-up')).toBe(100 * S);
    expect(at('provisioned')).toBe(100 * S + (120 + 180 + 120) * S);
    expect(at('attached')! - at('scale-step-done')!).toBe(30 * S);
    const lb = r.sim.view(r.sim.index('read-lb'));
    expect(lb.kind === 'balancer' && lb.detail.targets).toEqual(['replica-1', 'replica-2', 'replica-3']);
  });
});
