// A client node's parameters: an application server issuing reads and writes.

import { BOUNDS, HOUR_MS } from './bounds';
import { REQUEST_TARGET } from './address';
import { RUNS_IN_SITE } from './node';
import { params } from './param';

export const DIURNAL_PARAMS = params({
  amplitude: { type: 'number', unit: 'share', min: 0, max: 1, required: true, access: 'tunable', step: 0.1, label: 'Daily swing', help: 'The rates vary by plus or minus this share around their value.' },
  periodMs: { type: 'number', ...BOUNDS.cycle, default: 86_400_000, access: 'tunable', step: 60_000, label: 'Cycle length', help: 'The length of the cycle (a day, or a day compressed into a run).' },
  peakAtMs: { type: 'number', ...BOUNDS.moment, default: 0, access: 'tunable', step: 1000, label: 'Peak at', help: 'When in the run the rates peak.' },
});

export const CLIENT_PARAMS = params({
  ...RUNS_IN_SITE,
  target: { type: 'address', forms: REQUEST_TARGET, required: true, access: 'structure', ui: 'inspector', label: 'Writes go to', help: 'Where writes go: an endpoint id, a database id, `node:<database id>`, or a cache or balancer id.' },
  readTarget: { type: 'address', forms: REQUEST_TARGET, defaultText: '`target`', access: 'structure', ui: 'inspector', label: 'Reads go to', help: 'Where reads go (to read from a replica, say, or through a cache or a balancer).' },
  writesPerSec: { type: 'number', ...BOUNDS['ops-rate'], default: 0, access: 'tunable', ui: 'inspector', step: 1, label: 'Writes per second', help: 'Poisson arrival rate of writes.' },
  readsPerSec: { type: 'number', ...BOUNDS['ops-rate'], default: 0, access: 'tunable', ui: 'inspector', step: 1, label: 'Reads per second', help: 'Poisson arrival rate of reads.' },
  keys: { type: 'number', unit: 'keys', integer: true, min: 1, max: 1_000_000, default: 100, access: 'tunable', ui: 'inspector', step: 1, label: 'Keys', help: 'Keys `k0` ... `k(keys-1)`.' },
  keyDistribution: { type: 'enum', values: ['uniform', 'zipf'], default: 'uniform', access: 'tunable', label: 'Key choice', help: '`uniform`, or `zipf`: a few hot keys (k0 the hottest, then k1, ...) take most of the traffic.' },
  zipfExponent: { type: 'number', unit: '', above: 0, max: 10, default: 1.1, access: 'tunable', step: 0.1, label: 'Zipf exponent', help: 'Skew of `zipf` (higher: hotter hot keys).' },
  diurnal: {
    type: 'object', fields: DIURNAL_PARAMS, access: 'tunable', defaultText: 'none', label: 'Daily cycle', example: '{ "amplitude": 0.5, "periodMs": 86400000 }',
    help: 'A daily cycle: `{ "amplitude": 0.5, "periodMs": 86400000, "peakAtMs": 0 }` varies the rates by plus or minus `amplitude` around their value.',
  },
  poolSize: { type: 'number', unit: 'connections', integer: true, min: 0, max: 100_000, default: 0, access: 'tunable', step: 1, label: 'Connection pool', help: 'Connections this app server has (0: no pool, no limit). A request needs a free connection first and holds it until it completes or times out.' },
  acquireTimeoutMs: { type: 'number', ...BOUNDS.delay, max: HOUR_MS, default: 5000, access: 'tunable', step: 500, label: 'Wait for a connection', help: 'How long a request waits for a free connection before failing with `pool-timeout` (it never reached the database).' },
  timeoutMs: { type: 'number', ...BOUNDS.timeout, default: 1000, access: 'tunable', ui: 'inspector', step: 100, label: 'Request timeout', help: 'A request with no answer by then completes as unknown (a write may or may not have happened).' },
  retries: { type: 'number', unit: 'attempts', integer: true, min: 0, max: 10, default: 0, access: 'tunable', step: 1, label: 'Retries', help: "Attempts after the first when one fails or times out. Only the operation's final outcome is recorded." },
  retryDelayMs: { type: 'number', ...BOUNDS.delay, max: 60_000, default: 100, access: 'tunable', step: 50, label: 'Wait before a retry', help: 'Wait before each retry.' },
  jobsTo: {
    type: 'ref', kinds: ['queue'], access: 'structure', defaultText: 'none', label: 'Jobs go to',
    help: 'A queue id: every write acknowledged to this client also enqueues a job there.',
    doc: 'A queue id: every write acknowledged to this client also enqueues a job there (a payment whose commands must be generated), by a message sent after the acknowledgement (not in the same transaction: a job lost on the way is never done). A surge on the client raises the job rate with its write rate.',
  },
});
