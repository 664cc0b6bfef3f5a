// The swarm's world: one seed draws a whole scenario document (as TigerBeetle's simulator
// draws its cluster, workload and faults from a seed), in the format every other input
// uses, so it passes the one validator and its share link replays it in the app.
//
// A world has three phases: a warm-up with no faults; chaos, where faults and operator actions
// land at random times on random targets, every one of them healed (an `untilMs`, a restart,
// a revert) before the chaos ends; and a quiet tail long enough for the system to settle, at
// whose end the swarm checks that it did (one primary, followers caught up, clients served).
// Parameters are drawn near their defaults (a tenth to a few times), within their bounds, and
// loads are kept where the world can keep up, so a world that does not settle is a finding,
// not a world that never could.

import type { DatabaseSpec, FaultSpec, NodeSpec } from '../../sim/spec';
import { drawParam, type Draw } from './params';

/** A seeded source of numbers (splitmix32): the swarm's own, so a seed keeps drawing the same world as the core changes. */
export function rng(seed: number): Draw {
  let s = (seed ^ 0x9e3779b9) >>> 0;
  const next = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return ((z ^ (z >>> 16)) >>> 0) / 4294967296;
  };
  return {
    float: next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    chance: (p) => next() < p,
    pick: (xs) => xs[Math.floor(next() * xs.length)],
    logUniform: (lo, hi) => Math.exp(Math.log(lo) + next() * (Math.log(hi) - Math.log(lo))),
  };
}

/** What the swarm knows about the world it drew, for its invariants (not part of the document). */
export interface SwarmPlan {
  /** Each replication group: its databases (the first is the initial primary) and whether an orchestrator watches it. */
  clusters: { databases: string[]; orchestrator: string | null; endpoint: string | null }[];
  clients: string[];
  /** When faults stop (every fault is healed by then) and the quiet tail begins. */
  quietFromMs: number;
  /** Workers drawn with the check-then-act race. */
  racyWorkers: string[];
  /** Clients whose reads may be served by something other than the primary (a replica, a balancer, a cache). */
  indirectReaders: string[];
}

export interface SwarmWorld {
  doc: Record<string, unknown> & { nodes: NodeSpec[]; faults: FaultSpec[]; durationMs: number; seed: number };
  plan: SwarmPlan;
}

/** The quiet tail: long enough for detection, promotion, endpoint TTLs and catch-up at the drawn settings. */
const TAIL_MS = 60_000;
const WARMUP_MS = 5_000;

