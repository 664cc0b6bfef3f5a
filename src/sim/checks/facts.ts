// What the marks say happened, in a form checkers can ask questions of: was a node down or
// paused at some time, which partitions were in force, who was promoted when and with what
// epoch history. Built only from marks and the scenario's configuration.

import type { Mark } from '../kernel/component';
import type { FaultSpec, PartitionFault, WorldSpec } from '../spec';

export type EpochStart = [number, number, string];

export interface Promotion {
  node: string;
  epoch: number;
  /** The last LSN it held when promoted: the lineage keeps the old epoch's entries up to here. */
  lsn: number;
  atUs: number;
  epochs: EpochStart[];
  /** Not promoted but restored from a backup of this node (a new history from the backup). */
  restoredFrom?: string;
}

interface Span {
  node: string;
  kind: 'down' | 'paused' | 'fenced' | 'no-lease' | 'primary' | 'overloaded';
  /** For an overload: what it was overloaded with. */
  cause?: string;
  startUs: number;
  endUs: number;
}

export class Facts {
  readonly promotions: Promotion[] = [];
  private readonly spans: Span[] = [];
  private readonly open = new Map<string, Span>();
  private readonly partitions: { fault: PartitionFault; startUs: number; endUs: number }[] = [];
  readonly discards: { node: string; atUs: number; count: number }[] = [];
  readonly alerts: { rule: string; node: string; state: string; atUs: number }[] = [];
  readonly failovers: { from: string; to: string; atUs: number; why: string }[] = [];
  readonly repoints: { node: string; to: string; atUs: number }[] = [];
  private readonly faultsById = new Map<string, FaultSpec>();
  private readonly groups: Map<string, string>;
  private readonly dataGroups = new Map<string, string>();

  constructor(readonly spec: WorldSpec) {
    spec.faults.forEach((f, i) => this.faultsById.set(f.id ?? `#${i}`, f));
    this.groups = replicationGroups(spec);
  }

  /**
   * The replication group a database belongs to (named by one of its members): databases
   * joined by replication, watched by one orchestrator, behind one role endpoint, or restored
   * one from another. Two groups are separate systems: each has its own primary and lineage.
   */
  groupOf(node: string): string {
    return this.groups.get(node) ?? node;
  }

  /** How many replication groups the world has. */
  groupCount(): number {
    return new Set(this.groups.values()).size;
  }

  /**
   * The replication group whose data a node serves: a database's own, a cache's through its
   * backend. '' when that is not one group (an endpoint over the databases of several).
   */
  dataGroupOf(node: string): string {
    let g = this.dataGroups.get(node);
    if (g === undefined) this.dataGroups.set(node, (g = this.findDataGroup(node, 0)));
    return g;
  }

  private findDataGroup(node: string, depth: number): string {
    const id = node.startsWith('node:') ? node.slice(5) : node;
    const own = this.groups.get(id);
    if (own !== undefined) return own;
    const n = this.spec.nodes.find((x) => x.id === id);
    if (!n || depth > 4) return '';
    const via = n.kind === 'cache' ? [n.backend]
      : n.kind === 'balancer' ? n.targets
      : n.kind === 'endpoint' ? (n.resolvesTo.startsWith('node:') ? [n.resolvesTo] : (n.databases ?? [...this.groups.keys()]))
      : [];
    const found = new Set(via.map((x) => this.findDataGroup(x, depth + 1)));
    return found.size === 1 ? [...found][0] : '';
  }

  private begin(node: string, kind: Span['kind'], atUs: number): void {
    const key = `${kind}:${node}`;
    if (this.open.has(key)) return;
    const s: Span = { node, kind, startUs: atUs, endUs: Infinity };
    this.open.set(key, s);
    this.spans.push(s);
  }

  private end(node: string, kind: Span['kind'], atUs: number): void {
    const key = `${kind}:${node}`;
    const s = this.open.get(key);
    if (!s) return;
    s.endUs = atUs;
    this.open.delete(key);
  }

