// What the challenge code needs to know about a node's field: whether a learner may change it
// at all, and how to name it in a sentence. Read off the parameter tables (src/sim/params),
// the one place each kind's fields, labels, units and access are written.

import { fieldInfo } from '../../sim/params';
import type { NodeKind } from '../../sim/spec';

export interface FieldFacts {
  /**
   * `always`: it changes nothing in the run (where a node is drawn, its label);
   * `if-allowed`: where a challenge's `allow.set` names it;
   * `never`: it says which node this is (`id`, `kind`), or this version does not know it.
   */
  learner: 'always' | 'if-allowed' | 'never';
  /** Whether this version knows the field (an unknown one is kept in a document, and means nothing). */
  known: boolean;
  /** The inspector's name for it ("Ship the log every"). */
  label?: string;
  /** Its unit ("ms", "connections"), when it has one. */
  unit?: string;
}

export function fieldFacts(kind: NodeKind, field: string): FieldFacts {
  const info = fieldInfo(kind, field);
  if (!info.known) return { learner: 'never', known: false };
  const unit = info.param.type === 'number' && info.param.unit ? info.param.unit : undefined;
  return { learner: info.learner, known: true, label: info.param.label, ...(unit !== undefined && { unit }) };
}
