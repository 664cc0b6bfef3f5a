// request-failed: a request timed out or errored (node down, paused, cut off, overloaded,
// nothing to resolve), named with its most likely cause from what the marks say happened
// to the node it was sent to at the time (for a request through a cache that timed out, to
// the database behind the cache).

import type { Checker } from './checker';
import { MAX_OPS } from './checker';
import type { HistoryEntry, Mark } from '../kernel/component';
import type { NodeSpec, WorldSpec } from '../spec';
import { Facts } from './facts';
import { REJECTIONS } from './write-rejected';
import { Episodes, episodeAnomaly, plural, sec } from './words';

/** Failures more than this apart are separate episodes. */
const GAP_US = 10_000_000;

export function requestFailed(spec: WorldSpec): Checker {
  const facts = new Facts(spec);
  const episodes = new Episodes(GAP_US, MAX_OPS);
  const specs = new Map<string, NodeSpec>(spec.nodes.map((n) => [n.id, n]));

  /**
   * The database a cache was waiting on when a request through it timed out: its backend, when
   * that is one node at a time (a database, or an endpoint, followed through the marks).
   */
  function behindCache(node: string, atUs: number): string | undefined {
    const s = specs.get(node);
    if (s?.kind !== 'cache') return undefined;
    const b = s.backend.startsWith('node:') ? s.backend.slice(5) : s.backend;
    const bs = specs.get(b);
    if (bs?.kind === 'database') return b;
    if (bs?.kind !== 'endpoint') return undefined; // a balancer spreads over several
    if (bs.resolvesTo.startsWith('node:')) return bs.resolvesTo.slice(5);
    let best: { node: string; startUs: number } | undefined;
    for (const span of facts.primarySpans()) {
      if (span.startUs > atUs || atUs >= span.endUs || (bs.databases && !bs.databases.includes(span.node))) continue;
      if (!best || span.startUs >= best.startUs) best = span;
    }
    return best?.node;
  }

  function cause(e: HistoryEntry, startUs: number): string {
    const node = e.node;
    // Named in the order a learner would look: the node gone, frozen, cut off, swamped.
    if (e.error === 'unresolved') return 'its target resolved to no node';
    if (e.error === 'too-many-in-flight') return 'too many requests were already waiting';
    if (e.error === 'pool-timeout') {
      // The request never reached the database: every connection was held by others.
      const busy = node ? facts.overloadAt(node, startUs) : undefined;
      return `the connection pool was exhausted (no connection freed up in time)${busy ? `; ${node} was overloaded by ${busy.cause}` : ''}`;
    }
    if (e.error === 'too-many-connections') return `${node} refused the connection: it had no connections left`;
    if (!node) return e.error ?? 'error';
    // What held while the request waited: at its start, or by the time it gave up.
    const down = facts.downSince(node, startUs) ?? facts.downSince(node, e.atUs - 1);
    if (down !== undefined) return `${node} was down (crashed at ${sec(down)})`;
    const paused = facts.pausedSince(node, startUs) ?? facts.pausedSince(node, e.atUs - 1);
    if (paused !== undefined) return `${node} was frozen (paused at ${sec(paused)})`;
    const part = facts.partitionBetween(e.client, node, startUs) ?? facts.partitionBetween(e.client, node, e.atUs - 1);
    if (part) return `a partition separated ${e.client} from ${node}`;
    // A cache that did not answer in time was itself waiting on its backend: say why that was slow.
    const backend = e.error === 'timeout' ? behindCache(node, startUs) : undefined;
    if (backend) return `${node} was waiting on ${backend}: ${cause({ ...e, client: node, node: backend }, startUs)}`;
    const busy = facts.overloadAt(node, startUs) ?? facts.overloadAt(node, e.atUs - 1);
    if (busy) return `${facts.wasPrimary(node, startUs) ? 'the primary ' : ''}${node} was overloaded by ${busy.cause}`;
    if (e.error === 'timeout') return `${node} did not answer in time`;
    return `${node} answered with an error (${e.error})`;
  }

  return {
    kind: 'request-failed',

    feed(entries: readonly HistoryEntry[], marks: readonly Mark[]) {
      facts.feed(marks, 0);
      for (const e of entries) {
        if (e.type === 'invoke') continue;
        const startUs = e.invokedUs ?? e.atUs;
        if (e.type === 'ok' || (e.f === 'write' && REJECTIONS.has(e.error ?? ''))) continue;
        const c = cause(e, startUs);
        const nodes = e.node ? [e.client, e.node] : [e.client];
        episodes.add(`${e.client}|${c}`, e.atUs, e.op, nodes, { client: e.client, cause: c, outcome: e.type });
      }
    },

    anomalies(nowUs: number) {
      return episodes.asOf(nowUs).map((ep) => {
        const { client, cause: c } = ep.info as { client: string; cause: string };
        return episodeAnomaly('request-failed', ep, `${plural(ep.count, 'request')} from ${client} failed from ${sec(ep.startUs)} to ${sec(ep.endUs)}: ${c}.`);
      });
    },
  };
}
