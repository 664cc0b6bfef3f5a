import type { SurgeFault } from '../spec';
import type { FaultKindDef } from './fault';

// A traffic surge: a client's request rates are multiplied until `untilMs`. The traffic is
// its users', not its process's: a surge that ends while the app server is down is over when
// it starts again, and one that begins then is on.
export const surge: FaultKindDef<SurgeFault> = {
  kind: 'surge',
  apply: (ops, f) => ops.configure(f.target, { verb: 'surge', factor: f.factor }),
  revert: (ops, f) => ops.configure(f.target, { verb: 'surge', factor: 1 }),
};
