import type { SlowQueriesFault } from '../spec';
import type { FaultKindDef } from './fault';

// Stale statistics: the planner picks bad plans for queries on some keys, which become many
// times slower, until someone refreshes the statistics (or `untilMs`).
export const slowQueries: FaultKindDef<SlowQueriesFault> = {
  kind: 'slow-queries',
  apply: (ops, f) => ops.command(f.target, { verb: 'slow-queries', keys: f.keys ?? [], hottest: f.hottest ?? 0, factor: f.factor ?? 100 }),
  revert: (ops, f) => ops.command(f.target, { verb: 'refresh-statistics' }),
};
