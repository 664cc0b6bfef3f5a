// Worker daemons (command generation): each takes a job from a queue over the network and
// applies its effect once: "already generated?" (a database read of `cmd:<job>`), then, if
// not, generate it (`jobMs` of the daemon's own time) and insert it (a database write of
// `cmd:<job>`). They are clients of the database, with its request protocol, and record
// their reads and writes in the history like clients do, so the checkers see every effect.
//
// With `race: true` (the check-then-act race) the check and the insert are not atomic and a
// job is not claimed until it is done: every daemon that asks meanwhile gets the same oldest
// job. Those that checked before the first insert landed all found nothing, so each takes
// the job's lock (a row lock the insert needs, granted in order: each waits for every daemon
// ahead of it on the same job), generates, and inserts: the effect is applied twice or more
// (`duplicate-effect`), and the daemons spend their time waiting on each other. Adding
// daemons mostly adds contenders for the same job. With the race fixed (`fix-race`, or
// `race: false`), a take atomically claims the job for one daemon, no lock is needed, and
// the daemons work in parallel.
//
// A daemon whose database request fails or times out, or that waits over LOCK_WAIT_MAX_US
// for a lock, lets the job go (releases its claim or lock) and asks again after RETRY_US. Persisted: the daemon count, whether the race is
// fixed, the operation counter (operation ids stay unique across restarts). In memory: what
// each daemon is doing.

import type { Component, Ctx, Message } from '../kernel/component';
import type { WorkerSpec } from '../spec';
import type { DbRequest, JobBody } from '../protocol';
import type { WorkerDetail } from '../views';
import { resolveAddress, type DnsCache } from './address';
import { LONG_POLL_US } from './queue';
import { WORKER_PARAMS } from '../params/worker';
import { defaultsOf } from '../params/param';

export const WORKER_DEFAULTS = defaultsOf(WORKER_PARAMS);

/** A job's effect is the key `cmd:<job id>`, written once per job by design: what checkers look for. */
export const EFFECT_KEY_PREFIX = 'cmd:';

const REQUEST_BYTES = 120;
const MSG_BYTES = 80;
/** Daemons a worker node runs at most. */
export const MAX_DAEMONS = 1000;
/** A take with no answer by then (the queue is down or cut off) is sent again. */
const TAKE_TIMEOUT_US = LONG_POLL_US + 5_000_000;
/** Pause after a failed job before taking again. */
const RETRY_US = 500_000;
/** A daemon waiting this long for a job lock gives the job up (the queue breaks locks held half as long). */
const LOCK_WAIT_MAX_US = 60_000_000;

type Phase = 'take' | 'check' | 'lock' | 'work' | 'insert' | 'retry';

interface Daemon {
  phase: Phase;
  /** The job in hand ('' for none). */
  job: string;
  /** Take number (stale answers to an earlier take are ignored). */
  t: number;
  /** The database request in flight: its attempt number here, operation number, the node it went to, when. */
  r: number;
  n: number;
  node: string;
  sentUs: number;
  /** Whether the job in hand was claimed (no lock needed) and when this daemon asked for its lock. */
  claimed: boolean;
  lockAskedUs: number;
  /**
   * When the take, the database request or the lock it waits for times out (0: none),
   * and when its watchdog timer fires (0: none set). One timer per daemon watches whatever
   * it waits for: an answer normally comes long before, and the next wait's deadline is later
   * than the timer, which then sets itself for that one. So a daemon costs one timer event
   * per timeout period, not one per take, request and lock, and every wait still times out
   * at its own deadline.
   */
  dueUs: number;
  watchUs: number;
}

export interface WorkerPersisted {
  count: number;
  race: boolean;
  n: number;
}

export interface WorkerVolatile {
  daemons: Daemon[];
  nextR: number;
  dns: DnsCache;
  jobs: number;
  skipped: number;
  failed: number;
  /** Time spent waiting for job locks, in all, and the number of waits. */
  lockWaitUs: number;
  lockWaits: number;
}

/** Every timer names its daemon, and what it was waiting for then (a stale one is ignored). */
type WorkerTimer =
  | { name: 'watch'; data: { d: number } }
  | { name: 'worked'; data: { d: number; job: string } }
  | { name: 'retry'; data: { d: number } };

