import type { RefreshStatisticsFault } from '../spec';
import type { FaultKindDef } from './fault';

// An operator runs ANALYZE: queries are planned well again.
export const refreshStatistics: FaultKindDef<RefreshStatisticsFault> = {
  kind: 'refresh-statistics',
  apply: (ops, f) => ops.command(f.target, { verb: 'refresh-statistics' }),
};