  feed(marks: readonly Mark[], from: number): void {
    for (let i = from; i < marks.length; i++) {
      const m = marks[i];
      const d = m.data ?? {};
      switch (m.kind) {
        case 'crash':
          this.end(m.node, 'paused', m.atUs);
          this.begin(m.node, 'down', m.atUs);
          break;
        case 'restart':
          this.end(m.node, 'down', m.atUs);
          break;
        case 'pause':
          this.begin(m.node, 'paused', m.atUs);
          break;
        case 'resume':
          this.end(m.node, 'paused', m.atUs);
          break;
        case 'fenced':
          this.begin(m.node, 'fenced', m.atUs);
          break;
        case 'overloaded':
          this.begin(m.node, 'overloaded', m.atUs);
          this.open.get(`overloaded:${m.node}`)!.cause = String(d.cause ?? 'load');
          break;
        case 'overload-over':
          this.end(m.node, 'overloaded', m.atUs);
          break;
        case 'lease-lost':
          this.begin(m.node, 'no-lease', m.atUs);
          break;
        case 'lease-regained':
          this.end(m.node, 'no-lease', m.atUs);
          break;
        case 'role':
          if (d.role === 'primary') {
            this.end(m.node, 'fenced', m.atUs);
            this.begin(m.node, 'primary', m.atUs);
            this.promotions.push({
              node: m.node, epoch: Number(d.epoch), lsn: Number(d.lsn), atUs: m.atUs, epochs: d.epochs as EpochStart[],
              ...(d.restoredFrom ? { restoredFrom: String(d.restoredFrom) } : {}),
            });
          } else {
            this.end(m.node, 'primary', m.atUs);
            this.end(m.node, 'fenced', m.atUs);
          }
          break;
        case 'discard':
          this.discards.push({ node: m.node, atUs: m.atUs, count: Number(d.count) });
          break;
        case 'alert':
          this.alerts.push({ rule: String(d.rule), node: String(d.node ?? m.node), state: String(d.state ?? 'firing'), atUs: m.atUs });
          break;
        case 'failover':
          this.failovers.push({ from: String(d.from), to: String(d.to), atUs: m.atUs, why: String(d.why ?? '') });
          break;
        case 'repoint':
          this.repoints.push({ node: m.node, to: String(d.to), atUs: m.atUs });
          break;
        case 'fault:apply':
        case 'fault:revert': {
          const f = this.faultsById.get(String(d.fault));
          if (f?.kind !== 'partition') break;
          if (m.kind === 'fault:apply') this.partitions.push({ fault: f, startUs: m.atUs, endUs: Infinity });
          else {
            const p = this.partitions.find((x) => x.fault === f && x.endUs === Infinity);
            if (p) p.endUs = m.atUs;
          }
          break;
        }
      }
    }
  }

  private spanAt(node: string, kind: Span['kind'], atUs: number): Span | undefined {
    for (let i = this.spans.length - 1; i >= 0; i--) {
      const s = this.spans[i];
      if (s.node === node && s.kind === kind && s.startUs <= atUs && atUs < s.endUs) return s;
    }
    return undefined;
  }

  /** When `node` went down, if it was down at `atUs`. */
  downSince(node: string, atUs: number): number | undefined {
    return this.spanAt(node, 'down', atUs)?.startUs;
  }

  pausedSince(node: string, atUs: number): number | undefined {
    return this.spanAt(node, 'paused', atUs)?.startUs;
  }

  /** What `node` was overloaded with at `atUs`, if it was. */
  overloadAt(node: string, atUs: number): { cause: string; sinceUs: number } | undefined {
    const s = this.spanAt(node, 'overloaded', atUs);
    return s ? { cause: s.cause ?? 'load', sinceUs: s.startUs } : undefined;
  }

  fencedSince(node: string, atUs: number): number | undefined {
    return this.spanAt(node, 'fenced', atUs)?.startUs;
  }

  /** Tenures as primary: from promotion (or the start) to demotion (or now). */
  primarySpans(): { node: string; startUs: number; endUs: number }[] {
    return this.spans.filter((s) => s.kind === 'primary');
  }

  /** When the tenure as primary that `node` held at `atUs` began. */
  tenureStart(node: string, atUs: number): number | undefined {
    return this.spanAt(node, 'primary', atUs)?.startUs;
  }

  /** Whether `node` was primary at `atUs` (by the marks). */
  wasPrimary(node: string, atUs: number): boolean {
    return this.spanAt(node, 'primary', atUs) !== undefined;
  }

