// The network between nodes: sites, links with latency, jitter, bandwidth, a bounded queue
// and loss, and partitions (symmetric or one-way) that heal.
//
// Model, per message from node A (site X) to node B (site Y):
// 1. The X->Y direction of the link is a single pipe: a message waits until the bytes before
//    it are sent (`busyUntilUs`), then takes bytes / bandwidth to send. If more than
//    `queueBytes` are already waiting, it is dropped (tail drop). This is how a catch-up
//    burst saturates a link and delays everything else on it, heartbeats included.
// 2. It then flies for latency + jitter (uniform in 0..jitter, drawn from the sender's own
//    network stream, so adding a node does not change anyone else's draws).
// 3. A direction delivers in the order it sent, as one pipe (and as TCP does between two
//    nodes): a message never overtakes an earlier one on the same direction. Under heavy
//    traffic its latency therefore tends to base + jitter, as a loaded link's does.
// 4. It is lost if the link's loss rate says so, or if a partition separates A from B when
//    it is sent or when it would arrive (a cable cut also loses what is on the wire).

import type { LinkSpec, SiteSpec } from '../spec';
import { nextFloat, type RngState } from '../kernel/rng';
import { LINK_PARAMS, SITE_PARAMS } from '../params/network';

const US_PER_MS = 1000;

export const LAN_DEFAULTS = { latencyMs: SITE_PARAMS.lanLatencyMs.default, jitterMs: SITE_PARAMS.lanJitterMs.default, bytesPerSec: SITE_PARAMS.lanBytesPerSec.default };
// The two shares are the words of LINK_PARAMS's defaultText ("half a second", "a tenth").
export const LINK_DEFAULTS = { bytesPerSec: LINK_PARAMS.bytesPerSec.default, queueSeconds: 0.5, jitterShare: 0.1 };

/** One direction of a link (or a site's own network), as the topology defines it. */
export interface Direction {
  label: string;
  fromSite: number;
  toSite: number;
  latencyUs: number;
  jitterUs: number;
  bytesPerSec: number;
  queueBytes: number;
  lossRate: number;
}

export interface Partition {
  /** The fault that made it, so its revert heals exactly this one. */
  faultId: string;
  from: number[];
  to: number[];
  oneWay: boolean;
}

export interface Degradation {
  faultId: string;
  dirs: number[];
  addLatencyUs: number;
  /** -1: keep the link's own loss rate. */
  lossRate: number;
}

/** The network's share of the world state: plain data, checkpointed with the rest. */
export interface NetState {
  /** Per direction: when its pipe is free again (µs, may be fractional). */
  busyUntilUs: number[];
  /** Per direction: messages and bytes handed to it, and messages it dropped. */
  sent: number[];
  bytes: number[];
  dropped: number[];
  /** Per direction: the last arrival time, for FIFO order. */
  lastArrivalUs: number[];
  partitions: Partition[];
  degradations: Degradation[];
}

export type DropReason = 'no-route' | 'partition' | 'loss' | 'queue-full';


export class Network {
  readonly dirs: Direction[] = [];
  readonly siteIds: string[];
  /** dirIndex[fromSite * siteCount + toSite], -1 when no link joins them. */
  private readonly dirIndex: Int32Array;
  /** Site index of each node, -1 for nodes without a site (endpoints). */
  readonly siteOfNode: Int32Array;
  private readonly nodeCount: number;
  // Derived from state (partitions, degradations) and rebuilt after every change or restore;
  // never checkpointed.
  private blocked: Int32Array;
  private extraLatencyUs: Float64Array;
  private lossOverride: Float64Array;

