// An autoscaler's parameters: it brings spare databases up as read replicas, step by step.

import { BOUNDS } from './bounds';
import { params } from './param';
import { RUNS_IN_SITE } from './node';

export const AUTOSCALER_TRIGGER_PARAMS = params({
  metric: { type: 'enum', values: ['cpu-busy'], required: true, access: 'tunable', label: 'Metric', help: "Share of the watched databases' cores busy, averaged over them (the only metric for now)." },
  above: { type: 'number', unit: 'share', min: 0, max: 1, required: true, access: 'tunable', step: 0.05, label: 'Above', help: 'Fires when the value is above this.' },
  forMs: { type: 'number', ...BOUNDS.delay, default: 0, access: 'tunable', step: 1000, label: 'For', help: 'For at least this long.' },
  nodes: { type: 'refs', kinds: ['database'], min: 1, max: 500, of: 'database ids', defaultText: "the balancer's attached targets", access: 'structure', label: 'Nodes', help: 'The databases it watches.' },
});

const STEP = { type: 'number', ...BOUNDS.delay, access: 'tunable', step: 1000 } as const;

export const AUTOSCALER_PARAMS = params({
  ...RUNS_IN_SITE,
  balancer: { type: 'ref', kinds: ['balancer'], required: true, missing: 'the id of the balancer new replicas are attached to', access: 'structure', label: 'Balancer', help: 'The balancer new replicas are attached to.' },
  spares: { type: 'refs', kinds: ['database'], required: true, min: 1, max: 500, unique: true, of: 'database ids', access: 'structure', label: 'Spares', help: 'Spare database ids (`provisioned: false`), brought up in this order.' },
  trigger: { type: 'object', fields: AUTOSCALER_TRIGGER_PARAMS, defaultText: 'none (operator only)', access: 'tunable', label: 'Trigger', example: '{ "metric": "cpu-busy", "above": 0.9, "forMs": 60000 }', help: 'When to add a replica by itself: `{ "metric": "cpu-busy", "above": 0.9, "forMs": 60000, "nodes": [...] }`.' },
  scrapeMs: { type: 'number', ...BOUNDS.period, default: 15_000, access: 'tunable', ui: 'inspector', step: 1000, label: 'Scrape every', help: 'Interval between scrapes for the trigger.' },
  snapshotMs: { ...STEP, default: 300_000, ui: 'inspector', label: 'Snapshot takes', help: "Step 1: a consistent copy of the spare's source." },
  provisionMs: { ...STEP, default: 300_000, ui: 'inspector', label: 'Provisioning takes', help: 'Step 2: the machine is created.' },
  loadMs: { ...STEP, default: 300_000, ui: 'inspector', label: 'Loading takes', help: 'Step 3: the snapshot is loaded.' },
  attachMs: { ...STEP, default: 60_000, ui: 'inspector', label: 'Attaching takes', help: 'Step 5 (after the replay): it is attached to the balancer.' },
  caughtUpEntries: { type: 'number', unit: 'entries', integer: true, min: 0, max: 1e9, default: 100, access: 'tunable', step: 10, label: 'Caught up within', help: 'The replay is done when the new replica is at most this many entries behind its source.' },
});
