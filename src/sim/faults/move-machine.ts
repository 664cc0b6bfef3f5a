import type { MoveMachineFault } from '../spec';
import type { FaultKindDef } from './fault';

// The provider moves a database to a new machine (the old one died): it is down until
// `untilMs`, then comes back with everything it persisted and an empty, cold cache.
export const moveMachine: FaultKindDef<MoveMachineFault> = {
  kind: 'move-machine',
  apply: (ops, f) => {
    ops.log(`the provider moves ${f.target} to a new machine`);
    ops.crash(f.target);
  },
  revert: (ops, f) => ops.restart(f.target),
};
