// The simulation kernel: one world, one clock, one queue.
//
// - Time is an integer number of microseconds. The clock jumps from event to event.
// - Events run in (time, sequence) order; the sequence number is given when an event is
//   scheduled, so ties never depend on object identity or Map order.
// - Faults come from the scenario's timeline, not from the queue: at any instant, the
//   timeline's actions due at time t run before the events at t. Keeping them out of the
//   queue is what lets a learner add or remove a fault during playback: checkpoints before
//   the change stay valid, the rest are dropped, and the run is replayed from there.
// - All mutable state is in `state` (plain data) except the append-only journals; a
//   checkpoint is a copy of `state` that shares what cannot change any more (snapshot.ts),
//   plus the journals' lengths.
// - Everything that grows has a limit (limits.ts), checked as it grows: a runaway stops with
//   a sentence naming what overflowed, where and when.
// - Every executed event is mixed into a running trace hash, and so is every outcome the
//   run records (history entries and marks): two runs with the same timing but different
//   results (a write acknowledged in one, refused in the other) have different traces.

import type { FaultSpec, NodeSpec, WorldSpec } from '../spec';
import type { FaultKindDef, FaultOps } from '../faults/fault';
import { Network, msToUs, type NetState } from '../net/network';
import { forkStream, nextExp, nextFloat, type RngState } from './rng';
import { HASH_SEED, hashString, hex64, mix32, mixInt, nameCode, type Hash64 } from './hash';
import { eventQueue, queueForEach, queueNextTime, queuePop, queuePush, queueTake, type EventQueue } from './queue';
import { Journal } from './journal';
import { HistoryJournal } from './history';
import { CountingHistory, CountingJournal } from './counting-journal';
import { DEFAULT_LIMITS, LimitExceeded, PENDING_EVENT_BYTES, STATE_CHECK_EVERY, SimAbort, atTime, count, mib, type Aborted, type Limits } from './limits';
import { CheckpointStore, DEFAULT_CHECKPOINTS, checkpointOf, type Checkpoint, type CheckpointPolicy } from './checkpoints';
import { copyState, trackedCost, type CopyCost } from './snapshot';
import type {
  Component,
  Ctx,
  HistoryDetail,
  HistoryEntry,
  LogEntry,
  Mark,
  Message,
  MetricSample,
  NodeStatus,
  Registry,
  TimerBase,
} from './component';
import type { NodeView } from '../views';
import type { Answer, Bodies, Command, Configure, MessageType, Question } from '../protocol';

export const EV_TIMER = 0;
export const EV_DELIVER = 1;
export const EV_SAMPLE = 2;

/** An event taken out of the queue to wait (for a paused node to resume). */
export interface SimEvent {
  t: number;
  /** EV_TIMER, EV_DELIVER or EV_SAMPLE. */
  k: number;
  /** Target node index (-1 for the kernel's own events). */
  n: number;
  /** For timers: the target's incarnation when it was set; a crash makes it stale. */
  i: number;
  /** A timer's payload or a delivered Message (null for the kernel's own events). */
  p: TimerBase | Message | null;
}

export interface NodeRuntime {
  status: NodeStatus;
  /** Bumped by every crash, so timers set by an earlier life never fire. */
  inc: number;
  rng: RngState;
  /** Draws for the messages this node sends (jitter, loss), apart from its behaviour's. */
  netRng: RngState;
  /** The component's persisted and volatile state (its own types; v is null while down). */
  p: unknown;
  v: unknown;
  /** Events that reached it while paused, run in order when it resumes. */
  deferred: SimEvent[];
  /** When each past incarnation ended (by crash): endedUs[k] is the end of incarnation k. */
  endedUs: number[];
}

export interface WorldState {
  nowUs: number;
  seq: number;
  executed: number;
  trace: Hash64;
  nextMsgId: number;
  /** How many of the timeline's actions have been applied. */
  faultsApplied: number;
  queue: EventQueue;
  nodes: NodeRuntime[];
  net: NetState;
  aborted: Aborted | null;
}

interface FaultAction {
  atUs: number;
  fault: number;
  phase: 'apply' | 'revert';
}

export interface SimOptions {
  limits?: Partial<Limits>;
  checkpoints?: Partial<CheckpointPolicy> | false;
  /** Interval of the metrics sampler (default 1000 ms; 0 turns it off). */
  sampleEveryMs?: number;
  /**
   * 'count': the journals count entries and keep none, for a Sim that replays what another
   * Sim of the same scenario recorded (its lengths index the recorder's journals).
   */
  journals?: 'keep' | 'count';
}

