// A challenge's goal in words, for the app's panel and the embeddable player alike (no DOM).

import { requirementText } from '../../scenario/challenge/metrics';
import type { LoadedChallenge } from '../../scenario/challenge/types';

export function goalWords(loaded: LoadedChallenge): { requirements: string[]; runs: string } {
  const n = loaded.seeds.length;
  const need = loaded.challenge.goal.inAtLeast ?? n;
  const seeds = loaded.challenge.goal.seeds;
  return {
    requirements: loaded.challenge.goal.require.map(requirementText),
    runs: need >= n ? `every one of ${n} runs (seeds ${seeds})` : `at least ${need} of ${n} runs (seeds ${seeds})`,
  };
}

/** The built-in challenge a link builds on (`challenge:<id>`), or null. */
export function challengeOfBase(base: string | undefined): string | null {
  const m = base !== undefined ? /^challenge:(.+)$/.exec(base) : null;
  return m ? m[1] : null;
}
