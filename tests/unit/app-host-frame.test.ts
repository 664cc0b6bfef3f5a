import { describe, expect, it } from 'vitest';
import { SimHost } from '../../src/sim/host';
import { validateScenario } from '../../src/scenario/validate';
import { builtIn } from '../../src/scenario/library';
import { runScenario } from '../../src/cli/run';
import { landed } from './helpers/frames';
import { MSG_CLASSES } from '../../src/sim/message-class';

// What the playground added to the worker contract: per-second operation statistics, what a
// message's body says about its operation, and a per-call event budget.

const doc = builtIn('first-failover')!.document;
const host = () => new SimHost((x) => validateScenario(x) as never);

describe('frames for the playground', () => {
  it('sum client operations per second, the same whether the run is seen in many frames or after one seek', () => {
    const a = host();
    a.load(doc);
    const merged = new Map<number, unknown>();
    for (let t = 250_000; t <= 40_000_000; t += 250_000) for (const b of a.advanceTo(t).ops) merged.set(b.atUs, b);
    const b = host();
    b.load(doc);
    const whole = new Map(landed(b.seek(40_000_000)).ops.map((x) => [x.atUs, x]));
    expect(whole.size).toBeGreaterThan(30);
    expect([...merged.keys()].sort((x, y) => x - y)).toEqual([...whole.keys()].sort((x, y) => x - y));
    for (const [k, v] of whole) expect(merged.get(k)).toEqual(v);
    // Before the crash at 30 s every operation succeeds; after it, timeouts appear as a cause.
    const before = whole.get(10_000_000)!;
    expect(before.ok).toBe(before.reads + before.writes);
    expect(before.latencyCount).toBeGreaterThan(0);
    const after = [...whole.values()].filter((x) => x.atUs > 30_000_000);
    expect(after.some((x) => (x.errors.timeout ?? 0) > 0)).toBe(true);
  });

  it('say which operation a request carries, and what kind each message is', () => {
    const h = host();
    h.load(doc);
    const ids = (validateScenario(doc) as { ok: true; scenario: { nodes: { id: string }[] } }).scenario.nodes.map((n) => n.id);
    let seen = { request: false, reply: false };
    for (let t = 1000; t < 2_000_000 && !(seen.request && seen.reply); t += 137) {
      const m = h.advanceTo(t).messages;
      for (let i = 0; i < m.count; i++) {
        const cls = MSG_CLASSES[m.cls[i]];
        if (cls === 'read' || cls === 'write') {
          expect(ids[m.opClient[i]]).toBe('app');
          expect(Number.isInteger(m.opNum[i])).toBe(true);
          seen = { ...seen, request: true };
        }
        if ((cls === 'ack' || cls === 'error') && ids[m.to[i]] === 'app') seen = { ...seen, reply: true };
      }
    }
    expect(seen).toEqual({ request: true, reply: true });
  });

  it('keep a call to its event budget (and the rest of the instant it stopped in) without changing the run', () => {
    const h = host();
    h.load(doc);
    const f = h.advanceTo(60_000_000, 1000);
    expect(f.reached).toBe(false);
    expect(f.events).toBeGreaterThanOrEqual(1000);
    expect(f.events).toBeLessThan(1100);
    // Nothing at the frame's own time is left to run: the frame shows a whole instant.
    expect(f.nextEventUs).toBeGreaterThan(f.nowUs);
    let last = f;
    while (!last.reached) last = h.advanceTo(120_000_000, 5000);
    const headless = runScenario({ scenario: (validateScenario(doc) as { ok: true; scenario: never }).scenario });
    expect(last.trace).toBe(headless.trace);
  });
});
