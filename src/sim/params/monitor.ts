// A monitor's parameters: it scrapes metrics over the network and raises alerts.

import { BOUNDS } from './bounds';
import { RUNS_IN_SITE } from './node';
import { params } from './param';

export const MONITOR_METRICS = ['node-up', 'error-rate', 'write-error-rate', 'latency-p99', 'replication-lag', 'disk-usage', 'cpu-busy'] as const;

export const ALERT_RULE_PARAMS = params({
  metric: {
    type: 'enum', values: MONITOR_METRICS, required: true, access: 'tunable', label: 'Metric', help: 'What the rule watches.',
    doc: "`node-up` (fires when the node did not answer the last scrape), `error-rate` or `write-error-rate` (a client's share of operations, or writes, that failed or timed out between scrapes), `latency-p99` (99th percentile over the node's last second, ms: a client's, or a database's own including requests still waiting), `replication-lag` (entries the furthest-behind follower lacks, on a primary), `disk-usage` (share of a database's disk used), `cpu-busy` (share of a database's cores busy). A database's metrics come from an agent beside it, so they answer even when it is swamped.",
  },
  name: { type: 'text', maxChars: 100, defaultText: 'the metric', access: 'tunable', label: 'Name', help: 'Shown in alerts.' },
  nodes: { type: 'refs', kinds: 'any', max: 500, of: 'node ids', defaultText: 'every node the metric applies to', access: 'structure', label: 'Nodes', help: 'The nodes it watches.' },
  above: { type: 'number', unit: '', default: 0, access: 'tunable', label: 'Above', help: 'Fires when the value is above this (not used by `node-up`); in the metric\'s own unit.' },
  forMs: { type: 'number', ...BOUNDS.delay, default: 0, access: 'tunable', label: 'For', help: 'How long the condition must hold before the alert fires.' },
  notifyDelayMs: { type: 'number', ...BOUNDS.delay, default: 0, access: 'tunable', label: 'Notify after', help: 'Delay between firing and a person being told.' },
});

export const MONITOR_PARAMS = params({
  ...RUNS_IN_SITE,
  scrapeMs: { type: 'number', ...BOUNDS.period, default: 15_000, access: 'tunable', ui: 'inspector', step: 1000, label: 'Scrape every', help: 'Interval between scrapes.' },
  rules: { type: 'objects', fields: ALERT_RULE_PARAMS, required: true, max: 100, of: 'alert rules', example: '{ "metric": "error-rate", "above": 0.05, "forMs": 60000 }', access: 'tunable', label: 'Alert rules', help: 'Alert rules, below.' },
});
