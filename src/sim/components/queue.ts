// A job queue: payments waiting for their commands to be generated. Clients with `jobsTo`
// enqueue a job for every write they get acknowledged; worker daemons take jobs over the
// network and report them done. The lag (how old the oldest job not yet done is) is how far
// behind real time the work is.
//
// How a job is taken is up to the worker's code, and that is where the race lives:
// - With an atomic claim (`take` with `claim`), the oldest unclaimed job is handed to one
//   daemon and hidden from the others until it is done or released (or its claim runs out
//   after CLAIM_US, for a daemon that died).
// - Without it (the check-then-act race), a job is only marked done when a daemon finishes
//   it, so every daemon that asks meanwhile is handed the same oldest job.
// A daemon that finds nothing to do waits for the next job (a long poll, answered `empty`
// after LONG_POLL_US); a new job wakes one waiting daemon, not all of them.
//
// The queue also holds one lock per job, for daemons that serialise their insert on it (the
// row lock of a check-then-insert): granted in the order asked, so a daemon waits for every
// daemon ahead of it on the same job. A lock held longer than LOCK_MAX_US is broken (its
// holder is taken for dead).
//
// The jobs are persisted (they are rows of a table); claims are too (with their expiry),
// locks and waiting daemons are not. At most `maxJobs` jobs are held; beyond, new ones are
// dropped, and counted.

import type { Component, Ctx } from '../kernel/component';
import type { QueueSpec } from '../spec';
import type { QueueDetail } from '../views';
import { QUEUE_PARAMS } from '../params/queue';
import { defaultsOf } from '../params/param';

export const QUEUE_DEFAULTS = defaultsOf(QUEUE_PARAMS);

/** An atomic claim hides a job this long; a daemon that died lets it go after that. */
const CLAIM_US = 60_000_000;
/** A daemon with nothing to do waits at most this long for a job before being told `empty`. */
export const LONG_POLL_US = 5_000_000;
/** A job lock held longer than this is broken. */
const LOCK_MAX_US = 30_000_000;
/** Housekeeping (broken locks, expired long polls) runs this often. */
const TICK_US = 1_000_000;
const MSG_BYTES = 80;
/** Estimated bytes of a job listed, with its id string and index entry. */
const JOB_BYTES = 150;

export interface Job {
  id: string;
  atUs: number;
  /** The daemon holding an atomic claim on it ('' for none), and until when. */
  claim: string;
  claimUntilUs: number;
  done: boolean;
}

export interface QueuePersisted {
  /**
   * Jobs in arrival order from `head` on; done ones are flagged where they are and cut off
   * the front in batches (jobs finish out of order, and removing each from the middle of a
   * long backlog would copy the backlog every time).
   */
  jobs: Job[];
  head: number;
  /** Arrival number of jobs[0], and each waiting job's arrival number by id. */
  base: number;
  seqOf: Record<string, number>;
  /** Jobs not done. */
  depth: number;
  enqueued: number;
  done: number;
  dropped: number;
}

interface Lock {
  /** The daemon holding it ('' for none), since when, and the daemons waiting, in order. */
  holder: string;
  sinceUs: number;
  waiting: string[];
}

/** A daemon waiting for a job: where to answer it, its take number, since when. */
interface Waiter {
  ref: string;
  from: number;
  d: number;
  t: number;
  claim: boolean;
  sinceUs: number;
}

export interface QueueVolatile {
  locks: Record<string, Lock>;
  waiters: Waiter[];
  /** How many times a job lock was handed on to a daemon that had waited for it. */
  lockWaits: number;
}

interface Queue {
  spec: QueueSpec;
  persisted: QueuePersisted;
  volatile: QueueVolatile;
  timer: { name: 'tick' };
  inbox: 'enqueue' | 'take' | 'lock' | 'done' | 'release' | 'scrape';
  detail: QueueDetail;
}

type C = Ctx<Queue>;
type P = QueuePersisted;


/** A daemon's name: `<worker node>/<daemon index>`. */
function refOf(ctx: C, from: number, d: number): string {
  return `${ctx.nodeId(from)}/${d}`;
}

/** Tell daemon `ref` it holds the lock on job `id`. */
function sendLocked(ctx: C, ref: string, id: string): void {
  const slash = ref.lastIndexOf('/');
  ctx.send(ref.slice(0, slash), 'locked', { d: Number(ref.slice(slash + 1)), id }, MSG_BYTES);
}