  /**
   * When `node` could accept writes as a primary, as known at `asOfUs`: its tenures, minus
   * the times it was down, paused, fenced or without a lease. What began later is not known
   * yet, and what ended later had not ended.
   */
  acceptingSpans(node: string, asOfUs = Infinity): [number, number][] {
    const known = this.spans.filter((s) => s.node === node && s.startUs <= asOfUs);
    const end = (s: Span) => (s.endUs > asOfUs ? Infinity : s.endUs);
    let out: [number, number][] = known.filter((s) => s.kind === 'primary').map((s) => [s.startUs, end(s)]);
    for (const s of known) {
      if (s.kind === 'primary' || s.kind === 'overloaded') continue;
      const e = end(s);
      out = out.flatMap(([a, b]): [number, number][] =>
        e <= a || s.startUs >= b ? [[a, b]] : ([[a, s.startUs], [e, b]] as [number, number][]).filter(([x, y]) => y > x),
      );
    }
    return out;
  }

  /** A partition in force at `atUs` that separates a from b (either way), if any. */
  partitionBetween(a: string, b: string, atUs: number): { startUs: number; endUs: number } | undefined {
    const site = (id: string) => this.spec.nodes.find((n) => n.id === id)?.site;
    const inSide = (side: string[], id: string) => side.includes(id) || side.includes(site(id) ?? '\u0000');
    for (const p of this.partitions) {
      if (p.startUs > atUs || atUs >= p.endUs) continue;
      const [x, y] = p.fault.sides;
      if ((inSide(x, a) && inSide(y, b)) || (inSide(x, b) && inSide(y, a))) return p;
    }
    return undefined;
  }

  /**
   * The lineage that survives, as known at `asOfUs` (of one replication group, if given):
   * the promotion with the highest epoch. Two promotions can share an epoch (an operator's,
   * made cut off from the orchestrator that had used it meanwhile): then the one whose node
   * is still primary, not demoted since, goes on; failing that, the latest.
   */
  finalLineage(group?: string, asOfUs = Infinity): Promotion | undefined {
    let best: Promotion | undefined;
    for (const p of this.promotions) {
      if (p.atUs > asOfUs || (group !== undefined && this.groupOf(p.node) !== group)) continue;
      if (!best || p.epoch > best.epoch || (p.epoch === best.epoch && (this.standing(p, asOfUs) || !this.standing(best, asOfUs)))) best = p;
    }
    return best;
  }

  /** Whether the tenure a promotion began still lasts at `asOfUs` (its node not demoted by then). */
  private standing(p: Promotion, asOfUs: number): boolean {
    const s = this.spanAt(p.node, 'primary', p.atUs);
    return s !== undefined && s.endUs > asOfUs;
  }

  /** The promotion that started `epoch` on `node`, if any (by `asOfUs`). */
  promotionOf(epoch: number, node: string, asOfUs = Infinity): Promotion | undefined {
    return this.promotions.find((p) => p.epoch === epoch && p.node === node && p.atUs <= asOfUs);
  }

  /** What happened to `node` around `atUs`, in a clause: "db1 crashed at 30.000 s". */
  whatHappened(node: string, atUs: number): string | undefined {
    const down = this.downSince(node, atUs);
    if (down !== undefined) return `${node} crashed at ${(down / 1e6).toFixed(3)} s`;
    const paused = this.pausedSince(node, atUs);
    if (paused !== undefined) return `${node} was frozen (paused) from ${(paused / 1e6).toFixed(3)} s`;
    return undefined;
  }
}

/** Databases by replication group (see Facts.groupOf), by union-find over what joins them. */
function replicationGroups(spec: WorldSpec): Map<string, string> {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.has(r) && parent.get(r) !== r) r = parent.get(r)!;
    parent.set(x, r);
    return r;
  };
  const join = (a: string, b: string) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(rb, ra);
  };
  const dbs = new Set(spec.nodes.filter((n) => n.kind === 'database').map((n) => n.id));
  const joinAll = (ids: readonly string[]) => {
    const inGroup = ids.filter((id) => dbs.has(id));
    for (let i = 1; i < inGroup.length; i++) join(inGroup[0], inGroup[i]);
  };
  for (const n of spec.nodes) {
    if (n.kind === 'database' && n.replicateFrom) joinAll([n.id, n.replicateFrom]);
    if (n.kind === 'orchestrator') joinAll(n.watches);
    if (n.kind === 'endpoint' && n.databases) joinAll(n.databases);
  }
  for (const f of spec.faults) {
    if (f.kind === 'restore-backup') joinAll([f.target, f.from]);
    if (f.kind === 'demote' && f.follow) joinAll([f.target, f.follow]);
  }
  return new Map([...dbs].map((id) => [id, find(id)]));
}
