// The live charts' data: per-second series derived from what frames carry (per-second
// operation statistics and per-node metric samples), cut to the visible window.

import type { OpStat } from '../sim/host';
import type { MetricSample } from '../sim/kernel/component';

/** Points per series at most (a window of ten minutes at one point a second). */
export const MAX_POINTS = 600;
/** Lines per chart at most; the rest are summed into "other" or left out. */
const MAX_LINES = 5;

export interface Series {
  id: string;
  label: string;
  /** [virtual ms, value] */
  points: [number, number][];
}

export interface ChartData {
  id: string;
  title: string;
  unit: string;
  series: Series[];
}

const inWindow = (tMs: number, fromMs: number, toMs: number) => tMs >= fromMs && tMs <= toMs;

export function buildCharts(ops: readonly OpStat[], samples: readonly MetricSample[], databases: readonly string[], fromMs: number, toMs: number): ChartData[] {
  const buckets = ops.filter((b) => inWindow(b.atUs / 1000, fromMs, toMs)).slice(-MAX_POINTS);
  const t = (b: OpStat) => b.atUs / 1000 + 500;
  const errorsOf = (b: OpStat) => Object.values(b.errors).reduce((a, x) => a + x, 0);

  const causeTotals = new Map<string, number>();
  for (const b of buckets) for (const [c, n] of Object.entries(b.errors)) causeTotals.set(c, (causeTotals.get(c) ?? 0) + n);
  const causes = [...causeTotals.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([c]) => c);
  const shown = causes.slice(0, MAX_LINES - 1);
  const rest = causes.slice(MAX_LINES - 1);
  const errorSeries: Series[] = shown.map((c) => ({ id: c, label: c, points: buckets.map((b) => [t(b), b.errors[c] ?? 0]) }));
  if (rest.length) errorSeries.push({ id: 'other', label: 'other', points: buckets.map((b) => [t(b), rest.reduce((a, c) => a + (b.errors[c] ?? 0), 0)]) });

  // Replication: at each sampling instant, how far each database is behind the most
  // advanced one, and how many entries only the most advanced one holds (acknowledged
  // writes that a failover at that moment would lose under asynchronous replication).
  const dbSet = new Set(databases);
  const byTime = new Map<number, Map<string, number>>();
  for (const s of samples) {
    if (!dbSet.has(s.node) || !inWindow(s.atUs / 1000, fromMs, toMs)) continue;
    const lsn = s.values.lsn;
    if (typeof lsn !== 'number') continue;
    let m = byTime.get(s.atUs);
    if (!m) byTime.set(s.atUs, (m = new Map()));
    m.set(s.node, lsn);
  }
  const times = [...byTime.keys()].sort((a, b) => a - b).slice(-MAX_POINTS);
  const lagSeries: Series[] = databases.slice(0, MAX_LINES).map((id) => ({ id, label: id, points: [] }));
  const atRisk: Series = { id: 'at-risk', label: 'only on the most advanced node', points: [] };
  for (const tu of times) {
    const m = byTime.get(tu)!;
    const lsns = [...m.values()].sort((a, b) => b - a);
    const max = lsns[0];
    for (const s of lagSeries) {
      const l = m.get(s.id);
      if (l !== undefined) s.points.push([tu / 1000, max - l]);
    }
    atRisk.points.push([tu / 1000, lsns.length > 1 ? max - lsns[1] : 0]);
  }

  return [
    {
      id: 'throughput',
      title: 'Throughput',
      unit: 'operations/s',
      series: [
        { id: 'ok', label: 'succeeded', points: buckets.map((b) => [t(b), b.ok]) },
        { id: 'errors', label: 'failed or unknown', points: buckets.map((b) => [t(b), errorsOf(b)]) },
      ],
    },
    { id: 'errors', title: 'Errors by cause', unit: 'operations/s', series: errorSeries },
    {
      id: 'latency',
      title: 'Latency',
      unit: 'ms',
      series: [
        { id: 'mean', label: 'mean', points: buckets.filter((b) => b.latencyCount).map((b) => [t(b), b.latencyUsSum / b.latencyCount / 1000]) },
        { id: 'max', label: 'max', points: buckets.filter((b) => b.latencyCount).map((b) => [t(b), b.latencyUsMax / 1000]) },
      ],
    },
    { id: 'lag', title: 'Replication lag', unit: 'log entries behind', series: lagSeries },
    { id: 'at-risk', title: 'Acknowledged writes at risk', unit: 'log entries', series: [atRisk] },
  ];
}
