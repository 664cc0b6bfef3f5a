// A learner's progress on challenges, kept in the browser under its own key: never in the
// slot of their saved work (autosave.ts), so attempting a challenge cannot overwrite what
// they built, and opening their work cannot lose an attempt. Per challenge: the attempt as a
// share link, how far its last check got, and how many hints they have seen.

import { storage, type Store } from '../autosave';

export const CHALLENGE_PROGRESS_KEY = 'faultline:challenges:v1';
/** Characters kept at most (localStorage holds about 5 million per origin, shared). */
export const CHALLENGE_PROGRESS_MAX_CHARS = 1_000_000;

export interface Attempt {
  /** The learner's answer so far, as a share link. */
  link?: string;
  /** The last check's verdict, when there was one. */
  passed?: boolean;
  passedRuns?: number;
  runs?: number;
  /** Hints shown so far (they are shown in order, one at a time). */
  hintsShown: number;
  /** ISO time of the last change. */
  savedAt: string;
}

export type ChallengeProgress = Record<string, Attempt>;

function isAttempt(a: unknown): a is Attempt {
  if (typeof a !== 'object' || a === null) return false;
  const o = a as Record<string, unknown>;
  return typeof o.hintsShown === 'number' && typeof o.savedAt === 'string' && (o.link === undefined || typeof o.link === 'string');
}

export function readProgress(store: Store | null = storage()): ChallengeProgress {
  try {
    const raw = store?.getItem(CHALLENGE_PROGRESS_KEY);
    if (!raw || raw.length > CHALLENGE_PROGRESS_MAX_CHARS + 1000) return {};
    const o = JSON.parse(raw) as { v?: number; attempts?: Record<string, unknown> };
    if (o?.v !== 1 || typeof o.attempts !== 'object' || o.attempts === null) return {};
    const out: ChallengeProgress = {};
    for (const [id, a] of Object.entries(o.attempts)) if (isAttempt(a)) out[id] = a;
    return out;
  } catch {
    return {};
  }
}

/** Change one challenge's attempt; returns a sentence when it could not be kept. */
export function updateAttempt(id: string, change: Partial<Omit<Attempt, 'savedAt'>>, now: Date = new Date(), store: Store | null = storage()): string | null {
  if (!store) return 'Your progress cannot be saved in this browser (storage is turned off).';
  const all = readProgress(store);
  all[id] = { ...(all[id] ?? { hintsShown: 0 }), ...change, savedAt: now.toISOString() };
  const value = JSON.stringify({ v: 1, attempts: all });
  if (value.length > CHALLENGE_PROGRESS_MAX_CHARS) return 'Your challenge progress is too large to save in the browser; submit your answer link to keep it.';
  try {
    store.setItem(CHALLENGE_PROGRESS_KEY, value);
    return null;
  } catch {
    return "Your progress could not be saved: the browser's storage is full.";
  }
}
