// The tests every built-in challenge gets (issue 12): its reference answers pass over the
// goal's seeds; its unchanged scenario and its tempting wrong answers fail, each on the
// requirement it should; cheap tricks are refused before anything runs. A failure names the
// seed that shows it.
import { describe, expect, it } from 'vitest';
import { checkAnswer, gradeHere } from '../../../src/scenario/challenge/grade';
import { answer, builtInLoaded } from './challenges';
import { ANSWERS, TIMEOUT_MS } from './challenge-answers';

export function challengeSuite(ids: string[]): void {
  for (const id of ids) {
    describe(`built-in challenge ${id}`, () => {
      const loaded = builtInLoaded(id);
      const a = ANSWERS[id];

      for (const p of a.pass) {
        it(`passes in every run of seeds ${loaded.challenge.goal.seeds}: ${p.what}`, () => {
          const out = gradeHere(loaded, answer(loaded, p.changes));
          expect(out.disallowed).toEqual([]);
          const failing = out.seeds.filter((s) => !s.passed).map((s) => `seed ${s.seed}: ${s.failed.join('; ')} (${JSON.stringify(s.values)})`);
          expect(failing).toEqual([]);
          expect(out.passed).toBe(true);
          expect(out.runs).toBe(loaded.seeds.length);
        }, TIMEOUT_MS);
      }

      for (const w of a.wrong) {
        const fails = [w.fails].flat();
        it(`fails (${fails.join(' or ')}): ${w.what}`, () => {
          const out = gradeHere(loaded, answer(loaded, w.changes), { stopWhenDecided: true });
          expect(out.disallowed).toEqual([]);
          expect(out.passed).toBe(false);
          const first = out.seeds.find((s) => !s.passed);
          expect(first?.failed.some((t) => fails.includes(t)), `seed ${first?.seed} failed ${JSON.stringify(first?.failed)} (${JSON.stringify(first?.values)})`).toBe(true);
        }, TIMEOUT_MS);
      }

      for (const r of a.refused) {
        it(`refuses before running: ${r.what}`, () => {
          const d = checkAnswer(loaded, answer(loaded, r.changes));
          expect(d.map((x) => x.path)).toContain(r.path);
          expect(gradeHere(loaded, answer(loaded, r.changes)).runs).toBe(0);
        });
      }
    });
  }
}
