// The contract between the kernel and a component kind (database, client, ...).
//
// A component is code plus plain data. Its state is split the way a real process's is:
// `p` is what it persisted (survives a crash), `v` is what it holds in memory (gone on a
// crash, rebuilt by `recover` on restart). Both are plain JSON data so a checkpoint is a
// serialisation and nothing else. The component never sees the wall clock or global
// randomness: time, random draws, messages and timers all come through `Ctx`.

import type { NodeSpec } from '../spec';
import type { Bodies, Command, Configure, MessageType, Question, Answer, QueryHandlers } from '../protocol';
import type { NodeView } from '../views';

export type { NodeView };

/** What the network carries for every message, whatever its type. */
export interface MessageHeader {
  id: number;
  from: number;
  to: number;
  /** The sender's incarnation when it sent this: a crash before departure loses the message. */
  si: number;
  bytes: number;
  /** When the sender handed it to the network. */
  sentUs: number;
  /** When its last byte left the sender's link queue. */
  departUs: number;
  /** When it reaches the receiver. */
  deliverUs: number;
}

/** A message of one of the types `M`: narrow it by `type` to get its body's type. */
export type Message<M extends MessageType = MessageType> = M extends MessageType ? MessageHeader & { type: M; body: Bodies[M] } : never;

export type NodeStatus = 'up' | 'down' | 'paused';

/** A line of the run's log, shown in the inspector and replayed with the run. */
export interface LogEntry {
  atUs: number;
  node: string;
  text: string;
}

/**
 * A notable event: something a learner might want to jump to, and what checkers read
 * besides client histories (role changes, fencing, detections).
 */
export interface Mark {
  atUs: number;
  node: string;
  kind: string;
  data?: Record<string, unknown>;
}

/** One entry of a client history, Jepsen style: an invocation, then exactly one completion. */
export interface HistoryEntry {
  /** Operation id, unique in the run: `<client>#<n>`. */
  op: string;
  client: string;
  type: 'invoke' | 'ok' | 'fail' | 'info';
  f: 'read' | 'write';
  key: string;
  /** The value written, or the value a read returned (null: never written). */
  value: number | null;
  atUs: number;
  /** The node that served it, when known. */
  node?: string;
  /** Why it failed or is unknown: `timeout`, `read-only`, `unreachable`, ... */
  error?: string;
  /** For an acknowledged operation: the log position and epoch of the node that served it. */
  lsn?: number;
  epoch?: number;
  /** On a completion: when the operation was invoked (so readers need not pair entries up). */
  invokedUs?: number;
}

/** The optional parts of a history entry, as a component records it. */
export type HistoryDetail = Pick<HistoryEntry, 'node' | 'error' | 'lsn' | 'epoch' | 'invokedUs'>;

export interface MetricSample {
  atUs: number;
  node: string;
  values: Record<string, number>;
}

/** A timer's payload: its name (what the trace hash mixes in) and what it carries. */
export interface TimerBase {
  readonly name: string;
  readonly data?: unknown;
}

/**
 * The types that make a component kind: how it is configured, what it persists (survives a
 * crash), what it holds in memory, its timers (a discriminated union on `name`), the
 * message types it takes, and the detail its view gives the stage.
 */
export interface KindTypes {
  spec: unknown;
  persisted: unknown;
  volatile: unknown;
  timer: TimerBase;
  inbox: MessageType;
  detail: unknown;
}

