import type { RestartFault } from '../spec';
import type { FaultKindDef } from './fault';

// A crashed node starts again from what it persisted.
export const restart: FaultKindDef<RestartFault> = {
  kind: 'restart',
  apply: (ops, f) => ops.restart(f.target),
};
