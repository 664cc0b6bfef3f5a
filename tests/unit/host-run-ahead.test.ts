import { afterEach, describe, expect, it } from 'vitest';
import * as Comlink from 'comlink';
import { PLAYING_WITHIN_MS, SimHost, type Frame, type HostOptions, type Pending, type SimApi } from '../../src/sim/host';
import { validateScenario } from '../../src/scenario/validate';
import { builtIn } from '../../src/scenario/library';
import { createSim } from '../../src/sim/world';
import type { Scenario } from '../../src/scenario/types';
import { landed } from './helpers/frames';

// Run-ahead, through the worker contract over a real MessageChannel: the host runs ahead
// between requests (its scheduler here is setImmediate, as the worker's is a message to
// itself), and a frame at t is the same whether t was played to, sought, or reached after
// the run had gone far beyond it.

let ports: InstanceType<typeof MessageChannel>['port1'][] = [];
function connect(options: HostOptions = {}): Comlink.Remote<SimApi> {
  const { port1, port2 } = new MessageChannel();
  ports.push(port1, port2);
  Comlink.expose(new SimHost((x) => validateScenario(x) as never, options), port1);
  return Comlink.wrap<SimApi>(port2);
}
afterEach(() => {
  ports.forEach((p) => p.close());
  ports = [];
});

const runsAhead: HostOptions = { defer: (fn) => void setImmediate(fn) };
/** Checkpoints every few thousand events: frames inside the known range really come from restores. */
const dense: HostOptions = { ...runsAhead, checkpoints: { everyEvents: 5_000, maxCount: 1_000, eventsPerByte: 0 } };

const asyncFailover = builtIn('async-failover')!.document as Record<string, unknown>;

