import type { FillDiskFault } from '../spec';
import type { FaultKindDef } from './fault';

// Something else takes space on a database's disk (a runaway log, a forgotten dump). If the
// disk fills, the database stops.
export const fillDisk: FaultKindDef<FillDiskFault> = {
  kind: 'fill-disk',
  apply: (ops, f) => ops.command(f.target, 'fill-disk', { bytes: f.bytes }),
  revert: (ops, f) => ops.command(f.target, 'fill-disk', { bytes: -f.bytes }),
};
