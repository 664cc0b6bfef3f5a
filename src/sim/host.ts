// The worker contract: what the UI may ask of a running simulation, and the frames it gets
// back. The worker (workers/sim.worker.ts) exposes a SimHost through comlink; the CLI and
// tests use the same class directly or over a MessageChannel.
//
// Frames are plain structured-clone data and bounded: at most MAX_FRAME_MESSAGES messages,
// MAX_FRAME_LOG log lines, MAX_FRAME_MARKS marks. Journal entries are sent once ("new since
// the last frame"); a frame with `full: true` (after a load or seek) replaces what the UI
// had. One call runs at most EVENTS_PER_CALL events, so a heavy stretch of a scenario never
// holds the worker for long: the frame then says `reached: false` and the UI asks again.

import type { FaultSpec, WorldSpec } from './spec';
import type { HistoryEntry, LogEntry, Mark, Message, MetricSample, NodeView } from './kernel/component';
import type { Aborted } from './kernel/limits';
import { Sim, EV_DELIVER } from './kernel/sim';
import { createSim } from './world';
import { summarize, type RunSummary } from './report';
import { CheckerSet, type Anomaly, type HistoryView } from './checks';
import { checkLinearizability, type LinearizabilityResult } from './checks/linearizability';

export const EVENTS_PER_CALL = 400_000;
export const MAX_FRAME_MESSAGES = 5_000;
export const MAX_FRAME_LOG = 500;
export const MAX_FRAME_MARKS = 2_000;
export const MAX_FRAME_SAMPLES = 20_000;
/** Per-second operation statistics cover at most this window before the frame's time... */
export const OP_STATS_WINDOW_US = 600_000_000;
/** ...and are rebuilt from at most this many history entries after a load or seek. */
export const OP_STATS_REPLAY_ENTRIES = 200_000;

export interface ValidationIssue {
  path: string;
  message: string;
}

/** A scenario as the host needs it: the world plus the document's own fields. */
export type HostScenario = WorldSpec & { title?: string; [extra: string]: unknown };

export type Validate = (input: unknown) => { ok: true; scenario: HostScenario } | { ok: false; errors: ValidationIssue[] };

export interface MessageView {
  id: number;
  from: string;
  to: string;
  type: string;
  bytes: number;
  sentUs: number;
  departUs: number;
  deliverUs: number;
  /** The client operation a request or reply belongs to (`app#812`), when it carries one. */
  op?: string;
  /** For a request: whether it reads or writes. */
  f?: 'read' | 'write';
  /** For a reply: whether it succeeded, and why not. */
  ok?: boolean;
  error?: string;
}

/**
 * Client operations completed in one virtual second (the history, summed): what the charts
 * need and the samples lack (error causes, latency).
 */
export interface OpStat {
  /** Start of the second. */
  atUs: number;
  reads: number;
  writes: number;
  ok: number;
  /** Failed or unknown completions by cause (`timeout`, `read-only`, `unreachable`, ...). */
  errors: Record<string, number>;
  /** Latency of the completions whose invocation was seen. */
  latencyCount: number;
  latencyUsSum: number;
  latencyUsMax: number;
}

export interface Frame {
  nowUs: number;
  events: number;
  trace: string;
  /** False when the call's event budget ran out before the target time: ask again. */
  reached: boolean;
  /** True after load or seek: replace the log, marks and samples instead of appending. */
  full: boolean;
  nodes: NodeView[];
  messages: MessageView[];
  /** All messages in flight, of which `messages` holds at most MAX_FRAME_MESSAGES. */
  messagesInFlight: number;
  log: LogEntry[];
  marks: Mark[];
  samples: MetricSample[];
  anomalies: Anomaly[];
  nextEventUs: number | null;
  aborted: Aborted | null;
  /**
   * Per-second operation statistics touched since the last frame (each replaces the UI's
   * bucket with the same `atUs`); after load or seek, the recent window whole.
   */
  ops: OpStat[];
}

export type LoadResult =
  | { ok: true; title: string; seed: number; durationMs: number; scenario: HostScenario; frame: Frame }
  | { ok: false; errors: ValidationIssue[] };

export type FaultsResult = { ok: true; faults: FaultSpec[]; frame: Frame } | { ok: false; errors: ValidationIssue[] };