export type AdvanceResult = 'reached' | 'budget' | 'aborted';

export class Sim {
  readonly ids: string[];
  private readonly indexOf = new Map<string, number>();
  private readonly comps: Component[];
  readonly net: Network;
  state: WorldState;
  readonly limits: Limits;
  readonly journals: {
    history: HistoryJournal;
    log: Journal<LogEntry>;
    marks: Journal<Mark>;
    samples: Journal<MetricSample>;
  };
  private faults: FaultSpec[];
  private faultIds: string[] = [];
  private timeline: FaultAction[] = [];
  readonly checkpoints: CheckpointStore | null;
  private readonly sampleEveryUs: number;
  private readonly ctx: KernelCtx;
  private readonly ops: FaultOps;
  // Per node, the name of the last timer it ran and the type of the last message it took,
  // with their codes (nameCode): a node's events are mostly of a few kinds, one after the
  // other, and comparing two interned strings is cheaper than nameCode's lookup by name. A
  // memo of a function of the name alone, so never part of the state or of a checkpoint.
  private readonly timerName: string[];
  private readonly timerCode: Int32Array;
  private readonly messageType: string[];
  private readonly messageCode: Int32Array;

  constructor(
    readonly spec: WorldSpec,
    registry: Registry,
    private readonly faultKinds: Record<string, FaultKindDef>,
    options: SimOptions = {},
  ) {
    this.ids = spec.nodes.map((n) => n.id);
    this.ids.forEach((id, i) => this.indexOf.set(id, i));
    this.comps = spec.nodes.map((n) => {
      const c = registry[n.kind];
      if (!c) throw new Error(`node '${n.id}': kind '${n.kind}' is not simulated by this version`);
      return c;
    });
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    if (spec.limits?.maxEvents !== undefined) this.limits.maxEvents = spec.limits.maxEvents;
    this.net = new Network(spec.sites, spec.links, spec.nodes.map((n) => n.site));
    const l = this.limits;
    // A Sim replaying what another recorded keeps counts only (see SimOptions.journals).
    const counting = options.journals === 'count';
    this.journals = {
      history: counting ? new CountingHistory(l.maxHistoryEntries) : new HistoryJournal(l.maxHistoryEntries),
      log: new (counting ? CountingJournal : Journal)<LogEntry>('log', l.maxLogEntries, "the run's log", 'lines'),
      marks: new (counting ? CountingJournal : Journal)<Mark>('marks', l.maxMarks, "the run's list of marks", 'marks'),
      samples: new (counting ? CountingJournal : Journal)<MetricSample>('samples', l.maxSamples, "the run's list of metric samples", 'samples'),
    };
    this.checkpoints = options.checkpoints === false ? null : new CheckpointStore({ ...DEFAULT_CHECKPOINTS, ...options.checkpoints });
    this.sampleEveryUs = msToUs(options.sampleEveryMs ?? 1000);
    this.timerName = spec.nodes.map(() => '');
    this.timerCode = new Int32Array(spec.nodes.length);
    this.messageType = spec.nodes.map(() => '');
    this.messageCode = new Int32Array(spec.nodes.length);
    this.ctx = new KernelCtx(this);
    this.ops = this.faultOps();
    this.faults = spec.faults;
    this.buildTimeline();

    this.state = {
      nowUs: 0,
      seq: 0,
      executed: 0,
      trace: [HASH_SEED[0], HASH_SEED[1]],
      nextMsgId: 1,
      faultsApplied: 0,
      queue: eventQueue(),
      nodes: spec.nodes.map((n) => ({
        status: 'up',
        inc: 0,
        rng: forkStream(spec.seed, `node:${n.id}`),
        netRng: forkStream(spec.seed, `net:${n.id}`),
        p: null,
        v: null,
        deferred: [],
        endedUs: [],
      })),
      net: this.net.initialState(),
      aborted: null,
    };
    try {
      for (let i = 0; i < this.comps.length; i++) {
        this.enter(i);
        const s = this.comps[i].init(this.ctx);
        this.state.nodes[i].p = s.p;
        this.state.nodes[i].v = s.v;
      }
      if (this.sampleEveryUs > 0) this.schedule(this.sampleEveryUs, EV_SAMPLE, -1, 0, null);
      this.takeCheckpoint();
    } catch (e) {
      this.abortWith(e);
    }
  }

  // ---- time -------------------------------------------------------------------------------

  get nowUs(): number {
    return this.state.nowUs;
  }

