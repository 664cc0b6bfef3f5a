// A worker node's parameters: daemons that take jobs from a queue and write their effects.

import { BOUNDS, HOUR_MS } from './bounds';
import { REQUEST_TARGET } from './address';
import { RUNS_IN_SITE } from './node';
import { params } from './param';

export const WORKER_PARAMS = params({
  ...RUNS_IN_SITE,
  queue: { type: 'ref', kinds: ['queue'], required: true, missing: 'the id of the queue it takes jobs from', access: 'structure', label: 'Queue', help: 'The queue it takes jobs from.' },
  target: { type: 'address', forms: REQUEST_TARGET, required: true, access: 'structure', label: 'Writes go to', help: 'Where its inserts go: an endpoint, a balancer, a database id or `node:<database id>`.' },
  readTarget: { type: 'address', forms: REQUEST_TARGET, defaultText: '`target`', access: 'structure', label: 'Checks go to', help: 'Where its checks go.' },
  count: { type: 'number', unit: 'daemons', integer: true, min: 1, max: 1000, default: 1, access: 'tunable', ui: 'inspector', step: 1, label: 'Daemons', help: 'Daemons it runs.' },
  jobMs: { type: 'number', ...BOUNDS.delay, max: HOUR_MS, default: 50, access: 'tunable', ui: 'inspector', step: 10, label: 'Time per job', help: "Time a daemon spends generating one job's effect." },
  race: { type: 'boolean', default: false, access: 'tunable', ui: 'inspector', label: 'Check-then-act race', help: 'The check and the insert are not atomic and jobs are not claimed.' },
  timeoutMs: { type: 'number', ...BOUNDS.timeout, default: 1000, access: 'tunable', step: 100, label: 'Request timeout', help: "A database request with no answer by then fails (an insert's outcome is then unknown)." },
});