export interface SimApi {
  load(input: unknown): LoadResult;
  /** `maxEvents` (at most EVENTS_PER_CALL) lets a caller keep each call short: a UI playing faster than the simulation runs asks for less per frame so that frames keep coming. */
  advanceTo(targetUs: number, maxEvents?: number): Frame;
  seek(targetUs: number): Frame;
  step(): Frame;
  addFault(fault: unknown): FaultsResult;
  removeFault(id: string): FaultsResult;
  summary(): RunSummary;
  history(): HistoryEntry[];
  /**
   * Is the clients' history so far linearizable? Judged from what the clients saw alone (no
   * ground truth), within a step budget and, when the host has a clock, a time budget; an
   * exhausted budget answers `unknown`.
   */
  linearizability(options?: { budgetSteps?: number; budgetMs?: number }): LinearizabilityResult;
  /**
   * The client operations that overlap a stretch of virtual time (optionally on one key),
   * each an invocation paired with its completion: what the history view draws, without
   * sending the page the whole history. Bounded: see MAX_WINDOW_OPS, MAX_WINDOW_SCAN_ENTRIES.
   */
  historyWindow(query: HistoryWindowQuery): HistoryWindow;
  /**
   * The history so far as the JSON file `npm run lincheck` reads (`{ "faultline": {...},
   * "history": [...] }`), in chunks of text to be joined (a Blob on the page): built here
   * so the page never holds the entries as objects, and no single string is huge.
   */
  historyJson(): string[];
}

/** One client operation: its invocation paired with its completion, if any. */
export interface HistoryOp {
  op: string;
  client: string;
  f: 'read' | 'write';
  key: string;
  /** The value written, or the value a read returned (null: never written, or no answer). */
  value: number | null;
  invokeUs: number;
  /** When it completed (ok, failed, or gave up as unknown); null: not yet, at the history's end. */
  completeUs: number | null;
  /** `info`: the client gave up (a timeout): it may or may not have taken effect. `pending`: no answer yet. */
  outcome: 'ok' | 'fail' | 'info' | 'pending';
  /** The node that served it, when known. */
  node?: string;
  error?: string;
}

export interface HistoryWindowQuery {
  fromUs: number;
  toUs: number;
  /** Only operations on this key. */
  key?: string;
  /** At most this many operations (and never more than MAX_WINDOW_OPS); the latest are kept. */
  maxOps?: number;
}

export interface HistoryWindow {
  fromUs: number;
  toUs: number;
  /** The history's end: virtual time of the run when asked. */
  nowUs: number;
  /** In order of invocation. */
  ops: HistoryOp[];
  /** Operations found overlapping the window, of which `ops` holds the latest. */
  total: number;
  /** The scan stopped at MAX_WINDOW_SCAN_ENTRIES entries: the window's end is missing. */
  partial: boolean;
}

export interface HostOptions {
  /** A wall clock for the linearizability check's time budget, given by the worker (the core never reads one). */
  now?: () => number;
}

/** Budgets for a check run from the page: a few seconds at most, never a frozen worker. */
export const LINEARIZABILITY_BUDGET_STEPS = 20_000_000;
export const LINEARIZABILITY_BUDGET_MS = 10_000;
/** Operations a history window holds at most (what an SVG diagram draws comfortably). */
export const MAX_WINDOW_OPS = 2_000;
/** History entries one window query reads at most (about 0.3 s of the worker's time). */
export const MAX_WINDOW_SCAN_ENTRIES = 1_000_000;
/**
 * How far before a window to look for operations still unanswered at the history's end. A
 * completed operation is found by the longest span any operation took; one still open may
 * be older than that (a dead node's requests, before the first timeout): this covers it.
 */
export const PENDING_LOOKBACK_US = 10_000_000;
/** Entries per chunk of exported JSON (a few MB of text each). */
export const EXPORT_CHUNK_ENTRIES = 20_000;

export class SimHost implements SimApi {
  private sim: Sim | null = null;
  private scenario: HostScenario | null = null;
  private cursor = { log: 0, marks: 0, samples: 0 };
  private opStats = new OpStats();
  /** Checkers stream the run's records frame by frame; they start over after a rewind or an edit. */
  private checks: CheckerSet | null = null;
  private span: { sim: Sim | null; cursor: number; maxUs: number } = { sim: null, cursor: 0, maxUs: 0 };

  constructor(
    private readonly validate: Validate,
    private readonly options: HostOptions = {},
  ) {}

