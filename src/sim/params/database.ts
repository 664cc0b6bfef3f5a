// A database node's parameters (docs/scenario-format.md#database is generated from this).

import { BOUNDS, HOUR_MS } from './bounds';
import { RUNS_IN_SITE } from './node';
import { params } from './param';

export const DATABASE_PARAMS = params({
  ...RUNS_IN_SITE,
  role: { type: 'enum', values: ['primary', 'replica', 'standby'], required: true, access: 'structure', label: 'Role', help: '`primary`, `replica` or `standby`.' },
  replicateFrom: { type: 'ref', kinds: ['database'], notSelf: true, access: 'structure', defaultText: '(required for followers)', label: 'Replicates from', help: 'The database it follows. Not allowed on a primary; no cycles.' },
  replication: {
    type: 'enum', values: ['async', 'semi-sync', 'sync'], default: 'async', access: 'tunable', ui: 'inspector', label: 'Replication (ack rule)',
    help: "The primary's acknowledgement rule for this follower.",
    doc: "The primary's acknowledgement rule for this follower: `async` (acknowledge at once), `semi-sync` (once any one semi-sync follower has *received* the write; after `semiSyncTimeoutMs` without a confirmation the primary falls back to async until one catches up, as MySQL does), `sync` (once every sync follower has *applied* it; if one is not connected, writes wait).",
  },
  serviceMs: {
    type: 'number', ...BOUNDS.cost, min: 0.001, default: 0.2, access: 'tunable', ui: 'inspector', step: 0.05, label: 'CPU time per operation',
    help: 'CPU time for each request, heartbeat or command; capacity is cores x 1000 / serviceMs per second.',
    doc: "CPU time for each request, heartbeat or command. Everything that arrives waits in one queue for one of the node's `cores`, in arrival order: capacity is `cores x 1000 / serviceMs` per second, latency grows with the queue, an overloaded node answers heartbeats late.",
  },
  cores: { type: 'number', unit: 'cores', integer: true, min: 1, max: 256, default: 1, access: 'tunable', step: 1, label: 'Cores', help: 'Operations served at once.' },
  ioMs: { type: 'number', ...BOUNDS.cost, default: 0, access: 'tunable', label: 'Disk read per cache miss', help: 'Disk read time added to an operation for the share of it that misses the buffer cache.' },
  cacheHitRatio: { type: 'number', unit: 'share', min: 0, max: 1, default: 1, access: 'tunable', step: 0.05, label: 'Cache hit ratio', help: 'Share of operations a warm cache serves from memory (lower: a machine with too little memory for its data).' },
  cacheWarmth: { type: 'number', unit: 'share', min: 0, max: 1, default: 1, access: 'tunable', step: 0.1, label: 'Cache warmth at start', help: 'How warm the cache is at the start, 0 to 1. A restarted node starts at 0 and warms with traffic.' },
  cacheWarmupOps: { type: 'number', unit: 'ops', integer: true, min: 1, max: 1e9, default: 5000, access: 'tunable', step: 1000, label: 'Operations to warm the cache', help: 'Operations it takes to warm a cold cache most of the way.' },
  catchupMs: {
    type: 'number', ...BOUNDS.cost, default: 0.01, access: 'tunable', step: 0.01, label: 'Catch-up read per entry',
    help: 'Primary: time to read one old log entry from disk for a follower catching up.',
    doc: 'Primary: time to read one old log entry (beyond the 10,000 most recent, which are in memory) for a follower catching up. These reads queue for the same cores as client requests. A snapshot costs this per key.',
  },
  replicationWindowEntries: {
    type: 'number', unit: 'entries', integer: true, min: 1, max: 10_000_000, default: 1024, access: 'tunable', step: 256, label: 'Replication window',
    help: 'Primary: entries sent to a follower and not yet confirmed; a follower catching up asks for this many at a time.',
    doc: 'Primary: entries sent to a follower and not yet confirmed. A follower catching up asks for this many at a time: large values are how a returning replica swamps its primary.',
  },
  catchupEntriesPerSec: { type: 'number', ...BOUNDS['entry-rate'], default: 0, access: 'tunable', step: 100, label: 'Catch-up throttle', help: 'Primary: throttle on catch-up entries per second (0: none).' },
  maxConnections: { type: 'number', unit: 'connections', integer: true, min: 0, max: 1_000_000, default: 0, access: 'tunable', step: 10, label: 'Connection limit', help: 'Client requests waiting or in service at once; beyond, new ones are refused with `too-many-connections` (0: no limit).' },
  diskBytes: { type: 'number', unit: 'bytes', min: 0, max: 1e15, default: 0, access: 'tunable', step: 1e9, label: 'Disk size', help: 'Disk size (0: unlimited). Each log entry takes 200 bytes and each key 1,000; a full disk stops the database.' },
  diskUsedBytes: { type: 'number', unit: 'bytes', min: 0, max: 1e15, default: 0, access: 'tunable', step: 1e9, label: 'Disk used at start', help: 'Bytes used at the start by data not modelled key by key.' },
  applyMs: {
    type: 'number', ...BOUNDS.cost, default: 0, access: 'tunable', step: 0.5, label: 'Apply time per entry',
    help: 'Follower: time to apply one replicated entry, one at a time; apply lag comes from here.',
    doc: 'Follower: time to apply one replicated entry. Entries are applied one at a time (a single apply thread), so under write load a follower lags: reads from it can be stale.',
  },
  shipIntervalMs: {
    type: 'number', ...BOUNDS.delay, max: 60_000, default: 0, access: 'tunable', step: 10, label: 'Ship the log every',
    help: 'Primary: ship the log to followers at most this often (0: with every write).',
    doc: "Primary: ship the log to followers at most this often (0: with every write). Batching like a WAL writer's delay or a binlog group commit: writes acknowledged but not yet shipped exist only on the primary.",
  },
  semiSyncTimeoutMs: { type: 'number', ...BOUNDS.delay, max: HOUR_MS, default: 10_000, access: 'tunable', step: 500, label: 'Semi-sync timeout', help: 'Primary: how long to wait for a semi-sync confirmation before acknowledging without it.' },
  logRetainEntries: { type: 'number', unit: 'entries', integer: true, min: 1, max: 10_000_000, default: 100_000, access: 'tunable', ui: 'inspector', step: 1000, label: 'Log entries kept', help: 'Log entries kept for followers to catch up from. A follower further behind gets a full snapshot.' },
  provisioned: {
    type: 'boolean', default: true, access: 'structure', label: 'Provisioned',
    help: '`false` declares a spare: a machine slot an autoscaler may bring up.',
    doc: '`false` declares a spare: a machine slot an [autoscaler](#autoscaler) may bring up. It starts empty and does nothing at all (it answers nothing, as if down) until provisioned from a snapshot; then it has the data as of the snapshot, a cold cache, and follows `replicateFrom`, replaying the log written since. Only for a replica with `async` replication; a balancer may not list it as a target (the autoscaler attaches it).',
  },
});