/** The oldest job not done (done ones at the front are cut off first). */
function oldest(p: P): Job | undefined {
  while (p.head < p.jobs.length && p.jobs[p.head].done) p.head++;
  if (p.head === p.jobs.length || (p.head > 1024 && p.head * 2 > p.jobs.length)) {
    p.jobs.splice(0, p.head);
    p.base += p.head;
    p.head = 0;
  }
  return p.jobs[p.head];
}

/** The oldest job not done, without trimming (for samples and views, which must not change the state). */
function peekOldest(p: P): Job | undefined {
  for (let i = p.head; i < p.jobs.length; i++) if (!p.jobs[i].done) return p.jobs[i];
  return undefined;
}

/** The job a take gets now: the oldest not done, or with a claim the oldest not claimed. */
function available(ctx: C, claim: boolean): Job | undefined {
  const p = ctx.p;
  const first = oldest(p);
  if (!claim) return first;
  for (let i = p.head; i < p.jobs.length; i++) {
    const j = p.jobs[i];
    if (!j.done && (j.claim === '' || j.claimUntilUs <= ctx.nowUs)) return j;
  }
  return undefined;
}

/** Answer a take with a job if there is one for it; false if it must wait. */
function serveTake(ctx: C, w: Waiter): boolean {
  const j = available(ctx, w.claim);
  if (!j) return false;
  if (w.claim) {
    j.claim = w.ref;
    j.claimUntilUs = ctx.nowUs + CLAIM_US;
  }
  ctx.send(ctx.nodeId(w.from), 'job', { d: w.d, t: w.t, id: j.id, atUs: j.atUs }, MSG_BYTES);
  return true;
}

function jobOf(p: P, id: string): Job | undefined {
  const seq = p.seqOf[id];
  return seq === undefined ? undefined : p.jobs[seq - p.base];
}

/** Let go of whatever `ref` holds or waits for on job `id`; the next waiter gets the lock. */
function unlock(ctx: C, ref: string, id: string): void {
  const v = ctx.v;
  const lock = v.locks[id];
  if (!lock) return;
  lock.waiting = lock.waiting.filter((r) => r !== ref);
  if (lock.holder === ref) grantNext(ctx, id, lock);
  else if (lock.holder === '' && lock.waiting.length === 0) delete v.locks[id];
}

function grantNext(ctx: C, id: string, lock: Lock): void {
  const v = ctx.v;
  const next = lock.waiting.shift();
  if (next === undefined) {
    delete v.locks[id];
    return;
  }
  v.lockWaits++;
  lock.holder = next;
  lock.sinceUs = ctx.nowUs;
  sendLocked(ctx, next, id);
}

function housekeeping(ctx: C): void {
  const v = ctx.v;
  for (const id in v.locks) {
    const lock = v.locks[id];
    if (lock.holder !== '' && ctx.nowUs - lock.sinceUs > LOCK_MAX_US) {
      ctx.log(`the lock on job ${id} was held by ${lock.holder} for over ${LOCK_MAX_US / 1e6} s: broken`);
      grantNext(ctx, id, lock);
    }
  }
  // Long polls that waited their limit are told there is nothing (they ask again at once).
  const keep: Waiter[] = [];
  for (const w of v.waiters) {
    if (ctx.nowUs - w.sinceUs >= LONG_POLL_US) ctx.send(ctx.nodeId(w.from), 'empty', { d: w.d, t: w.t }, MSG_BYTES);
    else keep.push(w);
  }
  v.waiters = keep;
  ctx.setTimer(TICK_US, { name: 'tick' });
}

function onEnqueue(ctx: C, id: string): void {
  const p = ctx.p;
  const v = ctx.v;
  if (p.depth >= (ctx.spec.maxJobs ?? QUEUE_DEFAULTS.maxJobs)) {
    if (p.dropped++ === 0) {
      ctx.log(`full (${p.depth} jobs): new jobs are dropped`);
      ctx.mark('queue-full', { jobs: p.depth });
    }
    return;
  }
  if (p.seqOf[id] !== undefined) return; // already waiting
  p.seqOf[id] = p.base + p.jobs.length;
  p.jobs.push({ id, atUs: ctx.nowUs, claim: '', claimUntilUs: 0, done: false });
  p.depth++;
  p.enqueued++;
  // Wake one waiting daemon (the longest waiting), not all of them.
  while (v.waiters.length > 0) {
    const w = v.waiters.shift()!;
    if (serveTake(ctx, w)) break;
  }
}

