// A balancer's parameters: it spreads reads over replicas by health.

import { BOUNDS } from './bounds';
import { RUNS_IN_SITE } from './node';
import { params } from './param';

export const BALANCER_PARAMS = params({
  ...RUNS_IN_SITE,
  targets: { type: 'refs', kinds: ['database'], required: true, max: 500, unique: true, of: 'database ids', access: 'structure', label: 'Targets', help: 'Database ids it routes to from the start (not spares: an autoscaler attaches those).' },
  healthCheckMs: { type: 'number', ...BOUNDS.period, default: 1000, access: 'tunable', ui: 'inspector', step: 100, label: 'Health check every', help: 'Interval between checks of each target.' },
  checkTimeoutMs: { type: 'number', ...BOUNDS.timeout, defaultText: '`healthCheckMs`', access: 'tunable', step: 100, label: 'Check timeout', help: 'A check answered later than this failed.' },
  unhealthyAfter: { type: 'number', unit: 'checks', integer: true, min: 1, max: 100, default: 3, access: 'tunable', ui: 'inspector', step: 1, label: 'Unhealthy after', help: 'Failed checks in a row before a target is taken out.' },
  healthyAfter: { type: 'number', unit: 'checks', integer: true, min: 1, max: 100, default: 2, access: 'tunable', step: 1, label: 'Healthy after', help: 'Good checks in a row before it is put back.' },
});
