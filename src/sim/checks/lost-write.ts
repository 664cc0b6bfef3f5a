// lost-write: a write acknowledged to a client is absent from the data of the primary
// lineage that survives.
//
// Every acknowledged write names the node, epoch and LSN it got (the client records what the
// primary answered). The surviving lineage is the epoch history of the latest promotion:
// [epoch, first LSN, node] for each epoch it descends from. A write of epoch E at LSN L by
// node N survives iff that history has epoch E started by N, and L comes before the next
// epoch's first LSN. Everything else the clients were told was saved, is gone.

import type { Checker, Anomaly } from './checker';
import { MAX_OPS } from './checker';
import type { HistoryEntry, Mark } from '../kernel/component';
import type { WorldSpec, DatabaseSpec } from '../spec';
import { Facts } from './facts';
import { list, plural, sec } from './words';
import { NumList, OpIds } from './compact';

interface Group {
  node: string;
  epoch: number;
  /**
   * Acknowledged writes of this node and epoch, as the clients heard of them (in time
   * order; not quite LSN order, since replies take different times to reach their clients):
   * ack time, lsn, op id (OpIds' code).
   */
  atUs: NumList;
  lsns: NumList;
  ops: NumList;
  /** The lost part of its first `n` acks for one cut, kept to extend as acks come in. */
  lost: Lost | null;
}

/** What the acks at or beyond an LSN (the cut) amount to, over a group's first `n` acks. */
interface Lost {
  cut: number;
  /** Acks after this time count as made after the node was replaced. */
  replacedUs: number;
  n: number;
  count: number;
  minLsn: number;
  /** Ack time of the write at `minLsn`. */
  minLsnAtUs: number;
  maxLsn: number;
  lastAckUs: number;
  afterReplaced: number;
  /** The lowest lost LSNs, ascending, with their ops' codes: at most MAX_OPS. */
  lowest: [number, number][];
}

/** The lost part of a group's first `n` acks, extending the last answer when it can. */
function lostOf(g: Group, cut: number, replacedUs: number, n: number): Lost {
  let l = g.lost;
  if (!l || l.cut !== cut || l.replacedUs !== replacedUs || l.n > n) {
    l = g.lost = { cut, replacedUs, n: 0, count: 0, minLsn: Infinity, minLsnAtUs: 0, maxLsn: -Infinity, lastAckUs: -Infinity, afterReplaced: 0, lowest: [] };
  }
  for (let i = l.n; i < n; i++) {
    const lsn = g.lsns.at(i);
    if (lsn < cut) continue;
    const atUs = g.atUs.at(i);
    l.count++;
    if (lsn < l.minLsn) {
      l.minLsn = lsn;
      l.minLsnAtUs = atUs;
    }
    if (lsn > l.maxLsn) l.maxLsn = lsn;
    if (atUs > l.lastAckUs) l.lastAckUs = atUs;
    if (atUs > replacedUs) l.afterReplaced++;
    const low = l.lowest;
    if (low.length < MAX_OPS || lsn < low[low.length - 1][0]) {
      let at = low.length;
      while (at > 0 && low[at - 1][0] > lsn) at--;
      low.splice(at, 0, [lsn, g.ops.at(i)]);
      if (low.length > MAX_OPS) low.pop();
    }
  }
  l.n = n;
  return l;
}

