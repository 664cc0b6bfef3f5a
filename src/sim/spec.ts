// What the simulation core takes as input: the system, its workload and its fault timeline.
// The scenario layer (src/scenario) validates documents into this shape; the core trusts it.
// Times here are milliseconds as in the scenario format; the kernel converts them to integer
// microseconds once, at load.

import type { SpecOf } from './params/param';
import type { NODE_BASE_PARAMS, NODE_KINDS } from './params/node';
import type { LINK_PARAMS, SITE_PARAMS } from './params/network';
import type { DATABASE_PARAMS } from './params/database';
import type { CLIENT_PARAMS } from './params/client';
import type { ENDPOINT_PARAMS } from './params/endpoint';
import type { ORCHESTRATOR_PARAMS } from './params/orchestrator';
import type { ALERT_RULE_PARAMS, MONITOR_PARAMS } from './params/monitor';
import type { CACHE_PARAMS } from './params/cache';
import type { BALANCER_PARAMS } from './params/balancer';
import type { QUEUE_PARAMS } from './params/queue';
import type { WORKER_PARAMS } from './params/worker';
import type { AUTOSCALER_PARAMS, AUTOSCALER_TRIGGER_PARAMS } from './params/autoscaler';

// Nodes, sites and links are read off the parameter tables in ./params (one per kind), so a
// field's type, default, bounds and docs cannot drift apart: a new parameter is one line there.

export type SiteSpec = SpecOf<typeof SITE_PARAMS>;

/** A link carries traffic both ways between two sites; each direction has its own queue. */
export type LinkSpec = SpecOf<typeof LINK_PARAMS>;

export type NodeKind = (typeof NODE_KINDS)[number];

/** The fields every node has: `id`, `kind`, `site` (endpoints need none), `label`, `position`. */
export type NodeSpecBase = SpecOf<typeof NODE_BASE_PARAMS>;

/** A node of one kind: the common fields, tightened by the kind's own table. */
type NodeOf<K extends NodeKind, T> = Omit<NodeSpecBase, keyof T | 'kind'> & SpecOf<T> & { kind: K };

export type DatabaseSpec = NodeOf<'database', typeof DATABASE_PARAMS>;
export type ClientSpec = NodeOf<'client', typeof CLIENT_PARAMS>;
export type EndpointSpec = NodeOf<'endpoint', typeof ENDPOINT_PARAMS>;
export type OrchestratorSpec = NodeOf<'orchestrator', typeof ORCHESTRATOR_PARAMS>;
export type MonitorSpec = NodeOf<'monitor', typeof MONITOR_PARAMS>;
export type CacheSpec = NodeOf<'cache', typeof CACHE_PARAMS>;
export type BalancerSpec = NodeOf<'balancer', typeof BALANCER_PARAMS>;
export type QueueSpec = NodeOf<'queue', typeof QUEUE_PARAMS>;
export type WorkerSpec = NodeOf<'worker', typeof WORKER_PARAMS>;
export type AutoscalerSpec = NodeOf<'autoscaler', typeof AUTOSCALER_PARAMS>;

export type Role = DatabaseSpec['role'];
export type ReplicationMode = NonNullable<DatabaseSpec['replication']>;
export type AlertRule = SpecOf<typeof ALERT_RULE_PARAMS>;
export type MonitorMetric = AlertRule['metric'];
export type AutoscalerTrigger = SpecOf<typeof AUTOSCALER_TRIGGER_PARAMS>;

export type NodeSpec =
  | DatabaseSpec
  | ClientSpec
  | EndpointSpec
  | OrchestratorSpec
  | MonitorSpec
  | CacheSpec
  | BalancerSpec
  | QueueSpec
  | WorkerSpec
  | AutoscalerSpec;

/** Every kind has its spec type above: a kind added to NODE_KINDS without one fails here. */
type Covered = NodeSpec['kind'];
export type _EveryKindHasASpec = [NodeKind] extends [Covered] ? true : never;
const _everyKind: _EveryKindHasASpec = true;
void _everyKind;

export interface FaultBase {
  /** Stable identity for editing the timeline; assigned when missing. */
  id?: string;
  atMs: number;
  kind: string;
  /** For faults that heal by themselves. */
  untilMs?: number;
}

