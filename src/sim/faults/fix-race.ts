import type { FixRaceFault } from '../spec';
import type { FaultKindDef } from './fault';

// Developers ship the fix for the check-then-act race: from now on a daemon claims its job
// atomically, so no other daemon is handed it, and the daemons stop waiting on each other.
export const fixRace: FaultKindDef<FixRaceFault> = {
  kind: 'fix-race',
  apply: (ops, f) => ops.command(f.target, { verb: 'fix-race' }),
};
