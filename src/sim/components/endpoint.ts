// A name clients resolve to reach a database: a role endpoint (`role:primary`, a DNS name
// that follows whoever is primary) or a node endpoint (`node:<id>`, always the same
// machine). It is a record, not a process on the network: clients look it up out of band
// and cache the answer for `ttlMs`, which is how a stale answer outlives a failover.
//
// A role endpoint learns of a new primary when that primary claims it (as a managed
// service or a leader's agent updates DNS), and the record changes `updateDelayMs` later.
// It follows the primary of its own group of databases (`databases`, default all of them),
// so two clusters in one world each keep their own endpoint.

import type { Component, Ctx } from '../kernel/component';
import type { DatabaseSpec, EndpointSpec } from '../spec';
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

type P = EndpointPersisted;

function spec(ctx: Ctx): EndpointSpec {
  return ctx.spec as EndpointSpec;
}

/** The databases whose primary this endpoint follows. */
function group(ctx: Ctx): readonly string[] {
  return spec(ctx).databases ?? ctx.nodesOfKind('database');
}

/** The record a configuration resolves to at the start. */
function initialRecord(ctx: Ctx, resolvesTo: string): string {
  if (resolvesTo.startsWith('node:')) return resolvesTo.slice(5);
  for (const id of group(ctx)) {
    if ((ctx.nodeSpec(id) as DatabaseSpec).role === 'primary') return id;
  }
  return '';
}

function setRecord(ctx: Ctx, node: string): void {
  const p = ctx.p as P;
  if (p.record === node) return;
  p.record = node;
  p.version++;
  ctx.log(`now resolves to ${node || 'nothing'}`);
  ctx.mark('endpoint', { to: node });
}

export const endpoint: Component = {
  kind: 'endpoint',

  init(ctx) {
    const resolvesTo = spec(ctx).resolvesTo;
    ctx.p = { resolvesTo, record: initialRecord(ctx, resolvesTo), version: 1, claimEpoch: 0 } satisfies P;
    ctx.v = {};
    return { p: ctx.p, v: ctx.v };
  },

  recover(ctx) {
    ctx.v = {};
    return ctx.v;
  },

  onMessage() {},

  onTimer(ctx, name, data) {
    const p = ctx.p as P;
    // A claim made before a repoint to a fixed node no longer applies. Two promotions close
    // together can claim out of order (each promote message has its own way to go): the
    // newer epoch's primary keeps the name, or it would point at a node about to be demoted
    // and stay there, since nothing claims it again.
    const claim = data as { node: string; epoch: number };
    if (name === 'claim' && p.resolvesTo === 'role:primary' && claim.epoch >= p.claimEpoch) {
      p.claimEpoch = claim.epoch;
      setRecord(ctx, claim.node);
    }
  },

  onCommand(ctx, verb, args) {
    const p = ctx.p as P;
    if (verb === 'claim') {
      if (p.resolvesTo !== 'role:primary') return undefined; // a node endpoint never moves
      if (!group(ctx).includes(args?.node)) return undefined; // another cluster's primary
      ctx.setTimer((spec(ctx).updateDelayMs ?? ENDPOINT_DEFAULTS.updateDelayMs) * 1000, 'claim', { node: String(args?.node), epoch: Number(args?.epoch ?? 0) });
      return undefined;
    }
    if (verb === 'repoint') {
      const to = String(args?.to ?? '');
      p.resolvesTo = to === 'role:primary' || to.startsWith('node:') ? to : `node:${to}`;
      setRecord(ctx, initialRecordAfterRepoint(ctx, p.resolvesTo));
      return undefined;
    }
    return `an endpoint does not take '${verb}'`;
  },

  onQuery(ctx, question) {
    if (question === 'resolve') return (ctx.p as P).record;
    return undefined;
  },

  view(ctx) {
    const p = ctx.p as P;
    return {
      summary: `${p.resolvesTo} -> ${p.record || 'nothing'}`,
      detail: { resolvesTo: p.resolvesTo, record: p.record, version: p.version, ttlMs: spec(ctx).ttlMs ?? ENDPOINT_DEFAULTS.ttlMs },
    };
  },
};

/** After a repoint to `role:primary`, ask the databases who is primary now. */
function initialRecordAfterRepoint(ctx: Ctx, resolvesTo: string): string {
  if (resolvesTo.startsWith('node:')) return resolvesTo.slice(5);
  for (const id of group(ctx)) {
    if (ctx.query(id, 'role') === 'primary') return id;
  }
  return '';
}
