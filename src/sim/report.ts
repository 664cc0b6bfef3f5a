// The summary of a run in the v1 shape the CLI prints and the app shows (SCENARIO-FORMAT.md,
// "The CLI"). Computed from the run's journals only, like the checkers.

import type { HistoryJournal } from './kernel/history';
import type { Aborted } from './kernel/limits';
import type { Mark, MetricSample } from './kernel/component';
import type { WorldSpec } from './spec';
import { CheckerSet, type Anomaly, type AnomalyKind, type HistoryView } from './checks';
import { OUTAGE_GAP_US } from './checks/undetected-outage';

/** The client history, read entry by entry or a column at a time. */
export type HistoryReader = HistoryView & Pick<HistoryJournal, 'typeAt' | 'isWrite' | 'atUsAt' | 'invokedUsAt' | 'errorAt'>;

/**
 * What a summary reads of a run: a Sim, or the part of a longer recording up to a moment
 * (the worker summarises the moment shown, with the run ahead of it already recorded).
 */
export interface RunRecord {
  readonly spec: WorldSpec;
  readonly nowUs: number;
  readonly aborted: Aborted | null;
  readonly state: { readonly executed: number };
  traceHex(): string;
  readonly journals: {
    readonly history: HistoryReader;
    readonly marks: { readonly items: readonly Mark[] };
    readonly samples: { readonly items: readonly MetricSample[] };
  };
}

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
  /**
   * Failovers whose candidate was promoted by the end (an orchestrator's decision lost on its
   * way is not one; one whose promotion is still in flight is not one yet).
   */
  failovers: number;
  /** When the first failover (automatic or managed) happened; absent when there was none. */
  firstFailoverAtMs?: number;
  alerts: { rule: string; node: string; firedAtMs: number }[];
  /** How well the alerts matched what the clients saw: failures nobody was alerted to, and alerts with nothing failing. */
  alerting: AlertingMetrics;
  /** Operations that failed or timed out, by the error their client recorded (`timeout`, `pool-timeout`, `too-many-connections`...). */
  failures: Record<string, number>;
  /** Connection pools: requests that gave up waiting for a connection, and the most waiting at once at any client (sampled). */
  pools: { timeouts: number; maxWaiting: number };
  /** Per cache: reads answered from it, misses, expired copies served because the backend failed, hits / (hits + misses). */
  caches: Record<string, CacheMetrics>;
  /** Per job queue: its lag (age of the oldest job not done) at its peak and at the end, its depth, and its jobs. */
  queues: Record<string, QueueMetrics>;
  /** Per follower that fell behind: its worst backlog (entries its primary had and it lacked), and when it was back within 1% of it. */
  catchup: Record<string, CatchupMetrics>;
}

/**
 * Alerts against the clients' experience. Clients "see failures" from a failed or timed-out
 * operation to the last one of a run of them (failures less than 5 s apart, as the
 * undetected-outage checker groups them); an alert is "firing" from its firing to its
 * resolution (or the end of the run).
 */
export interface AlertingMetrics {
  /** Times an alert fired (each rule on each node counts each time it starts firing). */
  fired: number;
  /** When the first alert fired; absent when none did. */
  firstFiredAtMs?: number;
  /** Time during which clients saw failures and no alert was firing, in all... */
  undetectedMs: number;
  /** ...and its longest unbroken stretch. */
  longestUndetectedMs: number;
  /** Time during which an alert was firing and clients saw no failures (what an on-call person would call a false alarm, or an alert about something clients do not feel). */
  firingWhileHealthyMs: number;
}

export interface CacheMetrics {
  hits: number;
  misses: number;
  staleServed: number;
  hitRatio: number;
}

export interface QueueMetrics {
  maxLagMs: number;
  maxLagAtMs: number;
  finalLagMs: number;
  maxDepth: number;
  enqueued: number;
  done: number;
}

