// A name clients resolve to reach a database: a role endpoint (`role:primary`, a DNS name
// that follows whoever is primary) or a node endpoint (`node:<id>`, always the same
// machine). It is a record, not a process on the network: clients look it up out of band
// and cache the answer for `ttlMs`, which is how a stale answer outlives a failover.
//
// A role endpoint learns of a new primary when that primary claims it (as a managed
// service or a leader's agent updates DNS), and the record changes `updateDelayMs` later.
// It follows the primary of its own group of databases (`databases`, default all of them),
// so two clusters in one world each keep their own endpoint.

import type { Component, Ctx, DownCtx } from '../kernel/component';
import type { EndpointSpec } from '../spec';
import type { EndpointDetail } from '../views';
import { ENDPOINT_PARAMS } from '../params/endpoint';
import { defaultsOf } from '../params/param';

export const ENDPOINT_DEFAULTS = defaultsOf(ENDPOINT_PARAMS);

export interface EndpointPersisted {
  resolvesTo: string;
  /** The node the name resolves to now ('' for none). */
  record: string;
  version: number;
  /** The epoch of the newest claim applied: an older one arriving late never replaces it. */
  claimEpoch: number;
}

/** A claim waits `updateDelayMs` before the record changes. */
type EndpointTimer = { name: 'claim'; data: { node: string; epoch: number } };

interface Endpoint {
  spec: EndpointSpec;
  persisted: EndpointPersisted;
  volatile: Record<string, never>;
  timer: EndpointTimer;
  inbox: never;
  detail: EndpointDetail;
}

type C = Ctx<Endpoint>;
/** Code that also runs while the name's server is down (a repoint). */
type DC = DownCtx<Endpoint>;


/** The databases whose primary this endpoint follows. */
function group(ctx: DC): readonly string[] {
  return ctx.spec.databases ?? ctx.nodesOfKind('database');
}

/** The record a configuration resolves to at the start. */
function initialRecord(ctx: C, resolvesTo: string): string {
  if (resolvesTo.startsWith('node:')) return resolvesTo.slice(5);
  for (const id of group(ctx)) {
    const s = ctx.nodeSpec(id);
    if (s?.kind === 'database' && s.role === 'primary') return id;
  }
  return '';
}

function setRecord(ctx: DC, node: string): void {
  const p = ctx.p;
  if (p.record === node) return;
  p.record = node;
  p.version++;
  ctx.log(`now resolves to ${node || 'nothing'}`);
  ctx.mark('endpoint', { to: node });
}

export const endpoint: Component<Endpoint> = {
  kind: 'endpoint',

  init(ctx) {
    const resolvesTo = ctx.spec.resolvesTo;
    ctx.p = { resolvesTo, record: initialRecord(ctx, resolvesTo), version: 1, claimEpoch: 0 };
    ctx.v = {};
    return { p: ctx.p, v: ctx.v };
  },

  recover(ctx) {
    ctx.v = {};
    return ctx.v;
  },

  onMessage() {},

  onTimer(ctx, timer) {
    // A claim made before a repoint to a fixed node no longer applies. Two promotions close
    // together can claim out of order (each promote message has its own way to go): the
    // newer epoch's primary keeps the name, or it would point at a node about to be demoted
    // and stay there, since nothing claims it again.
    const p = ctx.p;
    const claim = timer.data;
    if (timer.name === 'claim' && p.resolvesTo === 'role:primary' && claim.epoch >= p.claimEpoch) {
      p.claimEpoch = claim.epoch;
      setRecord(ctx, claim.node);
    }
  },

  onCommand(ctx, cmd) {
    const p = ctx.p;
    switch (cmd.verb) {
      case 'claim':
        if (p.resolvesTo !== 'role:primary') return undefined; // a node endpoint never moves
        if (!group(ctx).includes(cmd.node)) return undefined; // another cluster's primary
        ctx.setTimer((ctx.spec.updateDelayMs ?? ENDPOINT_DEFAULTS.updateDelayMs) * 1000, { name: 'claim', data: { node: cmd.node, epoch: cmd.epoch } });
        return undefined;
    }
    return `an endpoint does not take '${cmd.verb}'`;
  },

  // The record is configuration: an operator edits it whatever state the name's server is in.
  onConfigure(ctx, cmd) {
    if (cmd.verb !== 'repoint') return `an endpoint does not take '${cmd.verb}'`;
    const p = ctx.p;
    const to = cmd.to;
    p.resolvesTo = to === 'role:primary' || to.startsWith('node:') ? to : `node:${to}`;
    setRecord(ctx, initialRecordAfterRepoint(ctx, p.resolvesTo));
    return undefined;
  },

  queries: {
    resolve: (ctx) => ctx.p.record,
  },

  view(ctx) {
    const p = ctx.p;
    return {
      summary: `${p.resolvesTo} -> ${p.record || 'nothing'}`,
      detail: { resolvesTo: p.resolvesTo, record: p.record, version: p.version, ttlMs: ctx.spec.ttlMs ?? ENDPOINT_DEFAULTS.ttlMs },
    };
  },
};

/** After a repoint to `role:primary`, ask the databases who is primary now. */
function initialRecordAfterRepoint(ctx: DC, resolvesTo: string): string {
  if (resolvesTo.startsWith('node:')) return resolvesTo.slice(5);
  for (const id of group(ctx)) {
    if (ctx.query(id, 'role') === 'primary') return id;
  }
  return '';
}
