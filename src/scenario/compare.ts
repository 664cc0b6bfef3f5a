// A comparison: a scenario (run A) and the same scenario with a few what-if changes (run B),
// run with the same seed side by side. What the two runs' summaries say differently is read
// here, in words, for the CLI and the app alike ("36 lost writes -> 0", "p99 write 3 ms ->
// 81 ms"). No DOM and no validation here (validateChanges in validate.ts checks a list of
// changes against its document).

import type { RunSummary } from '../sim/report';
import type { AnomalyKind } from '../sim/checks/checker';
import { whatIfsOf, type WhatIfChange } from './what-if';

export interface Comparison {
  /** What B is, in a few words ("Turn fencing on"): a what-if's title, or the change described. */
  title: string;
  /** The changes that turn A into B (the format's what-if `changes`). */
  changes: WhatIfChange[];
}

/** Characters of a comparison's title at most (a what-if's title limit). */
export const COMPARISON_TITLE_CHARS = 200;

/** The comparison a document's what-if names, or undefined. */
export function comparisonOfWhatIf(doc: unknown, id: string): Comparison | undefined {
  const w = whatIfsOf(doc).find((x) => x.id === id);
  return w ? { title: w.title, changes: w.changes } : undefined;
}

/** A change in a few words, for a comparison made of changes without a title. */
export function describeChange(c: WhatIfChange): string {
  if (c.node !== undefined && c.set) {
    const fields = Object.entries(c.set).map(([k, v]) => (v === null ? `${k} back to its default` : `${k} = ${JSON.stringify(v)}`));
    return `${c.node}: ${fields.join(', ')}`;
  }
  if (c.addFault) {
    const f = c.addFault;
    const at = typeof f.atMs === 'number' ? ` at ${f.atMs / 1000} s` : '';
    return `add ${String(f.kind ?? 'a fault')}${typeof f.target === 'string' ? ` on ${f.target}` : ''}${at}`;
  }
  if (c.removeFault !== undefined) return `without ${c.removeFault}`;
  return 'a change';
}

export function titleOfChanges(changes: readonly WhatIfChange[]): string {
  const words = changes.slice(0, 3).map(describeChange).join('; ') + (changes.length > 3 ? `; and ${changes.length - 3} more` : '');
  return words.slice(0, COMPARISON_TITLE_CHARS);
}

// ---------------------------------------------------------------------------------------------
// The difference between two runs' summaries

/** What a row counts, in the plural. */
const ANOMALY_NOUNS: Record<AnomalyKind, string> = {
  'lost-write': 'lost writes',
  'split-brain': 'split-brain writes',
  'stale-read': 'stale reads',
  'write-rejected': 'rejected writes',
  'request-failed': 'failed requests',
  'duplicate-effect': 'duplicate effects',
  'undetected-outage': 'requests failed with no alert',
};

export interface DiffRow {
  key: string;
  /** What is measured: "lost writes", "p99 write". */
  label: string;
  a: number;
  b: number;
  /** The values as a person reads them ("36", "81 ms"). */
  aText: string;
  bText: string;
  /** A count ("36 lost writes -> 0") or a latency ("p99 write 3 ms -> 81 ms"). */
  unit: 'count' | 'ms';
  /** True when lower is better (counts of trouble, latencies): B is better when it is lower. */
  lowerIsBetter: boolean;
  /** An anomaly's row: it names a kind the checkers found. */
  anomaly?: AnomalyKind;
}

/** How many of each anomaly kind a summary found. */
function anomalyCounts(s: RunSummary): Map<AnomalyKind, number> {
  const m = new Map<AnomalyKind, number>();
  for (const a of s.anomalies) m.set(a.kind, (m.get(a.kind) ?? 0) + a.count);
  return m;
}

function ms(v: number): string {
  if (v === 0) return '0 ms';
  if (v >= 1000) return `${(v / 1000).toFixed(v >= 10_000 ? 0 : 1)} s`;
  if (v >= 10) return `${Math.round(v)} ms`;
  if (v >= 1) return `${v.toFixed(1).replace(/\.0$/, '')} ms`;
  return `${v.toFixed(2)} ms`;
}

const count = (n: number) => n.toLocaleString('en-US');

/**
 * The rows worth showing side by side: every anomaly kind either run found, then the key
 * metrics (writes acknowledged and failed, p99 latencies, failovers, alerts). `changedOnly`
 * keeps the rows whose values differ (latencies compared as shown, so noise in the last digit
 * of a sub-millisecond figure is not a difference).
 */
export function diffSummaries(a: RunSummary, b: RunSummary, changedOnly = false): DiffRow[] {
  const rows: DiffRow[] = [];
  const ca = anomalyCounts(a);
  const cb = anomalyCounts(b);
  const kinds = [...new Set([...ca.keys(), ...cb.keys()])];
  for (const kind of kinds) {
    const x = ca.get(kind) ?? 0;
    const y = cb.get(kind) ?? 0;
    rows.push({ key: `anomaly:${kind}`, label: ANOMALY_NOUNS[kind] ?? kind, a: x, b: y, aText: count(x), bText: count(y), unit: 'count', lowerIsBetter: true, anomaly: kind });
  }
  const num = (key: string, label: string, x: number, y: number, lowerIsBetter: boolean) =>
    rows.push({ key, label, a: x, b: y, aText: count(x), bText: count(y), unit: 'count', lowerIsBetter });
  const lat = (key: string, label: string, x: number, y: number) => rows.push({ key, label, a: x, b: y, aText: ms(x), bText: ms(y), unit: 'ms', lowerIsBetter: true });
  const ma = a.metrics;
  const mb = b.metrics;
  num('writes.acked', 'writes acknowledged', ma.writes.acked, mb.writes.acked, false);
  num('writes.failed', 'writes failed', ma.writes.failed, mb.writes.failed, true);
  num('reads.failed', 'reads failed', ma.reads.failed, mb.reads.failed, true);
  lat('writes.p99', 'p99 write', ma.writes.latency.p99Ms, mb.writes.latency.p99Ms);
  lat('reads.p99', 'p99 read', ma.reads.latency.p99Ms, mb.reads.latency.p99Ms);
  num('failovers', 'failovers', ma.failovers, mb.failovers, true);
  num('alerts', 'alerts', ma.alerts.length, mb.alerts.length, true);
  return changedOnly ? rows.filter((r) => r.aText !== r.bText) : rows;
}

/** One row as a sentence fragment: "36 lost writes -> 0", "p99 write 3 ms -> 81 ms". */
export function rowText(r: DiffRow, arrow = '->'): string {
  return r.unit === 'count' ? `${r.aText} ${r.label} ${arrow} ${r.bText}` : `${r.label} ${r.aText} ${arrow} ${r.bText}`;
}
