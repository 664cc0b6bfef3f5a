import type { FenceFault } from '../spec';
import type { FaultKindDef } from './fault';

// An operator fences a node: it keeps running but refuses every write from now on.
export const fence: FaultKindDef<FenceFault> = {
  kind: 'fence',
  apply: (ops, f) => ops.command(f.target, { verb: 'fence' }),
};
