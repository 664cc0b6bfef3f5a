// What the stage, the inspector and the tests read of each node: a view per kind, with the
// kind's own `detail`. A component's `view` must produce its kind's detail type here, and the
// stage reads the detail of a view narrowed by its `kind`, so renaming or dropping a field
// fails `tsc` on both sides instead of silently blanking the picture.

import type { NodeStatus } from './kernel/component';
import type { Role, ReplicationMode } from './spec';

export interface DatabaseDetail {
  /** False for a spare machine slot not provisioned yet. */
  provisioned: boolean;
  role: Role;
  fenced: boolean;
  epoch: number;
  lsn: number;
  follow: string | null;
  keys: number;
  /** A primary's followers: what each has received and applied. */
  followers: Record<string, { received: number; applied: number; mode: ReplicationMode }>;
  applyQueue: number;
  /** Work waiting for a core. */
  queued: number;
  /** Writes waiting for their acknowledgement rule. */
  waiting: number;
  cacheWarmth: number;
  diskUsedBytes: number;
  diskBytes: number;
  slowQueries: boolean;
}

export interface ClientDetail {
  target: string;
  readTarget: string;
  /** What its target resolved to, last it looked (null: not resolved, or down). */
  resolved: string | null;
  ok: number;
  failed: number;
  unknown: number;
  inFlight: number;
  poolSize: number;
  poolInUse: number;
  poolWaiting: number;
  p99Ms: number;
}

export interface EndpointDetail {
  resolvesTo: string;
  /** The node the name resolves to now ('' for none). */
  record: string;
  version: number;
  ttlMs: number;
}

export interface OrchestratorDetail {
  primary: string;
  epoch: number;
  failovers: number;
  /** Per watched node, 0..1+ (1: declared down). */
  suspicions: Record<string, number>;
  awaitingOperator: boolean;
  fencing: boolean;
}

export interface MonitorDetail {
  rules: string[];
  /** Firing rules as `<rule index>:<node>`. */
  firing: string[];
}

export interface CacheDetail {
  backend: string;
  entries: number;
  hits: number;
  misses: number;
  hitRatio: number;
  staleServed: number;
  failed: number;
  pending: number;
  ttlMs: number;
  serveStale: boolean;
}

export interface BalancerDetail {
  targets: string[];
  healthy: string[];
  routed: Record<string, number>;
  rttMs: Record<string, number>;
}

export interface QueueDetail {
  depth: number;
  lagMs: number;
  enqueued: number;
  done: number;
  dropped: number;
}

export interface WorkerDetail {
  daemons: number;
  busy: number;
  waitingOnLocks: number;
  race: boolean;
  jobs: number;
  skipped: number;
  failed: number;
}

export type ScaleStep = 'snapshot' | 'provision' | 'load' | 'replay' | 'attach';

export interface AutoscalerDetail {
  /** The spare being brought up, and its step (null: none). */
  adding: string | null;
  step: ScaleStep | null;
  stepLeftMs: number;
  added: string[];
  spares: string[];
}

/** Each kind's detail, by kind. */
export interface Details {
  database: DatabaseDetail;
  client: ClientDetail;
  endpoint: EndpointDetail;
  orchestrator: OrchestratorDetail;
  monitor: MonitorDetail;
  cache: CacheDetail;
  balancer: BalancerDetail;
  queue: QueueDetail;
  worker: WorkerDetail;
  autoscaler: AutoscalerDetail;
}

interface ViewOf<K extends keyof Details> {
  id: string;
  kind: K;
  site?: string;
  status: NodeStatus;
  /** A short line for the stage ("primary, lsn 812"). */
  summary: string;
  detail: Details[K];
}

/** What the stage shows for a node: narrow by `kind` to read its `detail`. */
export type NodeView = { [K in keyof Details]: ViewOf<K> }[keyof Details];
