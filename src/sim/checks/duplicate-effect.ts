// duplicate-effect: a job's effect applied twice (the check-then-act race).
//
// A job's effect is written under its own key, `cmd:<job id>`, once per job by design (a
// worker checks that it is not there, then inserts it). Two or more acknowledged writes of
// the same effect key mean the job's commands were generated more than once: every write
// after the first is a duplicate. Only the history is read: the writes, and the checks (reads
// of the same key) that let each duplicate through, which is what the explanation cites.

import type { Checker } from './checker';
import { MAX_OPS } from './checker';
import type { HistoryEntry, Mark } from '../kernel/component';
import type { WorldSpec } from '../spec';
import { EFFECT_KEY_PREFIX } from '../components/worker';
import { Episodes, episodeAnomaly, plural, sec } from './words';

/** Duplicates more than this apart are separate episodes. */
const GAP_US = 10_000_000;

interface Insert {
  op: string;
  client: string;
  node: string;
  atUs: number;
}

export function duplicateEffect(_spec: WorldSpec): Checker {
  const inserts = new Map<string, Insert[]>();
  /** The latest check (read) of each effect key by each writer: key|client -> [invoked at, found nothing]. */
  const checks = new Map<string, [number, boolean]>();
  const episodes = new Episodes(GAP_US, MAX_OPS);

  return {
    kind: 'duplicate-effect',

    feed(entries: readonly HistoryEntry[], _marks: readonly Mark[]) {
      for (const e of entries) {
        if (e.type !== 'ok' || !e.key.startsWith(EFFECT_KEY_PREFIX)) continue;
        if (e.f === 'read') {
          checks.set(`${e.key}|${e.client}`, [e.invokedUs ?? e.atUs, e.value === null]);
          continue;
        }
        let list = inserts.get(e.key);
        if (!list) inserts.set(e.key, (list = []));
        const ins: Insert = { op: e.op, client: e.client, node: e.node ?? '?', atUs: e.atUs };
        list.push(ins);
        if (list.length < 2) continue;
        const first = list[0];
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
