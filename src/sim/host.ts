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
}

export class SimHost implements SimApi {
  private sim: Sim | null = null;
  private scenario: HostScenario | null = null;
  private cursor = { log: 0, marks: 0, samples: 0 };
  private opStats = new OpStats();
  /** Checkers stream the run's records frame by frame; they start over after a rewind or an edit. */
  private checks: CheckerSet | null = null;

  constructor(private readonly validate: Validate) {}

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
    return this.need().journals.history.items.slice();
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
      const m = ev.p;
      messages.push(messageView(m, sim.ids));
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
  const b = m.body as { op?: unknown; f?: unknown; ok?: unknown; error?: unknown } | null;
  if (b && typeof b === 'object') {
    if (typeof b.op === 'string') v.op = b.op;
    if (b.f === 'read' || b.f === 'write') v.f = b.f;
    if (typeof b.ok === 'boolean') v.ok = b.ok;
    if (typeof b.error === 'string') v.error = b.error;
  }
  return v;
}

const SECOND_US = 1_000_000;

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
