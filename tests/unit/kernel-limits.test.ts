import { describe, expect, it } from 'vitest';
import { createSim } from '../../src/sim/world';
import { STRUCTURE_LIMITS } from '../../src/sim/kernel/limits';
import type { Sim } from '../../src/sim/kernel/sim';
import { probeWorld } from './helpers/probe';
import { smallWorld } from './helpers/worlds';

/** Run to the end, with and without checkpoints: a limit stops both at the same event. */
function bothWays(make: (checkpoints: boolean) => Sim, untilUs: number): Sim {
  const a = make(false);
  expect(a.advanceTo(untilUs)).toBe('aborted');
  const b = make(true);
  expect(b.advanceTo(untilUs)).toBe('aborted');
  expect(b.aborted).toEqual(a.aborted);
  expect(b.state.executed).toBe(a.state.executed);
  expect(b.traceHex()).toBe(a.traceHex());
  return a;
}

describe('limits', () => {
  it('stops at the event budget with a clear reason, at the same event every time', () => {
    const go = () => {
      const sim = createSim({ ...smallWorld(2), limits: { maxEvents: 5000 } }, { checkpoints: false });
      expect(sim.advanceTo(60_000_000)).toBe('aborted');
      return sim;
    };
    const a = go();
    expect(a.aborted!.kind).toBe('limit');
    expect(a.aborted!.reason).toMatch(/^the run passed its budget of 5,000 events at t = [\d.]+ s$/);
    expect(a.state.executed).toBe(5001);
    expect(go().traceHex()).toBe(a.traceHex());
    // An aborted run stays stopped.
    expect(a.advanceTo(61_000_000)).toBe('aborted');
  });

  it('stops a runaway that multiplies its own events (the pending-events limit), without hanging', () => {
    const sim = bothWays(
      (cp) => probeWorld([{ id: 'storm', kind: 'probe', site: 's1', peers: [], everyMs: 1, fanout: 2 }], { sim: { limits: { maxPendingEvents: 10_000 }, checkpoints: cp ? { everyEvents: 1000 } : false } }),
      1_000_000_000,
    );
    expect(sim.aborted!.reason).toBe('the event queue passed its limit of 10,000 pending events (timers and messages in flight) at t = 0.014 s');
    expect(sim.pendingEvents).toBe(10_000);
  });

  it('stops when a component queue passes its bound, naming the node and the queue', () => {
    // 5,000 items a millisecond into a queue bounded at 200,000: full in 40 ms.
    const sim = bothWays(
      (cp) => probeWorld([{ id: 'hoarder', kind: 'probe', site: 's1', peers: [], everyMs: 1, hoard: 5000 }], { sim: { checkpoints: cp ? { everyEvents: 10 } : false } }),
      1_000_000,
    );
    const max = STRUCTURE_LIMITS.queue.max;
    expect(sim.aborted!.reason).toBe(`hoarder's queue passed its limit of ${max.toLocaleString('en-US')} waiting items at t = ${(max / 5000 + 1) / 1000} s`);
  });

  it('stops when the world state passes its budget, on the running count, naming who holds the most', () => {
    // Two hoarders, at 1 and 3 items of 100 bytes a millisecond, against a budget of 1 MiB
    // (10,486 items): 4,096 events (the check's period) make about 8,200 items.
    const sim = bothWays(
      (cp) =>
        probeWorld(
          [
            { id: 'small', kind: 'probe', site: 's1', peers: [], everyMs: 1, hoard: 1 },
            { id: 'big', kind: 'probe', site: 's1', peers: [], everyMs: 1, hoard: 3 },
          ],
          { sim: { limits: { maxStateBytes: 1024 * 1024 }, checkpoints: cp ? { everyEvents: 100 } : false } },
        ),
      10_000_000,
    );
    expect(sim.aborted!.reason).toMatch(/^the world state grew to about 1\.6 MiB \(big holds 1\.2 MiB\), past its budget of 1 MiB at t = 4\.096 s$/);
    expect(sim.state.executed).toBe(2 * 4096);
  });

  it('stops when the client history passes its bound', () => {
    const sim = createSim(smallWorld(2), { limits: { maxHistoryEntries: 300 }, checkpoints: false });
    sim.advanceTo(60_000_000);
    expect(sim.aborted!.reason).toMatch(/^the client history passed its limit of 300 entries at t = [\d.]+ s$/);
    expect(sim.journals.history.length).toBe(300);
  });

  it('stops when the log, the marks or the samples pass their bounds', () => {
    const log = createSim(smallWorld(2), { limits: { maxLogEntries: 3 }, checkpoints: false });
    log.advanceTo(60_000_000);
    expect(log.aborted!.reason).toMatch(/^the run's log passed its limit of 3 lines at t = [\d.]+ s$/);
    const marks = createSim(smallWorld(2), { limits: { maxMarks: 2 }, checkpoints: false });
    marks.advanceTo(60_000_000);
    expect(marks.aborted!.reason).toMatch(/^the run's list of marks passed its limit of 2 marks at t = [\d.]+ s$/);
    const samples = createSim(smallWorld(2), { limits: { maxSamples: 20 }, checkpoints: false });
    samples.advanceTo(60_000_000);
    expect(samples.aborted!.reason).toMatch(/^the run's list of metric samples passed its limit of 20 samples at t = 5\.0 s$/);
  });

  it('turns a bug in a component into a stopped run naming the node, not an exception', () => {
    const sim = probeWorld([{ id: 'buggy', kind: 'probe', site: 's1', peers: [], everyMs: 10, throwOnTick: 3 }]);
    expect(() => sim.advanceTo(1_000_000)).not.toThrow();
    expect(sim.aborted).toEqual({ kind: 'error', reason: 'internal error in buggy: probe exploded on purpose', atUs: 30_000 });
  });

  it('a budgeted advance stops early and can be resumed to the same result', () => {
    const whole = createSim(smallWorld(6), { checkpoints: false });
    whole.advanceTo(30_000_000);
    const chunked = createSim(smallWorld(6), { checkpoints: false });
    let calls = 0;
    while (chunked.advanceTo(30_000_000, 1000) === 'budget') calls++;
    expect(calls).toBeGreaterThan(5);
    expect(chunked.stateHash()).toBe(whole.stateHash());
  });
});