  get aborted(): Aborted | null {
    return this.state.aborted;
  }

  /** Time of the next thing that will happen (an event or a fault action), or Infinity. */
  nextEventUs(): number {
    const fa = this.timeline[this.state.faultsApplied];
    return Math.min(queueNextTime(this.state.queue), fa ? fa.atUs : Infinity);
  }

  /**
   * Run every event and fault action at or before `targetUs`, then set the clock to it.
   * With a budget, stops early after that many events ('budget'; call again to go on).
   */
  advanceTo(targetUs: number, budget = Infinity): AdvanceResult {
    const st = this.state;
    if (st.aborted) return 'aborted';
    let ran = 0;
    // Read once, not per event: nothing an event does replaces the queue, the timeline, the
    // limits or the checkpoint store (a restore or a new timeline happens between runs).
    const q = st.queue;
    const maxEvents = this.limits.maxEvents;
    const checkpoints = this.checkpoints;
    let fa: FaultAction | undefined = this.timeline[st.faultsApplied];
    try {
      for (;;) {
        const evT = q.size > 0 ? q.ht[0] : Infinity;
        if (fa !== undefined && fa.atUs <= evT) {
          if (fa.atUs > targetUs) break;
          this.applyAction(fa);
          fa = this.timeline[st.faultsApplied];
        } else {
          if (evT > targetUs) break;
          const slot = queuePop(q);
          this.execute(evT, q.kn[slot], q.inc[slot], queueTake(q, slot));
        }
        const executed = st.executed;
        if (executed > maxEvents) {
          throw new SimAbort('limit', `the run passed its budget of ${count(maxEvents)} events`);
        }
        if ((executed & (STATE_CHECK_EVERY - 1)) === 0) this.checkStateBytes();
        if (checkpoints !== null && checkpoints.due(executed)) this.takeCheckpoint();
        if (++ran >= budget) return 'budget';
      }
    } catch (e) {
      this.abortWith(e);
      return 'aborted';
    }
    if (targetUs > st.nowUs) st.nowUs = targetUs;
    return 'reached';
  }

  /** Run exactly one event or fault action. Returns false when there is nothing left. */
  step(): boolean {
    const t = this.nextEventUs();
    if (t === Infinity || this.state.aborted) return false;
    return this.advanceTo(t, 1) !== 'aborted';
  }

  /** Put the world at virtual time `targetUs`, forwards or backwards. */
  seek(targetUs: number): AdvanceResult {
    const cp = this.checkpoints?.latestAtOrBefore(targetUs);
    const st = this.state;
    const mustRewind = targetUs < st.nowUs;
    if (cp && (mustRewind || cp.executed > st.executed)) this.restore(cp);
    else if (mustRewind) throw new Error('cannot seek backwards: checkpoints are turned off');
    return this.advanceTo(targetUs);
  }

  // ---- the fault timeline ------------------------------------------------------------------

  get faultList(): readonly FaultSpec[] {
    return this.faults;
  }

  /**
   * Replace the fault timeline during playback. The world returns to where it was, as if the
   * new timeline had always been there: from the last checkpoint before the first change.
   * With `replay: false` it stays at that checkpoint instead (the caller runs on when it
   * likes). Returns the virtual time of the first change (Infinity: the same timeline).
   */
  setFaults(faults: FaultSpec[], options: { replay?: boolean } = {}): number {
    const old = this.timeline;
    const oldIds = this.faultIds;
    const oldFaults = this.faults;
    this.faults = faults;
    this.buildTimeline();
    let i = 0;
    const same = (a: FaultAction, b: FaultAction) =>
      a.atUs === b.atUs &&
      a.phase === b.phase &&
      oldIds[a.fault] === this.faultIds[b.fault] &&
      JSON.stringify(oldFaults[a.fault]) === JSON.stringify(faults[b.fault]);
    while (i < old.length && i < this.timeline.length && same(old[i], this.timeline[i])) i++;
    if (i === old.length && i === this.timeline.length) return Infinity;
    const changedAtUs = Math.min(old[i]?.atUs ?? Infinity, this.timeline[i]?.atUs ?? Infinity);
    // Action indices of the shared prefix are the same in both timelines, so a state that has
    // applied only that prefix stays valid; anything at or after the change is replayed.
    this.checkpoints?.dropFrom(changedAtUs);
    const st = this.state;
    // What was recorded at or after the change is no longer the future.
    if (st.executed === 0 || st.nowUs < changedAtUs) {
      for (const j of Object.values(this.journals)) j.dropTail();
      return changedAtUs;
    }
    const back = this.checkpoints?.latestAtOrBefore(changedAtUs - 1);
    if (!back) throw new Error('cannot change the past: checkpoints are turned off');
    const resumeUs = st.nowUs;
    this.restore(back);
    for (const j of Object.values(this.journals)) j.dropTail();
    if (options.replay !== false) this.advanceTo(resumeUs);
    return changedAtUs;
  }