  constructor(sites: SiteSpec[], links: LinkSpec[], nodeSites: (string | undefined)[]) {
    this.siteIds = sites.map((s) => s.id);
    const siteIndex = new Map(this.siteIds.map((id, i) => [id, i] as const));
    const S = sites.length;
    this.dirIndex = new Int32Array(S * S).fill(-1);
    sites.forEach((s, i) => {
      this.addDirection({
        label: s.id,
        fromSite: i,
        toSite: i,
        latencyUs: msToUs(s.lanLatencyMs ?? LAN_DEFAULTS.latencyMs),
        jitterUs: msToUs(s.lanJitterMs ?? LAN_DEFAULTS.jitterMs),
        bytesPerSec: s.lanBytesPerSec ?? LAN_DEFAULTS.bytesPerSec,
        queueBytes: (s.lanBytesPerSec ?? LAN_DEFAULTS.bytesPerSec) * LINK_DEFAULTS.queueSeconds,
        lossRate: 0,
      });
    });
    for (const l of links) {
      const a = siteIndex.get(l.between[0])!;
      const b = siteIndex.get(l.between[1])!;
      const bytesPerSec = l.bytesPerSec ?? LINK_DEFAULTS.bytesPerSec;
      const common = {
        latencyUs: msToUs(l.latencyMs),
        jitterUs: msToUs(l.jitterMs ?? l.latencyMs * LINK_DEFAULTS.jitterShare),
        bytesPerSec,
        queueBytes: l.queueBytes ?? bytesPerSec * LINK_DEFAULTS.queueSeconds,
        lossRate: l.lossRate ?? 0,
      };
      this.addDirection({ ...common, label: `${l.between[0]}>${l.between[1]}`, fromSite: a, toSite: b });
      if (a !== b) this.addDirection({ ...common, label: `${l.between[1]}>${l.between[0]}`, fromSite: b, toSite: a });
    }
    this.nodeCount = nodeSites.length;
    this.siteOfNode = Int32Array.from(nodeSites, (s) => (s === undefined ? -1 : (siteIndex.get(s) ?? -1)));
    this.blocked = new Int32Array(this.nodeCount * this.nodeCount);
    this.extraLatencyUs = new Float64Array(this.dirs.length);
    this.lossOverride = new Float64Array(this.dirs.length).fill(-1);
  }

  private addDirection(d: Direction): void {
    const S = this.siteIds.length;
    // A later link between the same sites replaces an earlier one (the validator forbids it anyway).
    const existing = this.dirIndex[d.fromSite * S + d.toSite];
    if (existing >= 0) this.dirs[existing] = d;
    else {
      this.dirIndex[d.fromSite * S + d.toSite] = this.dirs.length;
      this.dirs.push(d);
    }
  }

  initialState(): NetState {
    const n = this.dirs.length;
    return {
      busyUntilUs: new Array(n).fill(0),
      sent: new Array(n).fill(0),
      bytes: new Array(n).fill(0),
      dropped: new Array(n).fill(0),
      lastArrivalUs: new Array(n).fill(0),
      partitions: [],
      degradations: [],
    };
  }

  /** The direction a message from node `from` to node `to` travels, or -1. */
  dirBetweenNodes(from: number, to: number): number {
    const a = this.siteOfNode[from];
    const b = this.siteOfNode[to];
    if (a < 0 || b < 0) return -1;
    return this.dirIndex[a * this.siteIds.length + b];
  }

  dirBetweenSites(a: number, b: number): number {
    return this.dirIndex[a * this.siteIds.length + b];
  }

  siteIndex(id: string): number {
    return this.siteIds.indexOf(id);
  }

  /** Whether any partition is in force (none, the usual case: no lookup per message). */
  partitioned = false;

  isBlocked(from: number, to: number): boolean {
    return this.blocked[from * this.nodeCount + to] > 0;
  }

  /** Why the last message `send` refused was dropped. */
  dropped: DropReason | null = null;
  /** When the last message `send` accepted leaves its sender's link (µs, rounded). */
  departUs = 0;