export function lostWrite(spec: WorldSpec): Checker {
  const facts = new Facts(spec);
  /** In order of their first ack, and by node and epoch. */
  const groups: Group[] = [];
  const byNode = new Map<string, Map<number, Group>>();
  const ids = new OpIds();
  let last: Group | undefined;

  function modeOfFollowers(node: string): string {
    const modes = spec.nodes
      .filter((n): n is DatabaseSpec => n.kind === 'database' && n.replicateFrom === node)
      .map((n) => n.replication ?? 'async');
    return modes.length ? list([...new Set(modes)]) : 'none';
  }

  return {
    kind: 'lost-write',

    feed(entries: readonly HistoryEntry[], marks: readonly Mark[]) {
      facts.feed(marks, 0);
      for (const e of entries) {
        if (e.type !== 'ok' || e.f !== 'write' || e.lsn === undefined || e.epoch === undefined || !e.node) continue;
        // Acks come in long runs from one node and epoch: look the group up only when it
        // changes, by node then epoch (in a world of several primaries acks interleave, and a
        // key string made per lookup was most of this checker's time).
        let g = last;
        if (!g || g.node !== e.node || g.epoch !== e.epoch) {
          let ofNode = byNode.get(e.node);
          if (!ofNode) byNode.set(e.node, (ofNode = new Map()));
          g = ofNode.get(e.epoch);
          if (!g) {
            g = { node: e.node, epoch: e.epoch, atUs: new NumList(), lsns: new NumList(), ops: new NumList(), lost: null };
            ofNode.set(e.epoch, g);
            groups.push(g);
          }
          last = g;
        }
        g.atUs.push(e.atUs);
        g.lsns.push(e.lsn);
        g.ops.push(ids.codeOf(e));
      }
    },

    anomalies(nowUs: number) {
      const out: Anomaly[] = [];
      for (const g of groups) {
        // The acks made by then: a prefix, since they are kept in time order.
        const n = g.atUs.firstAfter(nowUs);
        if (n === 0) continue;
        // Each replication group has a lineage of its own; another group's promotions say nothing of this one's writes.
        const final = facts.finalLineage(facts.groupOf(g.node), nowUs);
        if (!final) continue;
        const h = final.epochs;
        const k = h.findIndex((x) => x[0] === g.epoch && x[2] === g.node);
        // The first LSN this group's writes are not kept from.
        const cut = k < 0 ? -Infinity : k + 1 < h.length ? h[k + 1][1] : Infinity;
        if (cut === Infinity) continue;
        // The promotion that left these writes behind: the epoch after theirs in the
        // surviving history, or, for an epoch that never joined it, the final one.
        const by = k >= 0 && k + 1 < h.length ? facts.promotionOf(h[k + 1][0], h[k + 1][2], nowUs) : final;
        const lost = lostOf(g, cut, by ? by.atUs : Infinity, n);
        if (lost.count === 0) continue;
        const count = lost.count;
        const lostAtUs = Math.max(by?.atUs ?? 0, lost.minLsnAtUs);
        const lastAck = lost.lastAckUs;
        const afterPromotion = lost.afterReplaced;
        const reasons: string[] = [];
        if (by) {
          reasons.push(
            k >= 0
              ? by.restoredFrom
                ? `${by.node} was restored at ${sec(by.atUs)} from a backup of ${by.restoredFrom} that ended at lsn ${by.lsn}`
                : `${by.node} was promoted at ${sec(by.atUs)} holding the log only up to lsn ${by.lsn}`
              : `${g.node} accepted them in epoch ${g.epoch}, a history that did not survive; ${by.node} is the primary of epoch ${by.epoch}`,
          );
        }
        const happened = facts.whatHappened(g.node, by?.atUs ?? lostAtUs);
        if (happened) reasons.push(happened);
        const watchers = spec.nodes.filter((n) => n.kind === 'orchestrator' && n.watches.includes(g.node)).map((n) => n.id);
        const part = by ? watchers.map((o) => facts.partitionBetween(g.node, o, by.atUs)).find((x) => x) : undefined;
        if (part) reasons.push(`a partition cut ${g.node} off from the orchestrator at ${sec(part.startUs)}`);
        if (afterPromotion > 0) reasons.push(`${plural(afterPromotion, 'write')} ${afterPromotion === 1 ? 'was' : 'were'} acknowledged by ${g.node} after it had been replaced`);
        const discard = facts.discards.find((d) => d.node === g.node && d.atUs >= lost.minLsnAtUs && d.atUs <= nowUs);
        if (discard) reasons.push(`${g.node} discarded its divergent entries when it rejoined at ${sec(discard.atUs)}`);
        // How it was replicated explains a failover's losses, not a restore's.
        const mode = by?.restoredFrom ? '' : modeOfFollowers(g.node);
        const lsnRange = count === 1 ? `lsn ${lost.minLsn}` : `lsn ${lost.minLsn} to ${lost.maxLsn}`;
        out.push({
          kind: 'lost-write',
          atUs: lostAtUs,
          endUs: lastAck,
          nodes: by && by.node !== g.node ? [g.node, by.node] : [g.node],
          ops: lost.lowest.map(([, op]) => ids.text(op)),
          count,
          explanation:
            `${plural(count, 'acknowledged write')} to ${g.node} (epoch ${g.epoch}, ${lsnRange}) ${count === 1 ? 'is' : 'are'} not in the surviving history: ` +
            `${reasons.join('; ')}.` +
            (mode ? ` Replication from ${g.node}: ${mode}${mode.includes('async') ? ' (the client heard "ok" before any replica had the write)' : ''}.` : ''),
        });
      }
      return out.sort((a, b) => a.atUs - b.atUs);
    },
  };
}
