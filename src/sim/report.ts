// The summary of a run in the v1 shape the CLI prints and the app shows (SCENARIO-FORMAT.md,
// "The CLI"). Computed from the run's journals only, like the checkers.

import type { Sim } from './kernel/sim';
import { runCheckers, type Anomaly, type AnomalyKind } from './checks';

export interface AnomalySummary {
  kind: AnomalyKind;
  count: number;
  firstAtMs: number;
  nodes: string[];
  explanation: string;
}

export interface RunMetrics {
  writes: { attempted: number; acked: number; failed: number; unknown: number };
  reads: { attempted: number; ok: number; failed: number };
  failovers: number;
  alerts: { rule: string; firedAtMs: number }[];
}

export interface RunSummary {
  trace: string;
  events: number;
  anomalies: AnomalySummary[];
  metrics: RunMetrics;
  aborted?: { kind: string; reason: string; atMs: number };
}

export function usToMs(us: number): number {
  return us / 1000;
}

export function anomaliesOf(sim: Sim): Anomaly[] {
  const j = sim.journals;
  return runCheckers({ history: j.history, marks: j.marks.items, nowUs: sim.nowUs });
}

/** One entry per kind found, in order of first appearance. */
export function summarizeAnomalies(all: readonly Anomaly[]): AnomalySummary[] {
  const byKind = new Map<AnomalyKind, AnomalySummary>();
  for (const a of all) {
    const s = byKind.get(a.kind);
    if (!s) {
      byKind.set(a.kind, { kind: a.kind, count: 1, firstAtMs: usToMs(a.atUs), nodes: [...a.nodes], explanation: a.explanation });
      continue;
    }
    s.count++;
    for (const n of a.nodes) if (!s.nodes.includes(n)) s.nodes.push(n);
  }
  return [...byKind.values()];
}

export function metricsOf(sim: Sim): RunMetrics {
  const m: RunMetrics = {
    writes: { attempted: 0, acked: 0, failed: 0, unknown: 0 },
    reads: { attempted: 0, ok: 0, failed: 0 },
    failovers: 0,
    alerts: [],
  };
  const h = sim.journals.history;
  for (let i = 0; i < h.length; i++) {
    const w = h.isWrite(i);
    const type = h.typeAt(i);
    if (type === 'invoke') {
      if (w) m.writes.attempted++;
      else m.reads.attempted++;
    } else if (type === 'ok') {
      if (w) m.writes.acked++;
      else m.reads.ok++;
    } else if (w) {
      if (type === 'fail') m.writes.failed++;
    } else m.reads.failed++;
  }
  // A write still in flight at the end (or lost with its client) has an unknown outcome too.
  m.writes.unknown = m.writes.attempted - m.writes.acked - m.writes.failed;
  for (const k of sim.journals.marks.items) {
    if (k.kind === 'failover') m.failovers++;
    else if (k.kind === 'alert') m.alerts.push({ rule: String(k.data?.rule ?? ''), firedAtMs: usToMs(k.atUs) });
  }
  return m;
}

export function summarize(sim: Sim): RunSummary {
  const s: RunSummary = {
    trace: sim.traceHex(),
    events: sim.state.executed,
    anomalies: summarizeAnomalies(anomaliesOf(sim)),
    metrics: metricsOf(sim),
  };
  const a = sim.aborted;
  if (a) s.aborted = { kind: a.kind, reason: a.reason, atMs: usToMs(a.atUs) };
  return s;
}