  /**
   * Decide the fate of a message: when it arrives (µs; when it leaves is then in `departUs`),
   * or -1 when it is dropped (why: in `dropped`). Two numbers in fields rather than an object
   * returned: this runs for every message, and the object was an allocation each time.
   * Mutates the network state (queues, FIFO order, counters) and draws from `rng`.
   */
  send(state: NetState, rng: RngState, nowUs: number, from: number, to: number, bytes: number): number {
    const d = this.dirBetweenNodes(from, to);
    if (d < 0) return this.drop('no-route');
    const dir = this.dirs[d];
    if (this.partitioned && this.isBlocked(from, to)) {
      state.dropped[d]++;
      return this.drop('partition');
    }
    const lossRate = this.lossOverride[d] >= 0 ? this.lossOverride[d] : dir.lossRate;
    if (lossRate > 0 && nextFloat(rng) < lossRate) {
      state.dropped[d]++;
      return this.drop('loss');
    }
    const busy = state.busyUntilUs[d];
    const queuedBytes = busy > nowUs ? ((busy - nowUs) * dir.bytesPerSec) / 1e6 : 0;
    if (queuedBytes + bytes > dir.queueBytes) {
      state.dropped[d]++;
      return this.drop('queue-full');
    }
    const departUs = (busy > nowUs ? busy : nowUs) + (bytes * 1e6) / dir.bytesPerSec;
    state.busyUntilUs[d] = departUs;
    state.sent[d]++;
    state.bytes[d] += bytes;
    const jitter = dir.jitterUs > 0 ? nextFloat(rng) * dir.jitterUs : 0;
    let deliverUs = Math.round(departUs + dir.latencyUs + this.extraLatencyUs[d] + jitter);
    if (deliverUs < state.lastArrivalUs[d]) deliverUs = state.lastArrivalUs[d];
    state.lastArrivalUs[d] = deliverUs;
    this.dropped = null;
    this.departUs = Math.round(departUs);
    return deliverUs;
  }

  private drop(why: DropReason): number {
    this.dropped = why;
    return -1;
  }

  /** Rebuild the derived tables after partitions or degradations changed, or after a restore. */
  rebuild(state: NetState): void {
    this.blocked.fill(0);
    this.partitioned = state.partitions.length > 0;
    const N = this.nodeCount;
    for (const p of state.partitions) {
      for (const a of p.from) for (const b of p.to) {
        if (a === b) continue;
        this.blocked[a * N + b]++;
        if (!p.oneWay) this.blocked[b * N + a]++;
      }
    }
    this.extraLatencyUs.fill(0);
    this.lossOverride.fill(-1);
    for (const g of state.degradations) {
      for (const d of g.dirs) {
        this.extraLatencyUs[d] += g.addLatencyUs;
        if (g.lossRate >= 0) this.lossOverride[d] = g.lossRate;
      }
    }
  }

  addPartition(state: NetState, p: Partition): void {
    state.partitions.push(p);
    this.rebuild(state);
  }

  /** Heal the partition a fault made; false if it was not active. */
  heal(state: NetState, faultId: string): boolean {
    const i = state.partitions.findIndex((p) => p.faultId === faultId);
    if (i < 0) return false;
    state.partitions.splice(i, 1);
    this.rebuild(state);
    return true;
  }

  degrade(state: NetState, g: Degradation): void {
    state.degradations.push(g);
    this.rebuild(state);
  }

  restoreLink(state: NetState, faultId: string): boolean {
    const i = state.degradations.findIndex((g) => g.faultId === faultId);
    if (i < 0) return false;
    state.degradations.splice(i, 1);
    this.rebuild(state);
    return true;
  }

  /** Bytes waiting to be sent on a direction now: how saturated it is. */
  queuedBytes(state: NetState, d: number, nowUs: number): number {
    const busy = state.busyUntilUs[d];
    return busy > nowUs ? ((busy - nowUs) * this.dirs[d].bytesPerSec) / 1e6 : 0;
  }
}

export function msToUs(ms: number): number {
  return Math.round(ms * US_PER_MS);
}
