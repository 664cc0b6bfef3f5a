// A job queue's parameters.

import { RUNS_IN_SITE } from './node';
import { params } from './param';

export const QUEUE_PARAMS = params({
  ...RUNS_IN_SITE,
  maxJobs: { type: 'number', unit: 'jobs', integer: true, min: 1, max: 1_000_000, default: 100_000, access: 'tunable', ui: 'inspector', step: 1000, label: 'Jobs held', help: 'Jobs held at most; beyond, new jobs are dropped and counted.' },
});
