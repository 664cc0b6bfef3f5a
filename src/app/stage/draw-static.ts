// The static layer: sites, links, nodes and what they say about themselves, and anomaly
// badges. Redrawn only when the topology, positions, node state, selection or view change,
// never just because time passed (that is the dynamic layer's job).

import type { NodeView } from '../../sim/views';
import type { NodeSpec } from '../../sim/spec';
import type { Anomaly } from '../../sim/checks/checker';
import type { Layout, NodePlace } from './layout';
import { nodeEdge } from './layout';
import type { StageTheme } from './theme';

export interface StaticScene {
  layout: Layout;
  views: Map<string, NodeView>;
  specs: Map<string, NodeSpec>;
  anomalies: readonly Anomaly[];
  selected: string | null;
  /** Nodes to ring: the selected anomaly's, or the narration's focus. */
  highlight: ReadonlySet<string>;
  theme: StageTheme;
  /** Zoom factor: below a threshold glyphs drop detail and enlarge what is left. */
  k: number;
}

/** What was drawn for anomalies, `kind@node`, for tests and the accessible description. */
export type DrawnMarks = string[];

const COMPACT_BELOW_K = 0.8;

export function drawStatic(ctx: CanvasRenderingContext2D, s: StaticScene): DrawnMarks {
  const { layout, theme: t } = s;
  for (const site of layout.sites) {
    const b = site.box;
    ctx.fillStyle = t.siteFill;
    ctx.strokeStyle = t.line;
    ctx.lineWidth = 1.5;
    roundRect(ctx, b.x, b.y, b.w, b.h, 14);
    ctx.fill();
    ctx.stroke();
    ctx.fillStyle = t.muted;
    ctx.font = `600 ${s.k < COMPACT_BELOW_K ? 18 : 13}px ${t.font}`;
    ctx.textBaseline = 'top';
    ctx.textAlign = 'left';
    ctx.fillText(clip(ctx, `${site.label}`, b.w - 20), b.x + 12, b.y + 7);
  }
  for (const l of layout.links) {
    ctx.strokeStyle = t.line;
    ctx.lineWidth = 6;
    ctx.lineCap = 'round';
    ctx.beginPath();
    ctx.moveTo(l.from.x, l.from.y);
    ctx.lineTo(l.to.x, l.to.y);
    ctx.stroke();
    ctx.lineCap = 'butt';
    const mx = (l.from.x + l.to.x) / 2;
    const my = (l.from.y + l.to.y) / 2;
    ctx.font = `${s.k < COMPACT_BELOW_K ? 16 : 11}px ${t.font}`;
    ctx.textAlign = 'center';
    // Below the link: flows' labels sit on it.
    ctx.textBaseline = 'top';
    ctx.fillStyle = t.muted;
    ctx.fillText(`${l.latencyMs} ms link`, mx, my + 8);
  }

  const primaryLsn = primaryLsnOf(s.views);
  // Where clients and endpoints send things now: arrows under the glyphs.
  for (const n of layout.nodes.values()) {
    const v = s.views.get(n.id);
    if (!v) continue;
    const to = v.kind === 'client' ? v.detail.resolved : v.kind === 'endpoint' ? v.detail.record : null;
    const dest = to ? layout.nodes.get(to) : undefined;
    if (dest) arrow(ctx, n, dest, v.kind === 'endpoint' ? t.primary : t.muted, v.kind === 'client' ? 'resolves to' : 'points to', t);
    for (const [dst, label] of proxyArrows(v, s.views)) {
      const d = layout.nodes.get(dst);
      if (d && d !== n) arrow(ctx, n, d, t.muted, label, t);
    }
  }
  for (const n of layout.nodes.values()) {
    const v = s.views.get(n.id);
    if (v) drawNode(ctx, n, v, s.specs.get(n.id), primaryLsn, s);
  }
  return drawAnomalyBadges(ctx, s);
}

/**
 * Arrows for the kinds that stand between clients and databases: a client to the cache or
 * balancer it goes through, a cache to its backend, a balancer to what it routes to.
 */
