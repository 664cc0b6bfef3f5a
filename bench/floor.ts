// The kernel's floor: what an event costs when the nodes do the least a node can do. An
// "echo" world runs the real Sim, its real network and its event queue, with nodes that only
// bounce messages: a node's timer sends a ping to its neighbour and sets itself again; a ping
// is answered with a pong; a pong is dropped. So every event pays what the kernel pays for
// any event (the queue's pop and push, the trace hash, dispatch, binding the context, the
// network's send and the message object), and nothing else: no database, no client, no
// history. It is a yardstick for the kernel's share of an event, not a world anyone models;
// the target ("kernel on the bench world") is measured on the bench world, never on this.
//
// The shape follows the bench world (bench/worlds.ts): the same sites and links, as many
// nodes (11 per site, the last of each in the next site, as a cluster's third database is),
// and about the same mean queue (some 660 pending); a third of its events are timers and two
// thirds deliveries (the bench world's: 38 % and 62 %).

import { Sim } from '../src/sim/kernel/sim';
import { FAULT_KINDS } from '../src/sim/faults';
import type { Component, KindTypes, Message } from '../src/sim/kernel/component';
import type { NodeSpec, WorldSpec } from '../src/sim/spec';
import type { PingBody, PongBody } from '../src/sim/protocol';
import { syntheticWorld } from './worlds';

/** An echo node's spec: whom it pings, and how many timer chains it keeps going. */
interface EchoSpec {
  id: string;
  kind: 'echo';
  site: string;
  peer: number;
  chains: number;
}

interface Echo extends KindTypes {
  spec: EchoSpec;
  persisted: null;
  volatile: null;
  timer: { name: 'tick' };
  inbox: 'ping' | 'pong';
  detail: null;
}

// Shared and never changed: the floor allocates only what the kernel allocates.
const TICK = Object.freeze({ name: 'tick' as const });
const PING: PingBody = Object.freeze({});
const PONG: PongBody = Object.freeze({ role: 'replica', lsn: 0, epoch: 0, follow: null, fenced: false });
const MESSAGE_BYTES = 100;
/** A chain's timer comes back after a uniform 0-20 ms. */
const TICK_MAX_US = 20_000;

export const echo: Component<Echo> = {
  kind: 'echo',
  init(ctx) {
    for (let i = 0; i < ctx.spec.chains; i++) ctx.setTimer(ctx.random() * TICK_MAX_US, TICK);
    return { p: null, v: null };
  },
  recover() {
    return null;
  },
  onTimer(ctx) {
    ctx.send(ctx.spec.peer, 'ping', PING, MESSAGE_BYTES);
    ctx.setTimer(ctx.random() * TICK_MAX_US, TICK);
  },
  onMessage(ctx, msg: Message<'ping' | 'pong'>) {
    if (msg.type === 'ping') ctx.send(msg.from, 'pong', PONG, MESSAGE_BYTES);
  },
  view() {
    return { summary: 'echo', detail: null };
  },
};

/** `clusters` sites on the bench world's ring, `perSite` echo nodes each, `chains` timers per node. */
export function echoWorld(clusters = 12, perSite = 11, chains = 2, durationMs = 60_000): WorldSpec {
  const { sites, links } = syntheticWorld(clusters, 1, durationMs);
  const nodes: EchoSpec[] = [];
  for (let c = 0; c < clusters; c++) {
    for (let k = 0; k < perSite; k++) {
      const site = `site${k === perSite - 1 ? (c + 1) % clusters : c}`;
      nodes.push({ id: `c${c}-e${k}`, kind: 'echo', site, peer: c * perSite + ((k + 1) % perSite), chains });
    }
  }
  // Echo nodes are not a kind scenarios may name: this world is built here and run by a Sim
  // given the echo component alone, never validated as a scenario.
  return { seed: 1, durationMs, sites, links, nodes: nodes as unknown as NodeSpec[], faults: [] };
}

/** A Sim of the echo world, without checkpoints (as the kernel's straight run). */
export function echoSim(world = echoWorld()): Sim {
  return new Sim(world, { echo: echo as unknown as Component }, FAULT_KINDS, { checkpoints: false });
}
