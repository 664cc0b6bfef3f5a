import type { SurgeFault } from '../spec';
import type { FaultKindDef } from './fault';

// A traffic surge: a client's request rates are multiplied until `untilMs`.
export const surge: FaultKindDef<SurgeFault> = {
  kind: 'surge',
  apply: (ops, f) => ops.command(f.target, { verb: 'surge', factor: f.factor }),
  revert: (ops, f) => ops.command(f.target, { verb: 'surge', factor: 1 }),
};