function proxyArrows(v: NodeView, views: Map<string, NodeView>): [string, string][] {
  const viaProxy = (id: string) => {
    const k = views.get(id)?.kind;
    return k === 'cache' || k === 'balancer';
  };
  if (v.kind === 'client') {
    const out: [string, string][] = [];
    for (const id of new Set([v.detail.target, v.detail.readTarget])) if (viaProxy(id)) out.push([id, 'goes through']);
    return out;
  }
  if (v.kind === 'cache') return [[v.detail.backend.replace(/^node:/, ''), 'misses go to']];
  if (v.kind === 'balancer') return v.detail.targets.map((id) => [id, 'routes to']);
  return [];
}

function primaryLsnOf(views: Map<string, NodeView>): number | null {
  let best: { epoch: number; lsn: number } | null = null;
  for (const v of views.values()) {
    if (v.kind !== 'database' || v.status === 'down' || v.detail.role !== 'primary') continue;
    const epoch = v.detail.epoch;
    if (!best || epoch > best.epoch) best = { epoch, lsn: v.detail.lsn };
  }
  return best ? best.lsn : null;
}

function drawNode(ctx: CanvasRenderingContext2D, n: NodePlace, v: NodeView, spec: NodeSpec | undefined, primaryLsn: number | null, s: StaticScene): void {
  const t = s.theme;
  const x = n.x - n.w / 2;
  const y = n.y - n.h / 2;
  const down = v.status === 'down';
  const paused = v.status === 'paused';
  // A spare database slot, not provisioned yet: drawn as an empty outline.
  const spare = v.kind === 'database' && !v.detail.provisioned;
  const role = v.kind === 'database' && !spare ? v.detail.role : null;
  const fenced = v.kind === 'database' && v.detail.fenced;
  const accent = down ? t.down : role === 'primary' ? t.primary : role ? t.replica : t.fg;

  if (s.highlight.has(n.id) || s.selected === n.id) {
    ctx.strokeStyle = s.selected === n.id ? t.focus : t.warn;
    ctx.lineWidth = 4;
    ctx.setLineDash(s.selected === n.id ? [] : [6, 4]);
    roundRect(ctx, x - 7, y - 7, n.w + 14, n.h + 14, 12);
    ctx.stroke();
    ctx.setLineDash([]);
  }

  // The silhouette says the kind; the border says the state.
  ctx.fillStyle = t.nodeFill;
  ctx.strokeStyle = accent;
  ctx.lineWidth = role === 'primary' && !down ? 3.5 : 1.75;
  ctx.setLineDash(down || spare ? [5, 4] : paused ? [2, 3] : role === 'standby' ? [8, 3] : []);
  shape(ctx, v.kind, x, y, n.w, n.h);
  ctx.fill();
  ctx.stroke();
  ctx.setLineDash([]);
  if (v.kind === 'database') {
    // The cylinder's rim.
    ctx.beginPath();
    ctx.ellipse(n.x, y + 8, n.w / 2, 8, 0, 0, Math.PI);
    ctx.stroke();
  }

  const compact = s.k < COMPACT_BELOW_K;
  // An endpoint's tag point leaves less room on the left.
  const pad = v.kind === 'endpoint' ? 16 : 10;
  const top = y + (v.kind === 'database' ? 18 : 9);
  ctx.textAlign = 'left';
  ctx.textBaseline = 'top';
  ctx.fillStyle = t.fg;
  ctx.font = `700 ${compact ? 19 : 13}px ${t.font}`;
  const label = spec?.label ? `${spec.label}` : n.id;
  ctx.fillText(clip(ctx, label, n.w - 2 * pad), x + pad, top);

  const compactEndpoint = compact && v.kind === 'endpoint';
  const state = down
    ? 'DOWN'
    : paused
      ? 'PAUSED'
      : fenced
        ? 'FENCED'
        : spare
          ? 'SPARE'
          : role
          ? role.toUpperCase()
          : compactEndpoint
            ? `→ ${v.detail.record || 'nothing'}`
            : v.kind.toUpperCase();
  const badgeColour = down || paused || fenced ? t.bad : accent;
  ctx.font = `700 ${compact ? 14 : 10}px ${t.font}`;
  const bw = ctx.measureText(state).width + 10;
  const by = top + (compact ? 24 : 18);
  ctx.fillStyle = badgeColour;
  roundRect(ctx, x + pad, by, bw, compact ? 21 : 15, 4);
  if (role === 'primary' || down || paused) {
    ctx.fill();
    ctx.fillStyle = t.nodeFill;
  } else {
    ctx.strokeStyle = badgeColour;
    ctx.lineWidth = 1.25;
    ctx.stroke();
  }
  ctx.textBaseline = 'middle';
  ctx.fillText(state, x + pad + 5, by + (compact ? 11 : 8));
  if (down) cross(ctx, x + n.w - 20, y + n.h / 2, 8, t.bad);
  if (paused) pauseBars(ctx, x + n.w - 20, y + n.h / 2, t.bad);
  if (compact) {
    // Zoomed out (a phone): one line of the most telling number, in a larger type.
    ctx.textBaseline = 'top';
    ctx.font = `15px ${t.font}`;
    ctx.fillStyle = t.fg;
    let text = '';
    if (spare) text = 'not provisioned';
    else if (v.kind === 'database') {
      const lag = primaryLsn !== null && role !== 'primary' ? ` · lag ${Math.max(0, primaryLsn - v.detail.lsn)}` : '';
      text = `lsn ${v.detail.lsn}${lag}`;
    } else if (v.kind === 'client') text = `errors ${v.detail.failed + v.detail.unknown}`;
    else if (v.kind === 'orchestrator') {
      const sus = Object.values(v.detail.suspicions);
      const worst = sus.length ? Math.max(...sus) : 0;
      text = `suspects ${Math.round(Math.min(1, worst) * 100)}%`;
    } else text = kindLines(v)[0] ?? '';
    if (v.kind !== 'endpoint') ctx.fillText(clip(ctx, text, n.w - 2 * pad), x + pad, by + 26);
    return;
  }

  ctx.textBaseline = 'top';
  ctx.font = `11px ${t.font}`;
  ctx.fillStyle = t.fg;
  const line = (text: string, row: number) => ctx.fillText(clip(ctx, text, n.w - 2 * pad), x + pad, by + 20 + row * 14);
  switch (v.kind) {
    case 'database': {
      if (spare) {
        line('not provisioned yet:', 0);
        line('an empty machine slot', 1);
        break;
      }
      const d = v.detail;
      const lag = primaryLsn !== null && role !== 'primary' ? Math.max(0, primaryLsn - d.lsn) : null;
      line(`lsn ${d.lsn}${lag !== null ? ` · lag ${lag}` : ''}`, 0);
      line(`cpu queue ${d.queued}`, 1);
      meter(ctx, x + n.w - pad - 36, by + 20 + 14 + 2, 36, 7, Math.min(1, d.queued / 50), d.queued > 25 ? t.bad : t.muted, t);
      if (d.diskBytes > 0) {
        const used = d.diskUsedBytes / d.diskBytes;
        line(`disk ${Math.round(used * 100)}%`, 2);
        meter(ctx, x + n.w - pad - 36, by + 20 + 28 + 2, 36, 7, Math.min(1, used), used > 0.9 ? t.bad : t.muted, t);
      }
      break;
    }
    case 'client': {
      const d = v.detail;
      const c = spec && spec.kind === 'client' ? spec : null;
      line(`${c?.writesPerSec ?? 0} w/s · ${c?.readsPerSec ?? 0} r/s`, 0);
      line(`in flight ${d.inFlight} · errors ${d.failed + d.unknown}`, 1);
      if (d.poolSize > 0) line(`pool ${d.poolInUse}/${d.poolSize}${d.poolWaiting ? ` · ${d.poolWaiting} waiting` : ''}`, 2);
      break;
    }
    case 'endpoint':
      line(`→ ${v.detail.record || 'nothing'}`, 0);
      break;
    case 'monitor': {
      const firing = v.detail.firing;
      ctx.fillStyle = firing.length ? t.bad : t.fg;
      line(firing.length ? `FIRING: ${firing.join(', ')}` : 'no alert firing', 0);
      break;
    }
    case 'cache':
    case 'balancer':
    case 'queue':
    case 'worker':
    case 'autoscaler':
      kindLines(v).forEach((text, row) => line(text, row));
      break;
    case 'orchestrator': {
      const sus = v.detail.suspicions;
      const ids = Object.keys(sus).slice(0, 8);
      ids.forEach((id, i) => {
        const yy = by + 20 + i * 13;
        const value = sus[id];
        ctx.fillStyle = t.fg;
        ctx.font = `10px ${t.font}`;
        ctx.fillText(clip(ctx, id, 56), x + pad, yy);
        const full = value >= 1;
        meter(ctx, x + pad + 58, yy + 2, 42, 8, Math.min(1, value), full ? t.bad : t.warn, t);
        ctx.fillStyle = full ? t.bad : t.muted;
        ctx.fillText(full ? 'down' : `${Math.round(value * 100)}%`, x + pad + 104, yy);
      });
      if (v.detail.awaitingOperator) {
        ctx.fillStyle = t.bad;
        ctx.fillText('waiting for operator', x + pad, by + 20 + ids.length * 13);
      }
      break;
    }
  }
}

