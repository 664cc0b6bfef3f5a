// The scenario document (format v1) and what the validator says about one. See
// /work/shared/design/SCENARIO-FORMAT.md: the field names are a contract other tools rely on.

import type { WorldSpec } from '../sim/spec';

/** The format this version writes and reads; older ones are migrated to it (migrate.ts). */
export const SCENARIO_FORMAT = 'faultline/1';

export interface NarrationEntry {
  atMs: number;
  /** The author's words, shown as written: never interpreted as markup. */
  text: string;
  /** Node ids the stage highlights while this entry is shown. */
  focus?: string[];
  /** An analysis the caption offers to run (`check-linearizability`); it changes nothing in the run. */
  action?: 'check-linearizability';
}

/**
 * A validated v1 document: what the simulation takes plus what only people read. Fields this
 * version does not know are kept (a newer editor's additions survive a round trip through an
 * older one), hence the index signature.
 */
export interface Scenario extends WorldSpec {
  format: typeof SCENARIO_FORMAT;
  title?: string;
  narration?: NarrationEntry[];
  [extra: string]: unknown;
}

export interface ValidationError {
  /** Where the problem is, as a person would write it: `nodes[3].replicateFrom`; '' for the whole document. */
  path: string;
  /** A whole sentence that starts with the path, e.g. "nodes[3].replicateFrom names 'db9', which is not a node". */
  message: string;
}

export type ValidationResult =
  | { ok: true; scenario: Scenario }
  | { ok: false; errors: ValidationError[] };
