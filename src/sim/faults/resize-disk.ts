import type { ResizeDiskFault } from '../spec';
import type { FaultKindDef } from './fault';

// An operator gives a database a bigger (or smaller) disk, running or stopped (a stopped
// database still needs a restart).
export const resizeDisk: FaultKindDef<ResizeDiskFault> = {
  kind: 'resize-disk',
  apply: (ops, f) => ops.configure(f.target, { verb: 'resize-disk', bytes: f.bytes }),
};
