// The built-in challenges: what `npm run grade -- --list` prints and the app's Challenges
// shelf offers. Each is a plain `faultline-challenge/1` document (what a course author writes
// by hand), validated like any other; tests/unit/challenge-library.test.ts runs each one's
// reference answer, its unchanged scenario and its tempting wrong answers over the goal's seeds.

import keepEveryWrite from './keep-every-write.json';
import quietButQuick from './quiet-but-quick.json';
import alertThePinnedApp from './alert-the-pinned-app.json';
import calmCatchUp from './calm-catch-up.json';
import lagUnderAMinute from './lag-under-a-minute.json';
import poolSurvives from './pool-survives-slow-queries.json';
import splitBrainOneFault from './split-brain-one-fault.json';
import makeStaleReads from './make-stale-reads.json';
import loseWritesOneParameter from './lose-writes-one-parameter.json';
import type { LinkBase } from '../../share-link';
import { builtIn } from '../../library';
import { validateChallenge } from '../validate';
import { challengeBaseId } from '../grade';
import type { LoadedChallenge } from '../types';

export interface BuiltInChallenge {
  id: string;
  title: string;
  kind: 'fix-it' | 'break-it';
  document: unknown;
}

function entry(doc: { id: string; title: string; kind: string }): BuiltInChallenge {
  return { id: doc.id, title: doc.title, kind: doc.kind === 'break-it' ? 'break-it' : 'fix-it', document: doc };
}

export const BUILT_IN_CHALLENGES: readonly BuiltInChallenge[] = [
  entry(keepEveryWrite),
  entry(quietButQuick),
  entry(alertThePinnedApp),
  entry(calmCatchUp),
  entry(lagUnderAMinute),
  entry(poolSurvives),
  entry(splitBrainOneFault),
  entry(makeStaleReads),
  entry(loseWritesOneParameter),
];

export function builtInChallenge(id: string): BuiltInChallenge | undefined {
  return BUILT_IN_CHALLENGES.find((c) => c.id === id);
}

const loadedCache = new Map<string, LoadedChallenge | null>();

/** A built-in challenge, validated (once). */
export function loadBuiltInChallenge(id: string): LoadedChallenge | undefined {
  if (!loadedCache.has(id)) {
    const b = builtInChallenge(id);
    const res = b ? validateChallenge(b.document) : undefined;
    loadedCache.set(id, res?.ok ? res.loaded : null);
  }
  return loadedCache.get(id) ?? undefined;
}

/**
 * What a share link may build on: a built-in scenario by its id, or a built-in challenge's
 * scenario by `challenge:<id>` (so a learner's answer link stays short).
 */
export function resolveLinkBase(id: string): LinkBase | undefined {
  const b = builtIn(id);
  if (b) return b;
  const m = /^challenge:(.+)$/.exec(id);
  const c = m ? loadBuiltInChallenge(m[1]) : undefined;
  return c ? { id: challengeBaseId(c.challenge.id), document: c.scenario } : undefined;
}
