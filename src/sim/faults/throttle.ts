import type { ThrottleFault } from '../spec';
import type { FaultKindDef } from './fault';

// An operator limits how fast a primary feeds followers that are catching up, so they stop
// taking its capacity from clients (at the price of a longer catch-up).
export const throttle: FaultKindDef<ThrottleFault> = {
  kind: 'throttle',
  apply: (ops, f) => ops.command(f.target, { verb: 'throttle', entriesPerSec: f.entriesPerSec }),
  revert: (ops, f) => ops.command(f.target, { verb: 'throttle', entriesPerSec: 0 }),
};
