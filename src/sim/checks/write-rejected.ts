// write-rejected: a write refused by the node it reached. The signature of an app pointed
// at a node that is no longer the primary (read-only), or of fencing doing its job on a
// deposed primary (fenced, no lease).

import type { Checker } from './checker';
import { MAX_OPS } from './checker';
import type { HistoryEntry, Mark } from '../kernel/component';
import type { ClientSpec, EndpointSpec, WorldSpec } from '../spec';
import { Facts } from './facts';
import { Episodes, episodeAnomaly, plural, sec } from './words';
import { NumList } from './compact';

/** Refusals more than this apart are separate episodes. */
const GAP_US = 10_000_000;

export const REJECTIONS = new Set(['read-only', 'fenced', 'no-lease']);

export function writeRejected(spec: WorldSpec): Checker {
  const facts = new Facts(spec);
  const episodes = new Episodes(GAP_US, MAX_OPS);
  /** Reads that succeeded, per client: the "it looked healthy" half of the story. */
  const readsOk = new Map<string, NumList>();

  function configured(client: string): string {
    const c = spec.nodes.find((n) => n.id === client) as ClientSpec | undefined;
    return c?.target ?? '?';
  }

  return {
    kind: 'write-rejected',

    feed(entries: readonly HistoryEntry[], marks: readonly Mark[]) {
      facts.feed(marks, 0);
      for (const e of entries) {
        if (e.type === 'ok' && e.f === 'read') {
          let r = readsOk.get(e.client);
          if (!r) readsOk.set(e.client, (r = new NumList()));
          r.push(e.atUs);
          continue;
        }
        if (e.type !== 'fail' || e.f !== 'write' || !REJECTIONS.has(e.error ?? '')) continue;
        const node = e.node ?? '?';
        episodes.add(`${e.client}|${node}|${e.error}`, e.atUs, e.op, [e.client, node], { client: e.client, node, error: e.error });
      }
    },

    anomalies(nowUs: number) {
      return episodes.asOf(nowUs).map((ep) => {
        const { client, node, error } = ep.info as { client: string; node: string; error: string };
        const r = readsOk.get(client);
        const reads = r ? r.firstAfter(ep.endUs) - r.firstAfter(ep.startUs - 1) : 0;
        const target = configured(client);
        const repointed = facts.repoints.filter((r) => r.node === client && r.atUs <= ep.startUs).pop();
        const via = repointed ? repointed.to : target;
        let why: string;
        if (error === 'read-only') {
          const became = facts.failovers.filter((f) => f.from === node && f.atUs <= ep.startUs).pop();
          const endpoint = spec.nodes.find((n): n is EndpointSpec => n.id === via && n.kind === 'endpoint');
          const pinned = via.startsWith('node:') || spec.nodes.some((n) => n.id === via && n.kind === 'database');
          why =
            `${node} is no longer the primary${became ? ` (${became.to} replaced it at ${sec(became.atUs)})` : ''} and refuses writes as a read-only replica. ` +
            (pinned
              ? `${client} is configured with ${via}, an address that never moves, so it keeps writing to the old primary.`
              : endpoint?.resolvesTo.startsWith('node:')
                ? `${client} is configured with ${via}, a node endpoint (${endpoint.resolvesTo}) that never moves, so it keeps writing to the old primary.`
                : `${client} still had ${node} as the answer for ${via} (cached, or the record had not moved yet).`);
        } else if (error === 'fenced') {
          why = `${node} had been fenced (a newer primary replaced it), so it refuses writes: fencing doing its job, but ${client} had not yet learned where the primary went.`;
        } else {
          why = `${node}'s lease had expired: it could not hear the orchestrator, so it stopped accepting writes on its own.`;
        }
        return episodeAnomaly('write-rejected', ep,
            `${plural(ep.count, 'write')} from ${client} to ${node} were refused (${error}) from ${sec(ep.startUs)} to ${sec(ep.endUs)}. ${why}` +
            (reads > 0 ? ` Meanwhile ${plural(reads, 'read')} of ${client} succeeded, so it could look healthy.` : ''));
      });
    },
  };
}
