import { describe, expect, it } from 'vitest';
import { CHALLENGE_PROGRESS_KEY, readProgress, updateAttempt } from '../../src/app/challenge/progress';
import { AUTOSAVE_KEY, readWork, writeWork } from '../../src/app/autosave';

function memory() {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), map: m };
}

describe('challenge progress in the browser', () => {
  it('keeps each challenge\'s attempt under its own key, never touching the saved work', () => {
    const store = memory();
    expect(writeWork({ link: 'fl1.mine', title: 'My work' }, new Date(0), store)).toBeNull();
    expect(updateAttempt('keep-every-write', { link: 'fl1.try', hintsShown: 1 }, new Date(1000), store)).toBeNull();
    expect(updateAttempt('keep-every-write', { passed: true, passedRuns: 20, runs: 20 }, new Date(2000), store)).toBeNull();
    expect(updateAttempt('make-stale-reads', { hintsShown: 2 }, new Date(3000), store)).toBeNull();
    expect(readWork(store)?.link).toBe('fl1.mine');
    expect(readProgress(store)).toEqual({
      'keep-every-write': { link: 'fl1.try', hintsShown: 1, passed: true, passedRuns: 20, runs: 20, savedAt: new Date(2000).toISOString() },
      'make-stale-reads': { hintsShown: 2, savedAt: new Date(3000).toISOString() },
    });
    expect([...store.map.keys()].sort()).toEqual([AUTOSAVE_KEY, CHALLENGE_PROGRESS_KEY].sort());
  });

  it('reads nothing from a damaged or foreign value, and says so when storage is off', () => {
    const store = memory();
    store.setItem(CHALLENGE_PROGRESS_KEY, '{not json');
    expect(readProgress(store)).toEqual({});
    store.setItem(CHALLENGE_PROGRESS_KEY, JSON.stringify({ v: 1, attempts: { a: { hintsShown: 'x' }, b: { hintsShown: 0, savedAt: 'now' } } }));
    expect(Object.keys(readProgress(store))).toEqual(['b']);
    expect(updateAttempt('a', { hintsShown: 1 }, new Date(), null)).toMatch(/cannot be saved/);
  });
});