export interface Ctx<K extends KindTypes = KindTypes> {
  /** Virtual time in microseconds. */
  readonly nowUs: number;
  readonly id: string;
  readonly index: number;
  readonly spec: K['spec'];
  /** Persisted state of the node being run. */
  p: K['persisted'];
  /** Volatile state of the node being run (null while it is down: see `DownCtx`). */
  v: K['volatile'];
  /** Uniform in [0, 1) from this node's own stream. */
  random(): number;
  /** Exponential with the given mean, from this node's own stream. */
  randomExp(mean: number): number;
  /**
   * Send a message over the network, to a node id or index (a reply can use the sender's
   * index as it came). `body` must not be changed afterwards (copy what you share): it is in
   * flight, and a checkpoint may serialise it at any moment.
   */
  send<M extends MessageType>(to: string | number, type: M, body: Bodies[M], bytes: number): void;
  /** `timer` comes back to `onTimer` after `delayUs`, unless the node crashes first. Not to be changed afterwards. */
  setTimer(delayUs: number, timer: K['timer']): void;
  log(text: string): void;
  mark(kind: string, data?: Record<string, unknown>): void;
  /**
   * Record a history entry of this node's operation number `n` (its id is `<node>#<n>`),
   * at the current time.
   */
  history(type: HistoryEntry['type'], f: HistoryEntry['f'], n: number, key: string, value: number | null, detail?: HistoryDetail): void;
  /**
   * A synchronous out-of-band question to another component, for things the model does not
   * send over the network (a DNS lookup). Undefined if that node is down or paused, or does
   * not answer that question.
   */
  query<Q extends Question>(target: string, question: Q): Answer<Q> | undefined;
  /** Ask another component to act, out of band (an orchestrator's API call): an error sentence when refused. */
  command(target: string, cmd: Command): string | undefined;
  /**
   * The process stops by itself (a full disk, a fatal error): as a crash, with a reason. The
   * caller must return at once; `ctx.v` is null afterwards.
   */
  halt(reason: string): void;
  nodeIndex(id: string): number;
  /** The id of the node at an index (messages carry indices). */
  nodeId(index: number): string;
  nodeSpec(id: string): NodeSpec | undefined;
  /** Ids of the nodes of a kind, in scenario order. */
  nodesOfKind(kind: string): readonly string[];
  status(id: string): NodeStatus | undefined;
}

/** The context of code that also runs while the node is down (its view, changes to its machine). */
export type DownCtx<K extends KindTypes = KindTypes> = Ctx<Omit<K, 'volatile'> & { volatile: K['volatile'] | null }>;

export interface Component<K extends KindTypes = KindTypes> {
  readonly kind: string;
  /** The node's first state. `ctx.p` and `ctx.v` are unset until it assigns them. */
  init(ctx: Ctx<K>): { p: K['persisted']; v: K['volatile'] };
  /** Volatile state after a restart, from `ctx.p` (what survived the crash); `ctx.v` is unset until it assigns it. */
  recover(ctx: Ctx<K>): K['volatile'];
  /**
   * Why the process cannot be started now (its data is still being replaced), or undefined:
   * a restart then leaves it down, saying why.
   */
  startRefusal?(ctx: DownCtx<K>): string | undefined;
  /** Any message may arrive (a misaddressed one too): a component ignores types it does not take. */
  onMessage(ctx: Ctx<K>, msg: Message<K['inbox']>): void;
  onTimer(ctx: Ctx<K>, timer: K['timer']): void;
  /** Operator verbs on the running process: returns an error sentence when refused. */
  onCommand?(ctx: Ctx<K>, cmd: Command): string | undefined;
  /** Changes to the node's machine, made whether or not its process runs. */
  onConfigure?(ctx: DownCtx<K>, cmd: Configure): string | undefined;
  /** Out-of-band questions it answers. */
  readonly queries?: QueryHandlers<Ctx<K>>;
  /** Numbers sampled into time series at every metrics tick. */
  sample?(ctx: Ctx<K>): Record<string, number>;
  /** Called whether or not the node is up. */
  view(ctx: DownCtx<K>): { summary: string; detail: K['detail'] };
  /**
   * Estimated bytes of what it holds, from counts it keeps anyway (queue lengths, log
   * length, keys): never by walking its state. The kernel adds these up every few thousand
   * events against the world's budget (limits.ts). Called whether or not the node is up.
   */
  footprint?(ctx: DownCtx<K>): number;
}

export type Registry = Partial<Record<string, Component>>;
