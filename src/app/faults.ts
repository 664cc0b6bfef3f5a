// The palette's catalogue: every fault kind the model supports, what it can be dropped on,
// and the timeline entry a drop makes. A drop is data: it becomes a fault of the scenario at
// the current virtual time, validated by the worker like any other input.
//
// tests/unit/app-faults.test.ts checks that this list covers FAULT_KIND_NAMES of the model.

import type { FaultSpec, NodeSpec } from '../sim/spec';
import type { StageTarget } from './stage/layout';
import type { FaultDraft, ScenarioDoc } from './scenario-doc';
import { FAULT_PARAMS, type FaultDescriptor } from '../sim/params/faults';

export type { FaultDraft } from './scenario-doc';

/** How long a fault that needs an end lasts by default (the learner can move it). */
const PAUSE_MS = 15_000;
const PARTITION_MS = 20_000;
const DEGRADE_MS = 30_000;
const MOVE_MS = 60_000;
/** How long loading a backup takes when a learner asks for one (a small database). */
const RESTORE_MS = 30_000;
const SURGE_MS = 30_000;
const GB = 1e9;
/** Sizes offered for a disk-filling fault and for a new disk. */
const BYTES_CHOICES = [1 * GB, 10 * GB, 100 * GB];
const DISK_CHOICES = [10 * GB, 100 * GB, 1000 * GB];

function fmtBytes(b: number): string {
  return b >= 1e12 ? `${b / 1e12} TB` : `${b / GB} GB`;
}

function isDatabase(t: StageTarget): t is StageTarget & { kind: 'node'; id: string } {
  return t.kind === 'node' && t.nodeKind === 'database';
}

export interface Choice {
  value: string;
  label: string;
}

export interface FaultKindUi {
  kind: FaultSpec['kind'];
  label: string;
  group: 'failure' | 'operator';
  /** One line for the palette's tooltip and the menu. */
  help: string;
  /** What it can be dropped on, in words. */
  targetsHelp: string;
  /** The targets it can be dropped on in this scenario (for the menu alternative to drag). */
  targets(doc: ScenarioDoc): StageTarget[];
  /** A second choice some kinds need (where to re-point). */
  options?(doc: ScenarioDoc, target: StageTarget): Choice[];
  build(doc: ScenarioDoc, target: StageTarget, atMs: number, option?: string): FaultDraft | null;
}

/**
 * What the fault table says about a kind, for its palette entry: its name, group, help line,
 * and (for faults aimed at a node) the nodes it may be dropped on. `suffix` names the
 * palette's own choice of duration ("Pause (15 s)").
 */
function fromTable(kind: FaultSpec['kind'], suffix = ''): Pick<FaultKindUi, 'kind' | 'label' | 'group' | 'help' | 'targetsHelp' | 'targets'> {
  const d: FaultDescriptor = FAULT_PARAMS[kind];
  const t = d.target;
  const words = t === 'any' || t === 'none' ? 'a node' : listOfKinds(t);
  return {
    kind,
    label: `${d.label}${suffix}`,
    group: d.group,
    help: d.help.replaceAll('`', ''),
    targetsHelp: words,
    // An endpoint is a name record: there is no process to crash or pause.
    targets: (doc) => nodeTargets(doc, (n) => (t === 'any' || t === 'none' ? isProcess(n) : t.includes(n.kind))),
  };
}

function listOfKinds(kinds: readonly string[]): string {
  const a = kinds.map((k) => `${/^[aeiou]/.test(k) ? 'an' : 'a'} ${k}`);
  return a.length <= 1 ? a.join('') : `${a.slice(0, -1).join(', ')} or ${a[a.length - 1]}`;
}

function nodeTargets(doc: ScenarioDoc, keep: (n: NodeSpec) => boolean): StageTarget[] {
  return doc.nodes.filter(keep).map((n) => ({ kind: 'node', id: n.id, nodeKind: n.kind }));
}

function siteTargets(doc: ScenarioDoc): StageTarget[] {
  return doc.sites.map((s) => ({ kind: 'site', id: s.id }));
}

/** A process (not an endpoint, which is a name record). */
const isProcess = (n: NodeSpec) => n.kind !== 'endpoint';

function until(doc: ScenarioDoc, atMs: number, lengthMs: number): number {
  return Math.min(doc.durationMs, atMs + lengthMs);
}

