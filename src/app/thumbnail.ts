// A scenario's stage as a small still picture, for the gallery: the stage's own layout and
// static layer, drawn from the document alone (every node as it starts: up, in its written
// role), fitted to the canvas. No simulation runs for it.

import type { NodeSpec, SiteSpec, LinkSpec } from '../sim/spec';
import type { NodeView } from '../sim/kernel/component';
import { defaultPositions, layout } from './stage/layout';
import { drawStatic } from './stage/draw-static';
import { readTheme } from './stage/theme';

export interface ThumbnailDoc {
  sites: SiteSpec[];
  links?: LinkSpec[];
  nodes: NodeSpec[];
}

/** What a node shows before the run starts. */
export function startingView(n: NodeSpec): NodeView {
  const detail: Record<string, unknown> = {};
  if (n.kind === 'database') Object.assign(detail, { role: n.role, lsn: 0, epoch: 1 });
  if (n.kind === 'endpoint' && typeof n.resolvesTo === 'string') detail.record = n.resolvesTo.startsWith('node:') ? n.resolvesTo.slice(5) : '';
  return { id: n.id, kind: n.kind, site: n.site, status: 'up', summary: '', detail };
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