/** The state lines of the capacity kinds (caches, balancers, queues, workers, autoscalers). */
function kindLines(v: NodeView): string[] {
  switch (v.kind) {
    case 'cache': {
      const d = v.detail;
      return [`hit ratio ${Math.round(d.hitRatio * 100)}%`, `${d.entries} kept${d.staleServed ? ` · ${d.staleServed} stale` : ''}`];
    }
    case 'balancer': {
      const targets = v.detail.targets.length;
      const healthy = v.detail.healthy.length;
      return [`healthy ${healthy}/${targets}`, healthy < targets ? 'some targets failing checks' : 'all targets pass checks'];
    }
    case 'queue':
      return [`lag ${(v.detail.lagMs / 1000).toFixed(1)} s`, `${v.detail.depth} waiting · ${v.detail.done} done`];
    case 'worker': {
      const d = v.detail;
      return [`${d.daemons} daemons · ${d.busy} busy`, d.race ? `RACE · ${d.waitingOnLocks} on locks` : `${d.jobs} jobs done`];
    }
    case 'autoscaler': {
      const d = v.detail;
      return d.step ? [`${d.adding ?? ''}: ${d.step}`, d.step === 'replay' ? 'replaying the log' : `${Math.ceil(d.stepLeftMs / 1000)} s left`] : [`${d.spares.length} spares left`];
    }
  }
  return [];
}

