// A load balancer for reads: it spreads requests over database replicas by health.
//
// Clients (and caches, workers) resolve it like an endpoint, out of band, but for every
// request rather than once per TTL: each lookup gets the next healthy attached target, round
// robin, in the order they were attached. When no attached target is healthy it fails open
// and routes to all of them (as most load balancers do: an error from a sick replica beats
// refusing everything).
//
// Health comes from checks over the network: every `healthCheckMs` a ping to each attached
// target, which the database answers through its serving queue like any request. So a
// saturated replica answers late, and a check answered later than `checkTimeoutMs` (or not
// at all) has failed. After `unhealthyAfter` failed checks in a row the target is taken out
// of rotation; after `healthyAfter` good ones it is put back. Pongs carry no check number:
// they are matched to pings in order, which is exact because a link delivers in order and a
// database serves in arrival order; a ping unanswered for LOST_AFTER_CHECKS intervals is
// taken as lost (so a crash or a partition does not skew the matching for long).
//
// The attached targets are its configuration and are persisted; health is in memory (a
// restarted balancer trusts every target until checks say otherwise).

import type { Component, Ctx, Message } from '../kernel/component';
import type { BalancerSpec } from '../spec';
import type { BalancerDetail } from '../views';
import { BALANCER_PARAMS } from '../params/balancer';
import { defaultsOf } from '../params/param';

export const BALANCER_DEFAULTS = defaultsOf(BALANCER_PARAMS);

const PING_BYTES = 60;
/** Checks in flight per target, at most: a target that answers nothing gets no more pings piled on it. */
const MAX_OUTSTANDING = 10;
/** A ping still unanswered after this many check intervals is taken as lost. */
const LOST_AFTER_CHECKS = 10;

interface Health {
  healthy: boolean;
  /** Consecutive failed, and good, checks. */
  fails: number;
  oks: number;
  /** Pings in flight, oldest first: [sent at µs, already judged failed (1) or not (0)]. */
  outstanding: [number, number][];
  /** Round trip of the last check answered, ms. */
  lastRttMs: number;
}

export interface BalancerPersisted {
  attached: string[];
}

export interface BalancerVolatile {
  health: Record<string, Health>;
  /** Lookups answered: the round-robin position. */
  rr: number;
  routed: Record<string, number>;
}

interface Balancer {
  spec: BalancerSpec;
  persisted: BalancerPersisted;
  volatile: BalancerVolatile;
  timer: { name: 'check' };
  inbox: 'pong' | 'scrape';
  detail: BalancerDetail;
}

type C = Ctx<Balancer>;
type V = BalancerVolatile;


function intervalUs(ctx: Pick<C, 'spec'>): number {
  return Math.round((ctx.spec.healthCheckMs ?? BALANCER_DEFAULTS.healthCheckMs) * 1000);
}

function timeoutUs(ctx: Pick<C, 'spec'>): number {
  const s = ctx.spec;
  return Math.round((s.checkTimeoutMs ?? s.healthCheckMs ?? BALANCER_DEFAULTS.healthCheckMs) * 1000);
}

function freshHealth(): Health {
  return { healthy: true, fails: 0, oks: 0, outstanding: [], lastRttMs: 0 };
}

function fresh(ctx: C): V {
  const health: Record<string, Health> = {};
  for (const t of ctx.p.attached) health[t] = freshHealth();
  return { health, rr: 0, routed: {} };
}

function judge(ctx: C, target: string, good: boolean): void {
  const h = ctx.v.health[target];
  if (!h) return;
  const s = ctx.spec;
  if (good) {
    h.oks++;
    h.fails = 0;
    if (!h.healthy && h.oks >= (s.healthyAfter ?? BALANCER_DEFAULTS.healthyAfter)) {
      h.healthy = true;
      ctx.log(`${target} passes its health checks again: back in rotation`);
      ctx.mark('target-healthy', { target });
    }
  } else {
    h.fails++;
    h.oks = 0;
    if (h.healthy && h.fails >= (s.unhealthyAfter ?? BALANCER_DEFAULTS.unhealthyAfter)) {
      h.healthy = false;
      ctx.log(`${target} failed ${h.fails} health checks in a row (last answer took ${h.lastRttMs.toFixed(0)} ms): out of rotation`);
      ctx.mark('target-unhealthy', { target, fails: h.fails });
    }
  }
}

