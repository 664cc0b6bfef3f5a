import type { DemoteFault } from '../spec';
import type { FaultKindDef } from './fault';

// An operator demotes a primary to a replica (optionally following another node).
export const demote: FaultKindDef<DemoteFault> = {
  kind: 'demote',
  apply: (ops, f) => ops.command(f.target, { verb: 'demote', node: f.follow }),
};
