// Physically sensible bounds for every time, interval and rate, by family. A bound here is
// either what no real system does (a heartbeat every nanosecond) or what the simulator
// cannot bear (a timer that repeats faster than a millisecond on every watched node floods
// the event queue whatever the load, and a time that rounds to zero microseconds fires in
// the same instant forever). Each parameter's table may lower a family's maximum, never
// widen its range.

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
/** The longest run (the validator's `durationMs` limit). */
export const WEEK_MS = 604_800_000;

export type BoundClass =
  | 'period'
  | 'timeout'
  | 'delay'
  | 'cost'
  | 'network'
  | 'cycle'
  | 'moment'
  | 'ops-rate'
  | 'entry-rate'
  | 'bandwidth';

export interface BoundFamily {
  bound: BoundClass;
  unit: 'ms' | 'ops/s' | 'entries/s' | 'bytes/s';
  min: number;
  max: number;
  off?: { value: number; means: string };
}

/** Spread into a parameter's descriptor: `{ type: 'number', ...BOUNDS.period, default: 1000, ... }`. */
export const BOUNDS = {
  period: {
    bound: 'period',
    unit: 'ms',
    min: 1,
    max: HOUR_MS,
  },
  timeout: {
    bound: 'timeout',
    unit: 'ms',
    min: 1,
    max: HOUR_MS,
  },
  delay: {
    bound: 'delay',
    unit: 'ms',
    min: 0,
    max: DAY_MS,
  },
  cost: {
    bound: 'cost',
    unit: 'ms',
    min: 0,
    max: 60_000,
  },
  network: {
    bound: 'network',
    unit: 'ms',
    min: 0,
    max: 60_000,
  },
  cycle: {
    bound: 'cycle',
    unit: 'ms',
    min: 60_000,
    max: 30 * DAY_MS,
  },
  moment: {
    bound: 'moment',
    unit: 'ms',
    min: 0,
    max: WEEK_MS,
  },
  'ops-rate': {
    bound: 'ops-rate',
    unit: 'ops/s',
    min: 0,
    max: 100_000,
  },
  'entry-rate': {
    bound: 'entry-rate',
    unit: 'entries/s',
    min: 1,
    max: 1e9,
    off: { value: 0, means: 'no throttle' },
  },
  bandwidth: {
    bound: 'bandwidth',
    unit: 'bytes/s',
    min: 1000,
    max: 1e12,
  },
} as const satisfies Record<BoundClass, BoundFamily>;

/** Why each family's bounds are what they are, for the format page. */
export const BOUND_REASONS: Record<BoundClass, string> = {
  period: 'A timer that repeats by itself costs events on every watched node whether or not anything happens: below 1 ms an idle system floods the simulation (a heartbeat every 0.01 ms is 100,000 events per second per database). Above an hour nothing would be seen in a run.',
  timeout: 'No client, lease or detector gives up in under a millisecond (less than a round trip on the default network); above an hour a request is simply lost.',
  delay: 'Zero means at once; a day is longer than any run needs (runs last at most a week).',
  cost: 'Per operation: a minute is already a pathological query; the simulation counts in whole microseconds, so smaller values round.',
  network: 'A minute one way is more than a satellite hop; zero is a perfect network.',
  cycle: 'A minute is the shortest "day" a lesson compresses into a run, a month the longest cycle worth modelling.',
  moment: 'From the start of the run to the longest run there can be (a week).',
  'ops-rate': "Each operation is several events (the request, its service, the answer, the history entry): 100,000 per second per client is about what the simulation runs in real time, and more clients or a surge multiply it until the run's event budget stops it.",
  'entry-rate': 'Below one entry per second a throttle would wait longer than a run lasts for its next batch; 0 turns the throttle off.',
  bandwidth: 'From a kilobyte per second (an awful modem: a request then takes a tenth of a second to send) to a terabyte per second.',
};
