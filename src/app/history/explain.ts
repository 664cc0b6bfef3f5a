// A linearizability counterexample in plain words, and the operations worth pointing at.
// The checker says "these operations can be ordered, leaving state S; none of those can go
// next"; a learner needs "this read returned a value that this write, acknowledged before the
// read began, had already replaced". No DOM here, so unit tests can read the sentences.

import type { Counterexample, LinearizabilityResult, OpRef } from '../../sim/checks/linearizability';
import type { HistoryOp } from '../../sim/host';
import { fmtTimeUs } from '../format';

/**
 * Why an operation is pointed at:
 * - `stuck`: it cannot come next in any order (the violation itself);
 * - `overwrite`: the write that set the value the register holds at the end of the prefix
 *   (for a stale read, the write it should have seen);
 * - `source`: the write whose value a stuck read returned;
 * - `prefix`: the last operations of the longest linearizable prefix.
 */
export type OffenderRole = 'stuck' | 'overwrite' | 'source' | 'prefix';

export interface Offender {
  role: OffenderRole;
  ref: OpRef;
  /** The operation as the history recorded it (the node that served it), when found. */
  op?: HistoryOp;
}

export interface Explanation {
  key: string;
  /** One or two sentences, plain text. */
  sentence: string;
  /** In time order of invocation, at most MAX_OFFENDERS. */
  offenders: Offender[];
}

/** Operations of the prefix's end listed besides the writes named in the sentence. */
const PREFIX_TAIL_SHOWN = 2;
/** Offenders listed at most (stuck operations can be many when writes of unknown outcome pile up). */
export const MAX_OFFENDERS = 12;

export const ROLE_LABEL: Record<OffenderRole, string> = {
  stuck: 'cannot be ordered',
  overwrite: 'the write it conflicts with',
  source: 'wrote the value it returned',
  prefix: 'end of the linearizable prefix',
};

type Parsed = { f: 'read' | 'write'; value: string | null } | null;

/** What an operation did, from the history if we have it, else from the checker's description. */
function parse(ref: OpRef, op: HistoryOp | undefined): Parsed {
  if (op) return { f: op.f, value: op.outcome === 'ok' || op.f === 'write' ? showValue(op.value) : null };
  const read = /^read\(\) -> (.+)$/.exec(ref.description);
  if (read) return { f: 'read', value: read[1] === '?' ? null : read[1] };
  const write = /^write\(([^)]*)\)/.exec(ref.description);
  if (write) return { f: 'write', value: write[1] };
  return null;
}

function showValue(v: number | null): string {
  return v === null ? 'nil' : String(v);
}

function when(ref: OpRef): string {
  return ref.returnAt === null ? `from ${fmtTimeUs(ref.callAt, true)}, outcome unknown` : `${fmtTimeUs(ref.callAt, true)} to ${fmtTimeUs(ref.returnAt, true)}`;
}

/** Explains a `not linearizable` result; null for any other verdict. */
export function explain(result: LinearizabilityResult, ops: readonly HistoryOp[]): Explanation | null {
  const cx = result.counterexample;
  if (result.verdict !== 'not linearizable' || !cx) return null;
  const byRef = new Map(ops.map((o) => [o.op, o]));
  // Values name the write that wrote them (values are unique per write in a Faultline run;
  // in a hand-written history the first writer found is named).
  const writerOf = new Map<string, OpRef>();
  const known = [...cx.linearized, ...cx.stuck];
  for (const o of ops) {
    if (o.f === 'write' && o.value !== null && !writerOf.has(String(o.value))) {
      writerOf.set(String(o.value), { ref: o.op, client: o.client, key: o.key, description: `write(${o.value})`, callAt: o.invokeUs, returnAt: o.completeUs });
    }
  }
  for (const r of known) {
    const p = parse(r, byRef.get(r.ref));
    if (p?.f === 'write' && p.value !== null) writerOf.set(p.value, writerOf.get(p.value) ?? r);
  }

  const roles = new Map<string, { role: OffenderRole; ref: OpRef }>();
  const add = (role: OffenderRole, ref: OpRef | undefined) => {
    if (ref && !roles.has(ref.ref)) roles.set(ref.ref, { role, ref });
  };
  for (const s of cx.stuck) add('stuck', s);

  // The write that left the register as it is after the prefix.
  const lastWrite = [...cx.linearized].reverse().find((r) => parse(r, byRef.get(r.ref))?.f === 'write');
  const stuckRead = cx.stuck.find((s) => s.rejectedByModel && parse(s, byRef.get(s.ref))?.f === 'read');
  const readValue = stuckRead ? parse(stuckRead, byRef.get(stuckRead.ref))!.value : null;
  const source = readValue !== null && readValue !== 'nil' ? writerOf.get(readValue) : undefined;
  if (stuckRead) {
    add('overwrite', lastWrite);
    if (source && source.ref !== stuckRead.ref) add('source', source);
  }
  for (const r of cx.linearized.slice(-PREFIX_TAIL_SHOWN)) add('prefix', r);

  const offenders = [...roles.values()]
    .map(({ role, ref }) => ({ role, ref, op: byRef.get(ref.ref) }))
    .sort((a, b) => a.ref.callAt - b.ref.callAt || (a.ref.ref < b.ref.ref ? -1 : 1));
  // Too many (stuck writes of unknown outcome can pile up): the prefix's end goes first.
  while (offenders.length > MAX_OFFENDERS) {
    const i = offenders.findIndex((o) => o.role === 'prefix');
    offenders.splice(i >= 0 ? i : offenders.length - 1, 1);
  }
  return { key: cx.key, sentence: sentence(cx, stuckRead, readValue, source, lastWrite, byRef), offenders };
}

