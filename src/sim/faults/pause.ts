import type { PauseFault } from '../spec';
import type { FaultKindDef } from './fault';

// A frozen process (a long GC, a suspended VM): alive but silent. Messages and timers wait;
// at `untilMs` it carries on as if no time had passed, acting on what it knew before. That
// is what makes a paused primary dangerous once someone else has been promoted.
export const pause: FaultKindDef<PauseFault> = {
  kind: 'pause',
  apply: (ops, f) => ops.pause(f.target),
  revert: (ops, f) => ops.resume(f.target),
};