  private buildTimeline(): void {
    const ids = new Set<string>();
    this.faultIds = this.faults.map((f, i) => {
      let id = f.id ?? `#${i}`;
      while (ids.has(id)) id += "'";
      ids.add(id);
      return id;
    });
    const actions: FaultAction[] = [];
    this.faults.forEach((f, i) => {
      actions.push({ atUs: msToUs(f.atMs), fault: i, phase: 'apply' });
      if (f.untilMs !== undefined && this.faultKinds[f.kind]?.revert) {
        actions.push({ atUs: msToUs(f.untilMs), fault: i, phase: 'revert' });
      }
    });
    // At one instant, healing comes before new failures; then scenario order.
    actions.sort((a, b) => a.atUs - b.atUs || (a.phase === b.phase ? 0 : a.phase === 'revert' ? -1 : 1) || a.fault - b.fault);
    this.timeline = actions;
  }

  private applyAction(a: FaultAction): void {
    const st = this.state;
    st.faultsApplied++;
    st.executed++;
    st.nowUs = a.atUs;
    const f = this.faults[a.fault];
    const h = st.trace;
    mixInt(h, a.atUs);
    mix32(h, 0xfa017);
    mix32(h, nameCode(f.kind));
    mix32(h, a.phase === 'apply' ? 1 : 2);
    const def = this.faultKinds[f.kind];
    if (!def) {
      this.kernelLog(`fault '${f.kind}' is not known to this version; ignored`);
      return;
    }
    this.journals.marks.push({ atUs: a.atUs, node: 'target' in f ? String(f.target) : '', kind: `fault:${a.phase}`, data: { fault: this.faultIds[a.fault], kind: f.kind } });
    if (a.phase === 'apply') def.apply(this.ops, f, this.faultIds[a.fault]);
    else def.revert!(this.ops, f, this.faultIds[a.fault]);
  }

  // ---- events ------------------------------------------------------------------------------

  schedule(atUs: number, k: number, n: number, i: number, p: TimerBase | Message | null): void {
    const st = this.state;
    if (st.queue.size >= this.limits.maxPendingEvents) {
      throw new SimAbort('limit', `the event queue passed its limit of ${count(this.limits.maxPendingEvents)} pending events (timers and messages in flight)`);
    }
    // Kind (2 bits) and target node (up to 2^20) in one word, as the trace mixes them.
    queuePush(st.queue, atUs, st.seq++, (k << 20) | (n & 0xfffff), i, p);
  }

  /** Run one event: at `t`, of kind and target `kn` (packed as schedule packs them). */
  private execute(t: number, kn: number, inc: number, p: unknown): void {
    const st = this.state;
    st.nowUs = t;
    st.executed++;
    const h = st.trace;
    mixInt(h, t);
    mix32(h, kn);
    const k = kn >>> 20;
    if (k === EV_SAMPLE) {
      this.sample();
      this.schedule(t + this.sampleEveryUs, EV_SAMPLE, -1, 0, null);
      return;
    }
    const n = kn & 0xfffff;
    const node = st.nodes[n];
    if (node.status === 'paused') {
      node.deferred.push({ t, k, n, i: inc, p: p as TimerBase | Message });
      return;
    }
    if (k === EV_TIMER) {
      if (node.status !== 'up' || inc !== node.inc) return;
      const timer = p as TimerBase;
      const name = timer.name;
      let code: number;
      if (name === this.timerName[n]) code = this.timerCode[n];
      else {
        code = nameCode(name);
        this.timerName[n] = name;
        this.timerCode[n] = code;
      }
      mix32(h, code);
      this.enter(n);
      this.comps[n].onTimer(this.ctx, timer);
      return;
    }
    const msg = p as Message;
    const type = msg.type;
    let code: number;
    if (type === this.messageType[n]) code = this.messageCode[n];
    else {
      code = nameCode(type);
      this.messageType[n] = type;
      this.messageCode[n] = code;
    }
    mix32(h, code ^ Math.imul(msg.from + 1, 0x9e3779b1));
    if (node.status !== 'up') return;
    // A message still queued on its sender's link when the sender crashed never left the
    // machine: it died with it.
    const sender = st.nodes[msg.from];
    if (msg.si !== sender.inc && msg.departUs > sender.endedUs[msg.si]) return;
    // A partition that began while the message was in flight loses it too.
    if (this.net.partitioned && this.net.isBlocked(msg.from, msg.to)) {
      st.net.dropped[this.net.dirBetweenNodes(msg.from, msg.to)]++;
      return;
    }
    this.enter(n);
    this.comps[n].onMessage(this.ctx, msg);
  }

