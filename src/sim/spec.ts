// What the simulation core takes as input: the system, its workload and its fault timeline.
// The scenario layer (src/scenario) validates documents into this shape; the core trusts it.
// Times here are milliseconds as in the scenario format; the kernel converts them to integer
// microseconds once, at load.

export interface SiteSpec {
  id: string;
  label?: string;
  /** One-way latency between two nodes of this site (default 0.25 ms). */
  lanLatencyMs?: number;
  /** Added uniformly at random to each message, 0..jitter (default 0.05 ms). */
  lanJitterMs?: number;
  /** Bandwidth of the site's network (default 1.25e9 bytes/s, 10 Gbit/s). */
  lanBytesPerSec?: number;
}

export interface LinkSpec {
  /** Two site ids. A link carries traffic both ways; each direction has its own queue. */
  between: [string, string];
  /** One-way base latency. */
  latencyMs: number;
  /** Added uniformly at random to each message, 0..jitter (default: a tenth of latency). */
  jitterMs?: number;
  /** Bandwidth per direction (default 1.25e8 bytes/s, 1 Gbit/s). */
  bytesPerSec?: number;
  /** Bytes that may wait to be sent per direction before new ones are dropped (default: half a second of bandwidth). */
  queueBytes?: number;
  /** Probability that a message is lost, 0..1 (default 0). */
  lossRate?: number;
}

export type NodeKind =
  | 'database'
  | 'client'
  | 'endpoint'
  | 'orchestrator'
  | 'cache'
  | 'balancer'
  | 'monitor'
  | 'queue'
  | 'worker'
  | 'autoscaler';

export interface NodeSpecBase {
  id: string;
  kind: NodeKind;
  /** The site the node runs in. Endpoints are name records and need none. */
  site?: string;
  label?: string;
  /** Where the stage draws it; kept so a shared or embedded scenario looks the same. */
  position?: { x: number; y: number };
}

export type Role = 'primary' | 'replica' | 'standby';
export type ReplicationMode = 'async' | 'semi-sync' | 'sync';

export interface DatabaseSpec extends NodeSpecBase {
  kind: 'database';
  site: string;
  role: Role;
  /** The node this one follows (replicas and standbys). */
  replicateFrom?: string;
  /** The primary's ack rule for this follower. */
  replication?: ReplicationMode;
  /** CPU time to serve one operation (default 0.2 ms): capacity = cores x 1000 / serviceMs ops/s. */
  serviceMs?: number;
  /** Operations served at once (default 1). */
  cores?: number;
  /** Disk read time added to an operation that misses the buffer cache (default 0). */
  ioMs?: number;
  /** Share of operations a warm cache serves from memory (default 1; lower for a machine with too little memory). */
  cacheHitRatio?: number;
  /** How warm the cache is at the start, 0..1 (default 1). A restart starts cold. */
  cacheWarmth?: number;
  /** Operations it takes to warm a cold cache most of the way (default 5000). */
  cacheWarmupOps?: number;
  /** Primary: time to read one old log entry from disk for a follower catching up (default 0.01 ms). */
  catchupMs?: number;
  /** Primary: entries sent to a follower and not yet confirmed, at most (default 1024). A follower catching up asks for this much at a time. */
  replicationWindowEntries?: number;
  /** Primary: at most this many catch-up entries per second to followers (default 0: no throttle). */
  catchupEntriesPerSec?: number;
  /** Client requests waiting or in service at once; beyond, new ones are refused (default 0: no limit). */
  maxConnections?: number;
  /** Disk size (default 0: unlimited). A full disk stops the database. */
  diskBytes?: number;
  /** Bytes used at the start by data not modelled key by key (default 0). */
  diskUsedBytes?: number;
  /** Primary: ship the log to followers at most this often (default 0: with every write). Unshipped writes die with it. */
  shipIntervalMs?: number;
  /** Follower: time to apply one replicated entry, one at a time (default 0: at once). Apply lag comes from here. */
  applyMs?: number;
  /** How many log entries the primary keeps for followers to catch up from (default 100000). */
  logRetainEntries?: number;
  /** How long a primary waits for a semi-sync follower before acknowledging without it (default 10000 ms). */
  semiSyncTimeoutMs?: number;
  /**
   * False for a spare machine slot an autoscaler may bring up (default true): it starts empty
   * and does nothing (down, in effect) until provisioned with a snapshot.
   */
  provisioned?: boolean;
}

export interface ClientSpec extends NodeSpecBase {
  kind: 'client';
  site: string;
  /** An endpoint id or a node id. */
  target: string;
  /** Where reads go (default: target). */
  readTarget?: string;
  writesPerSec?: number;
  readsPerSec?: number;
  /** Keys are k0..k(keys-1) (default 100). */
  keys?: number;
  /** How keys are chosen: `uniform` (default) or `zipf` (k0 the hottest, then k1, ...). */
  keyDistribution?: 'uniform' | 'zipf';
  /** Skew of the zipf distribution (default 1.1; higher is more skewed). */
  zipfExponent?: number;
  /** A daily cycle: the rates vary by +-amplitude (0..1) around their value, peaking at `peakAtMs`. */
  diurnal?: { amplitude: number; periodMs?: number; peakAtMs?: number };
  /** Connections available to this app server (default 0: no pool, no limit). */
  poolSize?: number;
  /** How long a request waits for a free connection before failing (default 5000 ms). */
  acquireTimeoutMs?: number;
  /** A request with no answer by then completes as unknown (default 1000 ms). */
  timeoutMs?: number;
  /** Attempts after the first when one fails or times out (default 0: no retries). */
  retries?: number;
  /** Wait before a retry (default 100 ms). */
  retryDelayMs?: number;
  /** A queue id: every acknowledged write enqueues a job there (a payment that needs its commands generated). */
  jobsTo?: string;
}

