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
import type { FAULT_PARAMS } from './params/faults';

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

// Faults are read off their table (./params/faults.ts) the same way: a fault kind is one
// entry there, and FAULT_KINDS (the implementations) must then have it too.
type FaultTable = typeof FAULT_PARAMS;
type TargetOf<T> = T extends 'none' ? unknown : { target: string };
type UntilOf<U> = U extends 'required' ? { untilMs: number } : unknown;
type FaultOf<K extends keyof FaultTable> = FaultBase & { kind: K } & TargetOf<FaultTable[K]['target']> & UntilOf<FaultTable[K]['untilMs']> & SpecOf<FaultTable[K]['fields']>;

export type CrashFault = FaultOf<'crash'>;
export type RestartFault = FaultOf<'restart'>;
export type PauseFault = FaultOf<'pause'>;
export type PartitionFault = FaultOf<'partition'>;
export type RepointFault = FaultOf<'repoint'>;
export type PromoteFault = FaultOf<'promote'>;
export type DegradeLinkFault = FaultOf<'degrade-link'>;
export type DemoteFault = FaultOf<'demote'>;
export type FenceFault = FaultOf<'fence'>;
export type ManagedFailoverFault = FaultOf<'managed-failover'>;
export type ThrottleFault = FaultOf<'throttle'>;
export type SlowQueriesFault = FaultOf<'slow-queries'>;
export type RefreshStatisticsFault = FaultOf<'refresh-statistics'>;
export type FillDiskFault = FaultOf<'fill-disk'>;
export type ResizeDiskFault = FaultOf<'resize-disk'>;
export type MoveMachineFault = FaultOf<'move-machine'>;
export type ResizePoolFault = FaultOf<'resize-pool'>;
export type SurgeFault = FaultOf<'surge'>;
export type AddWorkersFault = FaultOf<'add-workers'>;
export type FixRaceFault = FaultOf<'fix-race'>;
export type AddReplicaFault = FaultOf<'add-replica'>;
/** `target` (a database) is rebuilt from a backup of `from` taken at `atMs`, back at `untilMs`. */
export type RestoreBackupFault = FaultOf<'restore-backup'>;

export type FaultSpec = { [K in keyof FaultTable]: FaultOf<K> }[keyof FaultTable];

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