  private sample(): void {
    const st = this.state;
    for (let i = 0; i < this.comps.length; i++) {
      const c = this.comps[i];
      if (!c.sample || st.nodes[i].status !== 'up') continue;
      this.enter(i);
      this.journals.samples.push({ atUs: st.nowUs, node: this.ids[i], values: c.sample(this.ctx) });
    }
  }

  /** Point the shared context at node `i` before running its code. */
  private enter(i: number): void {
    this.ctx.bind(i, this.state.nodes[i]);
  }

  send<M extends MessageType>(from: number, to: number, type: M, body: Bodies[M], bytes: number): void {
    const st = this.state;
    const deliverUs = this.net.send(st.net, st.nodes[from].netRng, st.nowUs, from, to, bytes);
    if (deliverUs < 0) return;
    const msg = {
      id: st.nextMsgId++,
      from,
      to,
      si: st.nodes[from].inc,
      type,
      bytes,
      sentUs: st.nowUs,
      departUs: this.net.departUs,
      deliverUs,
      body,
    } as Message<M>;
    this.schedule(deliverUs, EV_DELIVER, to, 0, msg);
  }

  // ---- node lifecycle ----------------------------------------------------------------------

  crash(i: number, why = 'crashed: its memory is lost, its disk is kept'): void {
    const node = this.state.nodes[i];
    if (node.status === 'down') return this.kernelLog(`${this.ids[i]} is already down`);
    node.status = 'down';
    node.endedUs[node.inc] = this.state.nowUs;
    node.inc++;
    node.v = null;
    node.deferred = [];
    this.nodeEvent(i, 'crash', why);
  }

  restart(i: number): void {
    const node = this.state.nodes[i];
    if (node.status !== 'down') return this.kernelLog(`${this.ids[i]} is not down; restart ignored`);
    const c = this.comps[i];
    if (c.startRefusal) {
      this.enter(i);
      const why = c.startRefusal(this.ctx);
      if (why !== undefined) return this.nodeEvent(i, 'start-refused', `does not start: ${why}`);
    }
    node.status = 'up';
    this.nodeEvent(i, 'restart', 'restarted from what it persisted');
    this.enter(i);
    const v = c.recover(this.ctx);
    // It may have stopped again at once (its disk still full).
    if (node.status === 'up') node.v = v;
  }

  pause(i: number): void {
    const node = this.state.nodes[i];
    if (node.status !== 'up') return this.kernelLog(`${this.ids[i]} is not running; pause ignored`);
    node.status = 'paused';
    this.nodeEvent(i, 'pause', 'frozen: alive but silent');
  }

  resume(i: number): void {
    const node = this.state.nodes[i];
    if (node.status !== 'paused') return;
    node.status = 'up';
    this.nodeEvent(i, 'resume', `resumes, unaware that time passed (${node.deferred.length} events waited)`);
    // What waited runs now, in the order it arrived, as a thawed process would find it.
    const waiting = node.deferred;
    node.deferred = [];
    for (const ev of waiting) this.schedule(this.state.nowUs, ev.k, ev.n, ev.i, ev.p);
  }

  /** An operator's command to a node's running process. */
  private operate(i: number, cmd: Command): void {
    const n = this.state.nodes[i];
    const c = this.comps[i];
    const target = this.ids[i];
    if (n.status !== 'up') return this.kernelLog(`${cmd.verb} on ${target} refused: it is ${n.status}`);
    if (!c.onCommand) return this.kernelLog(`${target} does not take '${cmd.verb}'`);
    this.enter(i);
    const err = c.onCommand(this.ctx, cmd);
    if (err) this.kernelLog(`${cmd.verb} on ${target} refused: ${err}`);
  }

  /** An operator's change to a node's machine: made whether or not its process runs. */
  private configure(i: number, cmd: Configure): void {
    const c = this.comps[i];
    const target = this.ids[i];
    if (!c.onConfigure) return this.kernelLog(`${target} does not take '${cmd.verb}'`);
    this.enter(i);
    const err = c.onConfigure(this.ctx, cmd);
    if (err) this.kernelLog(`${cmd.verb} on ${target} refused: ${err}`);
  }

