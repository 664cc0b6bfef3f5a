import { describe, expect, it } from 'vitest';
import { CheckerSet } from '../../src/sim/checks';
import { validateScenario } from '../../src/scenario/validate';
import { BUILT_INS } from '../../src/scenario/library';
import { createSim } from '../../src/sim/world';
import type { Scenario } from '../../src/scenario/types';

// The worker feeds the checkers the whole run as it runs ahead, and asks about any earlier
// moment. Asked as of t, a checker must say exactly what it would have said had it been fed
// only what was recorded up to t (what a learner playing to t was shown before run-ahead).

/** Built-ins small enough to replay many prefixes of; the big outages are covered by the host tests. */
const SMALL = BUILT_INS.filter((b) => !['catchup-storm', 'surge-lag', 'endpoint-misconfig', 'pool-exhaustion'].includes(b.id));

describe('checkers asked as of a moment', () => {
  for (const b of SMALL) {
    it(`${b.id}: fed the whole run, they answer for any earlier moment as if fed up to it`, () => {
      const scenario = (validateScenario(b.document) as { ok: true; scenario: Scenario }).scenario;
      const sim = createSim(scenario, { checkpoints: false });
      const endUs = scenario.durationMs * 1000;
      sim.advanceTo(endUs);
      const h = sim.journals.history;
      const marks = sim.journals.marks.items;
      const whole = new CheckerSet(scenario);
      whole.feed(h, marks);
      const final = whole.at(endUs);
      // Moments spread over the run, and at and around each anomaly's start and end.
      const moments = new Set<number>();
      for (let k = 0; k <= 12; k++) moments.add(Math.round((endUs * k) / 12));
      for (const a of final) for (const t of [a.atUs, a.endUs ?? a.atUs]) for (const d of [-1, 0, 1, 1_500_000]) moments.add(Math.max(0, t + d));
      const sorted = [...moments].sort((x, y) => x - y);
      // One set fed moment by moment as a player would be, compared at each moment.
      const streamed = new CheckerSet(scenario);
      let hi = 0;
      let mi = 0;
      for (const t of sorted) {
        while (hi < h.length && h.atUsAt(hi) <= t) hi++;
        while (mi < marks.length && marks[mi].atUs <= t) mi++;
        const upTo = { length: hi, get: (i: number) => h.get(i) };
        expect(whole.at(t), `${b.id} as of ${t} us (seed ${scenario.seed})`).toEqual(streamed.update(upTo, marks.slice(0, mi), t));
      }
      expect(final.length).toBeGreaterThanOrEqual(b.id === 'replica-resumes' ? 0 : 1);
    });
  }
});