export interface EndpointSpec extends NodeSpecBase {
  kind: 'endpoint';
  /** `role:primary` (follows the primary) or `node:<id>` (fixed). */
  resolvesTo: string;
  /** How long a client may cache a resolution (default 5000 ms). */
  ttlMs?: number;
  /** Delay between a role change and the record changing (default 1000 ms). */
  updateDelayMs?: number;
  /** With `role:primary`: the databases whose primary it follows (default: all). */
  databases?: string[];
}

export interface OrchestratorSpec extends NodeSpecBase {
  kind: 'orchestrator';
  site: string;
  watches: string[];
  detector: 'timeout' | 'phi';
  timeoutMs?: number;
  phiThreshold?: number;
  /** Interval between heartbeats to each watched node (default 1000 ms). */
  heartbeatMs?: number;
  promotion: 'auto' | 'manual';
  fencing: boolean;
  /** With manual promotion: how long after the alert the operator acts (default 300000 ms). */
  operatorDelayMs?: number;
  /** With fencing: how long each heartbeat lets the primary accept writes (default: half the timeout). */
  leaseMs?: number;
}

export type MonitorMetric = 'node-up' | 'error-rate' | 'write-error-rate' | 'latency-p99' | 'replication-lag' | 'disk-usage' | 'cpu-busy';

export interface AlertRule {
  /** A name for the alert (default: the metric). */
  name?: string;
  metric: MonitorMetric;
  /** The nodes it watches (default: every node the metric applies to). */
  nodes?: string[];
  /** Fires when the value is above this (for `node-up`: when the node is down). */
  above?: number;
  /** How long the condition must hold before the alert fires (default 0). */
  forMs?: number;
  /** Delay between firing and a person being told (default 0). */
  notifyDelayMs?: number;
}

export interface MonitorSpec extends NodeSpecBase {
  kind: 'monitor';
  site: string;
  /** Interval between scrapes of every watched node (default 15000 ms). */
  scrapeMs?: number;
  rules: AlertRule[];
}

export interface CacheSpec extends NodeSpecBase {
  kind: 'cache';
  site: string;
  /** Where misses and writes go: an endpoint, a balancer, a database id or `node:<id>`. */
  backend: string;
  /** How long an entry is fresh (default 60000 ms). */
  ttlMs?: number;
  /** Entries held at most; beyond, the oldest stored is evicted (default 10000). */
  maxEntries?: number;
  /** Answer with an expired entry when the backend fails or times out (default false). */
  serveStale?: boolean;
  /** How long a miss waits for the backend before the cache gives up (default 1000 ms). */
  timeoutMs?: number;
  /** CPU time of one request at the cache (default 0.05 ms). */
  serviceMs?: number;
  /** Requests served at once (default 1). */
  cores?: number;
}

export interface BalancerSpec extends NodeSpecBase {
  kind: 'balancer';
  site: string;
  /** Databases it routes reads to from the start. An autoscaler may attach more. */
  targets: string[];
  /** Interval between health checks of each target (default 1000 ms). */
  healthCheckMs?: number;
  /** A check answered later than this failed (default: healthCheckMs). */
  checkTimeoutMs?: number;
  /** Consecutive failed or late checks after which a target is unhealthy (default 3). */
  unhealthyAfter?: number;
  /** Consecutive good checks after which an unhealthy target is healthy again (default 2). */
  healthyAfter?: number;
}

export interface QueueSpec extends NodeSpecBase {
  kind: 'queue';
  site: string;
  /** Jobs held at most; beyond, new jobs are dropped (default 100000). */
  maxJobs?: number;
}

export interface WorkerSpec extends NodeSpecBase {
  kind: 'worker';
  site: string;
  /** The queue it takes jobs from. */
  queue: string;
  /** Where its database requests go: an endpoint, a balancer, a database id or `node:<id>`. */
  target: string;
  /** Where its "already done?" checks go (default: target). */
  readTarget?: string;
  /** Daemons (default 1). */
  count?: number;
  /** Time a daemon spends generating one job's effect (default 50 ms). */
  jobMs?: number;
  /** The check-then-act race: jobs are not claimed and the check and the insert are not atomic (default false). */
  race?: boolean;
  /** A database request with no answer by then fails (default 1000 ms). */
  timeoutMs?: number;
}

export interface AutoscalerTrigger {
  /** Share of the watched databases' cores busy, averaged over them (the only metric for now). */
  metric: 'cpu-busy';
  /** Fires when the value is above this. */
  above: number;
  /** For at least this long (default 0). */
  forMs?: number;
  /** The databases it watches (default: the balancer's targets attached at the time). */
  nodes?: string[];
}

export interface AutoscalerSpec extends NodeSpecBase {
  kind: 'autoscaler';
  site: string;
  /** The balancer new replicas are attached to. */
  balancer: string;
  /** Databases declared with `provisioned: false`, brought up in this order. */
  spares: string[];
  /** When to add a replica by itself (default: only when an operator asks, with `add-replica`). */
  trigger?: AutoscalerTrigger;
  /** Interval between scrapes for the trigger (default 15000 ms). */
  scrapeMs?: number;
  /** Step durations (defaults 300000, 300000, 300000 and 60000 ms). */
  snapshotMs?: number;
  provisionMs?: number;
  loadMs?: number;
  attachMs?: number;
  /** The replay is done when the new replica is at most this many entries behind (default 100). */
  caughtUpEntries?: number;
}

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