  private nodeEvent(i: number, kind: string, text: string): void {
    const atUs = this.state.nowUs;
    mix32(this.state.trace, nameCode(kind));
    this.journals.marks.push({ atUs, node: this.ids[i], kind });
    this.journals.log.push({ atUs, node: this.ids[i], text });
  }

  kernelLog(text: string): void {
    this.journals.log.push({ atUs: this.state.nowUs, node: '', text });
  }

  private faultOps(): FaultOps {
    const node = (id: string): number => {
      const i = this.indexOf.get(id);
      if (i === undefined) throw new SimAbort('error', `a fault names '${id}', which is not a node`);
      return i;
    };
    return {
      crash: (id) => this.crash(node(id)),
      restart: (id) => this.restart(node(id)),
      pause: (id) => this.pause(node(id)),
      resume: (id) => this.resume(node(id)),
      resolveSide: (ids) => {
        const out: number[] = [];
        for (const id of ids) {
          const i = this.indexOf.get(id);
          if (i !== undefined) out.push(i);
          else {
            const site = this.net.siteIndex(id);
            this.net.siteOfNode.forEach((s, n) => {
              if (s === site && site >= 0) out.push(n);
            });
          }
        }
        return out;
      },
      partition: (faultId, from, to, oneWay) => {
        this.net.addPartition(this.state.net, { faultId, from, to, oneWay });
        this.kernelLog(`network partition ${faultId}${oneWay ? ' (one-way)' : ''}: ${from.map((i) => this.ids[i]).join(', ')} | ${to.map((i) => this.ids[i]).join(', ')}`);
      },
      heal: (faultId) => {
        if (this.net.heal(this.state.net, faultId)) this.kernelLog(`network partition ${faultId} healed`);
      },
      degradeLink: (faultId, between, addLatencyMs, lossRate) => {
        const a = this.net.siteIndex(between[0]);
        const b = this.net.siteIndex(between[1]);
        const dirs = [this.net.dirBetweenSites(a, b), this.net.dirBetweenSites(b, a)].filter((d, k, all) => d >= 0 && all.indexOf(d) === k);
        this.net.degrade(this.state.net, { faultId, dirs, addLatencyUs: msToUs(addLatencyMs), lossRate });
        this.kernelLog(`link ${between.join('-')} degraded`);
      },
      restoreLink: (faultId) => {
        if (this.net.restoreLink(this.state.net, faultId)) this.kernelLog(`link restored (${faultId})`);
      },
      command: (target, cmd) => this.operate(node(target), cmd),
      configure: (target, cmd) => this.configure(node(target), cmd),
      log: (text) => this.kernelLog(text),
    };
  }

  // ---- checkpoints ---------------------------------------------------------------------------

  private journalLengths(): Record<string, number> {
    const j = this.journals;
    return { history: j.history.length, log: j.log.length, marks: j.marks.length, samples: j.samples.length };
  }

  /**
   * A checkpoint of the world now. Does not change it. The state before anything ran is dated
   * -1: it precedes even the faults and events at time zero, so it stays valid whatever the
   * timeline becomes.
   */
  snapshot(): Checkpoint {
    const st = this.state;
    const cost: CopyCost = trackedCost(this.checkpoints?.newestCopy ?? -1);
    const state = copyState(st, cost);
    return checkpointOf({ atUs: st.executed === 0 ? -1 : st.nowUs, executed: st.executed, state, journalLengths: this.journalLengths() }, cost);
  }

  private takeCheckpoint(): void {
    if (!this.checkpoints) return;
    this.checkpoints.add(this.snapshot());
  }

  restore(cp: Checkpoint): void {
    this.state = copyState(cp.state as WorldState, { bytes: 0, shared: [] });
    for (const [name, len] of Object.entries(cp.journalLengths)) this.journals[name as keyof Sim['journals']].resize(len);
    this.net.rebuild(this.state.net);
  }

  /**
   * The world state's estimated size, from counts kept anyway: the pending events, and what
   * each component says it holds (its `footprint`). Past the budget, the run stops, naming
   * the node that holds the most.
   */
  stateBytes(): { bytes: number; largest: { node: number; bytes: number } } {
    const st = this.state;
    let bytes = st.queue.size * PENDING_EVENT_BYTES;
    const largest = { node: -1, bytes: 0 };
    for (let i = 0; i < this.comps.length; i++) {
      const c = this.comps[i];
      const node = st.nodes[i];
      let b = node.deferred.length * PENDING_EVENT_BYTES;
      if (c.footprint && node.p !== null) {
        this.enter(i);
        b += c.footprint(this.ctx);
      }
      bytes += b;
      if (b > largest.bytes) {
        largest.node = i;
        largest.bytes = b;
      }
    }
    return { bytes, largest };
  }

