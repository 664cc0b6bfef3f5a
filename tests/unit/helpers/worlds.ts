// Small real worlds for kernel tests: a primary, two replicas (one across a WAN link), an
// orchestrator, an endpoint and a client, with a crash in the middle.
import type { WorldSpec } from '../../../src/sim/spec';

export function smallWorld(seed: number, extra: Partial<WorldSpec> = {}): WorldSpec {
  return {
    seed,
    durationMs: 60_000,
    sites: [{ id: 'a' }, { id: 'b' }],
    links: [{ between: ['a', 'b'], latencyMs: 30, jitterMs: 5 }],
    nodes: [
      { id: 'db1', kind: 'database', site: 'a', role: 'primary' },
      { id: 'db2', kind: 'database', site: 'a', role: 'replica', replicateFrom: 'db1', replication: 'async' },
      { id: 'db3', kind: 'database', site: 'b', role: 'replica', replicateFrom: 'db1', replication: 'async' },
      { id: 'orch', kind: 'orchestrator', site: 'a', watches: ['db1', 'db2', 'db3'], detector: 'timeout', timeoutMs: 5000, promotion: 'auto', fencing: false },
      { id: 'rw', kind: 'endpoint', resolvesTo: 'role:primary', ttlMs: 2000 },
      { id: 'app', kind: 'client', site: 'a', target: 'rw', writesPerSec: 50, readsPerSec: 50 },
    ],
    faults: [
      { id: 'c', kind: 'crash', atMs: 20_000, target: 'db1' },
      { id: 'r', kind: 'restart', atMs: 40_000, target: 'db1' },
    ],
    ...extra,
  };
}
