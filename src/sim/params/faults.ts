// Every fault kind: what it acts on, its own fields with their bounds, whether it heals by
// itself, and how the palette names it. The validator's fault rules, the fault spec types,
// the palette and the format page's fault table are derived from here.

import type { NodeKind } from '../spec';
import { BOUNDS } from './bounds';
import { params, type ParamTable } from './param';
import { REQUEST_TARGET } from './address';

export interface FaultDescriptor {
  label: string;
  group: 'failure' | 'operator';
  /** One line: the palette's tooltip. */
  help: string;
  /** The format page's meaning, where it needs more than `help`. */
  doc?: string;
  /** The kinds of node its `target` names; 'any' node; 'none' for faults that name sites or sides instead. */
  target: readonly NodeKind[] | 'any' | 'none';
  /** `untilMs`: required (what the fault means needs an end), optional (it heals then), or ignored. */
  untilMs: 'required' | 'optional' | 'ignored';
  /** What a missing required `untilMs` is, in words. */
  untilMissing?: string;
  fields: ParamTable;
}

function fault<const F extends ParamTable, const D extends Omit<FaultDescriptor, 'fields'> & { fields: F }>(d: D): D {
  return d;
}

const NONE = params({});

export const FAULT_PARAMS = {
  crash: fault({ label: 'Crash', group: 'failure', target: 'any', untilMs: 'optional', fields: NONE, help: 'The process dies: memory lost, disk kept. It stays down until restarted.', doc: 'The process dies: memory lost, disk kept. With `untilMs` it restarts then.' }),
  restart: fault({ label: 'Restart', group: 'failure', target: 'any', untilMs: 'ignored', fields: NONE, help: 'A crashed node starts again from what it persisted.' }),
  pause: fault({
    label: 'Pause', group: 'failure', target: 'any', untilMs: 'required', untilMissing: 'the time the paused process resumes', fields: NONE,
    help: 'A long GC or a frozen VM: alive but silent, then it carries on as if no time had passed.',
    doc: 'The process freezes (a long GC, a suspended VM): alive but silent. Messages and timers wait; at `untilMs` it carries on as if no time had passed, acting on what it knew.',
  }),
  partition: fault({
    label: 'Partition', group: 'failure', target: 'none', untilMs: 'optional',
    fields: params({
      sides: { type: 'sides', required: true, checkedBy: 'rule', label: 'Sides', help: 'Two lists of node or site ids.' },
      oneWay: { type: 'boolean', default: false, label: 'One way', help: "Only the first side's messages to the second are lost." },
    }),
    help: 'The network drops every message between a node (or a site) and the rest.',
    doc: 'The network drops messages between the sides (sites stand for their nodes, as declared); no node may be on both sides. With `oneWay` only the first side\'s messages to the second are lost. Messages already in flight across it are lost too.',
  }),
  'degrade-link': fault({
    label: 'Slow link', group: 'failure', target: 'none', untilMs: 'optional',
    fields: params({
      between: { type: 'site-pair', required: true, checkedBy: 'rule', label: 'Between', help: 'Two site ids joined by a link, or the same site twice for its own network.' },
      addLatencyMs: { type: 'number', ...BOUNDS.network, default: 0, label: 'Added latency', help: "Added to the link's latency while the fault lasts." },
      lossRate: { type: 'number', unit: 'share', min: 0, max: 1, defaultText: "the link's", label: 'Loss rate', help: "Replaces the link's loss rate while the fault lasts." },
    }),
    help: 'A congested or flapping network: more latency and/or loss (set one or both).',
  }),
  repoint: fault({
    label: 'Re-point', group: 'operator', target: ['client', 'endpoint'], untilMs: 'ignored',
    fields: params({
      to: { type: 'address', forms: REQUEST_TARGET, required: true, checkedBy: 'rule', label: 'To', help: 'For a client an endpoint id, a database id or `node:<id>`; for an endpoint `role:primary`, `node:<id>` or a database id.' },
    }),
    help: 'Reconfigure where a client sends requests, or where an endpoint resolves: the fix, or the misconfiguration.',
    doc: 'Reconfigure where a client sends requests, or where an endpoint resolves: the fix, or the misconfiguration. It changes configuration, not the running process, so it is made whether or not the target runs: a client crashed at the time starts again with the new address.',
  }),
  promote: fault({ label: 'Promote', group: 'operator', target: ['database'], untilMs: 'ignored', fields: NONE, help: 'An operator promotes a replica to primary by hand.' }),
  demote: fault({
    label: 'Demote', group: 'operator', target: ['database'], untilMs: 'ignored',
    fields: params({ follow: { type: 'ref', kinds: ['database'], defaultText: 'none until re-pointed', label: 'Follow', help: 'The node it follows from now on.' } }),
    help: 'An operator turns a primary back into a replica, optionally following another node.',
  }),
  fence: fault({ label: 'Fence', group: 'operator', target: ['database'], untilMs: 'ignored', fields: NONE, help: 'Shoot the other node in the head, politely: it keeps running but refuses every write from now on.' }),
  'managed-failover': fault({
    label: 'Managed failover', group: 'operator', target: ['orchestrator'], untilMs: 'ignored',
    fields: params({ to: { type: 'ref', kinds: ['database'], defaultText: "the orchestrator's choice", label: 'To', help: 'The replica to promote.' } }),
    help: 'A planned failover, as a managed service runs one: fence the primary, promote a replica, re-point everyone.',
    doc: 'A planned failover, as a managed service runs one: the primary is fenced, a replica (`to`, or the orchestrator\'s choice) catches up and is promoted, everyone is re-pointed, the old primary rejoins as a replica.',
  }),
  throttle: fault({
    label: 'Throttle catch-up', group: 'operator', target: ['database'], untilMs: 'optional',
    fields: params({ entriesPerSec: { type: 'number', ...BOUNDS['entry-rate'], required: true, label: 'Entries per second', help: 'Catch-up entries per second to its followers (0 removes the throttle).' } }),
    help: 'Limit how fast a primary feeds followers that are catching up, so they stop taking its capacity from clients.',
  }),
  'slow-queries': fault({
    label: 'Slow queries', group: 'failure', target: ['database'], untilMs: 'optional',
    fields: params({
      keys: { type: 'strings', max: 10_000, of: 'keys', example: 'a key such as "k3"', label: 'Keys', help: 'The keys whose queries get slow.' },
      hottest: { type: 'number', unit: 'keys', integer: true, min: 1, max: 1_000_000, label: 'Hottest keys', help: 'The N hottest keys (k0..k(N-1)) get slow; with `keys`, or instead of them.' },
      factor: { type: 'number', unit: 'times', min: 1, max: 1e6, default: 100, label: 'Times slower', help: 'How many times slower.' },
    }),
    help: 'Stale statistics: queries on some keys become many times slower until someone refreshes the statistics.',
  }),
  'refresh-statistics': fault({ label: 'Refresh statistics', group: 'operator', target: ['database'], untilMs: 'ignored', fields: NONE, help: 'Run ANALYZE: queries are planned well again.' }),
  'fill-disk': fault({
    label: 'Fill the disk', group: 'failure', target: ['database'], untilMs: 'optional',
    fields: params({ bytes: { type: 'number', unit: 'bytes', min: 0, max: 1e15, required: true, label: 'Bytes', help: 'Space taken.' } }),
    help: 'Something else takes space on the disk (a runaway log, a forgotten dump). A full disk stops the database.',
  }),
  'resize-disk': fault({
    label: 'Resize disk', group: 'operator', target: ['database'], untilMs: 'ignored',
    fields: params({ bytes: { type: 'number', unit: 'bytes', min: 1, max: 1e15, required: true, label: 'Bytes', help: 'The new disk size.' } }),
    help: 'Give a database a bigger (or smaller) disk, whether it is running or stopped. A database stopped by a full disk still needs a restart.',
  }),
  'move-machine': fault({
    label: 'Machine replaced', group: 'failure', target: ['database'], untilMs: 'required', untilMissing: 'the time it is back on its new machine', fields: NONE,
    help: 'The provider moves the database to a new machine: down until `untilMs`, then back with its disk and a cold cache.',
  }),
  'resize-pool': fault({
    label: 'Resize pool', group: 'operator', target: ['client'], untilMs: 'ignored',
    fields: params({ poolSize: { type: 'number', unit: 'connections', integer: true, min: 1, max: 100_000, required: true, label: 'Pool size', help: 'The new pool size.' } }),
    help: "Change an app server's connection pool size.",
    doc: "Change an app server's connection pool size: its configuration, changed whether or not it runs.",
  }),
  surge: fault({
    label: 'Traffic surge', group: 'failure', target: ['client'], untilMs: 'optional',
    fields: params({ factor: { type: 'number', unit: 'times', above: 0, max: 1000, required: true, label: 'Factor', help: 'Its rates are multiplied by this while the surge lasts.' } }),
    help: "A client's request rates are multiplied while the surge lasts.",
    doc: "A client's request rates are multiplied while the surge lasts. The traffic is its users', whatever state its process is in: a surge that ends while the client is down is over when it starts again.",
  }),
  'add-workers': fault({
    label: 'Add workers', group: 'operator', target: ['worker'], untilMs: 'ignored',
    fields: params({ count: { type: 'number', unit: 'daemons', integer: true, min: 1, max: 1000, required: true, label: 'Daemons', help: 'Daemons to start.' } }),
    help: 'Start more worker daemons. With the check-then-act race in their code, they mostly add contenders for the same jobs.',
  }),
  'fix-race': fault({ label: 'Fix the race', group: 'operator', target: ['worker'], untilMs: 'ignored', fields: NONE, help: 'Ship the fix: a daemon claims its job atomically, so no two daemons work on the same job.' }),
  'add-replica': fault({ label: 'Add a replica', group: 'operator', target: ['autoscaler'], untilMs: 'ignored', fields: NONE, help: 'Ask the autoscaler for one more read replica: snapshot, provision, load, replay, attach. It takes a while.' }),
  'restore-backup': fault({
    label: 'Restore a backup', group: 'operator', target: ['database'], untilMs: 'required', untilMissing: 'the time the restore is done and the database starts',
    fields: params({ from: { type: 'ref', kinds: ['database'], required: true, missing: 'the id of the database the backup is taken from', label: 'From', help: 'Another database, backed up at `atMs`.' } }),
    help: 'Rebuild a database from a backup of another taken at `atMs`: out of service until `untilMs`, then it starts with that data and a cold cache and replays the log written since.',
    doc: 'An operator rebuilds `target` from a backup of `from` taken at `atMs`: out of service until `untilMs` (a restart meanwhile leaves it down, as a server will not start on a data directory being restored), then it starts with the backup\'s data and a cold cache and replays the log written since from the node it follows. Onto a spare (`provisioned: false`) it builds a new machine; onto a replica far behind it replaces a long catch-up; onto a primary it throws away what was written after the backup.',
  }),
} as const;

export type FaultKind = keyof typeof FAULT_PARAMS;
