import type { PromoteFault } from '../spec';
import type { FaultKindDef } from './fault';

// An operator promotes a replica to primary by hand.
export const promote: FaultKindDef<PromoteFault> = {
  kind: 'promote',
  apply: (ops, f) => ops.command(f.target, { verb: 'promote' }),
};