function onDone(ctx: C, ref: string, id: string): void {
  const p = ctx.p;
  const j = jobOf(p, id);
  if (j && !j.done) {
    j.done = true;
    delete p.seqOf[id];
    p.depth--;
    p.done++;
  }
  unlock(ctx, ref, id);
}

function onRelease(ctx: C, ref: string, id: string): void {
  const j = jobOf(ctx.p, id);
  if (j && j.claim === ref) {
    j.claim = '';
    j.claimUntilUs = 0;
  }
  unlock(ctx, ref, id);
}

function onLock(ctx: C, ref: string, id: string): void {
  const v = ctx.v;
  const lock = v.locks[id] ?? (v.locks[id] = { holder: '', sinceUs: ctx.nowUs, waiting: [] });
  if (lock.holder === '' || lock.holder === ref) {
    lock.holder = ref;
    lock.sinceUs = ctx.nowUs;
    sendLocked(ctx, ref, id);
    return;
  }
  if (!lock.waiting.includes(ref)) lock.waiting.push(ref);
}

function sample(ctx: C): Record<string, number> {
  const p = ctx.p;
  const v = ctx.v;
  let lockWaiting = 0;
  let locked = 0;
  for (const id in v.locks) {
    lockWaiting += v.locks[id].waiting.length;
    if (v.locks[id].holder !== '') locked++;
  }
  let claimed = 0;
  for (let i = p.head; i < p.jobs.length; i++) if (!p.jobs[i].done && p.jobs[i].claim !== '' && p.jobs[i].claimUntilUs > ctx.nowUs) claimed++;
  const first = peekOldest(p);
  return {
    up: 1,
    depth: p.depth,
    lagMs: first ? (ctx.nowUs - first.atUs) / 1000 : 0,
    enqueued: p.enqueued,
    done: p.done,
    dropped: p.dropped,
    claimed,
    locked,
    lockWaiting,
    idleDaemons: v.waiters.length,
  };
}

export const queue: Component<Queue> = {
  kind: 'queue',

  init(ctx) {
    ctx.p = { jobs: [], head: 0, base: 0, seqOf: {}, depth: 0, enqueued: 0, done: 0, dropped: 0 };
    ctx.v = { locks: {}, waiters: [], lockWaits: 0 };
    ctx.setTimer(TICK_US, { name: 'tick' });
    return { p: ctx.p, v: ctx.v };
  },

  recover(ctx) {
    ctx.v = { locks: {}, waiters: [], lockWaits: 0 };
    ctx.setTimer(TICK_US, { name: 'tick' });
    return ctx.v;
  },

  onMessage(ctx, msg) {
    switch (msg.type) {
      case 'enqueue':
        return onEnqueue(ctx, msg.body.id);
      case 'take': {
        const v = ctx.v;
        const b = msg.body;
        const w: Waiter = { ref: refOf(ctx, msg.from, b.d), from: msg.from, d: b.d, t: b.t, claim: b.claim === true, sinceUs: ctx.nowUs };
        // A daemon asks again only after its last take was answered or timed out: replace it.
        v.waiters = v.waiters.filter((x) => x.ref !== w.ref);
        if (!serveTake(ctx, w)) v.waiters.push(w);
        return;
      }
      case 'lock':
        return onLock(ctx, refOf(ctx, msg.from, msg.body.d), msg.body.id);
      case 'done':
        return onDone(ctx, refOf(ctx, msg.from, msg.body.d), msg.body.id);
      case 'release':
        return onRelease(ctx, refOf(ctx, msg.from, msg.body.d), msg.body.id);
      case 'scrape':
        ctx.send(msg.from, 'metrics', { values: sample(ctx) }, 200);
        return;
    }
  },

  onTimer(ctx, timer) {
    if (timer.name === 'tick') housekeeping(ctx);
  },

  sample,

  // Estimated bytes held, for the world's budget (limits.ts): the jobs listed (done ones not
  // yet cut off included) and their index.
  footprint(ctx) {
    return (ctx.p.jobs.length + ctx.p.depth) * JOB_BYTES;
  },

  view(ctx) {
    const p = ctx.p;
    const first = peekOldest(p);
    const lagMs = first ? (ctx.nowUs - first.atUs) / 1000 : 0;
    return {
      summary: `${p.depth} jobs waiting, lag ${(lagMs / 1000).toFixed(1)} s`,
      detail: { depth: p.depth, lagMs, enqueued: p.enqueued, done: p.done, dropped: p.dropped },
    };
  },
};
