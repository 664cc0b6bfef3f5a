// The numbers a challenge's requirements can name: the anomaly kinds and the dotted paths
// into a run's `metrics` (the CLI's `--json` shape, src/sim/report.ts). A goal that names a
// path that can never exist would fail every run, so the validator checks paths here.

import type { AnomalyKind } from '../../sim/checks';
import type { AlertingMetrics, CacheMetrics, CatchupMetrics, QueueMetrics, RunMetrics, RunSummary } from '../../sim/report';
import type { NodeKind } from '../../sim/spec';
import type { Scenario } from '../types';
import type { Requirement } from './types';

// Records keyed by every member of a union: leaving one out fails the type check.
const ANOMALY_KIND_SET: Record<AnomalyKind, true> = {
  'lost-write': true,
  'split-brain': true,
  'stale-read': true,
  'write-rejected': true,
  'request-failed': true,
  'duplicate-effect': true,
  'undetected-outage': true,
};
export const ANOMALY_KINDS = Object.keys(ANOMALY_KIND_SET) as AnomalyKind[];

type Leaf = 'number';
interface Branch {
  [key: string]: Leaf | Branch;
}
/** A map keyed by the ids of nodes of one kind (`queues.payments.maxLagMs`), or by any name (`failures.timeout`). */
interface Keyed {
  keyedBy: NodeKind | 'name';
  of: Leaf | Branch;
}

const LATENCY = { p50Ms: 'number', p99Ms: 'number', maxMs: 'number' } as const;
const fields = <T>(keys: Record<keyof T, true>): Record<keyof T, Leaf> =>
  Object.fromEntries(Object.keys(keys).map((k) => [k, 'number'])) as Record<keyof T, Leaf>;

const ALERTING = fields<AlertingMetrics>({ fired: true, firstFiredAtMs: true, undetectedMs: true, longestUndetectedMs: true, firingWhileHealthyMs: true });
const CACHE = fields<CacheMetrics>({ hits: true, misses: true, staleServed: true, hitRatio: true });
const QUEUE = fields<QueueMetrics>({ maxLagMs: true, maxLagAtMs: true, finalLagMs: true, maxDepth: true, enqueued: true, done: true });
const CATCHUP = fields<CatchupMetrics>({ maxBehind: true, maxBehindAtMs: true, caughtUpAtMs: true, finalBehind: true });

/** Every numeric path of RunMetrics (`alerts` is a list of alerts: `alerting` has its numbers). */
const METRICS: Record<Exclude<keyof RunMetrics, 'alerts'>, Leaf | Branch | Keyed> = {
  writes: { attempted: 'number', acked: 'number', failed: 'number', unknown: 'number', lost: 'number', latency: LATENCY },
  reads: { attempted: 'number', ok: 'number', failed: 'number', stale: 'number', latency: LATENCY },
  failovers: 'number',
  firstFailoverAtMs: 'number',
  alerting: ALERTING,
  failures: { keyedBy: 'name', of: 'number' },
  pools: { timeouts: 'number', maxWaiting: 'number' },
  caches: { keyedBy: 'cache', of: CACHE },
  queues: { keyedBy: 'queue', of: QUEUE },
  catchup: { keyedBy: 'database', of: CATCHUP },
};

function isKeyed(x: Leaf | Branch | Keyed): x is Keyed {
  return typeof x === 'object' && 'keyedBy' in x && typeof x.keyedBy === 'string';
}

/** Why `path` can never name a number in this scenario's runs, or null when it can. */
export function metricPathProblem(path: string, scenario: Scenario): string | null {
  const parts = path.split('.');
  let at: Leaf | Branch | Keyed = METRICS as unknown as Branch;
  const seen: string[] = [];
  for (const part of parts) {
    if (at === 'number') return `names ${quote(path)}, but ${seen.join('.')} is already a number`;
    if (isKeyed(at)) {
      const kind = at.keyedBy;
      if (kind !== 'name' && !scenario.nodes.some((n) => n.id === part && n.kind === kind)) {
        return `names ${quote(path)}, but ${quote(part)} is not ${kind === 'cache' ? 'a cache' : kind === 'queue' ? 'a queue' : 'a database'} of the scenario (${seen.join('.')} is per ${kind})`;
      }
      at = at.of;
    } else {
      const next: Leaf | Branch | Keyed | undefined = Object.hasOwn(at, part) ? at[part] : undefined;
      if (next === undefined) {
        const options = Object.keys(at).join(', ');
        return `names ${quote(path)}, but ${seen.length ? `${seen.join('.')} has` : 'metrics have'} no ${quote(part)} (${options})`;
      }
      at = next;
    }
    seen.push(part);
  }
  if (at !== 'number') return `names ${quote(path)}, which is not a number but a group (add one of its fields)`;
  return null;
}

function quote(s: string): string {
  return `'${s.length > 60 ? `${s.slice(0, 60)}…` : s}'`;
}

/** What a requirement measures in a run: a count, a number, or null when the path is absent. */
export function measure(r: Requirement, run: Pick<RunSummary, 'anomalies' | 'metrics'>): number | null {
  if ('anomaly' in r) {
    // An anomaly that did not occur has a count of 0 (the format says so).
    return run.anomalies.filter((a) => a.kind === r.anomaly).reduce((n, a) => n + a.count, 0);
  }
  let v: unknown = run.metrics;
  for (const part of r.metric.split('.')) {
    if (typeof v !== 'object' || v === null || !Object.hasOwn(v, part)) return null;
    v = (v as Record<string, unknown>)[part];
  }
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** Whether a measured value meets the requirement (an absent one never does). */
export function meets(r: Requirement, value: number | null): boolean {
  if (value === null) return false;
  return (r.atMost === undefined || value <= r.atMost) && (r.atLeast === undefined || value >= r.atLeast);
}

/** The requirement in the words the grader's output uses: `lost-write at most 0`. */
export function requirementText(r: Requirement): string {
  const what = 'anomaly' in r ? r.anomaly : r.metric;
  const bounds: string[] = [];
  if (r.atLeast !== undefined) bounds.push(`at least ${r.atLeast}`);
  if (r.atMost !== undefined) bounds.push(`at most ${r.atMost}`);
  return `${what} ${bounds.join(' and ')}`;
}
