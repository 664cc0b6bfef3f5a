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
  /** Anything the checker wants to remember about it. */
  info: Record<string, unknown>;
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
      e = { key, startUs: atUs, endUs: atUs, count: 0, ops: [], nodes: [...nodes], info: { ...info } };
      this.open.set(key, e);
      this.all.push(e);
    }
    e.endUs = atUs;
    e.count++;
    if (e.ops.length < this.maxOps) e.ops.push(op);
    for (const n of nodes) if (!e.nodes.includes(n)) e.nodes.push(n);
    return e;
  }
}

/** The anomaly an episode amounts to. */
export function episodeAnomaly(kind: AnomalyKind, ep: Episode, explanation: string): Anomaly {
  return { kind, atUs: ep.startUs, endUs: ep.endUs, nodes: ep.nodes, ops: ep.ops, count: ep.count, explanation };
}
