import type { PartitionFault } from '../spec';
import type { FaultKindDef } from './fault';

// The network drops messages between two sets of nodes (sites expand to their nodes when
// the fault starts). One-way: only the first side's messages to the second are lost.
export const partition: FaultKindDef<PartitionFault> = {
  kind: 'partition',
  apply: (ops, f, id) => ops.partition(id, ops.resolveSide(f.sides[0]), ops.resolveSide(f.sides[1]), f.oneWay === true),
  revert: (ops, _f, id) => ops.heal(id),
};
