import type { DegradeLinkFault } from '../spec';
import type { FaultKindDef } from './fault';

// A link gets slower or lossier (a congested or flapping WAN) until `untilMs`.
export const degradeLink: FaultKindDef<DegradeLinkFault> = {
  kind: 'degrade-link',
  apply: (ops, f, id) => ops.degradeLink(id, f.between, f.addLatencyMs ?? 0, f.lossRate ?? -1),
  revert: (ops, _f, id) => ops.restoreLink(id),
};