export function drawWorld(seed: number): SwarmWorld {
  const r = rng(seed);
  const p = (kind: string, name: string) => drawParam(r, kind, name);
  const siteCount = r.int(1, 3);
  const sites = Array.from({ length: siteCount }, (_, i) => ({ id: `s${i}` }));
  const links: { between: [string, string]; latencyMs: number; jitterMs?: number; lossRate?: number }[] = [];
  for (let a = 0; a < siteCount; a++) {
    for (let b = a + 1; b < siteCount; b++) {
      const link: (typeof links)[number] = { between: [`s${a}`, `s${b}`], latencyMs: Math.round(r.logUniform(1, 60) * 10) / 10 };
      if (r.chance(0.3)) link.lossRate = Math.round(r.float() * 0.005 * 1e4) / 1e4;
      links.push(link);
    }
  }
  const site = () => r.pick(sites).id;
  // A pool the load needs (Little's law: rate times time held), with a slow operation taken as
  // two round trips over the slowest link (the request, then a sync follower's ack) and a
  // little work, and twice that for bursts: a smaller pool is a world that cannot keep up.
  const slowestLinkMs = links.reduce((m, l) => Math.max(m, l.latencyMs), 0.5);
  const poolNeeded = (c: NodeSpec) => {
    const s = c as { writesPerSec?: number; readsPerSec?: number };
    return Math.ceil(((s.writesPerSec ?? 0) + (s.readsPerSec ?? 0)) * ((4 * slowestLinkMs + 20) / 1000) * 2);
  };
  const nodes: NodeSpec[] = [];
  const faults: FaultSpec[] = [];
  const plan: SwarmPlan = { clusters: [], clients: [], quietFromMs: 0, racyWorkers: [], indirectReaders: [] };

  const clusterCount = r.chance(0.25) ? 2 : 1;
  for (let c = 0; c < clusterCount; c++) {
    const primary = `c${c}-db0`;
    const dbs: string[] = [primary];
    nodes.push({ id: primary, kind: 'database', site: site(), role: 'primary', ...databaseParams(r, p) });
    const followers = r.int(1, 3);
    for (let f = 1; f <= followers; f++) {
      const id = `c${c}-db${f}`;
      const standby = r.chance(0.2);
      nodes.push({
        id,
        kind: 'database',
        site: site(),
        role: standby ? 'standby' : 'replica',
        replicateFrom: primary,
        replication: r.pick(['async', 'async', 'semi-sync', 'sync'] as const),
        ...databaseParams(r, p),
      });
      dbs.push(id);
    }
    let orchestrator: string | null = null;
    let endpoint: string | null = null;
    if (r.chance(0.85)) {
      orchestrator = `c${c}-orch`;
      const detector = r.pick(['timeout', 'phi'] as const);
      const heartbeatMs = p('orchestrator', 'heartbeatMs');
      const manual = r.chance(0.15);
      nodes.push({
        id: orchestrator,
        kind: 'orchestrator',
        site: site(),
        watches: dbs,
        detector,
        promotion: manual ? 'manual' : 'auto',
        fencing: r.chance(0.5),
        heartbeatMs,
        // With fencing, a lease lasts half the timeout: shorter than the heartbeat interval, it
        // would lapse between heartbeats and the primary refuse writes with nothing wrong (a
        // valid configuration today, reported; the swarm draws the sensible ones).
        timeoutMs: Math.max(p('orchestrator', 'timeoutMs'), Math.ceil(3 * heartbeatMs)),
        ...(detector === 'phi' ? { phiThreshold: p('orchestrator', 'phiThreshold') } : {}),
        ...(manual ? { operatorDelayMs: Math.round(r.logUniform(1000, 20_000)) } : {}),
      });
      endpoint = `c${c}-rw`;
      nodes.push({ id: endpoint, kind: 'endpoint', resolvesTo: 'role:primary', databases: dbs, ttlMs: p('endpoint', 'ttlMs'), updateDelayMs: p('endpoint', 'updateDelayMs') });
    }
    plan.clusters.push({ databases: dbs, orchestrator, endpoint });
  }

  // Capacity parts in front of the first cluster, some of the time.
  const first = plan.clusters[0];
  const writeTarget = first.endpoint ?? first.databases[0];
  let balancer: string | null = null;
  let cache: string | null = null;
  if (r.chance(0.3) && first.databases.length > 1) {
    balancer = 'read-lb';
    nodes.push({ id: balancer, kind: 'balancer', site: site(), targets: first.databases.slice(1), healthCheckMs: p('balancer', 'healthCheckMs') });
    if (r.chance(0.5)) {
      const spare = 'c0-spare';
      nodes.push({ id: spare, kind: 'database', site: site(), role: 'replica', replicateFrom: first.databases[0], replication: 'async', provisioned: false });
      nodes.push({
        id: 'scaler',
        kind: 'autoscaler',
        site: site(),
        balancer,
        spares: [spare],
        snapshotMs: Math.round(r.logUniform(500, 10_000)),
        provisionMs: Math.round(r.logUniform(500, 10_000)),
        loadMs: Math.round(r.logUniform(500, 10_000)),
        attachMs: Math.round(r.logUniform(500, 5_000)),
      });
      faults.push({ atMs: 0, kind: 'add-replica', target: 'scaler' }); // placed in time below
    }
  }
  if (r.chance(0.25)) {
    cache = 'cache';
    nodes.push({ id: cache, kind: 'cache', site: site(), backend: writeTarget, ttlMs: p('cache', 'ttlMs'), serveStale: r.chance(0.5) });
  }
  let queue: string | null = null;
  if (r.chance(0.25)) {
    queue = 'jobs';
    nodes.push({ id: queue, kind: 'queue', site: site() });
    const race = r.chance(0.5);
    nodes.push({ id: 'daemons', kind: 'worker', site: site(), queue, target: writeTarget, count: r.int(1, 4), jobMs: p('worker', 'jobMs'), race });
    if (race) plan.racyWorkers.push('daemons');
  }

  for (const [ci, cl] of plan.clusters.entries()) {
    const target = cl.endpoint ?? cl.databases[0];
    const clients = r.int(1, 3);
    for (let k = 0; k < clients; k++) {
      const id = `c${ci}-app${k}`;
      const spec: NodeSpec = {
        id,
        kind: 'client',
        site: site(),
        target,
        writesPerSec: p('client', 'writesPerSec'),
        readsPerSec: p('client', 'readsPerSec'),
        keys: p('client', 'keys'),
        timeoutMs: p('client', 'timeoutMs'),
        retries: r.int(0, 2),
      };
      if (r.chance(0.3)) spec.keyDistribution = 'zipf';
      if (r.chance(0.3)) spec.poolSize = Math.max(r.int(4, 32), poolNeeded(spec));
      if (ci === 0 && cache && r.chance(0.5)) {
        spec.target = cache;
        plan.indirectReaders.push(id);
      } else if (ci === 0 && balancer && r.chance(0.6)) {
        spec.readTarget = balancer;
        plan.indirectReaders.push(id);
      } else if (r.chance(0.15) && cl.databases.length > 1) {
        spec.readTarget = r.pick(cl.databases.slice(1));
        plan.indirectReaders.push(id);
      }
      if (ci === 0 && queue && r.chance(0.7)) spec.jobsTo = queue;
      nodes.push(spec);
      plan.clients.push(id);
    }
  }
  if (r.chance(0.4)) {
    nodes.push({
      id: 'monitor',
      kind: 'monitor',
      site: site(),
      scrapeMs: p('monitor', 'scrapeMs'),
      rules: [
        { metric: 'node-up' },
        { metric: 'error-rate', above: 0.05, forMs: Math.round(r.logUniform(100, 10_000)) },
        ...(r.chance(0.5) ? [{ metric: 'replication-lag' as const, above: r.int(10, 1000) }] : []),
      ],
    });
  }

  // Chaos: between the warm-up and the tail, every fault healed before the tail.
  const chaosMs = r.int(20, 120) * 1000;
  const chaosEnd = WARMUP_MS + chaosMs;
  const durationMs = chaosEnd + TAIL_MS;
  plan.quietFromMs = chaosEnd;
  const at = () => WARMUP_MS + Math.round(r.float() * chaosMs * 0.8);
  const until = (from: number) => Math.min(chaosEnd, from + Math.round(r.logUniform(200, chaosMs)));
  for (const f of faults) f.atMs = at();
  const dbIds = plan.clusters.flatMap((c) => c.databases);
  const crashable = nodes.filter((n) => n.kind !== 'endpoint' && n.kind !== 'autoscaler' && !(n.kind === 'database' && n.provisioned === false)).map((n) => n.id);
  const faultCount = r.int(1, 6);
  for (let i = 0; i < faultCount; i++) {
    const atMs = at();
    const untilMs = until(atMs);
    const kind = r.pick(['crash', 'crash', 'pause', 'partition', 'partition', 'degrade-link', 'surge', 'slow-queries', 'fill-disk', 'throttle', 'move-machine', 'repoint', 'managed-failover', 'promote', 'restore-backup', 'resize-pool'] as const);
    switch (kind) {
      case 'crash':
      case 'pause':
        faults.push({ atMs, untilMs, kind, target: r.pick(crashable) });
        break;
      case 'move-machine':
        faults.push({ atMs, untilMs, kind, target: r.pick(dbIds) });
        break;
      case 'partition': {
        const cut = r.chance(0.5) && siteCount > 1 ? [r.pick(sites).id] : [r.pick(crashable)];
        // The sides must not overlap: a site cut off takes its nodes with it, and a node cut off its site.
        const siteOf = (id: string) => nodes.find((n) => n.id === id)?.site ?? id;
        const cutSites = new Set(cut.map(siteOf));
        const rest = siteCount > 1 && r.chance(0.5) ? sites.map((s) => s.id).filter((s) => !cutSites.has(s)) : crashable.filter((n) => !cut.includes(n) && !cut.includes(siteOf(n)));
        if (rest.length === 0) break;
        faults.push({ atMs, untilMs, kind, sides: [cut, rest], ...(r.chance(0.25) ? { oneWay: true } : {}) });
        break;
      }
      case 'degrade-link': {
        const a = r.pick(sites).id;
        const b = r.chance(0.3) ? a : r.pick(sites).id;
        faults.push({ atMs, untilMs, kind, between: [a, b], addLatencyMs: Math.round(r.logUniform(1, 500)), ...(r.chance(0.4) ? { lossRate: Math.round(r.float() * 0.3 * 100) / 100 } : {}) });
        break;
      }
      case 'surge':
        faults.push({ atMs, untilMs, kind, target: r.pick(plan.clients), factor: Math.round(r.logUniform(1.5, 8) * 10) / 10 });
        break;
      case 'slow-queries':
        faults.push({ atMs, untilMs, kind, target: r.pick(dbIds), hottest: r.int(1, 10), factor: r.int(2, 100) });
        break;
      case 'fill-disk': {
        // A full disk stops a database until someone frees space and starts it again.
        const sized = nodes.filter((n) => n.kind === 'database' && n.diskBytes !== undefined && dbIds.includes(n.id));
        if (!sized.length) break;
        const target = r.pick(sized).id;
        faults.push({ atMs, untilMs, kind, target, bytes: 1e12 });
        faults.push({ atMs: Math.min(chaosEnd, untilMs + 1), kind: 'restart', target });
        break;
      }
      case 'throttle': {
        const cl = r.pick(plan.clusters);
        faults.push({ atMs, untilMs, kind, target: cl.databases[0], entriesPerSec: r.int(10, 5000) });
        break;
      }
      case 'repoint': {
        const client = r.pick(plan.clients);
        const spec = nodes.find((n) => n.id === client) as { target: string };
        const wrong = r.pick(dbIds);
        faults.push({ atMs, kind, target: client, to: wrong });
        faults.push({ atMs: untilMs, kind, target: client, to: spec.target });
        break;
      }
      case 'managed-failover': {
        const cl = r.pick(plan.clusters);
        if (cl.orchestrator) faults.push({ atMs, kind, target: cl.orchestrator });
        break;
      }
      case 'promote': {
        const cl = r.pick(plan.clusters);
        // An operator promoting a replica by hand: with an orchestrator watching, it must sort it out.
        if (cl.orchestrator && cl.databases.length > 1) faults.push({ atMs, kind, target: r.pick(cl.databases.slice(1)) });
        break;
      }
      case 'restore-backup': {
        const cl = r.pick(plan.clusters);
        if (cl.databases.length > 1) faults.push({ atMs, untilMs, kind, target: r.pick(cl.databases.slice(1)), from: cl.databases[0] });
        break;
      }
      case 'resize-pool': {
        const pooled = nodes.filter((n) => n.kind === 'client' && n.poolSize !== undefined);
        if (pooled.length) {
          const c = r.pick(pooled);
          faults.push({ atMs, kind, target: c.id, poolSize: Math.max(r.int(1, 64), poolNeeded(c)) });
        }
        break;
      }
    }
  }
  faults.sort((a, b) => a.atMs - b.atMs);
  const doc = {
    format: 'faultline/1',
    title: `Swarm world ${seed}`,
    seed,
    durationMs,
    limits: { maxEvents: 20_000_000 },
    sites,
    links,
    nodes,
    faults,
  };
  return { doc, plan };
}

type P = (kind: string, name: string) => number;

function databaseParams(r: Draw, p: P): Partial<DatabaseSpec> {
  const out: Record<string, number> = {};
  for (const name of ['serviceMs', 'cores', 'applyMs', 'semiSyncTimeoutMs', 'replicationWindowEntries'] as const) if (r.chance(0.4)) out[name] = p('database', name);
  if (r.chance(0.2)) out.catchupEntriesPerSec = p('database', 'catchupEntriesPerSec');
  if (r.chance(0.2)) out.diskBytes = 1e12;
  return out as Partial<DatabaseSpec>;
}