async function untilSettled(api: Comlink.Remote<SimApi>): Promise<void> {
  for (let i = 0; i < 20_000; i++) {
    if ((await api.progress()).state !== 'running') return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error('the run-ahead never settled');
}

/** What a learner sees of a frame, messages in a canonical order (they are a set in flight). */
function seen(f: Frame) {
  const m = f.messages;
  const msgs = Array.from({ length: m.count }, (_, i) => [m.sentUs[i], m.deliverUs[i], m.from[i], m.to[i], m.departUs[i], m.cls[i], m.opClient[i], m.opNum[i]].join(' ')).sort();
  return { nowUs: f.nowUs, events: f.events, trace: f.trace, nodes: f.nodes, anomalies: f.anomalies, inFlight: f.messagesInFlight, msgs, next: f.nextEventUs, aborted: f.aborted };
}

/** A full frame's journals and statistics, as the page rebuilds them after a seek. */
function record(f: Frame) {
  return { log: f.log, marks: f.marks, samples: f.samples, ops: f.ops };
}

describe('run-ahead', () => {
  it('after a load, the known range grows to the end of the scenario, and says so', async () => {
    const api = connect(runsAhead);
    const loaded = await api.load(asyncFailover);
    expect(loaded.ok && loaded.frame.runAhead.knownUs).toBe(0);
    await untilSettled(api);
    const p = await api.progress();
    expect(p).toMatchObject({ knownUs: 60_000_000, endUs: 60_000_000, state: 'end', reason: null });
    expect(p.bytes).toBeGreaterThan(0);
    expect(p.bytes).toBeLessThan(p.budgetBytes);
  });

  it('a frame at t is the same played to, sought, and reached after run-ahead', async () => {
    const moments = [7_300_000, 29_999_999, 30_000_000, 33_456_789, 45_000_000, 60_000_000];
    // Played to, with no run-ahead: every frame is the run's leading edge.
    const player = connect();
    await player.load(asyncFailover);
    const played = new Map<number, Frame>();
    let t = 0;
    for (const m of moments) {
      while (t < m) {
        t = Math.min(m, t + 250_000);
        let f = await player.advanceTo(t);
        while (!f.reached) f = await player.advanceTo(t);
        if (t === m) played.set(m, f);
      }
    }
    // Sought on a fresh host, once each.
    const sought = new Map<number, Frame>();
    for (const m of moments) {
      const api = connect();
      await api.load(asyncFailover);
      sought.set(m, landed(await api.seek(m)));
    }
    // After run-ahead to the end, sought in a scattered order (restores and replays), and
    // played inside the known range.
    const ahead = connect(dense);
    await ahead.load(asyncFailover);
    await untilSettled(ahead);
    const again = new Map<number, Frame>();
    for (const m of [...moments].reverse()) again.set(m, landed(await ahead.seek(m)));
    landed(await ahead.seek(0));
    const replayed = new Map<number, Frame>();
    t = 0;
    for (const m of moments) {
      while (t < m) {
        t = Math.min(m, t + 1_000_000);
        const f = await ahead.advanceTo(t);
        expect(f.reached).toBe(true);
        if (t === m) replayed.set(m, f);
      }
    }
    for (const m of moments) {
      const want = seen(sought.get(m)!);
      expect(want.nowUs).toBe(m);
      expect(seen(played.get(m)!), `played to ${m}`).toEqual(want);
      expect(seen(again.get(m)!), `sought after run-ahead to ${m}`).toEqual(want);
      expect(seen(replayed.get(m)!), `played after run-ahead to ${m}`).toEqual(want);
      expect(record(again.get(m)!), `journals at ${m}`).toEqual(record(sought.get(m)!));
    }
    // The lesson's anomalies are there by the end, whichever way it was reached.
    expect(seen(again.get(60_000_000)!).anomalies.length).toBeGreaterThan(0);
  });

  it('stops at its memory budget and says so; playing on still goes past it', async () => {
    // Half of what the whole run holds (a figure that shrinks as checkpoints get cheaper).
    const whole = connect(runsAhead);
    await whole.load(asyncFailover);
    await untilSettled(whole);
    const all = await whole.progress();
    expect(all.state).toBe('end');
    const budgetBytes = Math.floor(all.bytes / 2);
    const api = connect({ ...runsAhead, runAheadBudgetBytes: budgetBytes });
    await api.load(asyncFailover);
    await untilSettled(api);
    const p = await api.progress();
    expect(p.state).toBe('budget');
    expect(p.budgetBytes).toBe(budgetBytes);
    expect(p.bytes).toBeGreaterThanOrEqual(budgetBytes);
    expect(p.knownUs).toBeGreaterThan(0);
    expect(p.knownUs).toBeLessThan(60_000_000);
    // A seek beyond is the learner's own request: it lands, and is the same as anywhere else.
    const beyond = landed(await api.seek(p.knownUs + 10_000_000));
    const fresh = connect();
    await fresh.load(asyncFailover);
    expect(seen(beyond)).toEqual(seen(landed(await fresh.seek(p.knownUs + 10_000_000))));
  });

  it('a fault added mid-run shrinks the known range to its time; it grows again to the run with the fault', async () => {
    const api = connect(dense);
    await api.load(asyncFailover);
    await untilSettled(api);
    landed(await api.seek(20_000_000));
    const added = await api.addFault({ atMs: 20_000, kind: 'crash', target: 'db2' });
    expect(added.ok).toBe(true);
    if (!added.ok) return;
    const f = landed(added.frame);
    expect(f.nowUs).toBe(20_000_000);
    expect(f.runAhead.knownUs).toBeLessThanOrEqual(20_000_000);
    expect(f.runAhead.state).toBe('running');
    await untilSettled(api);
    expect((await api.progress()).knownUs).toBe(60_000_000);
    const withFault = { ...asyncFailover, faults: added.faults };
    const fresh = connect();
    await fresh.load(withFault);
    for (const m of [20_000_000, 35_000_000, 60_000_000]) {
      expect(seen(landed(await api.seek(m))), `at ${m} after the edit`).toEqual(seen(landed(await fresh.seek(m))));
    }
  });

  it('a seek far beyond the known range answers pending until the run gets there, then lands', async () => {
    let clock = 0;
    // A clock that moves on with every reading: each call runs one chunk, then answers.
    const api = connect({ now: () => (clock += 1), callBudgetMs: 0 });
    await api.load(asyncFailover);
    let r: Frame | Pending = await api.seek(50_000_000);
    let pending = 0;
    let lastKnown = 0;
    while ('pending' in r) {
      pending++;
      expect(r.runAhead.knownUs).toBeGreaterThan(lastKnown);
      lastKnown = r.runAhead.knownUs;
      r = await api.seek(50_000_000);
    }
    expect(pending).toBeGreaterThanOrEqual(2);
    const fresh = connect();
    await fresh.load(asyncFailover);
    expect(seen(r)).toEqual(seen(landed(await fresh.seek(50_000_000))));
  });

  it('steps one event at a time inside the known range, as a headless run does', async () => {
    const api = connect(dense);
    await api.load(asyncFailover);
    await untilSettled(api);
    landed(await api.seek(31_000_000));
    const scenario = (validateScenario(asyncFailover) as { ok: true; scenario: Scenario }).scenario;
    const sim = createSim(scenario, { checkpoints: false });
    sim.advanceTo(31_000_000);
    for (let k = 0; k < 5; k++) {
      const f = await api.step();
      sim.step();
      expect([f.events, f.trace, f.nowUs]).toEqual([sim.state.executed, sim.traceHex(), sim.nowUs]);
    }
  });

  it('a run that stops (a limit) is known up to there, with the reason, before the learner gets there', async () => {
    const api = connect(runsAhead);
    await api.load({ ...asyncFailover, limits: { maxEvents: 40_000 } });
    await untilSettled(api);
    const p = await api.progress();
    expect(p.state).toBe('stopped');
    expect(p.reason).toMatch(/40,000 events/);
    expect(p.knownUs).toBeLessThan(60_000_000);
    const before = landed(await api.seek(p.knownUs - 1_000_000));
    expect(before.aborted).toBeNull();
    const at = landed(await api.seek(p.knownUs + 1_000_000));
    expect(at.aborted?.reason).toMatch(/40,000 events/);
  });
  it('while the page plays, one short run-ahead slice runs between two frame requests, and the run-ahead carries on by itself once they stop', () => {
    // The worker's clock and schedulers, by hand: each reading of the clock moves it on
    // half a millisecond, so a slice runs as many chunks of events as its time allows.
    let clockMs = 0;
    const deferred: (() => void)[] = [];
    const timers: { atMs: number; fn: () => void }[] = [];
    const host = new SimHost((x) => validateScenario(x) as never, {
      now: () => (clockMs += 0.5),
      defer: (fn) => void deferred.push(fn),
      later: (fn, ms) => void timers.push({ atMs: clockMs + ms, fn }),
    });
    const doc = builtIn('catchup-storm')!.document as Record<string, unknown>;
    expect(host.load(doc).ok).toBe(true);
    const perSlice = () => host.workProfile().slice.events / host.workProfile().slice.count;
    // Paused: slice after slice, each queueing the next, none waiting for a timer.
    for (let i = 0; i < 10; i++) deferred.shift()!();
    expect(deferred).toHaveLength(1);
    expect(timers).toHaveLength(0);
    const pausedEvents = perSlice();
    const knownPaused = host.progress().knownUs;
    expect(knownPaused).toBeGreaterThan(0);
    host.workProfile(true);

    // Playing inside the known range: each frame request queues one slice, a short one, that
    // queues no other; only a timer waits, to resume.
    let atUs = 0;
    for (let i = 0; i < 10; i++) {
      atUs = Math.min(knownPaused, atUs + 100_000);
      const f = host.advanceTo(atUs);
      expect(f.nowUs).toBe(atUs);
      expect(deferred, 'a frame request queues one slice').toHaveLength(1);
      deferred.shift()!();
      expect(deferred, 'no slice queues another while frames are asked for').toHaveLength(0);
    }
    expect(host.workProfile().slice.count).toBe(10);
    expect(perSlice(), 'a slice while playing is shorter').toBeLessThan(pausedEvents / 2);
    expect(host.progress().knownUs, 'still growing while playing').toBeGreaterThan(knownPaused);

    // The requests stop: the timer finds none in the last PLAYING_WITHIN_MS, and slices
    // follow each other again.
    expect(timers).toHaveLength(1);
    clockMs = Math.max(clockMs, timers[0].atMs) + PLAYING_WITHIN_MS;
    timers.shift()!.fn();
    expect(deferred).toHaveLength(1);
    const knownPlaying = host.progress().knownUs;
    for (let i = 0; i < 3; i++) deferred.shift()!();
    expect(deferred).toHaveLength(1);
    expect(host.progress().knownUs).toBeGreaterThan(knownPlaying);

    // Playing beyond the known range, the next frame waits for the runner: its slices follow
    // each other as when paused.
    host.advanceTo(host.progress().knownUs);
    deferred.shift()!();
    expect(deferred, 'inside: one slice').toHaveLength(0);
    const beyond = host.advanceTo(host.progress().knownUs + 10_000_000, 2_000);
    expect(beyond.reached).toBe(false);
    expect(deferred).toHaveLength(1);
    deferred.shift()!();
    expect(deferred, 'beyond: the slices go on').toHaveLength(1);

    // And what it knows is the run: the end of the known range, as a run from the start.
    const f = host.seek(host.progress().knownUs) as Frame;
    const v = validateScenario(doc);
    if (!v.ok) throw new Error('catchup-storm does not validate');
    const fresh = createSim(v.scenario as Scenario, { checkpoints: false });
    fresh.advanceTo(f.nowUs);
    expect([f.events, f.trace]).toEqual([fresh.state.executed, fresh.traceHex()]);
  });
});
