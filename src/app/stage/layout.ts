// Where things are on the stage, in world units (a unit is a CSS pixel at zoom 1).
//
// A node the scenario places (`position`) stays there. The others get a default place: each
// site is a region holding its nodes in a small grid (clients on top, where requests come
// from, then the orchestrator and databases), and endpoints, which are name records and run
// nowhere, sit in a band above the sites. Regions are derived from their nodes, so a dragged
// node carries its site's outline with it.

import type { NodeSpec, SiteSpec, LinkSpec } from '../../sim/spec';

export const NODE_W = 148;
export const NODE_H = 84;
const GAP_X = 28;
const GAP_Y = 28;
const SITE_PAD = 22;
const SITE_LABEL_H = 22;
const SITE_GAP = 90;

export interface Point {
  x: number;
  y: number;
}

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface NodePlace {
  id: string;
  kind: string;
  site?: string;
  /** Centre of the glyph. */
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface SitePlace {
  id: string;
  label: string;
  box: Box;
}

export interface LinkPlace {
  between: [string, string];
  latencyMs: number;
  from: Point;
  to: Point;
}

export interface Layout {
  nodes: Map<string, NodePlace>;
  sites: SitePlace[];
  links: LinkPlace[];
  bounds: Box;
}

const KIND_ORDER: Record<string, number> = { client: 0, orchestrator: 1, monitor: 1, database: 2 };

/** Height of a node's glyph: the orchestrator lists one suspicion bar per watched node. */
export function nodeHeight(n: NodeSpec): number {
  if (n.kind === 'orchestrator') return Math.max(NODE_H, 44 + 13 * Math.min(8, n.watches.length));
  if (n.kind === 'endpoint') return 62;
  // Databases and clients have a third line (disk use, connection pool).
  if (n.kind === 'database' || n.kind === 'client') return NODE_H + 14;
  return NODE_H;
}

/**
 * Default places for the nodes that have none. `columns` is how many sites share a row:
 * the stage asks for fewer on a narrow, tall screen so the glyphs stay legible.
 */
export function defaultPositions(sites: SiteSpec[], nodes: NodeSpec[], columns: number): Map<string, Point> {
  const out = new Map<string, Point>();
  const cols = Math.max(1, Math.min(columns, sites.length));
  // Lay each site out on its own, then place the sites in rows.
  const blocks = sites.map((s) => {
    const members = nodes
      .filter((n) => n.site === s.id)
      .map((n, i) => ({ n, i }))
      .sort((a, b) => (KIND_ORDER[a.n.kind] ?? 3) - (KIND_ORDER[b.n.kind] ?? 3) || rolePrefer(a.n) - rolePrefer(b.n) || a.i - b.i)
      .map((x) => x.n);
    const perRow = Math.max(1, Math.ceil(Math.sqrt(members.length)));
    const rows = Math.ceil(members.length / perRow);
    const cells = members.map((n, i) => ({ n, col: i % perRow, row: Math.floor(i / perRow) }));
    const w = Math.min(perRow, members.length || 1) * (NODE_W + GAP_X) - GAP_X;
    const h = Math.max(1, rows) * (NODE_H + GAP_Y + 20) - GAP_Y;
    return { cells, w, h };
  });
  let y = 0;
  const endpoints = nodes.filter((n) => !n.site);
  if (endpoints.length) y = 62 + SITE_GAP * 0.6;
  for (let r = 0; r * cols < blocks.length; r++) {
    const row = blocks.slice(r * cols, r * cols + cols);
    let x = 0;
    let rowH = 0;
    for (const b of row) {
      for (const c of b.cells) {
        out.set(c.n.id, { x: x + c.col * (NODE_W + GAP_X) + NODE_W / 2, y: y + c.row * (NODE_H + GAP_Y + 20) + nodeHeight(c.n) / 2 });
      }
      x += b.w + SITE_GAP;
      rowH = Math.max(rowH, b.h);
    }
    y += rowH + SITE_GAP;
  }
  // Endpoints above, centred over the sites' span.
  const spanW = Math.max(...[...out.values()].map((p) => p.x + NODE_W / 2), NODE_W);
  const epW = endpoints.length * (NODE_W + GAP_X) - GAP_X;
  endpoints.forEach((n, i) => out.set(n.id, { x: (spanW - epW) / 2 + i * (NODE_W + GAP_X) + NODE_W / 2, y: 31 }));
  // Nodes in a site the scenario does not declare (an invalid document would not load, but
  // the layout must not crash on it) go in a last row.
  let stray = 0;
  for (const n of nodes) if (!out.has(n.id)) out.set(n.id, { x: stray++ * (NODE_W + GAP_X) + NODE_W / 2, y: y + NODE_H / 2 });
  return out;
}

function rolePrefer(n: NodeSpec): number {
  return n.kind === 'database' ? (n.role === 'primary' ? 0 : n.role === 'standby' ? 1 : 2) : 0;
}

/** The full layout: every node placed (its own position first), regions and links derived. */
export function layout(sites: SiteSpec[], links: LinkSpec[], nodes: NodeSpec[], defaults: Map<string, Point>): Layout {
  const places = new Map<string, NodePlace>();
  for (const n of nodes) {
    const p = n.position ?? defaults.get(n.id) ?? { x: 0, y: 0 };
    places.set(n.id, { id: n.id, kind: n.kind, site: n.site, x: p.x, y: p.y, w: NODE_W, h: nodeHeight(n) });
  }
  const sitePlaces: SitePlace[] = [];
  for (const s of sites) {
    const members = [...places.values()].filter((p) => p.site === s.id);
    if (!members.length) continue;
    const x0 = Math.min(...members.map((m) => m.x - m.w / 2)) - SITE_PAD;
    const y0 = Math.min(...members.map((m) => m.y - m.h / 2)) - SITE_PAD - SITE_LABEL_H;
    const x1 = Math.max(...members.map((m) => m.x + m.w / 2)) + SITE_PAD;
    const y1 = Math.max(...members.map((m) => m.y + m.h / 2)) + SITE_PAD;
    sitePlaces.push({ id: s.id, label: s.label ?? s.id, box: { x: x0, y: y0, w: x1 - x0, h: y1 - y0 } });
  }
  const byId = new Map(sitePlaces.map((s) => [s.id, s]));
  const linkPlaces: LinkPlace[] = [];
  for (const l of links) {
    const a = byId.get(l.between[0]);
    const b = byId.get(l.between[1]);
    if (!a || !b) continue;
    const ca = centre(a.box);
    const cb = centre(b.box);
    linkPlaces.push({ between: l.between, latencyMs: l.latencyMs, from: edgePoint(a.box, cb), to: edgePoint(b.box, ca) });
  }
  const all = [...[...places.values()].map((p) => ({ x: p.x - p.w / 2, y: p.y - p.h / 2, w: p.w, h: p.h })), ...sitePlaces.map((s) => s.box)];
  const x0 = Math.min(...all.map((b) => b.x));
  const y0 = Math.min(...all.map((b) => b.y));
  const x1 = Math.max(...all.map((b) => b.x + b.w));
  const y1 = Math.max(...all.map((b) => b.y + b.h));
  return { nodes: places, sites: sitePlaces, links: linkPlaces, bounds: { x: x0, y: y0, w: x1 - x0, h: y1 - y0 } };
}

export function centre(b: Box): Point {
  return { x: b.x + b.w / 2, y: b.y + b.h / 2 };
}

/** Where the segment from a box's centre towards `towards` leaves the box. */
export function edgePoint(b: Box, towards: Point): Point {
  const c = centre(b);
  const dx = towards.x - c.x;
  const dy = towards.y - c.y;
  if (dx === 0 && dy === 0) return c;
  const sx = dx === 0 ? Infinity : b.w / 2 / Math.abs(dx);
  const sy = dy === 0 ? Infinity : b.h / 2 / Math.abs(dy);
  const s = Math.min(sx, sy);
  return { x: c.x + dx * s, y: c.y + dy * s };
}

/** Where a node's glyph border meets the line to `towards` (messages start and end there). */
export function nodeEdge(n: NodePlace, towards: Point): Point {
  return edgePoint({ x: n.x - n.w / 2, y: n.y - n.h / 2, w: n.w, h: n.h }, towards);
}

export type StageTarget = { kind: 'node'; id: string; nodeKind: string } | { kind: 'site'; id: string } | { kind: 'link'; between: [string, string] };

/** What lies under a world point: a node first, then a link, then a site. */
export function hitTest(l: Layout, p: Point, slop = 6): StageTarget | null {
  // Last drawn is on top: search in reverse.
  const nodes = [...l.nodes.values()];
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i];
    if (Math.abs(p.x - n.x) <= n.w / 2 + slop / 2 && Math.abs(p.y - n.y) <= n.h / 2 + slop / 2) return { kind: 'node', id: n.id, nodeKind: n.kind };
  }
  for (const k of l.links) if (distToSegment(p, k.from, k.to) <= slop + 4) return { kind: 'link', between: k.between };
  for (const s of l.sites) {
    const b = s.box;
    if (p.x >= b.x && p.x <= b.x + b.w && p.y >= b.y && p.y <= b.y + b.h) return { kind: 'site', id: s.id };
  }
  return null;
}

export function distToSegment(p: Point, a: Point, b: Point): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2));
  return Math.hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

export function sameTarget(a: StageTarget | null, b: StageTarget | null): boolean {
  if (!a || !b) return a === b;
  if (a.kind === 'link' && b.kind === 'link') return a.between[0] === b.between[0] && a.between[1] === b.between[1];
  return a.kind === b.kind && (a as { id: string }).id === (b as { id: string }).id;
}
