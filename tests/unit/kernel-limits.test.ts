import { describe, expect, it } from 'vitest';
import { createSim } from '../../src/sim/world';
import { probeWorld } from './helpers/probe';
import { smallWorld } from './helpers/worlds';

describe('limits', () => {
  it('stops at the event budget with a clear reason, at the same event every time', () => {
    const go = () => {
      const sim = createSim({ ...smallWorld(2), limits: { maxEvents: 5000 } }, { checkpoints: false });
      expect(sim.advanceTo(60_000_000)).toBe('aborted');
      return sim;
    };
    const a = go();
    expect(a.aborted!.kind).toBe('limit');
    expect(a.aborted!.reason).toMatch(/budget of 5,000 events/);
    expect(a.state.executed).toBe(5001);
    expect(go().traceHex()).toBe(a.traceHex());
    // An aborted run stays stopped.
    expect(a.advanceTo(61_000_000)).toBe('aborted');
  });

  it('stops a runaway that multiplies its own events (a memory budget), without hanging', () => {
    const sim = probeWorld([{ id: 'storm', kind: 'probe', site: 's1', peers: [], everyMs: 1, fanout: 2 }], { sim: { limits: { maxPendingEvents: 10_000 } } });
    expect(sim.advanceTo(1_000_000_000)).toBe('aborted');
    expect(sim.aborted!.reason).toMatch(/more than 10,000 events were waiting at once/);
  });

  it('stops when a journal passes its bound', () => {
    const sim = createSim(smallWorld(2), { limits: { maxJournalEntries: 300 }, checkpoints: false });
    sim.advanceTo(60_000_000);
    expect(sim.aborted!.reason).toMatch(/journal reached its limit of 300 entries/);
  });

  it('stops when the world state outgrows its byte budget', () => {
    const sim = createSim(smallWorld(2), { limits: { maxStateBytes: 20_000 }, checkpoints: { everyEvents: 500 } });
    sim.advanceTo(60_000_000);
    expect(sim.aborted!.reason).toMatch(/world state grew to .* MiB, past its limit/);
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
