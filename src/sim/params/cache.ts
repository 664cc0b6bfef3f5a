// A cache's parameters: it answers reads from memory and forwards misses and writes.

import { BOUNDS } from './bounds';
import { REQUEST_TARGET } from './address';
import { RUNS_IN_SITE } from './node';
import { params } from './param';

export const CACHE_PARAMS = params({
  ...RUNS_IN_SITE,
  backend: { type: 'address', forms: REQUEST_TARGET, required: true, notSelf: true, access: 'structure', ui: 'inspector', label: 'Backend', help: 'Where misses and writes go: an endpoint id, a balancer id, a database id or `node:<database id>` (resolved as a client resolves it).' },
  ttlMs: { type: 'number', ...BOUNDS.delay, default: 60_000, access: 'tunable', ui: 'inspector', step: 1000, label: 'TTL', help: 'How long a stored answer is fresh.' },
  maxEntries: { type: 'number', unit: 'entries', integer: true, min: 1, max: 1_000_000, default: 10_000, access: 'tunable', step: 1000, label: 'Entries held', help: 'Entries held at most; beyond, the oldest stored is evicted.' },
  serveStale: { type: 'boolean', default: false, access: 'tunable', ui: 'inspector', label: 'Serve stale', help: 'Serve an expired copy when the backend fails or times out.' },
  timeoutMs: { type: 'number', ...BOUNDS.timeout, default: 1000, access: 'tunable', step: 100, label: 'Backend timeout', help: 'How long a miss waits for the backend.' },
  serviceMs: { type: 'number', ...BOUNDS.cost, min: 0.001, default: 0.05, access: 'tunable', step: 0.01, label: 'Time per request', help: 'Time the cache takes per request, on one of its `cores`.' },
  cores: { type: 'number', unit: 'cores', integer: true, min: 1, max: 256, default: 1, access: 'tunable', step: 1, label: 'Cores', help: 'Requests handled at once.' },
});
