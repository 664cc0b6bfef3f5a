import type { RepointFault } from '../spec';
import type { FaultKindDef } from './fault';

// Reconfigure where a client or an endpoint sends requests: an operator's fix, or the
// misconfiguration itself.
export const repoint: FaultKindDef<RepointFault> = {
  kind: 'repoint',
  apply: (ops, f) => ops.command(f.target, { verb: 'repoint', to: f.to }),
};
