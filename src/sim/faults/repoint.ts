import type { RepointFault } from '../spec';
import type { FaultKindDef } from './fault';

// Reconfigure where a client or an endpoint sends requests: an operator's fix, or the
// misconfiguration itself. It changes configuration, not a running process (a config file
// deployed, a DNS record edited), so it is made whether or not the target runs: a client
// crashed at the time starts again with the new address, as a restarted app server reads its
// new configuration.
export const repoint: FaultKindDef<RepointFault> = {
  kind: 'repoint',
  apply: (ops, f) => ops.configure(f.target, { verb: 'repoint', to: f.to }),
};
