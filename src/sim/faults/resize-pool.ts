import type { ResizePoolFault } from '../spec';
import type { FaultKindDef } from './fault';

// An operator changes an app server's connection pool size: its configuration, changed
// whether or not it runs (a server down at the time starts with the new size).
export const resizePool: FaultKindDef<ResizePoolFault> = {
  kind: 'resize-pool',
  apply: (ops, f) => ops.configure(f.target, { verb: 'resize-pool', poolSize: f.poolSize }),
};
