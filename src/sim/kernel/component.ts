// The contract between the kernel and a component kind (database, client, ...).
//
// A component is code plus plain data. Its state is split the way a real process's is:
// `p` is what it persisted (survives a crash), `v` is what it holds in memory (gone on a
// crash, rebuilt by `recover` on restart). Both are plain JSON data so a checkpoint is a
// serialisation and nothing else. The component never sees the wall clock or global
// randomness: time, random draws, messages and timers all come through `Ctx`.

import type { NodeSpec } from '../spec';

export interface Message {
  id: number;
  from: number;
  to: number;
  /** The sender's incarnation when it sent this: a crash before departure loses the message. */
  si: number;
  type: string;
  bytes: number;
  /** When the sender handed it to the network. */
  sentUs: number;
  /** When its last byte left the sender's link queue. */
  departUs: number;
  /** When it reaches the receiver. */
  deliverUs: number;
  body: unknown;
}

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

export interface Ctx {
  /** Virtual time in microseconds. */
  readonly nowUs: number;
  readonly id: string;
  readonly index: number;
  readonly spec: NodeSpec;
  /** Persisted state of the node being run. */
  p: any;
  /** Volatile state of the node being run. */
  v: any;
  /** Uniform in [0, 1) from this node's own stream. */
  random(): number;
  /** Exponential with the given mean, from this node's own stream. */
  randomExp(mean: number): number;
  /**
   * Send a message over the network, to a node id or index (a reply can use the sender's
   * index as it came). `body` must not be changed afterwards (copy what you share): it is in
   * flight, and a checkpoint may serialise it at any moment.
   */
  send(to: string | number, type: string, body: unknown, bytes: number): void;
  setTimer(delayUs: number, name: string, data?: unknown): void;
  log(text: string): void;
  mark(kind: string, data?: Record<string, unknown>): void;
  /**
   * Record a history entry of this node's operation number `n` (its id is `<node>#<n>`),
   * at the current time.
   */
  history(type: HistoryEntry['type'], f: HistoryEntry['f'], n: number, key: string, value: number | null, detail?: HistoryDetail): void;
  /**
   * A synchronous out-of-band question to another component, for things the model does not
   * send over the network (a DNS lookup). Returns undefined if that node is down or paused.
   */
  query(target: string, question: string, args?: unknown): unknown;
  /** Ask another component to act, out of band (an orchestrator's API call). */
  command(target: string, verb: string, args?: unknown): string | undefined;
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

/** What the stage shows for a node; kind-specific fields go in `detail`. */
export interface NodeView {
  id: string;
  kind: string;
  site?: string;
  status: NodeStatus;
  /** A short line for the stage ("primary, lsn 812"). */
  summary: string;
  detail: Record<string, unknown>;
}

export interface Component {
  kind: string;
  init(ctx: Ctx): { p: object; v: object };
  /** Volatile state after a restart, from `ctx.p` (what survived the crash). */
  recover(ctx: Ctx): object;
  onMessage(ctx: Ctx, msg: Message): void;
  onTimer(ctx: Ctx, name: string, data: any): void;
  /** Operator verbs (promote, repoint, ...): returns an error sentence when refused. */
  onCommand?(ctx: Ctx, verb: string, args: any): string | undefined;
  onQuery?(ctx: Ctx, question: string, args: any): unknown;
  /** Numbers sampled into time series at every metrics tick. */
  sample?(ctx: Ctx): Record<string, number>;
  /** Called whether or not the node is up; `ctx.v` is null while it is down. */
  view(ctx: Ctx): Omit<NodeView, 'id' | 'kind' | 'site' | 'status'>;
  /**
   * Estimated bytes of what it holds, from counts it keeps anyway (queue lengths, log
   * length, keys): never by walking its state. The kernel adds these up every few thousand
   * events against the world's budget (limits.ts). Called whether or not the node is up.
   */
  footprint?(ctx: Ctx): number;
}

export type Registry = Partial<Record<string, Component>>;
