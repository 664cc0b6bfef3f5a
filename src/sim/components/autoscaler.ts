// An autoscaler for read replicas, and how slow adding one is. Nodes cannot appear during a
// run, so a scenario declares spare databases (`provisioned: false`: an empty machine slot
// that does nothing) and the autoscaler brings them up, one at a time, in order.
//
// It triggers by itself when the watched databases' CPU (share of cores busy, averaged over
// them, scraped over the network every `scrapeMs` like the monitor does) stays above the
// trigger's threshold for `forMs`; or when an operator asks (the `add-replica` fault). Then
// the steps, each a duration:
// 1. snapshot (`snapshotMs`): a consistent copy of the spare's source (its `replicateFrom`)
//    as of the moment the step starts;
// 2. provision (`provisionMs`): the new machine is created;
// 3. load (`loadMs`): the snapshot is loaded onto it; it starts with the data as of the
//    snapshot, and a cold cache;
// 4. replay: it follows its source and replays the log written since the snapshot, through
//    the database's own catch-up (this one's length is not set: it is however long the
//    catch-up takes, until it is within `caughtUpEntries` of its source);
// 5. attach (`attachMs`): it is added to the balancer, which routes reads to it from then on.
// Every step is logged and marked (`scale-step`), so a learner can see the new capacity
// arriving long after it was needed.
//
// The operation in progress (and its snapshot) is persisted: a restarted autoscaler resumes
// the step it was in. The trigger's state is in memory.

import type { Component, Ctx } from '../kernel/component';
import type { AutoscalerSpec } from '../spec';
import type { DbSnapshotData as DbSnapshot } from '../protocol';
import type { AutoscalerDetail, ScaleStep } from '../views';
import { AUTOSCALER_PARAMS } from '../params/autoscaler';
import { defaultsOf } from '../params/param';

export const AUTOSCALER_DEFAULTS = defaultsOf(AUTOSCALER_PARAMS);

const SCRAPE_BYTES = 60;
/** How often the replay's progress is looked at. */
const REPLAY_POLL_US = 1_000_000;
/** Wait before trying a snapshot again when its source is down. */
const SNAPSHOT_RETRY_US = 10_000_000;

export type { ScaleStep };

interface Op {
  spare: string;
  source: string;
  why: string;
  step: ScaleStep;
  startedUs: number;
  stepStartedUs: number;
  stepEndsUs: number;
  snapshot: DbSnapshot | null;
}

export interface AutoscalerPersisted {
  /** Spares already brought up (or being brought up). */
  used: string[];
  op: Op | null;
}

export interface AutoscalerVolatile {
  /** CPU busy of each watched node at the last scrape (answers of the round in progress). */
  latest: Record<string, number>;
  /** When the trigger's condition started to hold, or -1. */
  sinceUs: number;
}

type AutoscalerTimer =
  | { name: 'scrape' }
  | { name: 'step-done'; data: ScaleStep }
  | { name: 'replay-poll' }
  | { name: 'retry-snapshot' };

interface Autoscaler {
  spec: AutoscalerSpec;
  persisted: AutoscalerPersisted;
  volatile: AutoscalerVolatile;
  timer: AutoscalerTimer;
  inbox: 'metrics';
  detail: AutoscalerDetail;
}

type C = Ctx<Autoscaler>;


function ms(value: number | undefined, fallback: number): number {
  return Math.round((value ?? fallback) * 1000);
}

function durationUs(ctx: C, step: ScaleStep): number {
  const s = ctx.spec;
  const d = AUTOSCALER_DEFAULTS;
  if (step === 'snapshot') return ms(s.snapshotMs, d.snapshotMs);
  if (step === 'provision') return ms(s.provisionMs, d.provisionMs);
  if (step === 'load') return ms(s.loadMs, d.loadMs);
  if (step === 'attach') return ms(s.attachMs, d.attachMs);
  return 0;
}

/** The databases the trigger watches: as configured, else what the balancer routes to now. */
function watched(ctx: C): string[] {
  const s = ctx.spec;
  if (s.trigger?.nodes) return s.trigger.nodes;
  const attached = ctx.query(s.balancer, 'attached');
  if (attached) return attached;
  const b = ctx.nodeSpec(s.balancer);
  return b?.kind === 'balancer' ? b.targets : [];
}

function nextSpare(ctx: C): string | undefined {
  const used = ctx.p.used;
  return ctx.spec.spares.find((id) => !used.includes(id));
}