function nodeId(t: StageTarget): string | null {
  return t.kind === 'node' ? t.id : null;
}

export const FAULT_UI: readonly FaultKindUi[] = [
  {
    ...fromTable('crash'),
    build: (_doc, t, atMs) => (nodeId(t) ? { kind: 'crash', target: nodeId(t)!, atMs } : null),
  },
  {
    ...fromTable('restart'),
    build: (_doc, t, atMs) => (nodeId(t) ? { kind: 'restart', target: nodeId(t)!, atMs } : null),
  },
  {
    ...fromTable('pause', ' (15 s)'),
    build: (doc, t, atMs) => {
      const untilMs = until(doc, atMs, PAUSE_MS);
      return nodeId(t) && untilMs > atMs ? { kind: 'pause', target: nodeId(t)!, atMs, untilMs } : null;
    },
  },
  {
    ...fromTable('partition', ' (20 s)'),
    targetsHelp: 'a node or a site',
    targets: (doc) => [...nodeTargets(doc, (n) => isProcess(n) && !!n.site), ...(doc.sites.length > 1 ? siteTargets(doc) : [])],
    build: (doc, t, atMs) => {
      const untilMs = until(doc, atMs, PARTITION_MS);
      if (untilMs <= atMs) return null;
      if (t.kind === 'node') {
        const others = doc.nodes.filter((n) => n.id !== t.id && n.site).map((n) => n.id);
        return others.length ? { kind: 'partition', sides: [[t.id], others], atMs, untilMs } : null;
      }
      if (t.kind === 'site') {
        const others = doc.sites.filter((s) => s.id !== t.id).map((s) => s.id);
        return others.length ? { kind: 'partition', sides: [[t.id], others], atMs, untilMs } : null;
      }
      return { kind: 'partition', sides: [[t.between[0]], [t.between[1]]], atMs, untilMs };
    },
  },
  {
    ...fromTable('degrade-link', ' (+200 ms, 30 s)'),
    help: 'A congested or flapping network: 200 ms more latency and 5% loss.',
    targetsHelp: 'a link or a site (its own network)',
    targets: (doc) => [...doc.links.map((l): StageTarget => ({ kind: 'link', between: l.between })), ...siteTargets(doc)],
    build: (doc, t, atMs) => {
      const untilMs = until(doc, atMs, DEGRADE_MS);
      if (untilMs <= atMs || t.kind === 'node') return null;
      const between: [string, string] = t.kind === 'link' ? [t.between[0], t.between[1]] : [t.id, t.id];
      return { kind: 'degrade-link', between, addLatencyMs: 200, lossRate: 0.05, atMs, untilMs };
    },
  },
  {
    ...fromTable('slow-queries'),
    help: 'Stale statistics: queries on the 10 hottest keys become 100 times slower until someone refreshes the statistics.',
    build: (_doc, t, atMs) => (isDatabase(t) ? { kind: 'slow-queries', target: t.id, hottest: 10, factor: 100, atMs } : null),
  },
  {
    ...fromTable('fill-disk'),
    options: () => BYTES_CHOICES.map((b) => ({ value: String(b), label: `take ${fmtBytes(b)}` })),
    build: (_doc, t, atMs, option) => (isDatabase(t) ? { kind: 'fill-disk', target: t.id, bytes: Number(option ?? BYTES_CHOICES[1]), atMs } : null),
  },
  {
    ...fromTable('move-machine', ' (60 s)'),
    help: 'The provider moves the database to a new machine: down for a minute, then back with its disk and a cold cache.',
    build: (doc, t, atMs) => {
      const untilMs = until(doc, atMs, MOVE_MS);
      return isDatabase(t) && untilMs > atMs ? { kind: 'move-machine', target: t.id, atMs, untilMs } : null;
    },
  },
  {
    ...fromTable('surge', ' (30 s)'),
    help: "A client's request rates are multiplied for 30 s.",
    options: () => [2, 5, 10].map((x) => ({ value: String(x), label: `${x} times the traffic` })),
    build: (doc, t, atMs, option) => {
      const untilMs = until(doc, atMs, SURGE_MS);
      return t.kind === 'node' && t.nodeKind === 'client' && untilMs > atMs ? { kind: 'surge', target: t.id, factor: Number(option ?? 5), atMs, untilMs } : null;
    },
  },
  {
    ...fromTable('promote'),
    build: (_doc, t, atMs) => (t.kind === 'node' && t.nodeKind === 'database' ? { kind: 'promote', target: t.id, atMs } : null),
  },
  {
    ...fromTable('repoint'),
    options: (doc, t) => {
      const dbs = doc.nodes.filter((n) => n.kind === 'database');
      if (t.kind === 'node' && t.nodeKind === 'endpoint') {
        return [{ value: 'role:primary', label: 'whoever is primary (role:primary)' }, ...dbs.map((d) => ({ value: `node:${d.id}`, label: `always ${d.id} (node:${d.id})` }))];
      }
      const eps = doc.nodes.filter((n) => n.kind === 'endpoint');
      return [...eps.map((e) => ({ value: e.id, label: `endpoint ${e.id}` })), ...dbs.map((d) => ({ value: `node:${d.id}`, label: `database ${d.id} directly` }))];
    },
    build: (_doc, t, atMs, option) => (t.kind === 'node' && option ? { kind: 'repoint', target: t.id, to: option, atMs } : null),
  },
  {
    ...fromTable('fence'),
    build: (_doc, t, atMs) => (t.kind === 'node' && t.nodeKind === 'database' ? { kind: 'fence', target: t.id, atMs } : null),
  },
  {
    ...fromTable('demote'),
    options: (doc, t) => [
      { value: '-', label: 'follow nobody until re-pointed' },
      ...doc.nodes.filter((n) => n.kind === 'database' && n.id !== (t.kind === 'node' ? t.id : '')).map((d) => ({ value: d.id, label: `follow ${d.id}` })),
    ],
    build: (_doc, t, atMs, option) => {
      if (t.kind !== 'node' || t.nodeKind !== 'database') return null;
      return option && option !== '-' ? { kind: 'demote', target: t.id, follow: option, atMs } : { kind: 'demote', target: t.id, atMs };
    },
  },
  {
    ...fromTable('managed-failover'),
    options: (doc, t) => {
      const o = doc.nodes.find((n) => t.kind === 'node' && n.id === t.id);
      const watched = o && o.kind === 'orchestrator' ? o.watches : [];
      return [{ value: '-', label: "the orchestrator's choice" }, ...watched.map((id) => ({ value: id, label: `promote ${id}` }))];
    },
    build: (_doc, t, atMs, option) => {
      if (t.kind !== 'node' || t.nodeKind !== 'orchestrator') return null;
      return option && option !== '-' ? { kind: 'managed-failover', target: t.id, to: option, atMs } : { kind: 'managed-failover', target: t.id, atMs };
    },
  },
  {
    ...fromTable('throttle'),
    targetsHelp: 'a database (a primary)',
    options: () => [...[1000, 5000, 20000].map((x) => ({ value: String(x), label: `${x.toLocaleString('en-US')} entries/s` })), { value: '0', label: 'remove the throttle' }],
    build: (_doc, t, atMs, option) => (isDatabase(t) ? { kind: 'throttle', target: t.id, entriesPerSec: Number(option ?? 1000), atMs } : null),
  },
  {
    ...fromTable('refresh-statistics'),
    build: (_doc, t, atMs) => (isDatabase(t) ? { kind: 'refresh-statistics', target: t.id, atMs } : null),
  },
  {
    ...fromTable('resize-disk'),
    options: () => DISK_CHOICES.map((b) => ({ value: String(b), label: fmtBytes(b) })),
    build: (_doc, t, atMs, option) => (isDatabase(t) ? { kind: 'resize-disk', target: t.id, bytes: Number(option ?? DISK_CHOICES[1]), atMs } : null),
  },
  {
    ...fromTable('add-workers'),
    options: () => [2, 4, 8].map((x) => ({ value: String(x), label: `${x} more daemons` })),
    build: (_doc, t, atMs, option) => (t.kind === 'node' && t.nodeKind === 'worker' ? { kind: 'add-workers', target: t.id, count: Number(option ?? 4), atMs } : null),
  },
  {
    ...fromTable('fix-race'),
    build: (_doc, t, atMs) => (t.kind === 'node' && t.nodeKind === 'worker' ? { kind: 'fix-race', target: t.id, atMs } : null),
  },
  {
    ...fromTable('add-replica'),
    build: (_doc, t, atMs) => (t.kind === 'node' && t.nodeKind === 'autoscaler' ? { kind: 'add-replica', target: t.id, atMs } : null),
  },
  {
    ...fromTable('restore-backup', ' (30 s)'),
    help: 'Rebuild a database from a backup of another, taken now: out of service for 30 s while it loads, then it starts with that data and a cold cache and replays the log written since.',
    options: (doc, t) => {
      const self = doc.nodes.find((n) => n.id === (t.kind === 'node' ? t.id : ''));
      const others = doc.nodes.filter((n) => n.kind === 'database' && n.id !== self?.id);
      // Its own source first: the usual way to rebuild a replica.
      const source = self && 'replicateFrom' in self ? self.replicateFrom : undefined;
      others.sort((a, b) => Number(b.id === source) - Number(a.id === source));
      return others.map((d) => ({ value: d.id, label: `from a backup of ${d.id}` }));
    },
    build: (doc, t, atMs, option) => {
      const untilMs = until(doc, atMs, RESTORE_MS);
      return isDatabase(t) && option && option !== t.id && untilMs > atMs ? { kind: 'restore-backup', target: t.id, from: option, atMs, untilMs } : null;
    },
  },
  {
    ...fromTable('resize-pool'),
    options: () => [10, 50, 200].map((x) => ({ value: String(x), label: `${x} connections` })),
    build: (_doc, t, atMs, option) => (t.kind === 'node' && t.nodeKind === 'client' ? { kind: 'resize-pool', target: t.id, poolSize: Number(option ?? 50), atMs } : null),
  },
];