function check(ctx: C): void {
  const v = ctx.v;
  const timeout = timeoutUs(ctx);
  const lostUs = LOST_AFTER_CHECKS * Math.max(intervalUs(ctx), timeout);
  for (const target of ctx.p.attached) {
    const h = v.health[target] ?? (v.health[target] = freshHealth());
    for (const o of h.outstanding) {
      if (o[1] === 0 && ctx.nowUs - o[0] > timeout) {
        o[1] = 1;
        judge(ctx, target, false);
      }
    }
    while (h.outstanding.length > 0 && ctx.nowUs - h.outstanding[0][0] > lostUs) h.outstanding.shift();
    if (h.outstanding.length < MAX_OUTSTANDING) {
      ctx.send(target, 'ping', {}, PING_BYTES);
      h.outstanding.push([ctx.nowUs, 0]);
    }
  }
  ctx.setTimer(intervalUs(ctx), { name: 'check' });
}

function onPong(ctx: C, msg: Message<'pong'>): void {
  const target = ctx.nodeId(msg.from);
  const h = ctx.v.health[target];
  const o = h?.outstanding.shift();
  if (!h || !o) return;
  h.lastRttMs = (ctx.nowUs - o[0]) / 1000;
  if (o[1] === 0) judge(ctx, target, ctx.nowUs - o[0] <= timeoutUs(ctx));
}

/** The target for the next request: round robin over the healthy ones (all, if none is). */
function pick(ctx: C): string {
  const v = ctx.v;
  const attached = ctx.p.attached;
  let pool = attached.filter((t) => v.health[t]?.healthy !== false);
  if (pool.length === 0) pool = attached;
  if (pool.length === 0) return '';
  const t = pool[v.rr++ % pool.length];
  v.routed[t] = (v.routed[t] ?? 0) + 1;
  return t;
}

function sample(ctx: C): Record<string, number> {
  const v = ctx.v;
  const attached = ctx.p.attached;
  return { up: 1, attached: attached.length, healthy: attached.filter((t) => v.health[t]?.healthy !== false).length };
}

export const balancer: Component<Balancer> = {
  kind: 'balancer',

  init(ctx) {
    ctx.p = { attached: ctx.spec.targets.slice() };
    ctx.v = fresh(ctx);
    ctx.setTimer(intervalUs(ctx), { name: 'check' });
    return { p: ctx.p, v: ctx.v };
  },

  recover(ctx) {
    ctx.v = fresh(ctx);
    ctx.setTimer(intervalUs(ctx), { name: 'check' });
    return ctx.v;
  },

  onMessage(ctx, msg) {
    if (msg.type === 'pong') onPong(ctx, msg);
    else if (msg.type === 'scrape') ctx.send(msg.from, 'metrics', { values: sample(ctx) }, 200);
  },

  onTimer(ctx, timer) {
    if (timer.name === 'check') check(ctx);
  },

  onCommand(ctx, cmd) {
    const p = ctx.p;
    switch (cmd.verb) {
      case 'attach': {
        const node = cmd.node;
        if (ctx.nodeSpec(node)?.kind !== 'database') return `'${node}' is not a database`;
        if (p.attached.includes(node)) return undefined;
        p.attached.push(node);
        ctx.v.health[node] = freshHealth();
        ctx.log(`${node} attached: reads are routed to it from now on`);
        ctx.mark('attached', { target: node });
        return undefined;
      }
      case 'detach': {
        const node = cmd.node;
        if (!p.attached.includes(node)) return `${node} is not attached`;
        p.attached = p.attached.filter((t) => t !== node);
        ctx.log(`${node} detached`);
        ctx.mark('detached', { target: node });
        return undefined;
      }
    }
    return `a balancer does not take '${cmd.verb}'`;
  },

  queries: {
    resolve: (ctx) => pick(ctx),
    attached: (ctx) => ctx.p.attached.slice(),
  },

  sample,

  view(ctx) {
    const p = ctx.p;
    const v = ctx.v;
    const healthy = p.attached.filter((t) => v?.health[t]?.healthy !== false);
    return {
      summary: `${healthy.length}/${p.attached.length} targets healthy`,
      detail: {
        targets: p.attached.slice(),
        healthy,
        routed: v ? { ...v.routed } : {},
        rttMs: v ? Object.fromEntries(p.attached.map((t) => [t, v.health[t]?.lastRttMs ?? 0])) : {},
      },
    };
  },
};