interface Worker {
  spec: WorkerSpec;
  persisted: WorkerPersisted;
  volatile: WorkerVolatile;
  timer: WorkerTimer;
  inbox: 'reply' | 'job' | 'empty' | 'locked' | 'scrape';
  detail: WorkerDetail;
}

type C = Ctx<Worker>;
type V = WorkerVolatile;


function fresh(): V {
  return { daemons: [], nextR: 1, dns: {}, jobs: 0, skipped: 0, failed: 0, lockWaitUs: 0, lockWaits: 0 };
}

function addDaemons(ctx: C, count: number): void {
  const v = ctx.v;
  for (let i = 0; i < count && v.daemons.length < MAX_DAEMONS; i++) {
    v.daemons.push({ phase: 'retry', job: '', t: 0, r: 0, n: 0, node: '', sentUs: 0, claimed: false, lockAskedUs: 0, dueUs: 0, watchUs: 0 });
    take(ctx, v.daemons.length - 1);
  }
}

function queueId(ctx: C): string {
  return ctx.spec.queue;
}

function take(ctx: C, d: number): void {
  const dm = ctx.v.daemons[d];
  dm.phase = 'take';
  dm.job = '';
  dm.t++;
  ctx.send(queueId(ctx), 'take', { d, t: dm.t, claim: !ctx.p.race }, MSG_BYTES);
  waitUntil(ctx, d, ctx.nowUs + TAKE_TIMEOUT_US);
}

/** Daemon `d` waits for an answer until `dueUs` (see Daemon.dueUs). */
function waitUntil(ctx: C, d: number, dueUs: number): void {
  const dm = ctx.v.daemons[d];
  dm.dueUs = dueUs;
  // A watchdog set for earlier sets itself again for this deadline when it fires.
  if (dm.watchUs === 0 || dm.watchUs > dueUs) watch(ctx, d, dueUs);
}

function watch(ctx: C, d: number, atUs: number): void {
  ctx.v.daemons[d].watchUs = atUs;
  ctx.setTimer(atUs - ctx.nowUs, { name: 'watch', data: { d } });
}

/** Whether daemon `d` still waits for a take's or a request's answer, or for a lock. */
function waiting(dm: Daemon): boolean {
  return dm.phase === 'take' || dm.phase === 'lock' || ((dm.phase === 'check' || dm.phase === 'insert') && dm.r !== 0);
}

/** The watchdog fired: time out what is overdue, or watch the deadline of what is waited for now. */
function onWatch(ctx: C, d: number): void {
  const dm = ctx.v.daemons[d];
  if (ctx.nowUs !== dm.watchUs) return; // superseded by an earlier one
  dm.watchUs = 0;
  if (!waiting(dm)) return;
  if (dm.dueUs > ctx.nowUs) return watch(ctx, d, dm.dueUs);
  if (dm.phase === 'take') take(ctx, d);
  // The queue restarted (locks are in its memory) or is cut off: no grant is coming.
  else if (dm.phase === 'lock') giveUp(ctx, d);
  else onTimeout(ctx, d);
}

/** Send one database request for daemon `d`, recorded in the history as an operation. */
function request(ctx: C, d: number, f: 'read' | 'write'): void {
  const v = ctx.v;
  const p = ctx.p;
  const s = ctx.spec;
  const dm = v.daemons[d];
  const key = EFFECT_KEY_PREFIX + dm.job;
  const n = ++p.n;
  // Unique across the run, as a client's are: the node's index in the high bits.
  const value = f === 'write' ? ctx.index * 4294967296 + n : null;
  ctx.history('invoke', f, n, key, value);
  dm.phase = f === 'read' ? 'check' : 'insert';
  dm.n = n;
  const node = resolveAddress(ctx, f === 'read' ? (s.readTarget ?? s.target) : s.target, v.dns);
  if (node === null) {
    ctx.history('fail', f, n, key, value, { error: 'unresolved', invokedUs: ctx.nowUs });
    return giveUp(ctx, d);
  }
  dm.r = v.nextR++;
  dm.node = node;
  dm.sentUs = ctx.nowUs;
  const req: DbRequest = { client: ctx.index, n, r: dm.r, f, key, value };
  ctx.send(node, 'request', req, REQUEST_BYTES);
  waitUntil(ctx, d, ctx.nowUs + (s.timeoutMs ?? WORKER_DEFAULTS.timeoutMs) * 1000);
}

