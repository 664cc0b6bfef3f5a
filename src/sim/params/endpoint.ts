// An endpoint's parameters: a name clients resolve, a record rather than a process.

import { BOUNDS } from './bounds';
import { ENDPOINT_RECORD } from './address';
import { params } from './param';

export const ENDPOINT_PARAMS = params({
  resolvesTo: { type: 'address', forms: ENDPOINT_RECORD, required: true, access: 'structure', ui: 'inspector', label: 'Resolves to', help: '`role:primary` (follows whoever is primary) or `node:<database id>` (never moves).' },
  ttlMs: { type: 'number', ...BOUNDS.delay, default: 5000, access: 'tunable', ui: 'inspector', step: 500, label: 'DNS TTL', help: 'How long a client may use a cached answer.' },
  updateDelayMs: { type: 'number', ...BOUNDS.delay, default: 1000, access: 'tunable', ui: 'inspector', step: 500, label: 'Update delay', help: 'Delay between a new primary claiming a role endpoint and the record changing.' },
  databases: { type: 'refs', kinds: ['database'], min: 1, max: 500, of: 'database ids', access: 'structure', defaultText: 'all databases', label: 'Databases', help: 'With `role:primary`: the group whose primary it follows (one endpoint per cluster when a world has several).' },
});