/** One badge per anomaly kind and node: where it happened, with how many. */
function drawAnomalyBadges(ctx: CanvasRenderingContext2D, s: StaticScene): DrawnMarks {
  const t = s.theme;
  const counts = new Map<string, { kind: string; node: string; n: number }>();
  for (const a of s.anomalies) {
    const n = typeof a.count === 'number' && a.count > 0 ? a.count : 1;
    for (const node of anomalyNodes(a)) {
      const key = `${a.kind}@${node}`;
      const c = counts.get(key);
      if (c) c.n += n;
      else counts.set(key, { kind: a.kind, node, n });
    }
  }
  const stacked = new Map<string, number>();
  const drawn: DrawnMarks = [];
  // What part of the stage is on the canvas, in stage coordinates: a badge is as wide as its
  // text, and one on a node near an edge (or in the narrower stage of a comparison) would
  // run off it; it is slid back inside instead.
  const m = ctx.getTransform();
  const left = -m.e / m.a;
  const right = (ctx.canvas.width - m.e) / m.a;
  const top = -m.f / m.d;
  const inset = 4 / s.k;
  for (const [key, c] of counts) {
    const n = s.layout.nodes.get(c.node);
    if (!n) continue;
    const row = stacked.get(c.node) ?? 0;
    stacked.set(c.node, row + 1);
    const text = `${BADGE_TEXT[c.kind] ?? c.kind.toUpperCase()}${c.n > 1 ? ` ×${c.n}` : ''}`;
    ctx.font = `700 ${s.k < COMPACT_BELOW_K ? 16 : 11}px ${t.font}`;
    const w = ctx.measureText(text).width + 26;
    const h = s.k < COMPACT_BELOW_K ? 24 : 18;
    const bx = Math.max(left + inset, Math.min(n.x + n.w / 2 - w + 10, right - inset - w));
    const by = Math.max(top + inset, n.y - n.h / 2 - h - 4 - row * (h + 3));
    ctx.fillStyle = t.bad;
    roundRect(ctx, bx, by, w, h, 4);
    ctx.fill();
    // A warning triangle, so the badge does not rely on its red.
    ctx.fillStyle = t.nodeFill;
    ctx.beginPath();
    ctx.moveTo(bx + 11, by + 3);
    ctx.lineTo(bx + 18, by + h - 3);
    ctx.lineTo(bx + 4, by + h - 3);
    ctx.closePath();
    ctx.fill();
    ctx.fillStyle = t.bad;
    ctx.fillRect(bx + 10.25, by + 7, 1.5, h - 13);
    ctx.fillStyle = t.nodeFill;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    ctx.fillText(text, bx + 21, by + h / 2 + 0.5);
    drawn.push(key);
  }
  return drawn;
}