export interface CrashFault extends FaultBase { kind: 'crash'; target: string }
export interface RestartFault extends FaultBase { kind: 'restart'; target: string }
export interface PauseFault extends FaultBase { kind: 'pause'; target: string; untilMs: number }
export interface PartitionFault extends FaultBase {
  kind: 'partition';
  /** Two lists of node or site ids. */
  sides: [string[], string[]];
  /** Only the first side's messages to the second are lost. */
  oneWay?: boolean;
}
export interface RepointFault extends FaultBase {
  kind: 'repoint';
  /** A client or an endpoint. */
  target: string;
  /** A node id, an endpoint id, `role:primary` or `node:<id>`. */
  to: string;
}
export interface PromoteFault extends FaultBase { kind: 'promote'; target: string }
export interface DegradeLinkFault extends FaultBase {
  kind: 'degrade-link';
  /** Two site ids (the same id twice for a site's own network). */
  between: [string, string];
  /** Added to the link's latency while the fault lasts. */
  addLatencyMs?: number;
  /** Replaces the link's loss rate while the fault lasts. */
  lossRate?: number;
}

export interface DemoteFault extends FaultBase {
  kind: 'demote';
  /** A primary. */
  target: string;
  /** The node it should follow from now on (default: none until re-pointed). */
  follow?: string;
}
export interface FenceFault extends FaultBase { kind: 'fence'; target: string }
export interface ManagedFailoverFault extends FaultBase {
  kind: 'managed-failover';
  /** The orchestrator that carries it out. */
  target: string;
  /** The replica to promote (default: the orchestrator's choice). */
  to?: string;
}

export interface ThrottleFault extends FaultBase {
  kind: 'throttle';
  /** A primary. */
  target: string;
  /** Catch-up entries per second to its followers (0 removes the throttle). */
  entriesPerSec: number;
}
export interface SlowQueriesFault extends FaultBase {
  kind: 'slow-queries';
  target: string;
  /** The keys whose queries get slow, and/or the `hottest` N keys (k0..k(N-1)). */
  keys?: string[];
  hottest?: number;
  /** How many times slower (default 100). */
  factor?: number;
}
export interface RefreshStatisticsFault extends FaultBase { kind: 'refresh-statistics'; target: string }
export interface FillDiskFault extends FaultBase { kind: 'fill-disk'; target: string; bytes: number }
export interface ResizeDiskFault extends FaultBase { kind: 'resize-disk'; target: string; bytes: number }
export interface MoveMachineFault extends FaultBase { kind: 'move-machine'; target: string; untilMs: number }
export interface ResizePoolFault extends FaultBase { kind: 'resize-pool'; target: string; poolSize: number }
export interface SurgeFault extends FaultBase {
  kind: 'surge';
  /** A client. */
  target: string;
  /** Its rates are multiplied by this while the surge lasts. */
  factor: number;
}

export interface AddWorkersFault extends FaultBase {
  kind: 'add-workers';
  /** A worker node. */
  target: string;
  /** Daemons to start. */
  count: number;
}
export interface FixRaceFault extends FaultBase { kind: 'fix-race'; target: string }
export interface AddReplicaFault extends FaultBase { kind: 'add-replica'; target: string }
/** `target` (a database) is rebuilt from a backup of `from` taken at `atMs`, back at `untilMs`. */
export interface RestoreBackupFault extends FaultBase { kind: 'restore-backup'; target: string; from: string; untilMs: number }

export type FaultSpec =
  | AddWorkersFault
  | FixRaceFault
  | AddReplicaFault
  | RestoreBackupFault
  | ThrottleFault
  | SlowQueriesFault
  | RefreshStatisticsFault
  | FillDiskFault
  | ResizeDiskFault
  | MoveMachineFault
  | ResizePoolFault
  | SurgeFault
  | DemoteFault
  | FenceFault
  | ManagedFailoverFault
  | CrashFault
  | RestartFault
  | PauseFault
  | PartitionFault
  | RepointFault
  | PromoteFault
  | DegradeLinkFault;

export type FaultKind = FaultSpec['kind'];

export interface LimitsSpec {
  /** The run stops with an error after this many events (default 20 million). */
  maxEvents?: number;
}

export interface WorldSpec {
  seed: number;
  durationMs: number;
  sites: SiteSpec[];
  links: LinkSpec[];
  nodes: NodeSpec[];
  faults: FaultSpec[];
  limits?: LimitsSpec;
}
