// Shared wording and grouping for checkers' explanations.

import type { Anomaly, AnomalyKind } from './checker';

/** Virtual time as a learner reads it: "40.100 s". */
export function sec(us: number): string {
  return `${(us / 1e6).toFixed(3)} s`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** "a, b and c" */
export function list(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** A run of related instances (failed requests of one client to one node...), merged while close in time. */
export interface Episode {
  key: string;
  startUs: number;
  endUs: number;
  count: number;
  ops: string[];
  nodes: string[];
  /** Anything the checker wants to remember about it (set when it begins). */
  info: Record<string, unknown>;
  /** When each instance happened, in order. */
  times: number[];
  /** For each of `nodes`, how many instances there were when it joined. */
  nodeSince: number[];
}

/**
 * Groups instances into episodes: an instance joins the open episode of its key if it
 * comes within `gapUs` of that episode's last one, else starts a new episode.
 */
export class Episodes {
  readonly all: Episode[] = [];
  private readonly open = new Map<string, Episode>();

  constructor(private readonly gapUs: number, private readonly maxOps: number) {}

  add(key: string, atUs: number, op: string, nodes: string[], info?: Record<string, unknown>): Episode {
    let e = this.open.get(key);
    if (!e || atUs - e.endUs > this.gapUs) {
      e = { key, startUs: atUs, endUs: atUs, count: 0, ops: [], nodes: [...nodes], info: { ...info }, times: [], nodeSince: nodes.map(() => 1) };
      this.open.set(key, e);
      this.all.push(e);
    }
    e.endUs = atUs;
    e.count++;
    e.times.push(atUs);
    if (e.ops.length < this.maxOps) e.ops.push(op);
    for (const n of nodes) {
      if (e.nodes.includes(n)) continue;
      e.nodes.push(n);
      e.nodeSince.push(e.count);
    }
    return e;
  }

  /** The episodes as they stood at `nowUs`: later instances (and episodes) not yet seen. */
  asOf(nowUs: number): EpisodeAt[] {
    const out: EpisodeAt[] = [];
    for (const e of this.all) {
      if (e.startUs > nowUs) break;
      const ep = episodeAsOf(e, nowUs);
      if (ep) out.push(ep);
    }
    return out;
  }
}

/** How many of ascending `times` are at or before `atUs`. */
export function countUpTo(times: ArrayLike<number>, atUs: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid] <= atUs) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** An episode as it stood at some moment. */
export type EpisodeAt = Pick<Episode, 'key' | 'startUs' | 'endUs' | 'count' | 'ops' | 'nodes' | 'info'>;

function episodeAsOf(e: Episode, nowUs: number): EpisodeAt | null {
  if (e.endUs <= nowUs) return e;
  const count = countUpTo(e.times, nowUs);
  if (count === 0) return null;
  return {
    key: e.key,
    startUs: e.startUs,
    endUs: e.times[count - 1],
    count,
    ops: e.ops.slice(0, count),
    nodes: e.nodes.filter((_, k) => e.nodeSince[k] <= count),
    info: e.info,
  };
}

/** The anomaly an episode amounts to. */
export function episodeAnomaly(kind: AnomalyKind, ep: EpisodeAt, explanation: string): Anomaly {
  return { kind, atUs: ep.startUs, endUs: ep.endUs, nodes: ep.nodes, ops: ep.ops, count: ep.count, explanation };
}
