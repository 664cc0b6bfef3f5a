import type { AddWorkersFault } from '../spec';
import type { FaultKindDef } from './fault';

// An operator starts more worker daemons (the first reflex when a queue falls behind; with
// the check-then-act race in the code, it mostly adds contenders for the same jobs).
export const addWorkers: FaultKindDef<AddWorkersFault> = {
  kind: 'add-workers',
  apply: (ops, f) => ops.command(f.target, { verb: 'add-workers', count: f.count }),
};
