// Synthetic worlds for benchmarks: many small clusters in many sites, all busy.
import type { NodeSpec, WorldSpec } from '../src/sim/spec';

/**
 * `clusters` clusters of 1 primary, 2 replicas (one in the next site), an orchestrator, a
 * role endpoint and `clientsPerCluster` clients, spread over `clusters` sites on a ring.
 */
export function syntheticWorld(clusters: number, clientsPerCluster: number, durationMs: number, seed = 1): WorldSpec {
  const sites = Array.from({ length: clusters }, (_, i) => ({ id: `site${i}` }));
  const links = sites.map((s, i) => ({ between: [s.id, sites[(i + 1) % clusters].id] as [string, string], latencyMs: 20 + (i % 5) * 10 }));
  const nodes: NodeSpec[] = [];
  for (let c = 0; c < clusters; c++) {
    const site = `site${c}`;
    const next = `site${(c + 1) % clusters}`;
    const p = `c${c}-db1`;
    nodes.push({ id: p, kind: 'database', site, role: 'primary' });
    nodes.push({ id: `c${c}-db2`, kind: 'database', site, role: 'replica', replicateFrom: p, replication: 'async' });
    nodes.push({ id: `c${c}-db3`, kind: 'database', site: next, role: 'replica', replicateFrom: p, replication: 'async' });
    nodes.push({ id: `c${c}-orch`, kind: 'orchestrator', site, watches: [p, `c${c}-db2`, `c${c}-db3`], detector: 'phi', phiThreshold: 8, promotion: 'auto', fencing: false });
    nodes.push({ id: `c${c}-rw`, kind: 'endpoint', resolvesTo: 'role:primary', ttlMs: 5000, databases: [p, `c${c}-db2`, `c${c}-db3`] });
    for (let k = 0; k < clientsPerCluster; k++) {
      nodes.push({ id: `c${c}-app${k}`, kind: 'client', site, target: `c${c}-rw`, writesPerSec: 50, readsPerSec: 100, keys: 1000 });
    }
  }
  return { seed, durationMs, sites, links, nodes, faults: [{ atMs: durationMs / 2, kind: 'crash', target: 'c0-db1' }] };
}
