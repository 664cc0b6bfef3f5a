// What kind of message a message is, as the stage draws it: one table, read where the
// message bodies are (the worker), so a frame carries a small code per message instead of
// its type, body and operation as strings.

import type { Message } from './kernel/component';

export const MSG_CLASSES = ['write', 'read', 'ack', 'replication', 'heartbeat', 'error', 'control'] as const;
export type MsgClass = (typeof MSG_CLASSES)[number];

const CLASS_CODE = Object.fromEntries(MSG_CLASSES.map((c, i) => [c, i])) as Record<MsgClass, number>;
export const MSG_WRITE = CLASS_CODE.write;
export const MSG_READ = CLASS_CODE.read;
export const MSG_ACK = CLASS_CODE.ack;
export const MSG_ERROR = CLASS_CODE.error;
export const MSG_CONTROL = CLASS_CODE.control;

/** Classes by message type; requests and replies also depend on their body. */
const BY_TYPE: Record<string, MsgClass> = {
  ack: 'ack',
  entries: 'replication',
  snapshot: 'replication',
  subscribe: 'replication',
  ping: 'heartbeat',
  pong: 'heartbeat',
  'not-primary': 'error',
};

/** The MSG_CLASSES index of a message. */
export function messageClass(type: string, body: unknown): number {
  if (type === 'request') return (body as { f?: unknown } | null)?.f === 'read' ? MSG_READ : MSG_WRITE;
  if (type === 'reply') return (body as { ok?: unknown } | null)?.ok === false ? MSG_ERROR : MSG_ACK;
  const c = BY_TYPE[type];
  return c === undefined ? MSG_CONTROL : CLASS_CODE[c];
}

/**
 * The operation a message belongs to (`app#812`), as the index of its client among the
 * nodes and its number, or null. Read from the body the client put there.
 */
export function messageOp(m: Message): [number, number] | null {
  // Only a request names its operation's client (a reply echoes its number alone).
  if (m.type !== 'request') return null;
  const { client, n } = m.body;
  return client >= 0 && Number.isInteger(n) ? [client, n] : null;
}
