// The checkers a run is judged by, one file each. The failover and capacity models add
// theirs here as they land.
import type { Anomaly, Checker, RunRecord } from './checker';

export type { Anomaly, AnomalyKind, Checker, HistoryView, RunRecord } from './checker';

export const CHECKERS: Checker[] = [];

export function runCheckers(run: RunRecord, checkers: readonly Checker[] = CHECKERS): Anomaly[] {
  const out: Anomaly[] = [];
  for (const c of checkers) out.push(...c.check(run));
  return out.sort((a, b) => a.atUs - b.atUs);
}
