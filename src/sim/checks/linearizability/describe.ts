// Plain-text explanation of a result, for the CLI and any text view in the app.

import type { OpRef } from './history';
import type { LinearizabilityResult } from './index';

/** Operations a description lists at most, whatever the result holds. */
const MAX_LISTED_OPS = 10;

function opLine(op: OpRef): string {
  const returned = op.returnAt === null ? 'never returned' : `returned at ${op.returnAt}`;
  return `${op.ref} (client ${op.client}): ${op.description}, called at ${op.callAt}, ${returned}`;
}

/** A few lines saying why the verdict is what it is; empty for a linearizable history. */
export function describeResult(result: LinearizabilityResult): string[] {
  const lines: string[] = [];
  if (result.verdict === 'unknown') {
    lines.push(result.message ?? 'no verdict');
    return lines;
  }
  const cx = result.counterexample;
  if (result.verdict !== 'not linearizable' || !cx) return lines;
  const where = result.partitionCount > 1 || cx.key !== '' ? ` on key ${JSON.stringify(cx.key)}` : '';
  lines.push(`${cx.prefixLength} operation(s)${where} can be put in a valid order, leaving the state ${cx.stateAfter};`);
  const shown = cx.linearized.slice(-MAX_LISTED_OPS);
  if (shown.length > 0) {
    lines.push(shown.length < cx.prefixLength ? `the last ${shown.length} of them:` : 'in this order:');
    for (const op of shown) lines.push(`  ${opLine(op)}`);
  }
  lines.push('but none of these can come next:');
  for (const op of cx.stuck.slice(0, MAX_LISTED_OPS)) {
    lines.push(`  ${opLine(op)}${op.rejectedByModel ? ` (impossible in state ${cx.stateAfter})` : ' (leads to a dead end)'}`);
  }
  if (cx.stuck.length > MAX_LISTED_OPS) lines.push(`  ... and ${cx.stuck.length - MAX_LISTED_OPS} more`);
  return lines;
}
