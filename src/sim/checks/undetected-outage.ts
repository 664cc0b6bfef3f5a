// undetected-outage: a period where clients saw failures and no alert was firing.
//
// Client failures (requests that failed or writes that were refused) closer than OUTAGE_GAP_US
// make one outage; the parts of it with no alert firing anywhere are undetected. Blips
// shorter than MIN_US (a failover that heals itself in seconds) are not counted as outages.

import type { Anomaly, Checker } from './checker';
import { MAX_OPS } from './checker';
import type { HistoryEntry, Mark } from '../kernel/component';
import type { MonitorSpec, WorldSpec } from '../spec';
import { Facts } from './facts';
import { countUpTo, list, plural, sec } from './words';

/** Client failures closer than this belong to one outage (the report's alerting metrics group them alike). */
export const OUTAGE_GAP_US = 5_000_000;
export const UNDETECTED_MIN_US = 30_000_000;

interface Outage {
  startUs: number;
  endUs: number;
  failures: number[];
  ops: string[];
  clients: string[];
  /** For each of `clients`, how many failures there were when it joined. */
  clientSince: number[];
}

export function undetectedOutage(spec: WorldSpec): Checker {
  const facts = new Facts(spec);
  const outages: Outage[] = [];
  const monitors = spec.nodes.filter((n): n is MonitorSpec => n.kind === 'monitor');

  /** Spans during which at least one alert was firing. */
  function alerting(nowUs: number): [number, number][] {
    const open = new Map<string, number>();
    const spans: [number, number][] = [];
    for (const a of facts.alerts) {
      if (a.atUs > nowUs) break;
      const key = `${a.rule}|${a.node}`;
      if (a.state === 'firing' && !open.has(key)) open.set(key, a.atUs);
      else if (a.state === 'resolved' && open.has(key)) {
        spans.push([open.get(key)!, a.atUs]);
        open.delete(key);
      }
    }
    for (const start of open.values()) spans.push([start, nowUs]);
    return spans;
  }

  return {
    kind: 'undetected-outage',

    feed(entries: readonly HistoryEntry[], marks: readonly Mark[]) {
      facts.feed(marks, 0);
      for (const e of entries) {
        if (e.type === 'invoke' || e.type === 'ok') continue;
        let o = outages[outages.length - 1];
        if (!o || e.atUs - o.endUs > OUTAGE_GAP_US) outages.push((o = { startUs: e.atUs, endUs: e.atUs, failures: [], ops: [], clients: [], clientSince: [] }));
        o.endUs = e.atUs;
        o.failures.push(e.atUs);
        if (o.ops.length < MAX_OPS) o.ops.push(e.op);
        if (!o.clients.includes(e.client)) {
          o.clients.push(e.client);
          o.clientSince.push(o.failures.length);
        }
      }
    },

    anomalies(nowUs: number) {
      const spans = alerting(nowUs);
      const out: Anomaly[] = [];
      for (const whole of outages) {
        if (whole.startUs > nowUs) break;
        const o = outageAsOf(whole, nowUs);
        // Cut the outage by the alert spans; what remains went unnoticed.
        let pieces: [number, number][] = [[o.startUs, o.endUs]];
        for (const [a, b] of spans) {
          pieces = pieces.flatMap(([s, e]): [number, number][] => (b <= s || a >= e ? [[s, e]] : ([[s, a], [b, e]] as [number, number][]).filter(([x, y]) => y > x)));
        }
        for (const [s, e] of pieces) {
          if (e - s < UNDETECTED_MIN_US) continue;
          // Failures are in time order, and none after `nowUs` lies inside a piece.
          const n = countUpTo(o.failures, e) - countUpTo(o.failures, s - 1);
          const watching = monitors.length
            ? `the monitor${monitors.length > 1 ? 's' : ''} watch${monitors.length > 1 ? '' : 'es'} ${list([...new Set(monitors.flatMap((m) => m.rules.map((r) => r.name ?? r.metric)))])}, and none of that was alerting then`
            : 'no monitor watches this system';
          out.push({
            kind: 'undetected-outage',
            atUs: s,
            endUs: e,
            nodes: o.clients,
            ops: o.ops,
            count: n,
            explanation: `From ${sec(s)} to ${sec(e)} ${list(o.clients)} saw ${plural(n, 'failed request')} and no alert was firing: ${watching}.`,
          });
        }
      }
      return out;
    },
  };
}

/** An outage as it stood at `nowUs`, by the failures seen by then (`failures` still lists all). */
function outageAsOf(o: Outage, nowUs: number): Outage {
  if (o.endUs <= nowUs) return o;
  const n = countUpTo(o.failures, nowUs);
  const keep = o.clientSince.map((since) => since <= n);
  return {
    startUs: o.startUs,
    endUs: o.failures[n - 1],
    failures: o.failures,
    ops: o.ops.slice(0, n),
    clients: o.clients.filter((_, k) => keep[k]),
    clientSince: o.clientSince.filter((_, k) => keep[k]),
  };
}