export interface CatchupMetrics {
  maxBehind: number;
  maxBehindAtMs: number;
  /** The first sample after the worst at which it was within 1% of that worst (null: never). */
  caughtUpAtMs: number | null;
  finalBehind: number;
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
export function anomaliesOf(sim: RunRecord): Anomaly[] {
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

/**
 * The p50, p99 and maximum of the samples (reordered in place): the values a sort would put
 * at those ranks, found by selection, in time proportional to the samples rather than a
 * sort's n log n (hundreds of thousands on a busy run: a tenth of the CLI's summary).
 */
export function latency(samplesUs: Float64Array): Latency {
  const n = samplesUs.length;
  if (n === 0) return { p50Ms: 0, p99Ms: 0, maxMs: 0 };
  const rank = (q: number) => Math.min(n - 1, Math.ceil(q * n) - 1);
  const r99 = rank(0.99);
  const p99 = select(samplesUs, 0, n - 1, r99);
  // Everything before r99 is now at most p99, everything after at least.
  const p50 = select(samplesUs, 0, r99, rank(0.5));
  let max = p99;
  for (let i = r99 + 1; i < n; i++) if (samplesUs[i] > max) max = samplesUs[i];
  return { p50Ms: p50 / 1000, p99Ms: p99 / 1000, maxMs: max / 1000 };
}

/**
 * The value of rank `k` among a[lo..hi] (inclusive), which it reorders so that what is
 * before k is at most a[k] and what is after at least (Hoare's selection; median-of-three
 * pivots). The samples are finite numbers.
 */
function select(a: Float64Array, lo: number, hi: number, k: number): number {
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    // Order a[lo], a[mid], a[hi]; the median is the pivot.
    if (a[mid] < a[lo]) swap(a, mid, lo);
    if (a[hi] < a[lo]) swap(a, hi, lo);
    if (a[hi] < a[mid]) swap(a, hi, mid);
    const pivot = a[mid];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    // Now a[lo..j] <= pivot, a[i..hi] >= pivot, and anything between equals it.
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

export function metricsOf(sim: RunRecord, anomalies: readonly Anomaly[]): RunMetrics {
  const h = sim.journals.history;
  let wAttempted = 0, wAcked = 0, wFailed = 0, rAttempted = 0, rOk = 0, rFailed = 0;
  for (let i = 0; i < h.length; i++) {
    const w = h.isWrite(i);
    const type = h.typeAt(i);
    if (type === 'invoke') {
      if (w) wAttempted++;
      else rAttempted++;
    } else if (type === 'ok') {
      if (w) wAcked++;
      else rOk++;
    } else if (w) {
      if (type === 'fail') wFailed++;
    } else rFailed++;
  }
  // Latencies in arrays of their final size, filled in a second pass: a million of them
  // pushed into growing arrays (and copied to sort) were tens of megabytes at the CLI's peak.
  const wLatAll = new Float64Array(wAcked);
  const rLatAll = new Float64Array(rOk);
  let wn = 0;
  let rn = 0;
  for (let i = 0; i < h.length; i++) {
    if (h.typeAt(i) !== 'ok') continue;
    const start = h.invokedUsAt(i);
    if (start < 0) continue;
    if (h.isWrite(i)) wLatAll[wn++] = h.atUsAt(i) - start;
    else rLatAll[rn++] = h.atUsAt(i) - start;
  }
  const wLat = wLatAll.subarray(0, wn);
  const rLat = rLatAll.subarray(0, rn);
  const failures: Record<string, number> = {};
  const outages: Span[] = [];
  for (let i = 0; i < h.length; i++) {
    const type = h.typeAt(i);
    if (type !== 'fail' && type !== 'info') continue;
    const error = h.errorAt(i) ?? 'error';
    failures[error] = (failures[error] ?? 0) + 1;
    const atUs = h.atUsAt(i);
    const last = outages[outages.length - 1];
    if (last && atUs - last[1] <= OUTAGE_GAP_US) last[1] = atUs;
    else outages.push([atUs, atUs]);
  }
  const count = (kind: AnomalyKind) => anomalies.filter((a) => a.kind === kind).reduce((n, a) => n + a.count, 0);
  let failovers = 0;
  let firstFailoverAtMs: number | undefined;
  const alerts: RunMetrics['alerts'] = [];
  const firing = new Map<string, number>();
  const alertSpans: Span[] = [];
  // A failover counts once its candidate took the role: an orchestrator's decision whose
  // promotion was lost on the way (a lossy link) changed nothing a client or a lesson sees.
  const promoted = new Set<string>();
  for (const k of sim.journals.marks.items) if (k.kind === 'role' && k.data?.role === 'primary') promoted.add(`${k.node}|${String(k.data.epoch)}`);
  for (const k of sim.journals.marks.items) {
    if (k.kind === 'failover') {
      if (!promoted.has(`${String(k.data?.to)}|${String(k.data?.epoch)}`)) continue;
      if (failovers++ === 0) firstFailoverAtMs = usToMs(k.atUs);
    } else if (k.kind === 'alert') {
      const state = k.data?.state ?? 'firing';
      const rule = String(k.data?.rule ?? '');
      const node = String(k.data?.node ?? k.node);
      const key = `${rule}|${node}`;
      if (state === 'firing') {
        alerts.push({ rule, node, firedAtMs: usToMs(k.atUs) });
        if (!firing.has(key)) firing.set(key, k.atUs);
      } else if (state === 'resolved' && firing.has(key)) {
        alertSpans.push([firing.get(key)!, k.atUs]);
        firing.delete(key);
      }
    }
  }
  for (const start of firing.values()) alertSpans.push([start, sim.nowUs]);
  const m: RunMetrics = {
    // A write still in flight at the end (or lost with its client) has an unknown outcome too.
    writes: { attempted: wAttempted, acked: wAcked, failed: wFailed, unknown: wAttempted - wAcked - wFailed, lost: count('lost-write'), latency: latency(wLat) },
    reads: { attempted: rAttempted, ok: rOk, failed: rFailed, stale: count('stale-read'), latency: latency(rLat) },
    failovers,
    ...(firstFailoverAtMs !== undefined && { firstFailoverAtMs }),
    alerts,
    alerting: alertingOf(alerts, outages, union(alertSpans)),
    failures,
    ...sampledMetrics(sim, failures['pool-timeout'] ?? 0),
  };
  return m;
}

/** A stretch of time, [start, end] in µs. */
type Span = [number, number];

/** The same time as disjoint spans in order. */
function union(spans: Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => a[0] - b[0]);
  const out: Span[] = [];
  for (const [s, e] of sorted) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

/** The parts of `spans` outside every one of `cut` (both disjoint and in order). */
function minus(spans: readonly Span[], cut: readonly Span[]): Span[] {
  const out: Span[] = [];
  let j = 0;
  for (const [s0, e] of spans) {
    let s = s0;
    while (j < cut.length && cut[j][1] <= s) j++;
    for (let k = j; k < cut.length && cut[k][0] < e; k++) {
      if (cut[k][0] > s) out.push([s, cut[k][0]]);
      s = Math.max(s, cut[k][1]);
    }
    if (s < e) out.push([s, e]);
  }
  return out;
}

function alertingOf(alerts: RunMetrics['alerts'], outages: Span[], firing: Span[]): AlertingMetrics {
  const undetected = minus(outages, firing);
  const length = (spans: Span[]) => spans.reduce((n, [s, e]) => n + (e - s), 0);
  const first = alerts.reduce((t, x) => Math.min(t, x.firedAtMs), Infinity);
  return {
    fired: alerts.length,
    ...(alerts.length > 0 && { firstFiredAtMs: first }),
    undetectedMs: usToMs(length(undetected)),
    longestUndetectedMs: usToMs(undetected.reduce((n, [s, e]) => Math.max(n, e - s), 0)),
    firingWhileHealthyMs: usToMs(length(minus(firing, outages))),
  };
}

/** What the metric samples say: pools, caches, queues and followers catching up. */
function sampledMetrics(sim: RunRecord, poolTimeouts: number): Pick<RunMetrics, 'pools' | 'caches' | 'queues' | 'catchup'> {
  const kindOf = new Map(sim.spec.nodes.map((n) => [n.id, n.kind]));
  const pools = { timeouts: poolTimeouts, maxWaiting: 0 };
  const caches: Record<string, CacheMetrics> = {};
  const queues: Record<string, QueueMetrics> = {};
  const catchup: Record<string, CatchupMetrics> = {};
  // A cache's counters restart from zero when it does: add up what each sample adds.
  const lastCounters = new Map<string, Record<string, number>>();
  const samples = sim.journals.samples.items;
  for (let i = 0; i < samples.length; ) {
    // One sampling round: every node up, at the same instant.
    const atUs = samples[i].atUs;
    let end = i;
    let primaryLsn = -1;
    while (end < samples.length && samples[end].atUs === atUs) {
      const x = samples[end++];
      if (kindOf.get(x.node) === 'database' && x.values.replicationLag !== undefined) primaryLsn = Math.max(primaryLsn, x.values.lsn);
    }
    for (; i < end; i++) {
      const { node, values: v } = samples[i];
      const kind = kindOf.get(node);
      if (kind === 'client') pools.maxWaiting = Math.max(pools.maxWaiting, v.poolWaiting ?? 0);
      else if (kind === 'cache') {
        const c = caches[node] ?? (caches[node] = { hits: 0, misses: 0, staleServed: 0, hitRatio: 0 });
        const before = lastCounters.get(node);
        for (const k of ['hits', 'misses', 'staleServed'] as const) {
          const prev = before?.[k] ?? 0;
          c[k] += v[k] >= prev ? v[k] - prev : v[k];
        }
        lastCounters.set(node, v);
        c.hitRatio = c.hits + c.misses > 0 ? c.hits / (c.hits + c.misses) : 0;
      } else if (kind === 'queue') {
        const q = queues[node] ?? (queues[node] = { maxLagMs: 0, maxLagAtMs: 0, finalLagMs: 0, maxDepth: 0, enqueued: 0, done: 0 });
        if (v.lagMs > q.maxLagMs) {
          q.maxLagMs = v.lagMs;
          q.maxLagAtMs = usToMs(atUs);
        }
        q.finalLagMs = v.lagMs;
        q.maxDepth = Math.max(q.maxDepth, v.depth);
        q.enqueued = v.enqueued;
        q.done = v.done;
      } else if (kind === 'database' && primaryLsn >= 0 && v.replicationLag === undefined && v.lsn !== undefined) {
        const behind = Math.max(0, primaryLsn - v.lsn);
        const c = catchup[node] ?? (catchup[node] = { maxBehind: 0, maxBehindAtMs: 0, caughtUpAtMs: null, finalBehind: 0 });
        if (behind > c.maxBehind) {
          c.maxBehind = behind;
          c.maxBehindAtMs = usToMs(atUs);
          c.caughtUpAtMs = null;
        } else if (c.caughtUpAtMs === null && c.maxBehind > 0 && behind <= c.maxBehind / 100) c.caughtUpAtMs = usToMs(atUs);
        c.finalBehind = behind;
      }
    }
  }
  // Followers that never fell behind have nothing to report.
  for (const id of Object.keys(catchup)) if (catchup[id].maxBehind === 0) delete catchup[id];
  return { pools, caches, queues, catchup };
}

export function summarize(sim: RunRecord): RunSummary {
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