/** The job could not be finished: let it go, and try again a little later. */
function giveUp(ctx: C, d: number): void {
  const v = ctx.v;
  const dm = v.daemons[d];
  v.failed++;
  if (dm.job) ctx.send(queueId(ctx), 'release', { d, id: dm.job }, MSG_BYTES);
  dm.phase = 'retry';
  dm.job = '';
  dm.r = 0;
  ctx.setTimer(RETRY_US, { name: 'retry', data: { d } });
}

function finishJob(ctx: C, d: number): void {
  const dm = ctx.v.daemons[d];
  ctx.send(queueId(ctx), 'done', { d, id: dm.job }, MSG_BYTES);
  take(ctx, d);
}

function onJob(ctx: C, b: JobBody): void {
  const dm = ctx.v.daemons[b.d];
  const claim = !ctx.p.race;
  if (!dm || dm.phase !== 'take' || dm.t !== b.t) {
    // An answer to a take given up on: hand back what it may have claimed.
    if (claim) ctx.send(queueId(ctx), 'release', { d: b.d, id: b.id }, MSG_BYTES);
    return;
  }
  dm.job = b.id;
  dm.claimed = claim;
  request(ctx, b.d, 'read');
}

function onReply(ctx: C, msg: Message<'reply'>): void {
  const v = ctx.v;
  const r = msg.body;
  // One request per daemon at a time: find whose it is.
  const d = v.daemons.findIndex((x) => x.r === r.r && (x.phase === 'check' || x.phase === 'insert'));
  if (d < 0) return; // timed out already
  const dm = v.daemons[d];
  const f = dm.phase === 'check' ? 'read' : 'write';
  const key = EFFECT_KEY_PREFIX + dm.job;
  const node = r.node ?? dm.node;
  dm.r = 0;
  if (!r.ok) {
    ctx.history('fail', f, dm.n, key, f === 'write' ? ctx.index * 4294967296 + dm.n : null, { node, error: r.error ?? 'error', invokedUs: dm.sentUs });
    return giveUp(ctx, d);
  }
  if (f === 'read') {
    const found = r.value ?? null;
    ctx.history('ok', 'read', dm.n, key, found, { node, lsn: r.lsn, epoch: r.epoch, invokedUs: dm.sentUs });
    if (found !== null) {
      // Another daemon generated it already: nothing to do.
      v.skipped++;
      return finishJob(ctx, d);
    }
    if (dm.claimed) return startWork(ctx, d);
    dm.phase = 'lock';
    dm.lockAskedUs = ctx.nowUs;
    ctx.send(queueId(ctx), 'lock', { d, id: dm.job }, MSG_BYTES);
    waitUntil(ctx, d, ctx.nowUs + LOCK_WAIT_MAX_US);
    return;
  }
  ctx.history('ok', 'write', dm.n, key, ctx.index * 4294967296 + dm.n, { node, lsn: r.lsn, epoch: r.epoch, invokedUs: dm.sentUs });
  v.jobs++;
  finishJob(ctx, d);
}

function startWork(ctx: C, d: number): void {
  const dm = ctx.v.daemons[d];
  dm.phase = 'work';
  ctx.setTimer((ctx.spec.jobMs ?? WORKER_DEFAULTS.jobMs) * 1000, { name: 'worked', data: { d, job: dm.job } });
}

function onTimeout(ctx: C, d: number): void {
  const dm = ctx.v.daemons[d];
  const f = dm.phase === 'check' ? 'read' : 'write';
  const value = f === 'write' ? ctx.index * 4294967296 + dm.n : null;
  // A write that timed out may or may not have happened: unknown (info). A read changed nothing.
  ctx.history(f === 'write' ? 'info' : 'fail', f, dm.n, EFFECT_KEY_PREFIX + dm.job, value, { node: dm.node, error: 'timeout', invokedUs: dm.sentUs });
  dm.r = 0;
  giveUp(ctx, d);
}

