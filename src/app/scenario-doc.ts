// The scenario document as the page holds it, in a module of its own (no DOM, no runes) so
// that Node-side code (unit tests, the benchmark) can name it too.

import type { HostScenario } from '../sim/host';
import type { FaultSpec } from '../sim/spec';

export interface Narration {
  atMs: number;
  text: string;
  focus?: string[];
  /** "What do you predict?": asked before `text` is shown. */
  question?: string;
  choices?: string[];
  /** Index in `choices` of the answer the run bears out. */
  answer?: number;
  /** An analysis the caption offers to run on the run so far (it changes nothing in the run). */
  action?: NarrationAction;
}

/** What a caption may offer to do (see NARRATION_ACTIONS in the validator). */
export type NarrationAction = 'check-linearizability';

/** The validated document (faults carry ids): what the page shows, edits and saves. */
export type ScenarioDoc = HostScenario & { narration?: Narration[] };

/** A fault before the worker gives it an id (Omit spread over each kind of the union). */
export type FaultDraft = FaultSpec extends infer F ? (F extends FaultSpec ? Omit<F, 'id'> & { id?: string } : never) : never;
