import type { AddReplicaFault } from '../spec';
import type { FaultKindDef } from './fault';

// An operator asks the autoscaler for one more read replica: it goes through every step
// (snapshot, provision, load, replay, attach), however urgent the need.
export const addReplica: FaultKindDef<AddReplicaFault> = {
  kind: 'add-replica',
  apply: (ops, f) => ops.command(f.target, { verb: 'add-replica' }),
};
