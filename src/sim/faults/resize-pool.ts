import type { ResizePoolFault } from '../spec';
import type { FaultKindDef } from './fault';

// An operator changes an app server's connection pool size.
export const resizePool: FaultKindDef<ResizePoolFault> = {
  kind: 'resize-pool',
  apply: (ops, f) => ops.command(f.target, { verb: 'resize-pool', poolSize: f.poolSize }),
};