/**
 * Where on the stage an anomaly shows: a lost write at the node that acknowledged it, a split
 * brain on both primaries, a rejected write (or a stale read) at the node that answered, the
 * rest at the first node named (the client that felt it).
 */
export function anomalyNodes(a: Anomaly): string[] {
  if (a.kind === 'split-brain') return a.nodes;
  if ((a.kind === 'write-rejected' || a.kind === 'stale-read') && a.nodes.length > 1) return a.nodes.slice(1, 2);
  return a.nodes.slice(0, 1);
}

export const BADGE_TEXT: Record<string, string> = {
  'lost-write': 'LOST WRITE',
  'split-brain': 'TWO PRIMARIES',
  'stale-read': 'STALE READ',
  'write-rejected': '↩ WRITE REJECTED',
  'request-failed': 'REQUESTS FAILED',
  'duplicate-effect': 'DUPLICATE EFFECT',
  'undetected-outage': 'UNDETECTED OUTAGE',
};

function shape(ctx: CanvasRenderingContext2D, kind: string, x: number, y: number, w: number, h: number): void {
  ctx.beginPath();
  switch (kind) {
    case 'database': {
      // A cylinder: the classic database silhouette.
      ctx.moveTo(x, y + 8);
      ctx.ellipse(x + w / 2, y + 8, w / 2, 8, 0, Math.PI, 0);
      ctx.lineTo(x + w, y + h - 8);
      ctx.ellipse(x + w / 2, y + h - 8, w / 2, 8, 0, 0, Math.PI);
      ctx.closePath();
      break;
    }
    case 'monitor':
      // A pill: it only looks and tells.
      ctx.roundRect(x, y, w, h, h / 2);
      break;
    case 'cache':
      // Rounded: memory, not a machine of record.
      ctx.roundRect(x, y, w, h, 14);
      break;
    case 'balancer': {
      // A funnel that fans out: wide where requests arrive, narrower where they leave.
      const c = 12;
      ctx.moveTo(x, y);
      ctx.lineTo(x + w, y);
      ctx.lineTo(x + w - c, y + h);
      ctx.lineTo(x + c, y + h);
      ctx.closePath();
      break;
    }
    case 'orchestrator': {
      // An octagon: the one that watches and decides.
      const c = 14;
      ctx.moveTo(x + c, y);
      ctx.lineTo(x + w - c, y);
      ctx.lineTo(x + w, y + c);
      ctx.lineTo(x + w, y + h - c);
      ctx.lineTo(x + w - c, y + h);
      ctx.lineTo(x + c, y + h);
      ctx.lineTo(x, y + h - c);
      ctx.lineTo(x, y + c);
      ctx.closePath();
      break;
    }
    case 'endpoint': {
      // A tag: a name, not a machine.
      const c = 14;
      ctx.moveTo(x + c, y);
      ctx.lineTo(x + w, y);
      ctx.lineTo(x + w, y + h);
      ctx.lineTo(x + c, y + h);
      ctx.lineTo(x, y + h / 2);
      ctx.closePath();
      break;
    }
    default:
      // A client (app server): a plain box with square corners.
      ctx.rect(x, y, w, h);
  }
}