/** Begin adding a replica; an error sentence when it cannot. */
function scaleUp(ctx: C, why: string): string | undefined {
  const p = ctx.p;
  if (p.op) return `a replica is already being added (${p.op.spare}, step ${p.op.step})`;
  const spare = nextSpare(ctx);
  if (!spare) return 'no spare database is left to provision';
  const spareSpec = ctx.nodeSpec(spare);
  const source = (spareSpec?.kind === 'database' ? spareSpec.replicateFrom : undefined) ?? '';
  p.used.push(spare);
  p.op = { spare, source, why, step: 'snapshot', startedUs: ctx.nowUs, stepStartedUs: ctx.nowUs, stepEndsUs: ctx.nowUs, snapshot: null };
  ctx.log(`adding a replica (${why}): ${spare}, from a snapshot of ${source}`);
  ctx.mark('scale-up', { node: spare, why });
  beginStep(ctx, 'snapshot');
  return undefined;
}

function beginStep(ctx: C, step: ScaleStep): void {
  const op = ctx.p.op!;
  op.step = step;
  op.stepStartedUs = ctx.nowUs;
  if (step === 'snapshot') {
    const snap = ctx.query(op.source, 'snapshot');
    if (!snap) {
      ctx.log(`cannot snapshot ${op.source} (it is not running); trying again in ${SNAPSHOT_RETRY_US / 1e6} s`);
      op.stepEndsUs = ctx.nowUs + SNAPSHOT_RETRY_US;
      ctx.setTimer(SNAPSHOT_RETRY_US, { name: 'retry-snapshot' });
      return;
    }
    op.snapshot = snap;
  }
  const d = durationUs(ctx, step);
  op.stepEndsUs = ctx.nowUs + d;
  const what: Record<ScaleStep, string> = {
    snapshot: `snapshot of ${op.source} at lsn ${op.snapshot?.lsn ?? 0}`,
    provision: `provisioning a machine for ${op.spare}`,
    load: `loading the snapshot onto ${op.spare}`,
    replay: `${op.spare} replays the log written since the snapshot`,
    attach: `attaching ${op.spare} to ${ctx.spec.balancer}`,
  };
  ctx.log(step === 'replay' ? `${what[step]}` : `${what[step]} (${(d / 1e6).toFixed(0)} s)`);
  ctx.mark('scale-step', { node: op.spare, step, ...(step === 'replay' ? {} : { durationMs: d / 1000 }) });
  if (step === 'replay') ctx.setTimer(REPLAY_POLL_US, { name: 'replay-poll' });
  else ctx.setTimer(d, { name: 'step-done', data: step });
}

function stepDone(ctx: C, step: ScaleStep): void {
  const p = ctx.p;
  const op = p.op;
  if (!op || op.step !== step) return;
  if (step === 'snapshot') return beginStep(ctx, 'provision');
  if (step === 'provision') return beginStep(ctx, 'load');
  if (step === 'load') {
    const err = ctx.command(op.spare, { verb: 'provision', snapshot: op.snapshot });
    if (err) ctx.log(`loading ${op.spare} failed: ${err}`);
    // The snapshot is on the machine now; no need to keep a copy here.
    op.snapshot = null;
    return beginStep(ctx, 'replay');
  }
  if (step === 'attach') {
    const err = ctx.command(ctx.spec.balancer, { verb: 'attach', node: op.spare });
    if (err) ctx.log(`attaching ${op.spare} failed: ${err}`);
    const tookMs = (ctx.nowUs - op.startedUs) / 1000;
    ctx.log(`${op.spare} is serving, ${(tookMs / 1000).toFixed(0)} s after it was asked for`);
    ctx.mark('scaled-up', { node: op.spare, tookMs });
    p.op = null;
    // The new capacity must show before the trigger may fire again.
    ctx.v.sinceUs = -1;
  }
}

function pollReplay(ctx: C): void {
  const op = ctx.p.op;
  if (!op || op.step !== 'replay') return;
  const mine = ctx.query(op.spare, 'lsn');
  const theirs = ctx.query(op.source, 'lsn');
  const limit = ctx.spec.caughtUpEntries ?? AUTOSCALER_DEFAULTS.caughtUpEntries;
  if (typeof mine === 'number' && typeof theirs === 'number' && theirs - mine <= limit) {
    ctx.log(`${op.spare} has replayed the log: at lsn ${mine}, ${Math.max(0, theirs - mine)} behind ${op.source}`);
    ctx.mark('scale-step-done', { node: op.spare, step: 'replay', lsn: mine });
    return beginStep(ctx, 'attach');
  }
  ctx.setTimer(REPLAY_POLL_US, { name: 'replay-poll' });
}

