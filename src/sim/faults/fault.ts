// A fault is plain data (a timed entry of the scenario) plus the verbs below that apply it,
// and revert it when it has an `untilMs`. The kernel calls them at the fault's times, so a
// failure a learner drags in is replayed exactly by anyone who opens the same scenario.

import type { FaultSpec } from '../spec';
import type { Command, Configure } from '../protocol';

/** What a fault may do to the world. The kernel implements it. */
export interface FaultOps {
  crash(node: string): void;
  restart(node: string): void;
  pause(node: string): void;
  resume(node: string): void;
  /** Node indices named by a list of node and site ids. */
  resolveSide(ids: string[]): number[];
  partition(faultId: string, from: number[], to: number[], oneWay: boolean): void;
  heal(faultId: string): void;
  degradeLink(faultId: string, between: [string, string], addLatencyMs: number, lossRate: number): void;
  restoreLink(faultId: string): void;
  /** An operator verb on a component (promote, repoint, ...); refused if it is not running. */
  command(target: string, cmd: Command): void;
  /**
   * A change to a node's machine rather than its process (a bigger disk): done even while it
   * is down. The component sees `ctx.v === null` then, and may only change what it persists.
   */
  configure(target: string, cmd: Configure): void;
  log(text: string): void;
}

export interface FaultKindDef<F extends FaultSpec = FaultSpec> {
  kind: F['kind'];
  apply(ops: FaultOps, fault: F, faultId: string): void;
  revert?(ops: FaultOps, fault: F, faultId: string): void;
}
