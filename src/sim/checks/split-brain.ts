// split-brain: two nodes accepted writes as primary during overlapping intervals.
//
// A node is accepting while it is a primary (from its promotion, or the start, to its
// demotion) and not down, paused, fenced or without a lease. Where two nodes were accepting
// at the same time and both acknowledged writes in that overlap, there were two primaries:
// clients were told "saved" by two histories that diverge.

import type { Anomaly, Checker } from './checker';
import { MAX_OPS } from './checker';
import type { HistoryEntry, Mark } from '../kernel/component';
import type { WorldSpec } from '../spec';
import { Facts } from './facts';
import { plural, sec } from './words';
import { NumList, OpIds } from './compact';

/** How much later than the acceptance an acknowledgement may reach its client. */
const ACK_SLACK_US = 50_000;

export function splitBrain(spec: WorldSpec): Checker {
  const facts = new Facts(spec);
  /** Acknowledged writes per node: ack times and op ids (OpIds' codes), in time order (the history's order). */
  const acks = new Map<string, { atUs: NumList; ops: NumList }>();
  const ids = new OpIds();
  const fencing = spec.nodes.some((n) => n.kind === 'orchestrator' && n.fencing);

  return {
    kind: 'split-brain',

    feed(entries: readonly HistoryEntry[], marks: readonly Mark[]) {
      facts.feed(marks, 0);
      for (const e of entries) {
        if (e.type !== 'ok' || e.f !== 'write' || !e.node) continue;
        let a = acks.get(e.node);
        if (!a) acks.set(e.node, (a = { atUs: new NumList(), ops: new NumList() }));
        a.atUs.push(e.atUs);
        a.ops.push(ids.codeOf(e));
      }
    },

    anomalies(nowUs: number) {
      const out: Anomaly[] = [];
      // Only what was known by then: nodes that had acknowledged a write, spans begun.
      const nodes = [...acks.keys()].filter((n) => acks.get(n)!.atUs.at(0) <= nowUs);
      const spansOf = new Map(nodes.map((n) => [n, facts.acceptingSpans(n, nowUs)]));
      for (let i = 0; i < nodes.length; i++) {
        for (let j = i + 1; j < nodes.length; j++) {
          // Primaries of two separate groups (two clusters) are not two primaries of one.
          if (facts.groupOf(nodes[i]) !== facts.groupOf(nodes[j])) continue;
          for (const [a0, a1] of spansOf.get(nodes[i])!) {
            for (const [b0, b1] of spansOf.get(nodes[j])!) {
              const from = Math.max(a0, b0);
              const to = Math.min(a1, b1, nowUs);
              if (from >= to) continue;
              // Acknowledgements reach the client a little after the node accepted the write.
              const inside = (n: string) => {
                const a = acks.get(n)!;
                const lo = a.atUs.firstAfter(from);
                const hi = a.atUs.firstAfter(Math.min(to + ACK_SLACK_US, nowUs));
                return { n, times: a.atUs.slice(lo, hi), ops: a.ops.slice(lo, Math.min(hi, lo + MAX_OPS)) };
              };
              const x = inside(nodes[i]);
              const y = inside(nodes[j]);
              // Two histories diverge only where both told clients "saved": a node accepting
              // in the overlap that acknowledged nothing (cut off from every client) split nothing.
              if (x.times.length === 0 || y.times.length === 0) continue;
              const ta = facts.tenureStart(nodes[i], from) ?? a0;
              const tb = facts.tenureStart(nodes[j], from) ?? b0;
              const [older, newer] = ta <= tb ? [x, y] : [y, x];
              const newerStart = Math.max(ta, tb);
              const all = [...x.times, ...y.times];
              const startUs = Math.min(...all);
              const endUs = Math.max(...all);
              const why: string[] = [`${newer.n} became primary at ${sec(newerStart)} while ${older.n} still acted as one`];
              const happened = facts.whatHappened(older.n, newerStart);
              if (happened) why.push(happened);
              const part = facts.partitionBetween(older.n, newer.n, newerStart);
              if (part) why.push(`a partition separated ${older.n} from ${newer.n} from ${sec(part.startUs)}`);
              why.push(fencing ? `${older.n} was not fenced in time` : `nothing fenced ${older.n} (fencing is off)`);
              out.push({
                kind: 'split-brain',
                atUs: startUs,
                endUs,
                nodes: [older.n, newer.n],
                ops: [...older.ops.slice(0, MAX_OPS / 2), ...newer.ops.slice(0, MAX_OPS / 2)].map((op) => ids.text(op)),
                count: all.length,
                explanation:
                  `${older.n} and ${newer.n} were both primaries from ${sec(from)}${to < nowUs ? ` to ${sec(to)}` : ''}, and writes were acknowledged in that time ` +
                  `(${plural(older.times.length, 'write')} by ${older.n}, ${plural(newer.times.length, 'write')} by ${newer.n}): ${why.join('; ')}.`,
              });
            }
          }
        }
      }
      return out;
    },
  };
}
