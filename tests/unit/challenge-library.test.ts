import { describe, expect, it } from 'vitest';
import { BUILT_IN_CHALLENGES } from '../../src/scenario/challenge/library';
import { ANSWERS } from './helpers/challenge-answers';

describe('the built-in challenges', () => {
  it('are at least eight, of both kinds, and every one has a reference answer, wrong answers and refused tricks under test', () => {
    expect(BUILT_IN_CHALLENGES.length).toBeGreaterThanOrEqual(8);
    for (const c of BUILT_IN_CHALLENGES) {
      const a = ANSWERS[c.id];
      expect(a, c.id).toBeDefined();
      expect(a.pass.length, c.id).toBeGreaterThan(0);
      expect(a.wrong.some((w) => w.what === 'unchanged'), `${c.id} tests its unchanged scenario`).toBe(true);
      expect(a.wrong.length, c.id).toBeGreaterThanOrEqual(3);
    }
    expect(Object.keys(ANSWERS).sort()).toEqual(BUILT_IN_CHALLENGES.map((c) => c.id).sort());
  });
});
