import type { ManagedFailoverFault } from '../spec';
import type { FaultKindDef } from './fault';

// A planned failover, as a managed service runs one for maintenance: the orchestrator fences
// the healthy primary, promotes a replica, re-points everyone, and the old primary rejoins as
// a replica. Anything pinned to the old primary's own address now reaches a read-only node.
export const managedFailover: FaultKindDef<ManagedFailoverFault> = {
  kind: 'managed-failover',
  apply: (ops, f) => ops.command(f.target, { verb: 'managed-failover', to: f.to }),
};
