import type { FillDiskFault } from '../spec';
import type { FaultKindDef } from './fault';

// Something else takes space on a database's disk (a runaway log, a forgotten dump). If the
// disk fills, the database stops; when the space is freed (the fault's end), it can be
// started again. The space is the machine's, so it changes whether the database runs or not.
export const fillDisk: FaultKindDef<FillDiskFault> = {
  kind: 'fill-disk',
  apply: (ops, f) => ops.configure(f.target, { verb: 'fill-disk', bytes: f.bytes }),
  revert: (ops, f) => ops.configure(f.target, { verb: 'fill-disk', bytes: -f.bytes }),
};
