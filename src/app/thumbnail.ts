// A scenario's stage as a small still picture, for the gallery: the stage's own layout and
// static layer, drawn from the document alone (every node as it starts: up, in its written
// role), fitted to the canvas. No simulation runs for it.

import type { NodeSpec, SiteSpec, LinkSpec } from '../sim/spec';
import type { NodeView } from '../sim/views';
import { defaultPositions, layout } from './stage/layout';
import { drawStatic } from './stage/draw-static';
import { readTheme } from './stage/theme';

export interface ThumbnailDoc {
  sites: SiteSpec[];
  links?: LinkSpec[];
  nodes: NodeSpec[];
}

/** What a node shows before the run starts: its written configuration, nothing done yet. */
export function startingView(n: NodeSpec): NodeView {
  const base = { id: n.id, site: n.site, status: 'up' as const, summary: '' };
  switch (n.kind) {
    case 'database':
      return {
        ...base,
        kind: n.kind,
        detail: {
          provisioned: n.provisioned !== false,
          role: n.role,
          fenced: false,
          epoch: 1,
          lsn: 0,
          follow: n.role === 'primary' ? null : (n.replicateFrom ?? null),
          keys: 0,
          followers: {},
          applyQueue: 0,
          queued: 0,
          waiting: 0,
          cacheWarmth: n.cacheWarmth ?? 1,
          diskUsedBytes: n.diskUsedBytes ?? 0,
          diskBytes: n.diskBytes ?? 0,
          slowQueries: false,
        },
      };
    case 'client':
      return {
        ...base,
        kind: n.kind,
        detail: { target: n.target, readTarget: n.readTarget ?? n.target, resolved: null, ok: 0, failed: 0, unknown: 0, inFlight: 0, poolSize: n.poolSize ?? 0, poolInUse: 0, poolWaiting: 0, p99Ms: 0 },
      };
    case 'endpoint': {
      const resolvesTo = typeof n.resolvesTo === 'string' ? n.resolvesTo : '';
      const record = resolvesTo.startsWith('node:') ? resolvesTo.slice(5) : '';
      return { ...base, kind: n.kind, detail: { resolvesTo, record, version: 1, ttlMs: n.ttlMs ?? 0 } };
    }
    case 'orchestrator':
      return { ...base, kind: n.kind, detail: { primary: '', epoch: 1, failovers: 0, suspicions: {}, awaitingOperator: false, fencing: n.fencing } };
    case 'monitor':
      return { ...base, kind: n.kind, detail: { rules: [], firing: [] } };
    case 'cache':
      return {
        ...base,
        kind: n.kind,
        detail: { backend: n.backend, entries: 0, hits: 0, misses: 0, hitRatio: 0, staleServed: 0, failed: 0, pending: 0, ttlMs: n.ttlMs ?? 0, serveStale: n.serveStale ?? false },
      };
    case 'balancer':
      return { ...base, kind: n.kind, detail: { targets: n.targets, healthy: n.targets, routed: {}, rttMs: {} } };
    case 'queue':
      return { ...base, kind: n.kind, detail: { depth: 0, lagMs: 0, enqueued: 0, done: 0, dropped: 0 } };
    case 'worker':
      return { ...base, kind: n.kind, detail: { daemons: n.count ?? 1, busy: 0, waitingOnLocks: 0, race: n.race ?? false, jobs: 0, skipped: 0, failed: 0 } };
    case 'autoscaler':
      return { ...base, kind: n.kind, detail: { adding: null, step: null, stepLeftMs: 0, added: [], spares: n.spares } };
  }
}

/** Draw `doc` into `canvas` (sized by its CSS box and the device pixel ratio). */
export function drawThumbnail(canvas: HTMLCanvasElement, doc: ThumbnailDoc): void {
  const w = Math.max(1, canvas.clientWidth);
  const h = Math.max(1, canvas.clientHeight);
  const dpr = Math.min(2, window.devicePixelRatio || 1);
  canvas.width = Math.round(w * dpr);
  canvas.height = Math.round(h * dpr);
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const lay = layout(doc.sites, doc.links ?? [], doc.nodes, defaultPositions(doc.sites, doc.nodes, 2));
  const b = lay.bounds;
  const margin = 6;
  const k = Math.min((w - 2 * margin) / Math.max(1, b.w), (h - 2 * margin) / Math.max(1, b.h + 30));
  ctx.setTransform(dpr * k, 0, 0, dpr * k, dpr * (w / 2 - (b.x + b.w / 2) * k), dpr * (h / 2 - (b.y + b.h / 2 - 12) * k));
  const views = new Map(doc.nodes.map((n) => [n.id, startingView(n)]));
  const specs = new Map(doc.nodes.map((n) => [n.id, n]));
  drawStatic(ctx, { layout: lay, views, specs, anomalies: [], selected: null, highlight: new Set(), theme: readTheme(canvas), k });
}
