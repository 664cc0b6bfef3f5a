// Helpers for challenge tests: a small, fast challenge to grade, and answers written as the
// what-if changes a learner's edits amount to (set a node's fields, add or remove a fault).

import { loadBuiltInChallenge } from '../../../src/scenario/challenge/library';
import { validateChallenge } from '../../../src/scenario/challenge/validate';
import type { LoadedChallenge } from '../../../src/scenario/challenge/types';
import { applyWhatIf, type WhatIfChange } from '../../../src/scenario/what-if';
import { validateScenario } from '../../../src/scenario/validate';
import type { Scenario } from '../../../src/scenario/types';

export function builtInLoaded(id: string): LoadedChallenge {
  const c = loadBuiltInChallenge(id);
  if (!c) throw new Error(`no built-in challenge ${id}`);
  return c;
}

/** The challenge's scenario with the changes applied, validated (a learner's answer). */
export function answer(loaded: LoadedChallenge, changes: WhatIfChange[]): Scenario {
  const res = validateScenario(applyWhatIf(loaded.scenario, { id: 'answer', title: 'answer', changes }));
  if (!res.ok) throw new Error(res.errors.map((e) => e.message).join('\n'));
  return res.scenario;
}

/**
 * A small challenge that runs fast (30 s of a primary, a replica and an app, four seeds):
 * make stale reads appear by reading from a replica that applies slowly.
 */
export const SMALL_CHALLENGE = {
  format: 'faultline-challenge/1',
  id: 'small-stale',
  kind: 'break-it',
  title: 'Stale reads, small',
  brief: 'Make the app read something older than what it was told is saved.',
  scenario: {
    format: 'faultline/1',
    title: 'A primary and a replica',
    seed: 1,
    durationMs: 10000,
    sites: [{ id: 'dc' }],
    nodes: [
      { id: 'db1', kind: 'database', site: 'dc', role: 'primary' },
      { id: 'db2', kind: 'database', site: 'dc', role: 'replica', replicateFrom: 'db1', replication: 'async' },
      { id: 'app', kind: 'client', site: 'dc', target: 'db1', writesPerSec: 100, readsPerSec: 300, keys: 20 },
    ],
    faults: [{ id: 'blip', atMs: 8000, untilMs: 9000, kind: 'pause', target: 'db2' }],
  },
  allow: { set: { app: ['readTarget'], db2: ['applyMs'] }, setMax: 2 },
  goal: { seeds: '1..4', require: [{ anomaly: 'stale-read', atLeast: 5 }, { metric: 'reads.ok', atLeast: 1000 }] },
  hints: ['Read from the replica.', 'Make it lag.'],
};

export function smallLoaded(overrides: Record<string, unknown> = {}): LoadedChallenge {
  const res = validateChallenge({ ...SMALL_CHALLENGE, ...overrides });
  if (!res.ok) throw new Error(res.errors.map((e) => e.message).join('\n'));
  return res.loaded;
}

/** The small challenge's passing answer. */
export const SMALL_PASS: WhatIfChange[] = [
  { node: 'app', set: { readTarget: 'db2' } },
  { node: 'db2', set: { applyMs: 4 } },
];