/** Judge the scrape round that ended, then start the next. */
function scrape(ctx: C): void {
  const v = ctx.v;
  const s = ctx.spec;
  const t = s.trigger!;
  const nodes = watched(ctx);
  const values = nodes.map((n) => v.latest[n]).filter((x): x is number => typeof x === 'number');
  const avg = values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0;
  if (values.length > 0 && avg > t.above) {
    if (v.sinceUs < 0) v.sinceUs = ctx.nowUs;
    if (ctx.nowUs - v.sinceUs >= (t.forMs ?? 0) * 1000 && !ctx.p.op && nextSpare(ctx)) {
      scaleUp(ctx, `CPU of ${nodes.join(', ')} at ${Math.round(avg * 100)}% for ${((ctx.nowUs - v.sinceUs) / 1e6).toFixed(0)} s`);
    }
  } else v.sinceUs = -1;
  v.latest = {};
  for (const n of nodes) ctx.send(n, 'scrape', {}, SCRAPE_BYTES);
  ctx.setTimer(ms(s.scrapeMs, AUTOSCALER_DEFAULTS.scrapeMs), { name: 'scrape' });
}

function start(ctx: C): void {
  if (ctx.spec.trigger) ctx.setTimer(0, { name: 'scrape' });
  const op = ctx.p.op;
  if (!op) return;
  // Resume the step in progress where it was.
  if (op.step === 'replay') ctx.setTimer(REPLAY_POLL_US, { name: 'replay-poll' });
  else if (op.step === 'snapshot' && !op.snapshot) ctx.setTimer(Math.max(0, op.stepEndsUs - ctx.nowUs), { name: 'retry-snapshot' });
  else ctx.setTimer(Math.max(0, op.stepEndsUs - ctx.nowUs), { name: 'step-done', data: op.step });
}

export const autoscaler: Component<Autoscaler> = {
  kind: 'autoscaler',

  init(ctx) {
    ctx.p = { used: [], op: null };
    ctx.v = { latest: {}, sinceUs: -1 };
    start(ctx);
    return { p: ctx.p, v: ctx.v };
  },

  recover(ctx) {
    ctx.v = { latest: {}, sinceUs: -1 };
    start(ctx);
    return ctx.v;
  },

  onMessage(ctx, msg) {
    if (msg.type !== 'metrics') return;
    const values = msg.body.values;
    if (typeof values.cpuBusy === 'number') ctx.v.latest[ctx.nodeId(msg.from)] = values.cpuBusy;
  },

  onTimer(ctx, timer) {
    if (timer.name === 'scrape') scrape(ctx);
    else if (timer.name === 'step-done') stepDone(ctx, timer.data);
    else if (timer.name === 'replay-poll') pollReplay(ctx);
    else if (timer.name === 'retry-snapshot') {
      const op = ctx.p.op;
      if (op && op.step === 'snapshot' && !op.snapshot) beginStep(ctx, 'snapshot');
    }
  },

  onCommand(ctx, cmd) {
    if (cmd.verb === 'add-replica') return scaleUp(ctx, 'an operator asked for one');
    return `an autoscaler does not take '${cmd.verb}'`;
  },

  sample(ctx) {
    const p = ctx.p;
    const steps: ScaleStep[] = ['snapshot', 'provision', 'load', 'replay', 'attach'];
    return { up: 1, added: p.used.length - (p.op ? 1 : 0), step: p.op ? steps.indexOf(p.op.step) + 1 : 0 };
  },

  view(ctx) {
    const p = ctx.p;
    const op = p.op;
    const left = op && op.step !== 'replay' ? Math.max(0, (op.stepEndsUs - ctx.nowUs) / 1e6) : 0;
    return {
      summary: op ? `${op.spare}: ${op.step}${op.step === 'replay' ? '' : `, ${left.toFixed(0)} s left`}` : `${ctx.spec.spares.length - p.used.length} spares left`,
      detail: {
        adding: op?.spare ?? null,
        step: op?.step ?? null,
        stepLeftMs: left * 1000,
        added: p.used.filter((id) => id !== op?.spare),
        spares: ctx.spec.spares.filter((id) => !p.used.includes(id)),
      },
    };
  },
};