  private checkStateBytes(): void {
    const { bytes, largest } = this.stateBytes();
    if (bytes <= this.limits.maxStateBytes) return;
    const who = largest.node >= 0 ? ` (${this.ids[largest.node]} holds ${mib(largest.bytes)})` : '';
    throw new SimAbort('limit', `the world state grew to about ${mib(bytes)}${who}, past its budget of ${mib(this.limits.maxStateBytes)}`);
  }

  /** What the run holds in memory besides the live state: checkpoints and journals, in estimated bytes. */
  memory(): { checkpointBytes: number; checkpointCount: number; historyBytes: number; journalEntries: number } {
    const j = this.journals;
    return {
      checkpointBytes: this.checkpoints?.bytes ?? 0,
      checkpointCount: this.checkpoints?.count ?? 0,
      historyBytes: j.history.bytes,
      journalEntries: j.log.held + j.marks.held + j.samples.held,
    };
  }

  /** A fingerprint of the whole world now: state, journals and trace. Equal states, equal hashes. */
  stateHash(): string {
    return hashString(JSON.stringify(this.state) + JSON.stringify(this.journalLengths()));
  }

  traceHex(): string {
    return hex64(this.state.trace);
  }

  private abortWith(e: unknown): void {
    const st = this.state;
    if (e instanceof LimitExceeded) {
      const holder = this.ctx.index >= 0 ? this.ids[this.ctx.index] : 'the world';
      st.aborted = { kind: e.kind, reason: e.sentence(holder, st.nowUs), atUs: st.nowUs };
    } else if (e instanceof SimAbort) st.aborted = { kind: e.kind, reason: e.kind === 'limit' ? `${e.message} at ${atTime(st.nowUs)}` : e.message, atUs: st.nowUs };
    else {
      const where = this.ctx.index >= 0 ? ` in ${this.ids[this.ctx.index]}` : '';
      st.aborted = { kind: 'error', reason: `internal error${where}: ${e instanceof Error ? e.message : String(e)}`, atUs: st.nowUs };
    }
  }

  // ---- reading the world ---------------------------------------------------------------------

  index(id: string): number {
    return this.indexOf.get(id) ?? -1;
  }

  private readonly byKind = new Map<string, string[]>();
  idsOfKind(kind: string): readonly string[] {
    let ids = this.byKind.get(kind);
    if (!ids) {
      ids = this.spec.nodes.filter((n) => n.kind === kind).map((n) => n.id);
      this.byKind.set(kind, ids);
    }
    return ids;
  }

  component(i: number): Component {
    return this.comps[i];
  }

  view(i: number): NodeView {
    const n = this.state.nodes[i];
    const spec = this.spec.nodes[i];
    this.enter(i);
    // The registry gives each kind its own component, whose view has that kind's detail.
    return { id: spec.id, kind: spec.kind, site: spec.site, status: n.status, ...this.comps[i].view(this.ctx) } as NodeView;
  }

  /** Events pending: timers set and messages in flight. */
  get pendingEvents(): number {
    return this.state.queue.size;
  }

  /** Messages in flight now (on the wire or queued on a link). */
  get pendingMessages(): number {
    let n = 0;
    queueForEach(this.state.queue, (_t, kn) => {
      if (kn >>> 20 === EV_DELIVER) n++;
    });
    return n;
  }

  /** Messages in flight now (on the wire or queued on a link), at most `max`. */
  inFlight(max: number): Message[] {
    const out: Message[] = [];
    this.eachInFlight((m) => {
      out.push(m);
      return out.length < max;
    });
    return out;
  }

  /** Every message in flight now, in the queue's order (not time order); `f` returning false stops. */
  eachInFlight(f: (msg: Message) => boolean | void): void {
    queueForEach(this.state.queue, (_t, kn, p) => (kn >>> 20 === EV_DELIVER ? f(p as Message) : undefined));
  }

