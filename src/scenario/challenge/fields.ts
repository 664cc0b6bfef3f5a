// What the challenge code needs to know about a node's field: whether a learner may change it
// at all, and how to name it in a sentence. One function, so the parameter tables (one per
// node kind, with labels, units and who may change each field) plug in here and nowhere else.

import type { NodeKind } from '../../sim/spec';

export interface FieldFacts {
  /**
   * `always`: it changes nothing in the run (where a node is drawn, its label);
   * `if-allowed`: where a challenge's `allow.set` names it;
   * `never`: it says which node this is (`id`, `kind`).
   */
  learner: 'always' | 'if-allowed' | 'never';
  /** Whether this version knows the field (an unknown one is kept in a document, and means nothing). */
  known: boolean;
  /** The inspector's name for it ("Ship the log every"), when there is one. */
  label?: string;
  /** Its unit ("ms", "connections"), when it has one. */
  unit?: string;
}

const IDENTITY = new Set(['id', 'kind']);
const LAYOUT = new Set(['label', 'position']);

export function fieldFacts(_kind: NodeKind, field: string): FieldFacts {
  if (IDENTITY.has(field)) return { learner: 'never', known: true };
  if (LAYOUT.has(field)) return { learner: 'always', known: true };
  return { learner: 'if-allowed', known: true };
}
