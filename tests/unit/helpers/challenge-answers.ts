// Each built-in challenge's answers, as a learner would make them: the reference answer that
// must pass over the goal's seeds, the tempting wrong answers that must fail (and the
// requirement each fails), and cheap tricks the challenge refuses before running anything.

import type { WhatIfChange } from '../../../src/scenario/what-if';

export interface WrongAnswer {
  what: string;
  changes: WhatIfChange[];
  /** The requirement its first failing run misses (or one of these). */
  fails: string | string[];
}

export interface ChallengeAnswers {
  pass: { what: string; changes: WhatIfChange[] }[];
  wrong: WrongAnswer[];
  refused: { what: string; changes: WhatIfChange[]; path: string }[];
}

const partition = (id: string, atMs: number, untilMs: number, sides: string[][]): WhatIfChange => ({ addFault: { id, atMs, untilMs, kind: 'partition', sides } });

export const ANSWERS: Record<string, ChallengeAnswers> = {
  'keep-every-write': {
    pass: [{ what: 'db3 as a synchronous standby next door', changes: [{ node: 'db3', set: { role: 'standby', replication: 'sync' } }] }],
    wrong: [
      { what: 'unchanged', changes: [], fails: 'lost-write at most 0' },
      { what: 'sync to the replica in the other region', changes: [{ node: 'db2', set: { replication: 'sync' } }], fails: 'writes.latency.p99Ms at most 150' },
      { what: 'sync to db3 without making it the standby (db2 may be promoted)', changes: [{ node: 'db3', set: { replication: 'sync' } }], fails: 'writes.latency.p99Ms at most 150' },
      { what: 'semi-sync to db3 with a 50 ms timeout (it gives up waiting, or db2 is promoted)', changes: [{ node: 'db3', set: { replication: 'semi-sync' } }, { node: 'db1', set: { semiSyncTimeoutMs: 50 } }], fails: ['lost-write at most 0', 'writes.latency.p99Ms at most 150'] },
    ],
    refused: [
      { what: 'remove the load', changes: [{ node: 'app', set: { writesPerSec: 0 } }], path: 'nodes[app].writesPerSec' },
      { what: 'never fail over', changes: [{ node: 'orch', set: { promotion: 'manual' } }], path: 'nodes[orch].promotion' },
      { what: 'ship every write at once', changes: [{ node: 'db1', set: { shipIntervalMs: 0 } }], path: 'nodes[db1].shipIntervalMs' },
    ],
  },
  'quiet-but-quick': {
    pass: [
      { what: 'a 2.5 s timeout', changes: [{ node: 'orch', set: { timeoutMs: 2500 } }] },
      { what: 'phi accrual', changes: [{ node: 'orch', set: { detector: 'phi', timeoutMs: null } }] },
    ],
    wrong: [
      { what: 'unchanged', changes: [], fails: 'firstFailoverAtMs at least 170000 and at most 175000' },
      { what: 'a gigantic timeout', changes: [{ node: 'orch', set: { timeoutMs: 60000 } }], fails: 'firstFailoverAtMs at least 170000 and at most 175000' },
      { what: 'a 10 s timeout', changes: [{ node: 'orch', set: { timeoutMs: 10000 } }], fails: 'firstFailoverAtMs at least 170000 and at most 175000' },
      { what: 'a 1.8 s timeout', changes: [{ node: 'orch', set: { timeoutMs: 1800 } }], fails: 'firstFailoverAtMs at least 170000 and at most 175000' },
    ],
    refused: [
      { what: 'promote by hand', changes: [{ node: 'orch', set: { promotion: 'manual' } }], path: 'nodes[orch].promotion' },
      { what: 'no real crash', changes: [{ removeFault: 'real-crash' }], path: 'faults[real-crash]' },
    ],
  },
  'alert-the-pinned-app': {
    pass: [{ what: 'an alert on the share of failed writes', changes: [{ node: 'monitor', set: { rules: [{ name: 'node down', metric: 'node-up', forMs: 60000 }, { name: 'write errors', metric: 'write-error-rate', above: 0.05, forMs: 60000 }] } }] }],
    wrong: [
      { what: 'unchanged', changes: [], fails: 'alerting.longestUndetectedMs at most 300000' },
      { what: 'an alert that always fires', changes: [{ node: 'monitor', set: { rules: [{ metric: 'latency-p99', above: 0, forMs: 120000 }] } }], fails: 'alerting.firingWhileHealthyMs at most 120000' },
      { what: 'write errors, but only after 10 minutes', changes: [{ node: 'monitor', set: { rules: [{ metric: 'write-error-rate', above: 0.05, forMs: 600000 }] } }], fails: 'alerting.longestUndetectedMs at most 300000' },
      { what: 'node-up at once', changes: [{ node: 'monitor', set: { rules: [{ metric: 'node-up' }] } }], fails: 'alerting.longestUndetectedMs at most 300000' },
    ],
    refused: [
      { what: 'fix the app instead', changes: [{ node: 'app', set: { target: 'primary-endpoint' } }], path: 'nodes[app].target' },
      { what: 'cancel the failover', changes: [{ removeFault: 'maintenance' }], path: 'faults[maintenance]' },
    ],
  },
  'calm-catch-up': {
    pass: [{ what: 'throttle catch-up to 300 entries a second', changes: [{ node: 'master', set: { catchupEntriesPerSec: 300 } }] }],
    wrong: [
      { what: 'unchanged', changes: [], fails: 'request-failed at most 0' },
      { what: 'a throttle so tight it never catches up', changes: [{ node: 'master', set: { catchupEntriesPerSec: 20 } }], fails: 'catchup.offsite-slave.caughtUpAtMs at most 540000' },
      { what: 'a window of one entry', changes: [{ node: 'master', set: { replicationWindowEntries: 1 } }], fails: 'catchup.offsite-slave.caughtUpAtMs at most 540000' },
      { what: 'the default window of 1,024 entries', changes: [{ node: 'master', set: { replicationWindowEntries: 1024 } }], fails: 'request-failed at most 0' },
      { what: 'never bring the slave back', changes: [{ removeFault: 'bring-back' }], fails: 'catchup.offsite-slave.caughtUpAtMs at most 540000' },
    ],
    refused: [
      { what: 'a bigger master', changes: [{ node: 'master', set: { cores: 32 } }], path: 'nodes[master].cores' },
      { what: 'skip the import', changes: [{ removeFault: 'import-run' }], path: 'faults[import-run]' },
    ],
  },
  'lag-under-a-minute': {
    pass: [{ what: 'fix the race and run eight daemons', changes: [{ node: 'command-gen', set: { race: false, count: 8 } }] }],
    wrong: [
      { what: 'unchanged', changes: [], fails: 'queues.payments.maxLagMs at most 60000' },
      { what: 'sixteen daemons, race and all', changes: [{ node: 'command-gen', set: { count: 16 } }], fails: 'queues.payments.maxLagMs at most 60000' },
      { what: 'fix the race, keep four daemons', changes: [{ node: 'command-gen', set: { race: false } }], fails: 'queues.payments.maxLagMs at most 60000' },
    ],
    refused: [{ what: 'make the work free', changes: [{ node: 'command-gen', set: { jobMs: 1 } }], path: 'nodes[command-gen].jobMs' }],
  },
  'pool-survives-slow-queries': {
    pass: [{ what: 'a 2 s request timeout', changes: [{ node: 'web1', set: { timeoutMs: 2000 } }, { node: 'web2', set: { timeoutMs: 2000 } }] }],
    wrong: [
      { what: 'unchanged', changes: [], fails: 'pools.timeouts at most 0' },
      { what: 'the biggest pools allowed', changes: [{ node: 'web1', set: { poolSize: 50 } }, { node: 'web2', set: { poolSize: 50 } }], fails: 'pools.timeouts at most 0' },
      { what: 'wait for a connection for ten minutes', changes: [{ node: 'web1', set: { acquireTimeoutMs: 600000 } }, { node: 'web2', set: { acquireTimeoutMs: 600000 } }], fails: 'reads.ok at least 56000' },
    ],
    refused: [
      { what: 'no pool at all', changes: [{ node: 'web1', set: { poolSize: 0 } }], path: 'nodes[web1].poolSize' },
      { what: 'refresh the statistics', changes: [{ addFault: { id: 'analyze', atMs: 61000, kind: 'refresh-statistics', target: 'db' } }], path: 'faults[analyze]' },
    ],
  },
  'split-brain-one-fault': {
    pass: [
      { what: 'cut db1 off from the orchestrator and db2 for 40 s', changes: [partition('cut', 20000, 60000, [['db1'], ['orch', 'db2']])] },
      { what: 'pause db1 for 10 s', changes: [{ addFault: { id: 'gc', atMs: 20000, untilMs: 30000, kind: 'pause', target: 'db1' } }] },
    ],
    wrong: [
      { what: 'unchanged', changes: [], fails: 'split-brain at least 1' },
      { what: 'a partition shorter than the timeout', changes: [partition('cut', 20000, 23000, [['db1'], ['orch', 'db2']])], fails: 'split-brain at least 1' },
      { what: 'cut db1 off from everyone', changes: [partition('cut', 20000, 60000, [['db1'], ['orch', 'db2', 'web']])], fails: 'lost-write at least 1' },
      { what: 'crash db1 and restart it', changes: [{ addFault: { id: 'boom', atMs: 20000, untilMs: 40000, kind: 'crash', target: 'db1' } }], fails: 'lost-write at least 1' },
    ],
    refused: [
      { what: 'two faults', changes: [partition('a', 20000, 60000, [['db1'], ['orch']]), partition('b', 20000, 60000, [['db1'], ['db2']])], path: 'faults' },
      { what: 'promote db2 by hand', changes: [{ addFault: { id: 'p', atMs: 20000, kind: 'promote', target: 'db2' } }], path: 'faults[p]' },
    ],
  },
  'make-stale-reads': {
    pass: [{ what: 'read from db2 and make it apply slowly', changes: [{ node: 'app', set: { readTarget: 'db2' } }, { node: 'db2', set: { applyMs: 4 } }] }],
    wrong: [
      { what: 'unchanged', changes: [], fails: 'stale-read at least 10' },
      { what: 'read from db2 alone', changes: [{ node: 'app', set: { readTarget: 'db2' } }], fails: 'stale-read at least 10' },
      { what: 'a slow db2 that nobody reads', changes: [{ node: 'db2', set: { applyMs: 4 } }], fails: 'stale-read at least 10' },
      { what: 'read from db2 with too little lag', changes: [{ node: 'app', set: { readTarget: 'db2' } }, { node: 'db2', set: { applyMs: 0.5 } }], fails: 'stale-read at least 10' },
    ],
    refused: [{ what: 'three changes', changes: [{ node: 'app', set: { readTarget: 'db2' } }, { node: 'db2', set: { applyMs: 4 } }, { node: 'db1', set: { shipIntervalMs: 10 } }], path: 'nodes' }],
  },
  'lose-writes-one-parameter': {
    pass: [
      { what: 'a semi-sync timeout shorter than the round trip', changes: [{ node: 'db1', set: { semiSyncTimeoutMs: 100 } }] },
      { what: 'an asynchronous standby', changes: [{ node: 'standby', set: { replication: 'async' } }] },
    ],
    wrong: [
      { what: 'unchanged', changes: [], fails: 'lost-write at least 1' },
      { what: 'ship every write at once', changes: [{ node: 'db1', set: { shipIntervalMs: 0 } }], fails: 'lost-write at least 1' },
      { what: 'a 1 s semi-sync timeout', changes: [{ node: 'db1', set: { semiSyncTimeoutMs: 1000 } }], fails: 'lost-write at least 1' },
      { what: 'a quicker detector', changes: [{ node: 'orch', set: { timeoutMs: 1000 } }], fails: 'lost-write at least 1' },
    ],
    refused: [{ what: 'two changes', changes: [{ node: 'standby', set: { replication: 'async' } }, { node: 'db1', set: { shipIntervalMs: 500 } }], path: 'nodes' }],
  },
};

/** The tests of a few built-in challenges (spread over files so that test threads share the work). */
export const TIMEOUT_MS = 900_000;