  load(input: unknown): LoadResult {
    const res = this.validate(input);
    if (!res.ok) return res;
    const scenario = withFaultIds(res.scenario);
    let sim: Sim;
    try {
      sim = createSim(scenario);
    } catch (e) {
      return { ok: false, errors: [{ path: '', message: e instanceof Error ? e.message : String(e) }] };
    }
    this.sim = sim;
    this.scenario = scenario;
    this.checks = new CheckerSet(scenario);
    return {
      ok: true,
      title: scenario.title ?? 'Untitled scenario',
      seed: scenario.seed,
      durationMs: scenario.durationMs,
      scenario,
      frame: this.frame(true, true),
    };
  }

  advanceTo(targetUs: number, maxEvents?: number): Frame {
    const sim = this.need();
    const budget = maxEvents !== undefined && maxEvents >= 1 ? Math.min(EVENTS_PER_CALL, Math.floor(maxEvents)) : EVENTS_PER_CALL;
    const r = sim.advanceTo(Math.max(0, Math.round(targetUs)), budget);
    return this.frame(r !== 'budget', false);
  }

  seek(targetUs: number): Frame {
    const sim = this.need();
    // Backwards, a seek replays at most about two checkpoint spacings. Forwards it runs what
    // lies between, bounded only by the run's event budget: a seek must land where asked.
    sim.seek(Math.max(0, Math.round(targetUs)));
    this.checks?.reset();
    return this.frame(true, true);
  }

  step(): Frame {
    const sim = this.need();
    sim.step();
    return this.frame(true, false);
  }

  addFault(fault: unknown): FaultsResult {
    const scenario = this.needScenario();
    const faults = [...scenario.faults, fault as FaultSpec];
    return this.replaceFaults(faults);
  }

  removeFault(id: string): FaultsResult {
    const scenario = this.needScenario();
    const faults = scenario.faults.filter((f) => f.id !== id);
    if (faults.length === scenario.faults.length) return { ok: false, errors: [{ path: 'faults', message: `there is no fault with id '${id}'` }] };
    return this.replaceFaults(faults);
  }

  summary(): RunSummary {
    return summarize(this.need());
  }

  history(): HistoryEntry[] {
    return this.need().journals.history.items;
  }

  linearizability(options: { budgetSteps?: number; budgetMs?: number } = {}): LinearizabilityResult {
    const sim = this.need();
    return checkLinearizability(sim.journals.history.items, {
      budgetSteps: options.budgetSteps ?? LINEARIZABILITY_BUDGET_STEPS,
      budgetMs: options.budgetMs ?? LINEARIZABILITY_BUDGET_MS,
      now: this.options.now,
    });
  }

  historyWindow(query: HistoryWindowQuery): HistoryWindow {
    const sim = this.need();
    const h = sim.journals.history;
    const fromUs = Math.max(0, Number.isFinite(query.fromUs) ? query.fromUs : 0);
    const toUs = Math.max(fromUs, Number.isFinite(query.toUs) ? query.toUs : sim.nowUs);
    const maxOps = Math.max(1, Math.min(MAX_WINDOW_OPS, Math.floor(query.maxOps ?? MAX_WINDOW_OPS)));
    const spanUs = this.longestOpUs();
    // Entries are in time order. An operation overlapping [from, to] was invoked after
    // from - span (or is still open); every one invoked by `to` has completed by to + span.
    const start = lowerBound(h, fromUs - Math.max(spanUs, PENDING_LOOKBACK_US));
    let end = lowerBound(h, toUs + spanUs + 1);
    let partial = false;
    if (end - start > MAX_WINDOW_SCAN_ENTRIES) {
      end = start + MAX_WINDOW_SCAN_ENTRIES;
      partial = true;
    }
    const open = new Map<string, HistoryOp>();
    const found: HistoryOp[] = [];
    for (let i = start; i < end; i++) {
      const e = h.get(i);
      if (query.key !== undefined && e.key !== query.key) continue;
      if (e.type === 'invoke') {
        if (e.atUs <= toUs) open.set(e.op, { op: e.op, client: e.client, f: e.f, key: e.key, value: e.value, invokeUs: e.atUs, completeUs: null, outcome: 'pending' });
        continue;
      }
      const inv = open.get(e.op);
      open.delete(e.op);
      const invokeUs = inv?.invokeUs ?? e.invokedUs;
      // Its invocation lies before the scan (then it is long finished) or after the window.
      if (invokeUs === undefined || invokeUs > toUs || e.atUs < fromUs) continue;
      const op: HistoryOp = { op: e.op, client: e.client, f: e.f, key: e.key, value: e.value, invokeUs, completeUs: e.atUs, outcome: e.type };
      if (e.node !== undefined) op.node = e.node;
      if (e.error !== undefined) op.error = e.error;
      found.push(op);
    }
    // What is still open has no answer anywhere in the history: had it completed, it would
    // have within the longest span, inside the scan (a partial scan cannot tell).
    if (!partial) for (const op of open.values()) found.push(op);
    found.sort((a, b) => a.invokeUs - b.invokeUs || (a.op < b.op ? -1 : a.op > b.op ? 1 : 0));
    return { fromUs, toUs, nowUs: sim.nowUs, ops: found.slice(-maxOps), total: found.length, partial };
  }

