// An orchestrator's parameters: it watches databases by heartbeat and fails over.

import { BOUNDS } from './bounds';
import { RUNS_IN_SITE } from './node';
import { defaultsOf, params } from './param';

export const ORCHESTRATOR_PARAMS = params({
  ...RUNS_IN_SITE,
  watches: { type: 'refs', kinds: ['database'], required: true, min: 1, max: 500, unique: true, of: 'database ids', access: 'structure', label: 'Watches', help: 'Database ids, at least one.' },
  detector: { type: 'enum', values: ['timeout', 'phi'], required: true, access: 'tunable', ui: 'inspector', label: 'Failure detector', help: '`timeout`: down after `timeoutMs` without an answer. `phi`: phi accrual, down when phi passes `phiThreshold`.' },
  timeoutMs: { type: 'number', ...BOUNDS.timeout, default: 10_000, access: 'tunable', ui: 'inspector', step: 500, label: 'Timeout', help: 'For the timeout detector.' },
  phiThreshold: { type: 'number', unit: 'phi', above: 0, max: 100, default: 8, access: 'tunable', ui: 'inspector', step: 0.5, label: 'Phi threshold', help: 'For the phi detector.' },
  heartbeatMs: { type: 'number', ...BOUNDS.period, default: 1000, access: 'tunable', ui: 'inspector', step: 100, label: 'Heartbeat every', help: 'Interval between heartbeats to each watched node.' },
  promotion: { type: 'enum', values: ['auto', 'manual'], required: true, access: 'tunable', ui: 'inspector', label: 'Promotion', help: '`auto`: promote at once (the designated sync standby if there is one, else the most advanced replica by reported LSN). `manual`: raise an alert and wait for an operator.' },
  operatorDelayMs: { type: 'number', ...BOUNDS.delay, default: 300_000, access: 'tunable', ui: 'inspector', step: 1000, label: 'Operator delay', help: 'With `manual`: how long after the alert the operator promotes.' },
  fencing: {
    type: 'boolean', required: true, access: 'tunable', ui: 'inspector', label: 'Fencing',
    help: 'Heartbeats carry the epoch and a lease: a deposed primary stops accepting writes.',
    doc: 'With `true`, every heartbeat carries the current epoch and a lease of `leaseMs`: a primary refuses writes (`no-lease`) once its lease runs out, which happens before it could be replaced, and steps down (`fenced`) as soon as it hears of a newer epoch; the deposed primary is also told to stop on a failover. With `false`, a deposed primary that is still running keeps accepting writes until it is demoted.',
  },
  leaseMs: { type: 'number', ...BOUNDS.timeout, defaultText: 'half of `timeoutMs` (phi: 1.5 heartbeats)', access: 'tunable', step: 500, label: 'Lease', help: 'How long each heartbeat lets the primary accept writes, with fencing. Longer than a heartbeat, or it runs out before the next one renews it.' },
});

export const ORCHESTRATOR_DEFAULTS = defaultsOf(ORCHESTRATOR_PARAMS);

/**
 * How long each heartbeat lets the primary accept writes, with fencing: `leaseMs`, else half
 * the timeout (phi, which adapts its timeout: one and a half heartbeats). Shorter than
 * detection takes, so the old primary stops before anyone could replace it.
 */
export function leaseMsOf(o: { detector?: string; timeoutMs?: number; heartbeatMs?: number; leaseMs?: number }): number {
  if (o.leaseMs !== undefined) return o.leaseMs;
  if (o.detector === 'phi') return 1.5 * (o.heartbeatMs ?? ORCHESTRATOR_DEFAULTS.heartbeatMs);
  return (o.timeoutMs ?? ORCHESTRATOR_DEFAULTS.timeoutMs) / 2;
}
