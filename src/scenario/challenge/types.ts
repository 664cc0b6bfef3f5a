// A challenge (format `faultline-challenge/1`): a scenario, what a learner may change in it,
// and a goal checked over many seeds. /work/shared/design/CHALLENGE-FORMAT.md is the
// contract (docs/challenges.md the course author's guide): the names here are relied on by
// other tools; they are extended, never renamed.

import type { AnomalyKind } from '../../sim/checks';
import type { NodeKind } from '../../sim/spec';
import type { Scenario, ValidationError } from '../types';

export const CHALLENGE_FORMAT = 'faultline-challenge/1';
/** The grader's output (`npm run grade -- ... --json`, and what the app shows). */
export const GRADE_FORMAT = 'faultline-grade/1';

/**
 * A field a learner may set on a node: its name, or its name with the values allowed
 * (an extension of the format: `{ "field": "poolSize", "min": 1, "max": 50 }`).
 */
export type AllowedField = string | { field: string; min?: number; max?: number; values?: (string | number | boolean)[] };

export interface Allow {
  /** Node id (or `*` for every node of the scenario) -> the fields the learner may set or remove. */
  set?: Record<string, AllowedField[]>;
  /** How many node fields may be changed in all (an extension: "with one parameter"). Default: no limit. */
  setMax?: number;
  /** Fault kinds the learner may add, how many at most, and (an extension) from what time on. */
  addFaults?: { kinds: string[]; max: number; fromMs?: number };
  /** Whether the learner may remove the scenario's own faults: all of them, or (an extension) those ids. */
  removeFaults?: boolean | string[];
  /** Node kinds the learner may add, and how many at most. */
  addNodes?: { kinds: NodeKind[]; max: number };
}

export type Requirement = ({ anomaly: AnomalyKind } | { metric: string }) & { atMost?: number; atLeast?: number };

export interface Goal {
  /** `A..B`: each run is the learner's scenario with one of these seeds. */
  seeds: string;
  require: Requirement[];
  /** How many runs must pass (default: all of them). */
  inAtLeast?: number;
}

/** A validated challenge document. Fields this version does not know are kept. */
export interface Challenge {
  format: typeof CHALLENGE_FORMAT;
  id: string;
  title: string;
  /** Plain text, shown as written (never interpreted as markup). */
  brief: string;
  /** A built-in scenario id, or a whole scenario document. */
  scenario: string | Scenario;
  allow: Allow;
  goal: Goal;
  hints?: string[];
  /** `fix-it` (reach a good outcome) or `break-it` (produce a failure): how the app files it. An extension. */
  kind?: 'fix-it' | 'break-it';
  [extra: string]: unknown;
}

/** A challenge with its scenario resolved and its seeds listed: what the grader and the app work from. */
export interface LoadedChallenge {
  challenge: Challenge;
  scenario: Scenario;
  /** The built-in scenario it names, when it names one. */
  scenarioId?: string;
  seeds: number[];
}

export type ChallengeResult = { ok: true; loaded: LoadedChallenge } | { ok: false; errors: ValidationError[] };

/** One change a learner's answer makes that the challenge does not allow. */
export interface Disallowed {
  /** `nodes[db1].site`, `faults[crash-db1]`, `seed`... */
  path: string;
  /** A sentence that starts with the path: "nodes[db1].site may not be changed in this challenge". */
  message: string;
}

/** How one run did against the goal. */
export interface SeedOutcome {
  seed: number;
  passed: boolean;
  /** The texts of the requirements it failed. */
  failed: string[];
  /** What each requirement measured, in the goal's order (null: absent in this run). An extension. */
  values: (number | null)[];
  trace: string;
  events: number;
  /** The run stopped early (a limit): it fails every requirement. */
  aborted?: string;
}

/** `faultline-grade/1`: the grader's verdict, as the CLI prints it with --json. */
export interface GradeOutput {
  format: typeof GRADE_FORMAT;
  challenge: string;
  passed: boolean;
  runs: number;
  passedRuns: number;
  disallowed: string[];
  requirements: { text: string; passedRuns: number }[];
  seeds: { seed: number; passed: boolean; failed: string[]; values?: (number | null)[]; trace?: string; aborted?: string }[];
  /** Why the answer could not be graded at all (not a scenario, a bad link): an extension. */
  errors?: string[];
  /** The learner, in a class's results (`--answers`). */
  name?: string;
}
