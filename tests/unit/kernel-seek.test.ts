import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createSim } from '../../src/sim/world';
import { smallWorld } from './helpers/worlds';
import { hashString } from '../../src/sim/kernel/hash';
import type { Sim } from '../../src/sim/kernel/sim';

/** The state hash plus the journals' contents: what a learner sees after a seek. */
function fullHash(s: Sim): string {
  const j = s.journals;
  return s.stateHash() + hashString(JSON.stringify([j.history.items, j.marks.items, j.log.items, j.samples.items]));
}

describe('checkpoints and seek', () => {
  it('seeking to any point gives the same state as a straight run to it', () => {
    const spec = smallWorld(11);
    const straightHash = new Map<number, string>();
    const hashAt = (tUs: number) => {
      let h = straightHash.get(tUs);
      if (!h) {
        const s = createSim(spec, { checkpoints: false });
        s.advanceTo(tUs);
        h = fullHash(s);
        straightHash.set(tUs, h);
      }
      return h;
    };
    // One long-lived sim seeks around; small checkpoint spacing so seeks really restore.
    const sim = createSim(spec, { checkpoints: { everyEvents: 2_000 } });
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 60_000 }), { minLength: 1, maxLength: 6 }), (msList) => {
        for (const ms of msList) {
          sim.seek(ms * 1000);
          expect(fullHash(sim), `seek to ${ms} ms (seed ${spec.seed})`).toBe(hashAt(ms * 1000));
        }
      }),
      { numRuns: 25 },
    );
    expect(sim.checkpoints!.count).toBeGreaterThan(3);
  });

  it('keeps checkpoints within their bounds on a long run', () => {
    const sim = createSim(smallWorld(3), { checkpoints: { everyEvents: 200, maxCount: 8, eventsPerByte: 0 } });
    sim.advanceTo(60_000_000);
    expect(sim.checkpoints!.count).toBeLessThanOrEqual(8);
    // Spacing doubled as it thinned, so checkpoints still cover the whole run.
    expect(sim.checkpoints!.everyEvents).toBeGreaterThan(200);
    expect(sim.checkpoints!.newest()!.atUs).toBeGreaterThan(30_000_000);
    const straight = createSim(smallWorld(3), { checkpoints: false });
    straight.advanceTo(5_000_000);
    sim.seek(5_000_000);
    expect(sim.stateHash()).toBe(straight.stateHash());
  });

  it('restoring a checkpoint truncates the journals to what existed then', () => {
    const sim = createSim(smallWorld(5));
    sim.advanceTo(40_000_000);
    const historyAt40 = sim.journals.history.length;
    sim.seek(10_000_000);
    expect(sim.journals.history.length).toBeLessThan(historyAt40);
    expect(sim.journals.history.items.every((e) => e.atUs <= 10_000_000)).toBe(true);
    sim.seek(40_000_000);
    expect(sim.journals.history.length).toBe(historyAt40);
  });
});

