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

interface Group {
  node: string;
  epoch: number;
  /** Acknowledged writes of this node and epoch, in LSN order: lsn, ack time, op id. */
  lsns: number[];
  atUs: number[];
  ops: string[];
}

export function lostWrite(spec: WorldSpec): Checker {
  const facts = new Facts(spec);
  const groups = new Map<string, Group>();

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
        const key = `${e.node}|${e.epoch}`;
        let g = groups.get(key);
        if (!g) groups.set(key, (g = { node: e.node, epoch: e.epoch, lsns: [], atUs: [], ops: [] }));
        // Acks arrive in LSN order per node and epoch, but keep the order exact regardless.
        let at = g.lsns.length;
        while (at > 0 && g.lsns[at - 1] > e.lsn) at--;
        g.lsns.splice(at, 0, e.lsn);
        g.atUs.splice(at, 0, e.atUs);
        g.ops.splice(at, 0, e.op);
      }
    },

    anomalies() {
      const out: Anomaly[] = [];
      for (const g of groups.values()) {
        // Each replication group has a lineage of its own; another group's promotions say nothing of this one's writes.
        const final = facts.finalLineage(facts.groupOf(g.node));
        if (!final) continue;
        const h = final.epochs;
        const k = h.findIndex((x) => x[0] === g.epoch && x[2] === g.node);
        // The first LSN this group's writes are not kept from.
        const cut = k < 0 ? -Infinity : k + 1 < h.length ? h[k + 1][1] : Infinity;
        let first = 0;
        while (first < g.lsns.length && g.lsns[first] < cut) first++;
        if (first === g.lsns.length) continue;
        const count = g.lsns.length - first;
        // The promotion that left these writes behind: the epoch after theirs in the
        // surviving history, or, for an epoch that never joined it, the final one.
        const by = k >= 0 && k + 1 < h.length ? facts.promotionOf(h[k + 1][0], h[k + 1][2]) : final;
        const lostAtUs = Math.max(by?.atUs ?? 0, g.atUs[first]);
        const lastAck = Math.max(...g.atUs.slice(first));
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
        const afterPromotion = by ? g.atUs.slice(first).filter((t) => t > by.atUs).length : 0;
        if (afterPromotion > 0) reasons.push(`${plural(afterPromotion, 'write')} ${afterPromotion === 1 ? 'was' : 'were'} acknowledged by ${g.node} after it had been replaced`);
        const discard = facts.discards.find((d) => d.node === g.node && d.atUs >= g.atUs[first]);
        if (discard) reasons.push(`${g.node} discarded its divergent entries when it rejoined at ${sec(discard.atUs)}`);
        // How it was replicated explains a failover's losses, not a restore's.
        const mode = by?.restoredFrom ? '' : modeOfFollowers(g.node);
        const lsnRange = count === 1 ? `lsn ${g.lsns[first]}` : `lsn ${g.lsns[first]} to ${g.lsns[g.lsns.length - 1]}`;
        out.push({
          kind: 'lost-write',
          atUs: lostAtUs,
          endUs: lastAck,
          nodes: by && by.node !== g.node ? [g.node, by.node] : [g.node],
          ops: g.ops.slice(first, first + MAX_OPS),
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
