import { describe, expect, it } from 'vitest';
import { createSim } from '../../src/sim/world';
import type { NodeSpec } from '../../src/sim/spec';
import { smallWorld } from './helpers/worlds';

const run = (seed: number, untilMs = 60_000, nodes?: NodeSpec[]) => {
  const spec = smallWorld(seed);
  const sim = createSim(nodes ? { ...spec, nodes: [...spec.nodes, ...nodes] } : spec, { checkpoints: false });
  sim.advanceTo(untilMs * 1000);
  return sim;
};

describe('determinism', () => {
  it('the same scenario and seed give the same trace, events and history twice', () => {
    for (const seed of [1, 2, 99, -5, 2 ** 40]) {
      const a = run(seed);
      const b = run(seed);
      expect(a.traceHex(), `seed ${seed}`).toBe(b.traceHex());
      expect(a.state.executed, `seed ${seed}`).toBe(b.state.executed);
      expect(a.journals.history.items, `seed ${seed}`).toEqual(b.journals.history.items);
    }
  });

  it('a different seed gives a different trace', () => {
    const traces = new Set([1, 2, 3, 4, 5, 6, 7, 8].map((s) => run(s, 10_000).traceHex()));
    expect(traces.size).toBe(8);
  });

  it('adding a node leaves every other node\'s random draws unchanged', () => {
    // The client's arrivals and keys come from its own stream only. Add a second client (in
    // its own site, on its own database) and the first one's invocations must not move.
    const invocations = (sim: ReturnType<typeof run>) =>
      sim.journals.history.items.filter((e) => e.client === 'app' && e.type === 'invoke').map((e) => `${e.atUs}:${e.f}:${e.key}`);
    const before = run(21, 20_000);
    const extra: NodeSpec[] = [
      { id: 'other-db', kind: 'database', site: 'b', role: 'primary' },
      { id: 'other-app', kind: 'client', site: 'b', target: 'other-db', writesPerSec: 200, readsPerSec: 300, keys: 7 },
    ];
    const after = run(21, 20_000, extra);
    expect(invocations(after).length).toBeGreaterThan(1000);
    expect(invocations(after)).toEqual(invocations(before));
    // ... while the run as a whole did change.
    expect(after.traceHex()).not.toBe(before.traceHex());
  });

  it('the trace covers every executed event: stopping one event earlier changes it', () => {
    const a = createSim(smallWorld(4), { checkpoints: false });
    a.advanceTo(5_000_000);
    const b = createSim(smallWorld(4), { checkpoints: false });
    while (b.state.executed < a.state.executed - 1) b.step();
    expect(b.traceHex()).not.toBe(a.traceHex());
    b.step();
    expect(b.traceHex()).toBe(a.traceHex());
  });
});