  // Used by KernelCtx.
  _query<Q extends Question>(from: number, target: string, question: Q): Answer<Q> | undefined {
    const i = this.indexOf.get(target);
    if (i === undefined) return undefined;
    const n = this.state.nodes[i];
    const handlers = this.comps[i].queries;
    if (n.status !== 'up' || !handlers?.[question]) return undefined;
    this.enter(i);
    try {
      // The handler of question Q answers with Answer<Q>: the table's type says so per key.
      return (handlers[question] as (ctx: Ctx) => Answer<Q> | undefined).call(handlers, this.ctx);
    } finally {
      this.enter(from);
    }
  }

  _command(from: number, target: string, cmd: Command): string | undefined {
    const i = this.indexOf.get(target);
    if (i === undefined) return `'${target}' is not a node`;
    const n = this.state.nodes[i];
    const c = this.comps[i];
    if (n.status !== 'up') return `${target} is ${n.status}`;
    if (!c.onCommand) return `${target} does not take '${cmd.verb}'`;
    this.enter(i);
    try {
      return c.onCommand(this.ctx, cmd);
    } finally {
      this.enter(from);
    }
  }
}

/** A history entry's type as the trace mixes it: compared, not looked up by name (a megamorphic keyed load). */
function historyTypeCode(type: HistoryEntry['type']): number {
  return type === 'ok' ? 1 : type === 'invoke' ? 0 : type === 'fail' ? 2 : 3;
}

/** The one context object, re-pointed at whichever node's code is about to run. */
class KernelCtx implements Ctx {
  index = -1;
  id = '';
  spec!: NodeSpec;
  private node!: NodeRuntime;
  private readonly ids: readonly string[];
  private readonly specs: readonly NodeSpec[];

  constructor(private readonly sim: Sim) {
    this.ids = sim.ids;
    this.specs = sim.spec.nodes;
  }

  bind(i: number, node: NodeRuntime): void {
    this.index = i;
    this.id = this.ids[i];
    this.spec = this.specs[i];
    this.node = node;
  }

  get nowUs(): number {
    return this.sim.state.nowUs;
  }
  get p(): unknown {
    return this.node.p;
  }
  set p(x: unknown) {
    this.node.p = x;
  }
  get v(): unknown {
    return this.node.v;
  }
  set v(x: unknown) {
    this.node.v = x;
  }
  random(): number {
    return nextFloat(this.node.rng);
  }
  randomExp(mean: number): number {
    return nextExp(this.node.rng, mean);
  }
  send<M extends MessageType>(to: string | number, type: M, body: Bodies[M], bytes: number): void {
    const j = typeof to === 'number' ? to : this.sim.index(to);
    if (j < 0) return;
    this.sim.send(this.index, j, type, body, bytes);
  }
  setTimer(delayUs: number, timer: TimerBase): void {
    const at = this.sim.state.nowUs + Math.max(0, Math.round(delayUs));
    this.sim.schedule(at, EV_TIMER, this.index, this.node.inc, timer);
  }
  log(text: string): void {
    this.sim.journals.log.push({ atUs: this.nowUs, node: this.id, text });
  }
  mark(kind: string, data?: Record<string, unknown>): void {
    mix32(this.sim.state.trace, nameCode(kind));
    this.sim.journals.marks.push(data ? { atUs: this.nowUs, node: this.id, kind, data } : { atUs: this.nowUs, node: this.id, kind });
  }
  history(type: HistoryEntry['type'], f: HistoryEntry['f'], n: number, key: string, value: number | null, detail?: HistoryDetail): void {
    const h = this.sim.state.trace;
    mix32(h, historyTypeCode(type) | (f === 'write' ? 4 : 0) | (detail?.error === undefined ? 0 : 8));
    if (value !== null) mix32(h, value >>> 0);
    this.sim.journals.history.record(this.id, n, type, f, key, value, this.sim.state.nowUs, detail, this.index);
  }
  query<Q extends Question>(target: string, question: Q): Answer<Q> | undefined {
    return this.sim._query(this.index, target, question);
  }
  command(target: string, cmd: Command): string | undefined {
    return this.sim._command(this.index, target, cmd);
  }
  halt(reason: string): void {
    this.sim.crash(this.index, `stopped: ${reason}`);
  }
  nodeIndex(id: string): number {
    return this.sim.index(id);
  }
  nodeId(index: number): string {
    return this.sim.ids[index];
  }
  nodesOfKind(kind: string): readonly string[] {
    return this.sim.idsOfKind(kind);
  }
  nodeSpec(id: string) {
    const i = this.sim.index(id);
    return i < 0 ? undefined : this.sim.spec.nodes[i];
  }
  status(id: string): NodeStatus | undefined {
    const i = this.sim.index(id);
    return i < 0 ? undefined : this.sim.state.nodes[i].status;
  }
}
