// The fields every node has, whatever its kind. A kind's own table may tighten one (a
// database must run in a site; an endpoint, a name record, needs none).

import { params } from './param';

/** The node kinds format v1 names, in the order the format page lists them. */
export const NODE_KINDS = ['database', 'client', 'endpoint', 'orchestrator', 'cache', 'balancer', 'monitor', 'queue', 'worker', 'autoscaler'] as const;

export const NODE_BASE_PARAMS = params({
  id: { type: 'id', required: true, access: 'identity', ui: 'none', label: 'Id', help: 'Unique among nodes and sites (a partition may name either).' },
  kind: { type: 'enum', values: NODE_KINDS, required: true, access: 'identity', ui: 'none', label: 'Kind', help: 'What the node is.' },
  label: { type: 'text', maxChars: 100, access: 'layout', label: 'Label', help: 'Display name, up to 100 characters.' },
  site: { type: 'site', access: 'structure', ui: 'none', label: 'Site', help: 'The site the node runs in.' },
  position: {
    type: 'object', access: 'layout', ui: 'none', label: 'Position', example: '{ "x": 0, "y": 0 }',
    help: 'Where the stage draws it, so a shared or embedded scenario looks the same everywhere.',
    fields: {
      x: { type: 'number', unit: 'px', required: true, label: 'x', help: 'Left to right.' },
      y: { type: 'number', unit: 'px', required: true, label: 'y', help: 'Top to bottom.' },
    },
  },
});

/** The site a process runs in: spread into the table of every kind but the endpoint. */
export const RUNS_IN_SITE = {
  site: { type: 'site', required: true, access: 'structure', label: 'Site', help: 'The site the node runs in.' },
} as const;