function sentence(
  cx: Counterexample,
  read: OpRef | undefined,
  readValue: string | null,
  source: OpRef | undefined,
  lastWrite: OpRef | undefined,
  byRef: Map<string, HistoryOp>,
): string {
  const on = `On key ${cx.key}`;
  if (read && readValue !== null) {
    const node = byRef.get(read.ref)?.node;
    const served = node ? `, served by ${node}` : '';
    const got = readValue === 'nil' ? 'nothing (as if the key had never been written)' : source ? `the value ${source.ref} wrote` : `the value ${readValue}`;
    const head = `${on}, the read ${read.ref} (${read.client}, ${when(read)}${served}) returned ${got}.`;
    if (lastWrite && lastWrite.returnAt !== null && lastWrite.returnAt < read.callAt) {
      const replaced = readValue === 'nil' ? 'had written the key' : 'had replaced that value';
      return (
        `${head} But ${lastWrite.ref} ${replaced}, and it was acknowledged at ${fmtTimeUs(lastWrite.returnAt, true)}, before the read began. ` +
        `A linearizable store would return ${lastWrite.ref}'s value or a later one, so no order of the operations can place this read.`
      );
    }
    const state = cx.stateAfter === 'nil' ? 'no value' : lastWrite ? `the value ${lastWrite.ref} wrote` : `the value ${cx.stateAfter}`;
    return `${head} The ${cx.prefixLength} operations before it can only be ordered leaving ${state}, and from there no order can place the read.`;
  }
  const names = cx.stuck.slice(0, 4).map((s) => `${s.ref} (${s.description})`).join(', ');
  const more = cx.stuck.length > 4 ? ` and ${cx.stuck.length - 4} more` : '';
  return (
    `${on}, ${cx.prefixLength} operations can be put in an order that respects real time, leaving ${cx.stateAfter === 'nil' ? 'no value' : `the value ${cx.stateAfter}`}; ` +
    `but none of the operations that could come next (${names}${more}) leads to a complete order.`
  );
}

/** The moment to show an operation at: its completion when it has one, else its invocation. */
export function momentOf(ref: OpRef): number {
  return ref.returnAt ?? ref.callAt;
}

/** The stretch of time a counterexample's offenders cover, padded so the bars have room. */
export function spanOf(offenders: readonly Offender[]): { fromUs: number; toUs: number } {
  let fromUs = Infinity;
  let toUs = -Infinity;
  for (const o of offenders) {
    fromUs = Math.min(fromUs, o.ref.callAt);
    toUs = Math.max(toUs, o.ref.returnAt ?? o.ref.callAt);
  }
  if (!Number.isFinite(fromUs)) return { fromUs: 0, toUs: 1 };
  const padUs = Math.max(1_000, (toUs - fromUs) * 0.06);
  return { fromUs: Math.max(0, Math.floor(fromUs - padUs)), toUs: Math.ceil(toUs + padUs) };
}
