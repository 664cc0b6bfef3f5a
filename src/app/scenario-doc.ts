// The scenario document as the page holds it, in a module of its own (no DOM, no runes) so
// that Node-side code (unit tests, the benchmark) can name it too.

import type { HostScenario } from '../sim/host';
import type { FaultSpec } from '../sim/spec';

export interface Narration {
  atMs: number;
  text: string;
  focus?: string[];
}

/** The validated document (faults carry ids): what the page shows, edits and saves. */
export type ScenarioDoc = HostScenario & { narration?: Narration[] };

/** A fault before the worker gives it an id (Omit spread over each kind of the union). */
export type FaultDraft = FaultSpec extends infer F ? (F extends FaultSpec ? Omit<F, 'id'> & { id?: string } : never) : never;