export function faultUi(kind: string): FaultKindUi | undefined {
  return FAULT_UI.find((f) => f.kind === kind);
}

export function targetLabel(t: StageTarget): string {
  if (t.kind === 'node') return `${t.id} (${t.nodeKind})`;
  if (t.kind === 'site') return `site ${t.id}`;
  return `link ${t.between[0]}–${t.between[1]}`;
}

export function targetKey(t: StageTarget): string {
  return t.kind === 'link' ? `link:${t.between.join(':')}` : `${t.kind}:${t.id}`;
}

/** Whether a kind accepts a target (the drop highlight and the drop itself use this). */
export function accepts(ui: FaultKindUi, doc: ScenarioDoc, t: StageTarget): boolean {
  return ui.targets(doc).some((x) => targetKey(x) === targetKey(t));
}

/** A fault as one line on the timeline and in lists. */
export function describeFault(f: FaultSpec): string {
  switch (f.kind) {
    case 'partition':
      return `partition ${f.sides[0].join(', ')} | ${f.sides[1].length > 3 ? `${f.sides[1].length} others` : f.sides[1].join(', ')}${f.oneWay ? ' (one way)' : ''}`;
    case 'degrade-link':
      return `slow link ${f.between[0] === f.between[1] ? f.between[0] : f.between.join('–')}`;
    case 'repoint':
      return `re-point ${f.target} → ${f.to}`;
    case 'managed-failover':
      return `managed failover by ${f.target}${f.to ? ` to ${f.to}` : ''}`;
    case 'demote':
      return `demote ${f.target}${f.follow ? ` to follow ${f.follow}` : ''}`;
    case 'throttle':
      return f.entriesPerSec > 0 ? `throttle ${f.target} to ${f.entriesPerSec}/s` : `unthrottle ${f.target}`;
    case 'fill-disk':
      return `fill ${f.target}'s disk by ${fmtBytes(f.bytes)}`;
    case 'resize-disk':
      return `resize ${f.target}'s disk to ${fmtBytes(f.bytes)}`;
    case 'resize-pool':
      return `pool of ${f.target} to ${f.poolSize}`;
    case 'surge':
      return `surge ×${f.factor} on ${f.target}`;
    case 'add-workers':
      return `${f.count} more daemons on ${f.target}`;
    case 'fix-race':
      return `fix the race in ${f.target}`;
    case 'add-replica':
      return `add a replica (${f.target})`;
    case 'restore-backup':
      return `restore ${f.target} from a backup of ${f.from}`;
    default:
      return `${f.kind} ${f.target}`;
  }
}