  historyJson(): string[] {
    const sim = this.need();
    const h = sim.journals.history;
    const about = { scenario: this.scenario?.title ?? 'Untitled scenario', seed: this.scenario?.seed, untilUs: sim.nowUs, trace: sim.traceHex(), entries: h.length };
    const chunks: string[] = [`{"faultline":${JSON.stringify(about)},\n"history":[`];
    for (let i = 0; i < h.length; i += EXPORT_CHUNK_ENTRIES) {
      const lines: string[] = [];
      const end = Math.min(h.length, i + EXPORT_CHUNK_ENTRIES);
      for (let j = i; j < end; j++) lines.push(JSON.stringify(h.get(j)));
      chunks.push((i === 0 ? '\n' : ',\n') + lines.join(',\n'));
    }
    chunks.push('\n]}\n');
    return chunks;
  }

  /**
   * The longest any operation took from invocation to completion, over the history so far.
   * Kept incrementally; after a rewind or an edit it may only be too large, which costs a
   * wider scan and never a missed operation.
   */
  private longestOpUs(): number {
    const sim = this.need();
    const h = sim.journals.history;
    const span = this.span;
    if (span.sim !== sim) {
      span.sim = sim;
      span.cursor = 0;
      span.maxUs = 0;
    }
    if (span.cursor > h.length) span.cursor = h.length;
    for (let i = span.cursor; i < h.length; i++) {
      const inv = h.invokedUsAt(i);
      if (inv >= 0) span.maxUs = Math.max(span.maxUs, h.atUsAt(i) - inv);
    }
    span.cursor = h.length;
    return span.maxUs;
  }

  /** Every change to the timeline goes through the validator, like any other input. */
  private replaceFaults(faults: FaultSpec[]): FaultsResult {
    const sim = this.need();
    const res = this.validate({ ...this.scenario, faults });
    if (!res.ok) return res;
    const scenario = withFaultIds(res.scenario);
    this.scenario = scenario;
    sim.setFaults(scenario.faults);
    this.checks?.reset(scenario);
    return { ok: true, faults: scenario.faults, frame: this.frame(true, true) };
  }

  private need(): Sim {
    if (!this.sim) throw new Error('no scenario is loaded');
    return this.sim;
  }

  private needScenario(): HostScenario {
    this.need();
    return this.scenario!;
  }

  private frame(reached: boolean, full: boolean): Frame {
    const sim = this.need();
    const j = sim.journals;
    if (full) {
      // Whatever the UI had may no longer be true (a rewind truncated the journals): resend.
      this.cursor = {
        log: Math.max(0, j.log.length - MAX_FRAME_LOG),
        marks: Math.max(0, j.marks.length - MAX_FRAME_MARKS),
        samples: Math.max(0, j.samples.length - MAX_FRAME_SAMPLES),
      };
    }
    const log = j.log.since(this.cursor.log, MAX_FRAME_LOG);
    const marks = j.marks.since(this.cursor.marks, MAX_FRAME_MARKS);
    const samples = j.samples.since(this.cursor.samples, MAX_FRAME_SAMPLES);
    this.cursor.log += log.length;
    this.cursor.marks += marks.length;
    this.cursor.samples += samples.length;

    const messages: MessageView[] = [];
    let inFlight = 0;
    for (const ev of sim.state.queue) {
      if (ev.k !== EV_DELIVER) continue;
      inFlight++;
      if (messages.length >= MAX_FRAME_MESSAGES) continue;
      messages.push(messageView(ev.p as Message, sim.ids));
    }
    const ops = full ? this.opStats.rebuild(j.history, sim.nowUs) : this.opStats.advance(j.history);
    const next = sim.nextEventUs();
    return {
      nowUs: sim.nowUs,
      events: sim.state.executed,
      trace: sim.traceHex(),
      reached,
      full,
      nodes: sim.ids.map((_, i) => sim.view(i)),
      messages,
      messagesInFlight: inFlight,
      log,
      marks,
      samples,
      anomalies: this.checks ? this.checks.update(j.history, j.marks.items, sim.nowUs) : [],
      nextEventUs: next === Infinity ? null : next,
      aborted: sim.aborted,
      ops,
    };
  }
}

