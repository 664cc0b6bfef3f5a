import type { CrashFault } from '../spec';
import type { FaultKindDef } from './fault';

// The process dies: its memory is gone, its disk stays. It stays down until a `restart`
// (or the fault's `untilMs`, which restarts it then).
export const crash: FaultKindDef<CrashFault> = {
  kind: 'crash',
  apply: (ops, f) => ops.crash(f.target),
  revert: (ops, f) => ops.restart(f.target),
};
