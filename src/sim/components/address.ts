// Where a database request goes, for the components that send them besides clients (a cache's
// backend, a worker's target): the same rules as a client's (client.ts), kept here so each
// of those components does not grow its own copy.
//
// - `node:<id>` or a database id: that node.
// - An endpoint: resolved out of band (a DNS lookup) and cached for the endpoint's `ttlMs`.
// - A balancer: asked out of band for every request, since it picks a target each time.
// - Anything else (a cache): that node, which answers the request protocol itself.

import type { Ctx } from '../kernel/component';
import { ENDPOINT_DEFAULTS } from './endpoint';

/** Cached endpoint answers: endpoint id -> [node id or '', valid until µs]. Plain data, kept in `v`. */
export type DnsCache = Record<string, [string, number]>;

/** The node a request for `target` goes to now, or null when the name resolves to nothing. */
export function resolveAddress(ctx: Pick<Ctx, 'nowUs' | 'nodeSpec' | 'query'>, target: string, dns: DnsCache): string | null {
  const name = target.startsWith('node:') ? target.slice(5) : target;
  const s = ctx.nodeSpec(name);
  if (!s) return null;
  if (s.kind === 'balancer') {
    const answer = ctx.query(name, 'resolve');
    return typeof answer === 'string' && answer !== '' ? answer : null;
  }
  if (s.kind !== 'endpoint') return name;
  const cached = dns[name];
  if (cached && cached[1] > ctx.nowUs) return cached[0] || null;
  const answer = ctx.query(name, 'resolve');
  const node = typeof answer === 'string' ? answer : '';
  const ttlUs = Math.round((s.ttlMs ?? ENDPOINT_DEFAULTS.ttlMs) * 1000);
  dns[name] = [node, ctx.nowUs + ttlUs];
  return node || null;
}