/** What the stage needs of a message: its timing, and what its body says about the operation. */
function messageView(m: Message, ids: readonly string[]): MessageView {
  const v: MessageView = { id: m.id, from: ids[m.from], to: ids[m.to], type: m.type, bytes: m.bytes, sentUs: m.sentUs, departUs: m.departUs, deliverUs: m.deliverUs };
  if (m.type === 'request') {
    v.op = m.body.op;
    v.f = m.body.f;
  } else if (m.type === 'reply') {
    v.ok = m.body.ok;
    if (m.body.error !== undefined) v.error = m.body.error;
  }
  return v;
}

const SECOND_US = 1_000_000;

/** The first entry at or after `atUs` (the history is in time order). */
function lowerBound(h: { length: number; atUsAt(i: number): number }, atUs: number): number {
  let lo = 0;
  let hi = h.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (h.atUsAt(mid) < atUs) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Per-second sums over the client history, kept incrementally as the run advances. */
class OpStats {
  private cursor = 0;
  private readonly buckets = new Map<number, OpStat>();

  rebuild(history: HistoryView, nowUs: number): OpStat[] {
    this.buckets.clear();
    // History is in time order: find where the window starts.
    const fromUs = nowUs - OP_STATS_WINDOW_US;
    let lo = Math.max(0, history.length - OP_STATS_REPLAY_ENTRIES);
    let hi = history.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (history.get(mid).atUs < fromUs) lo = mid + 1;
      else hi = mid;
    }
    this.cursor = lo;
    this.advance(history);
    return [...this.buckets.values()];
  }

  advance(history: HistoryView): OpStat[] {
    const touched = new Set<OpStat>();
    const end = history.length;
    for (let i = this.cursor; i < end; i++) {
      const e = history.get(i);
      if (e.type === 'invoke') continue;
      const b = this.bucket(e.atUs);
      touched.add(b);
      if (e.f === 'write') b.writes++;
      else b.reads++;
      if (e.type === 'ok') b.ok++;
      else {
        const cause = e.error ?? 'unknown';
        b.errors[cause] = (b.errors[cause] ?? 0) + 1;
      }
      // Completions carry their invocation time.
      if (e.invokedUs !== undefined) {
        const latencyUs = e.atUs - e.invokedUs;
        b.latencyCount++;
        b.latencyUsSum += latencyUs;
        if (latencyUs > b.latencyUsMax) b.latencyUsMax = latencyUs;
      }
    }
    this.cursor = end;
    return [...touched].map((b) => ({ ...b, errors: { ...b.errors } }));
  }

  private bucket(atUs: number): OpStat {
    const startUs = Math.floor(atUs / SECOND_US) * SECOND_US;
    let b = this.buckets.get(startUs);
    if (!b) {
      b = { atUs: startUs, reads: 0, writes: 0, ok: 0, errors: {}, latencyCount: 0, latencyUsSum: 0, latencyUsMax: 0 };
      this.buckets.set(startUs, b);
      // Only the newest seconds change; older buckets were sent already and can go.
      if (this.buckets.size > OP_STATS_WINDOW_US / SECOND_US) this.buckets.delete(this.buckets.keys().next().value!);
    }
    return b;
  }
}

/**
 * Give every fault an id, so the timeline can be edited by id. Ids already present are
 * kept; new ones are f1, f2, ... skipping those taken.
 */
function withFaultIds(s: HostScenario): HostScenario {
  const taken = new Set(s.faults.map((f) => f.id).filter((id): id is string => id !== undefined));
  let n = 1;
  const faults = s.faults.map((f) => {
    if (f.id !== undefined) return f;
    while (taken.has(`f${n}`)) n++;
    taken.add(`f${n}`);
    return { ...f, id: `f${n}` };
  });
  return { ...s, faults };
}
