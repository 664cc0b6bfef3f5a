// stale-read: a read returned data older than a write that had been acknowledged before
// the read began.
//
// "Older" by real-time order alone, as a client could tell: the read returned value V
// (values are unique, so V names the write that produced it) although some write W to the
// same key had been acknowledged before the read began, and V's write had been
// acknowledged before W was even sent. Or the read found nothing although a write had been
// acknowledged. Writes whose outcome is unknown prove nothing, so they never make a read stale.
// A key is one key of one system: two replication groups each have their own k1 (a read
// from one says nothing about a write to the other), so writes are kept by the group of the
// node that acknowledged them, and a read is held to those of the group that served it.

import type { Checker } from './checker';
import { MAX_OPS } from './checker';
import type { HistoryEntry, Mark } from '../kernel/component';
import type { WorldSpec } from '../spec';
import { Facts } from './facts';
import { Episodes, episodeAnomaly, plural, sec } from './words';
import { NumList, NumberIndex, OpIds } from './compact';

/** Reads more than this apart are separate episodes. */
const GAP_US = 5_000_000;

interface KeyWrites {
  /** Acknowledged writes in acknowledgement order, with the running max of their invocation times. */
  ackUs: number[];
  maxInvokeUs: number[];
  /** Each one's place in the run's list of acknowledged writes. */
  writes: number[];
}

export function staleRead(spec: WorldSpec): Checker {
  // Per acknowledged write, in order: ack time, op id and node (numbers and shared strings,
  // not an object or a string of its own: a busy run acknowledges hundreds of thousands).
  const writeAckUs = new NumList();
  const writeOps = new NumList();
  const writeNodes = new NumList();
  const nodeNames: string[] = [];
  const nodeCodes = new Map<string, number>();
  /** Each write's place by its value (values are unique). */
  const writeOf = new NumberIndex();
  const ids = new OpIds();
  /**
   * Per replication group (by the group's name; '' for all in a world of one), per key.
   * Two lookups of strings the history interned, whose hashes are kept: a key made of the
   * group's name and the key's, per entry, was a fresh string hashed for every lookup, and
   * a third of the whole summary of a ten-cluster world.
   */
  const byGroup = new Map<string, Map<string, KeyWrites>>();
  const episodes = new Episodes(GAP_US, MAX_OPS);
  const facts = new Facts(spec);
  /** With one replication group (most worlds), a key needs no group. */
  const several = facts.groupCount() > 1;

  /** The latest-invoked write to `key` acknowledged before `beforeUs`: its index, or -1. */
  function witness(k: KeyWrites, beforeUs: number): number {
    let hi = k.ackUs.length;
    // Usually the latest acknowledged write was acknowledged before the read began.
    if (hi > 0 && k.ackUs[hi - 1] < beforeUs) return hi - 1;
    let lo = 0;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (k.ackUs[mid] < beforeUs) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  return {
    kind: 'stale-read',

    feed(entries: readonly HistoryEntry[], marks: readonly Mark[]) {
      facts.feed(marks, 0);
      for (const e of entries) {
        if (e.type !== 'ok') continue;
        const startUs = e.invokedUs ?? e.atUs;
        const group = several ? facts.dataGroupOf(e.node ?? '') : '';
        let keys = byGroup.get(group);
        if (!keys) byGroup.set(group, (keys = new Map()));
        if (e.f === 'write') {
          let k = keys.get(e.key);
          if (!k) keys.set(e.key, (k = { ackUs: [], maxInvokeUs: [], writes: [] }));
          const w = writeAckUs.length;
          if (e.value !== null) writeOf.set(e.value, w);
          writeAckUs.push(e.atUs);
          writeOps.push(ids.codeOf(e));
          const node = e.node ?? '?';
          let nodeCode = nodeCodes.get(node);
          if (nodeCode === undefined) {
            nodeCode = nodeNames.push(node) - 1;
            nodeCodes.set(node, nodeCode);
          }
          writeNodes.push(nodeCode);
          const prev = k.maxInvokeUs.length ? k.maxInvokeUs[k.maxInvokeUs.length - 1] : -Infinity;
          k.ackUs.push(e.atUs);
          k.maxInvokeUs.push(Math.max(prev, startUs));
          k.writes.push(w);
          continue;
        }
        const k = keys.get(e.key);
        if (!k) continue;
        const w = witness(k, startUs);
        if (w < 0) continue;
        const seen = e.value === null ? -1 : writeOf.get(e.value);
        // Stale if nothing was read, or what was read was acknowledged before a newer write was sent.
        const stale = e.value === null ? true : seen >= 0 && writeAckUs.at(seen) < k.maxInvokeUs[w];
        if (!stale) continue;
        const node = e.node ?? '?';
        const primary = facts.wasPrimary(node, startUs);
        const ep = episodes.add(`${node}|${primary}`, e.atUs, e.op, [node], { primary });
        if (ep.count === 1) {
          ep.info.example =
            `${e.op} read ${e.key} at ${sec(startUs)} and got ${seen >= 0 ? `the value of ${ids.text(writeOps.at(seen))}` : 'nothing'}, ` +
            `though ${ids.text(writeOps.at(k.writes[w]))}'s newer write to ${e.key} had been acknowledged by ${nodeNames[writeNodes.at(k.writes[w])]} by then`;
          ep.info.writer = nodeNames[writeNodes.at(k.writes[w])];
        }
      }
    },

    anomalies(nowUs: number) {
      return episodes.asOf(nowUs).map((ep) => {
        const node = ep.nodes[0];
        const { primary, writer } = ep.info as { primary: boolean; writer: string };
        const why = spec.nodes.find((n) => n.id === node)?.kind === 'cache'
          ? ` ${node} is a cache: it serves the copy it stored until its TTL runs out (or longer, serving stale), and a write that does not go through it does not drop that copy.`
          : primary
            ? writer !== node
              ? ` ${node} was the primary, but the newer writes had been acknowledged by ${writer} and never reached ${node}.`
              : ''
            : ` ${node} was a replica: it applies the primary's log some time after the primary acknowledged the write.`;
        return episodeAnomaly('stale-read', ep,
            `${plural(ep.count, 'read')} served by ${node} from ${sec(ep.startUs)} to ${sec(ep.endUs)} returned data older than writes already acknowledged when they began. ` +
            `For example, ${ep.info.example as string}.${why}`);
      });
    },
  };
}
