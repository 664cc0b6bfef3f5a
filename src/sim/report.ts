// The summary of a run in the v1 shape the CLI prints and the app shows (SCENARIO-FORMAT.md,
// "The CLI"). Computed from the run's journals only, like the checkers.

import type { Sim } from './kernel/sim';
import { CheckerSet, type Anomaly, type AnomalyKind } from './checks';

export interface AnomalySummary {
  kind: AnomalyKind;
  /** Instances in all (writes lost, reads stale, requests failed...). */
  count: number;
  firstAtMs: number;
  nodes: string[];
  /** The first occurrence's explanation. */
  explanation: string;
}

export interface Latency {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface RunMetrics {
  writes: { attempted: number; acked: number; failed: number; unknown: number; lost: number; latency: Latency };
  reads: { attempted: number; ok: number; failed: number; stale: number; latency: Latency };
  failovers: number;
  alerts: { rule: string; node: string; firedAtMs: number }[];
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

/** Every anomaly of a run so far (a fresh pass over the whole record). */
export function anomaliesOf(sim: Sim): Anomaly[] {
  const j = sim.journals;
  return new CheckerSet(sim.spec).update(j.history, j.marks.items, sim.nowUs);
}

/** One entry per kind found, in order of first appearance; counts are summed over occurrences. */
export function summarizeAnomalies(all: readonly Anomaly[]): AnomalySummary[] {
  const byKind = new Map<AnomalyKind, AnomalySummary>();
  for (const a of all) {
    const s = byKind.get(a.kind);
    if (!s) {
      byKind.set(a.kind, { kind: a.kind, count: a.count, firstAtMs: usToMs(a.atUs), nodes: [...a.nodes], explanation: a.explanation });
      continue;
    }
    s.count += a.count;
    for (const n of a.nodes) if (!s.nodes.includes(n)) s.nodes.push(n);
  }
  return [...byKind.values()];
}

function latency(samplesUs: number[]): Latency {
  if (samplesUs.length === 0) return { p50Ms: 0, p99Ms: 0, maxMs: 0 };
  const s = Float64Array.from(samplesUs).sort();
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] / 1000;
  return { p50Ms: at(0.5), p99Ms: at(0.99), maxMs: s[s.length - 1] / 1000 };
}

export function metricsOf(sim: Sim, anomalies: readonly Anomaly[]): RunMetrics {
  const h = sim.journals.history;
  let wAttempted = 0, wAcked = 0, wFailed = 0, rAttempted = 0, rOk = 0, rFailed = 0;
  const wLat: number[] = [];
  const rLat: number[] = [];
  for (let i = 0; i < h.length; i++) {
    const w = h.isWrite(i);
    const type = h.typeAt(i);
    if (type === 'invoke') {
      if (w) wAttempted++;
      else rAttempted++;
      continue;
    }
    if (type === 'ok') {
      if (w) wAcked++;
      else rOk++;
      const start = h.invokedUsAt(i);
      if (start >= 0) (w ? wLat : rLat).push(h.atUsAt(i) - start);
    } else if (w) {
      if (type === 'fail') wFailed++;
    } else rFailed++;
  }
  const count = (kind: AnomalyKind) => anomalies.filter((a) => a.kind === kind).reduce((n, a) => n + a.count, 0);
  const m: RunMetrics = {
    // A write still in flight at the end (or lost with its client) has an unknown outcome too.
    writes: { attempted: wAttempted, acked: wAcked, failed: wFailed, unknown: wAttempted - wAcked - wFailed, lost: count('lost-write'), latency: latency(wLat) },
    reads: { attempted: rAttempted, ok: rOk, failed: rFailed, stale: count('stale-read'), latency: latency(rLat) },
    failovers: 0,
    alerts: [],
  };
  for (const k of sim.journals.marks.items) {
    if (k.kind === 'failover') m.failovers++;
    else if (k.kind === 'alert' && (k.data?.state ?? 'firing') === 'firing') {
      m.alerts.push({ rule: String(k.data?.rule ?? ''), node: String(k.data?.node ?? k.node), firedAtMs: usToMs(k.atUs) });
    }
  }
  return m;
}

export function summarize(sim: Sim): RunSummary {
  const all = anomaliesOf(sim);
  const s: RunSummary = {
    trace: sim.traceHex(),
    events: sim.state.executed,
    anomalies: summarizeAnomalies(all),
    metrics: metricsOf(sim, all),
  };
  const a = sim.aborted;
  if (a) s.aborted = { kind: a.kind, reason: a.reason, atMs: usToMs(a.atUs) };
  return s;
}