function sample(ctx: C): Record<string, number> {
  const v = ctx.v;
  let busy = 0;
  let waitingOnLocks = 0;
  for (const dm of v.daemons) {
    if (dm.phase !== 'take' && dm.phase !== 'retry') busy++;
    if (dm.phase === 'lock') waitingOnLocks++;
  }
  return {
    up: 1,
    daemons: v.daemons.length,
    busy,
    waitingOnLocks,
    jobs: v.jobs,
    skipped: v.skipped,
    failed: v.failed,
    lockWaitMs: v.lockWaits > 0 ? v.lockWaitUs / v.lockWaits / 1000 : 0,
  };
}

export const worker: Component<Worker> = {
  kind: 'worker',

  init(ctx) {
    const s = ctx.spec;
    ctx.p = { count: s.count ?? WORKER_DEFAULTS.count, race: s.race ?? WORKER_DEFAULTS.race, n: 0 };
    ctx.v = fresh();
    addDaemons(ctx, ctx.p.count);
    return { p: ctx.p, v: ctx.v };
  },

  recover(ctx) {
    ctx.v = fresh();
    addDaemons(ctx, ctx.p.count);
    return ctx.v;
  },

  onMessage(ctx, msg) {
    const v = ctx.v;
    switch (msg.type) {
      case 'reply':
        return onReply(ctx, msg);
      case 'job':
        return onJob(ctx, msg.body);
      case 'empty': {
        const b = msg.body;
        const dm = v.daemons[b.d];
        if (dm && dm.phase === 'take' && dm.t === b.t) take(ctx, b.d);
        return;
      }
      case 'locked': {
        const b = msg.body;
        const dm = v.daemons[b.d];
        if (!dm || dm.phase !== 'lock' || dm.job !== b.id) {
          // A lock this daemon no longer wants (it gave the job up): pass it on.
          ctx.send(queueId(ctx), 'release', { d: b.d, id: b.id }, MSG_BYTES);
          return;
        }
        v.lockWaits++;
        v.lockWaitUs += ctx.nowUs - dm.lockAskedUs;
        return startWork(ctx, b.d);
      }
      case 'scrape':
        ctx.send(msg.from, 'metrics', { values: sample(ctx) }, 200);
        return;
    }
  },

  onTimer(ctx, timer) {
    const v = ctx.v;
    const dm = v.daemons[timer.data.d];
    if (!dm) return;
    switch (timer.name) {
      case 'worked':
        if (dm.phase === 'work' && dm.job === timer.data.job) request(ctx, timer.data.d, 'write');
        return;
      case 'watch':
        return onWatch(ctx, timer.data.d);
      case 'retry':
        if (dm.phase === 'retry') take(ctx, timer.data.d);
        return;
    }
  },

  onCommand(ctx, cmd) {
    const p = ctx.p;
    if (cmd.verb === 'add-workers') {
      const count = Math.max(0, Math.floor(cmd.count));
      const added = Math.min(count, MAX_DAEMONS - p.count);
      p.count += added;
      addDaemons(ctx, added);
      ctx.log(`${added} more daemons started: ${p.count} in all`);
      ctx.mark('add-workers', { count: p.count });
      return undefined;
    }
    if (cmd.verb === 'fix-race') {
      if (!p.race) return undefined;
      p.race = false;
      ctx.log('the race is fixed: a daemon now claims its job atomically, and no other daemon is handed it');
      ctx.mark('fix-race');
      return undefined;
    }
    return `a worker does not take '${cmd.verb}'`;
  },

  sample,

  view(ctx) {
    const p = ctx.p;
    const v = ctx.v;
    const busy = v ? v.daemons.filter((d) => d.phase !== 'take' && d.phase !== 'retry').length : 0;
    const locks = v ? v.daemons.filter((d) => d.phase === 'lock').length : 0;
    return {
      summary: `${p.count} daemons, ${busy} busy${p.race ? ' (race)' : ''}`,
      detail: { daemons: p.count, busy, waitingOnLocks: locks, race: p.race, jobs: v?.jobs ?? 0, skipped: v?.skipped ?? 0, failed: v?.failed ?? 0 },
    };
  },
};
