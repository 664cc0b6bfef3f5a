// duplicate-effect: a job's effect applied twice (the check-then-act race).
//
// A job's effect is written under its own key, `cmd:<job id>`, once per job by design (a
// worker checks that it is not there, then inserts it). Two or more acknowledged writes of
// the same effect key mean the job's commands were generated more than once: every write
// after the first is a duplicate. Only the history is read: the writes, and the checks (reads
// of the same key) that let each duplicate through, which is what the explanation cites.
//
// An insert counts as a duplicate only if an earlier one is in the history it was written
// into: the epoch history of the primary that acknowledged it (the marks' promotions, as
// lost-write reads them). An insert acknowledged and then lost in a failover is not there: a
// daemon that takes the job again finds nothing, rightly, and its insert is the only effect
// the surviving data holds (lost-write reports the loss). A daemon that found nothing because
// it read a stale replica writes into the same history as the first insert: a duplicate.

import type { Checker } from './checker';
import { MAX_OPS } from './checker';
import type { HistoryEntry, Mark } from '../kernel/component';
import type { WorldSpec } from '../spec';
import { EFFECT_KEY_PREFIX } from '../components/worker';
import { Facts, type EpochStart } from './facts';
import { Episodes, episodeAnomaly, plural, sec } from './words';

/** Duplicates more than this apart are separate episodes. */
const GAP_US = 10_000_000;

interface Insert {
  op: string;
  client: string;
  node: string;
  atUs: number;
  /** Where the primary put it: absent when the answer did not say (then it is taken to stay). */
  epoch?: number;
  lsn?: number;
}

/** Whether `earlier` is in the epoch history `h` (epoch, first LSN, node of each epoch). */
function keptIn(earlier: Insert, h: readonly EpochStart[] | undefined, later: Insert): boolean {
  if (earlier.epoch === undefined || earlier.lsn === undefined || later.epoch === undefined) return true;
  if (earlier.epoch === later.epoch && earlier.node === later.node) return true;
  // No promotion began the later insert's epoch (the first primary's): nothing to judge by.
  if (!h) return true;
  const k = h.findIndex((x) => x[0] === earlier.epoch && x[2] === earlier.node);
  if (k < 0) return false;
  return k + 1 >= h.length || earlier.lsn < h[k + 1][1];
}

export function duplicateEffect(spec: WorldSpec): Checker {
  const facts = new Facts(spec);
  const inserts = new Map<string, Insert[]>();
  /** The latest check (read) of each effect key by each writer: key|client -> [invoked at, found nothing]. */
  const checks = new Map<string, [number, boolean]>();
  const episodes = new Episodes(GAP_US, MAX_OPS);

  return {
    kind: 'duplicate-effect',

    feed(entries: readonly HistoryEntry[], marks: readonly Mark[]) {
      facts.feed(marks, 0);
      for (const e of entries) {
        if (e.type !== 'ok' || !e.key.startsWith(EFFECT_KEY_PREFIX)) continue;
        if (e.f === 'read') {
          checks.set(`${e.key}|${e.client}`, [e.invokedUs ?? e.atUs, e.value === null]);
          continue;
        }
        let list = inserts.get(e.key);
        if (!list) inserts.set(e.key, (list = []));
        const ins: Insert = { op: e.op, client: e.client, node: e.node ?? '?', atUs: e.atUs, epoch: e.epoch, lsn: e.lsn };
        list.push(ins);
        if (list.length < 2) continue;
        const h = ins.epoch === undefined ? undefined : facts.promotionOf(ins.epoch, ins.node, e.atUs)?.epochs;
        const first = list.find((x) => x !== ins && keptIn(x, h, ins));
        if (!first) continue;
        const ep = episodes.add(e.client, e.atUs, e.op, [e.client, ins.node], {});
        if (ep.count > 1) continue;
        const check = checks.get(`${e.key}|${e.client}`);
        const job = e.key.slice(EFFECT_KEY_PREFIX.length);
        const checked = check && check[1]
          ? `${e.op.split('#')[0]} had checked at ${sec(check[0])} and found no command, ${check[0] < first.atUs ? `because ${first.op}'s insert was not acknowledged yet` : 'yet inserted one anyway'}`
          : `${e.op.split('#')[0]} inserted without seeing the first one`;
        ep.info.example =
          `job ${job}'s commands (${e.key}) were inserted by ${first.op} at ${sec(first.atUs)} and again by ${e.op} at ${sec(e.atUs)}; ${checked}`;
      }
    },

    anomalies(nowUs: number) {
      return episodes.asOf(nowUs).map((ep) =>
        episodeAnomaly(
          'duplicate-effect',
          ep,
          `${plural(ep.count, 'job effect')} applied a second time (or more) by ${ep.nodes[0]} from ${sec(ep.startUs)} to ${sec(ep.endUs)}. ` +
            `For example, ${ep.info.example as string}. The "already generated?" check and the insert are not one atomic step, and a job is not claimed while it is worked on: ` +
            'daemons that take the same job all find nothing, and each generates it (a check-then-act race).',
        ),
      );
    },
  };
}