function arrow(ctx: CanvasRenderingContext2D, a: NodePlace, b: NodePlace, colour: string, label: string, t: StageTheme): void {
  const p0 = nodeEdge(a, b);
  const p1 = nodeEdge(b, a);
  ctx.strokeStyle = colour;
  ctx.fillStyle = colour;
  ctx.lineWidth = 1.5;
  ctx.setLineDash([7, 5]);
  ctx.beginPath();
  ctx.moveTo(p0.x, p0.y);
  ctx.lineTo(p1.x, p1.y);
  ctx.stroke();
  ctx.setLineDash([]);
  const ang = Math.atan2(p1.y - p0.y, p1.x - p0.x);
  ctx.beginPath();
  ctx.moveTo(p1.x, p1.y);
  ctx.lineTo(p1.x - 11 * Math.cos(ang - 0.4), p1.y - 11 * Math.sin(ang - 0.4));
  ctx.lineTo(p1.x - 11 * Math.cos(ang + 0.4), p1.y - 11 * Math.sin(ang + 0.4));
  ctx.closePath();
  ctx.fill();
  const len = Math.hypot(p1.x - p0.x, p1.y - p0.y);
  if (len > 120) {
    ctx.save();
    ctx.translate((p0.x + p1.x) / 2, (p0.y + p1.y) / 2);
    ctx.rotate(Math.abs(ang) > Math.PI / 2 ? ang + Math.PI : ang);
    ctx.font = `10px ${t.font}`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'bottom';
    ctx.fillStyle = t.muted;
    ctx.fillText(label, 0, -3);
    ctx.restore();
  }
}

function meter(ctx: CanvasRenderingContext2D, x: number, y: number, w: number, h: number, f: number, colour: string, t: StageTheme): void {
  ctx.strokeStyle = t.muted;
  ctx.lineWidth = 1;
  ctx.strokeRect(x, y, w, h);
  ctx.fillStyle = colour;
  ctx.fillRect(x + 1, y + 1, Math.max(0, (w - 2) * f), h - 2);
}

function cross(ctx: CanvasRenderingContext2D, x: number, y: number, r: number, colour: string): void {
  ctx.strokeStyle = colour;
  ctx.lineWidth = 3;
  ctx.beginPath();
  ctx.moveTo(x - r, y - r);
  ctx.lineTo(x + r, y + r);
  ctx.moveTo(x + r, y - r);
  ctx.lineTo(x - r, y + r);
  ctx.stroke();
}

function pauseBars(ctx: CanvasRenderingContext2D, x: number, y: number, colour: string): void {
  ctx.fillStyle = colour;
  ctx.fillRect(x - 7, y - 8, 5, 16);
  ctx.fillRect(x + 2, y - 8, 5, 16);
}

export function roundRect(ctx: CanvasRenderingContext2D, x: number, y: number, w: number, h: number, r: number): void {
  ctx.beginPath();
  ctx.roundRect(x, y, w, h, r);
}

/** Shorten text to fit a width, with an ellipsis (labels are user text of any length). */
function clip(ctx: CanvasRenderingContext2D, text: string, maxW: number): string {
  if (ctx.measureText(text).width <= maxW) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ctx.measureText(text.slice(0, mid) + '…').width <= maxW) lo = mid;
    else hi = mid - 1;
  }
  return text.slice(0, lo) + '…';
}


/**
 * A stage canvas cleared and set up to draw in stage coordinates: device pixels (the canvas
 * is `widthPx` CSS pixels wide) times the view's pan and zoom.
 */
export function prepareCanvas(c: HTMLCanvasElement, widthPx: number, view: { k: number; x: number; y: number }): CanvasRenderingContext2D {
  const ctx = c.getContext('2d')!;
  const dpr = c.width / Math.max(1, widthPx);
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, c.width, c.height);
  ctx.setTransform(dpr * view.k, 0, 0, dpr * view.k, dpr * view.x, dpr * view.y);
  return ctx;
}
