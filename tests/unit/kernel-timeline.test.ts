import { describe, expect, it } from 'vitest';
import { createSim } from '../../src/sim/world';
import type { FaultSpec } from '../../src/sim/spec';
import { smallWorld } from './helpers/worlds';

const straight = (seed: number, faults: FaultSpec[], untilUs: number) => {
  const sim = createSim({ ...smallWorld(seed), faults }, { checkpoints: false });
  sim.advanceTo(untilUs);
  return sim;
};

describe('faults as data during playback', () => {
  const base = smallWorld(8).faults;
  const added: FaultSpec = { id: 'p', kind: 'partition', atMs: 12_000, untilMs: 16_000, sides: [['db1'], ['orch']] };

  it('adding a fault in the past replays as if it had always been there', () => {
    const sim = createSim(smallWorld(8), { checkpoints: { everyEvents: 1000 } });
    sim.advanceTo(30_000_000);
    sim.setFaults([...base, added]);
    expect(sim.nowUs).toBe(30_000_000);
    const ref = straight(8, [...base, added], 30_000_000);
    expect(sim.stateHash()).toBe(ref.stateHash());
    expect(sim.traceHex()).toBe(ref.traceHex());
    // And it did change something: the run without it differs.
    expect(ref.traceHex()).not.toBe(straight(8, base, 30_000_000).traceHex());
  });

  it('removing a fault replays as if it had never been there', () => {
    const sim = createSim({ ...smallWorld(8), faults: [...base, added] }, { checkpoints: { everyEvents: 1000 } });
    sim.advanceTo(50_000_000);
    sim.setFaults(base);
    expect(sim.stateHash()).toBe(straight(8, base, 50_000_000).stateHash());
  });

  it('a fault added ahead of the current time changes nothing until it is reached', () => {
    const sim = createSim(smallWorld(8));
    sim.advanceTo(10_000_000);
    const hash = sim.stateHash();
    sim.setFaults([...base, added]);
    expect(sim.stateHash()).toBe(hash);
    sim.advanceTo(30_000_000);
    expect(sim.stateHash()).toBe(straight(8, [...base, added], 30_000_000).stateHash());
  });

  it('a fault added at time zero replays from the very start', () => {
    const atZero: FaultSpec = { id: 'z', kind: 'crash', atMs: 0, untilMs: 3000, target: 'db2' };
    const sim = createSim(smallWorld(8));
    sim.advanceTo(10_000_000);
    sim.setFaults([atZero, ...base]);
    expect(sim.stateHash()).toBe(straight(8, [atZero, ...base], 10_000_000).stateHash());
  });

  it('rewinding past a fault and playing forward applies it again', () => {
    const sim = createSim(smallWorld(8), { checkpoints: { everyEvents: 1000 } });
    sim.advanceTo(30_000_000);
    const crashMarks = () => sim.journals.marks.items.filter((m) => m.kind === 'crash').length;
    expect(crashMarks()).toBe(1);
    sim.seek(10_000_000);
    expect(crashMarks()).toBe(0);
    sim.advanceTo(30_000_000);
    expect(crashMarks()).toBe(1);
    expect(sim.stateHash()).toBe(straight(8, base, 30_000_000).stateHash());
  });
});
