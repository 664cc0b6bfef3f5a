// The dynamic layer, drawn every animation frame: messages at their interpolated places,
// flows where dots would be a blur, the drop target under a dragged failure, and a pulse
// where an anomaly has just appeared.

import type { MessageColumns } from '../../sim/host';
import type { Anomaly } from '../../sim/checks/checker';
import type { Layout, NodePlace, Point, StageTarget } from './layout';
import { nodeEdge } from './layout';
import { flows, MSG_CLASSES, visibleAsDot, type Flow, type FlowMeter, type MsgClass } from './messages';
import type { StageTheme } from './theme';
import { anomalyNodes } from './draw-static';
import { over } from './blend';

/** Dots drawn per frame at most (frames carry at most 5,000 messages anyway). */
export const MAX_DOTS = 5_000;
/** Flows labelled with their rate at most. */
const MAX_FLOW_LABELS = 24;
/** Anomalies pulse for this long in virtual time after they begin... */
const PULSE_VIRTUAL_US = 3_000_000;

export interface DynamicScene {
  layout: Layout;
  messages: MessageColumns;
  /** Node ids by index, as the messages name their ends. */
  ids: readonly string[];
  atUs: number;
  speedX: number;
  /** No moving dots: everything is shown as flows with their rates. */
  reducedMotion: boolean;
  theme: StageTheme;
  k: number;
  dropTarget: StageTarget | null;
  anomalies: readonly Anomaly[];
  /** Operations to ring (the selected anomaly's). */
  highlightOps: ReadonlySet<string>;
  /** Wall clock, for the pulse's phase only. */
  wallMs: number;
  meter: FlowMeter;
}

export interface DynamicStats {
  dots: number;
  flows: number;
}

/** Lanes of a layout by pair of node indices, kept while the layout and the ids stay the same. */
const laneCache = new WeakMap<Layout, { ids: readonly string[]; lanes: Map<number, Float64Array | null> }>();

function lanesFor(layout: Layout, ids: readonly string[]): Map<number, Float64Array | null> {
  let c = laneCache.get(layout);
  if (!c || !sameIds(c.ids, ids)) laneCache.set(layout, (c = { ids: [...ids], lanes: new Map() }));
  return c.lanes;
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Scratch space for dot positions, grown as needed and reused frame after frame. */
let xy = new Float32Array(2 * 1024);
let dotClass = new Uint8Array(1024);

export function drawDynamic(ctx: CanvasRenderingContext2D, s: DynamicScene): DynamicStats {
  const t = s.theme;
  const m = s.messages;
  if (s.dropTarget) drawDropTarget(ctx, s.layout, s.dropTarget, t);

  const asDot = (i: number) => !s.reducedMotion && visibleAsDot(m.departUs[i], m.deliverUs[i], s.speedX);
  const fl = s.meter.update(flows(m, s.ids, s.atUs, (i) => !asDot(i)), s.atUs);
  // Text is the dearest thing to draw: only the busiest flows get a label.
  const labelled = new Set([...fl].sort((x, y) => y.ratePerSec - x.ratePerSec).slice(0, MAX_FLOW_LABELS));
  for (const f of fl) {
    const a = s.layout.nodes.get(f.from);
    const b = s.layout.nodes.get(f.to);
    if (a && b) drawFlow(ctx, a, b, f, s, labelled.has(f));
  }

  // One pass places every dot; then one path per kind of message: thousands of separate
  // fills would cost more than everything else on the stage.
  if (xy.length < 2 * m.count) {
    xy = new Float32Array(2 * m.count);
    dotClass = new Uint8Array(m.count);
  }
  const lanes = lanesFor(s.layout, s.ids);
  const n = s.ids.length;
  const ringOps = ringKeys(s.highlightOps, s.ids);
  const ringed: number[] = [];
  const perClass = new Uint32Array(MSG_CLASSES.length);
  let dots = 0;
  // The columns' times are relative to their base.
  const atUs = s.atUs - m.baseUs;
  for (let i = 0; i < m.count && dots < MAX_DOTS; i++) {
    const sent = m.sentUs[i];
    const depart = m.departUs[i];
    const deliver = m.deliverUs[i];
    if (atUs < sent || atUs >= deliver || !asDot(i)) continue;
    const key = m.from[i] * n + m.to[i];
    let ln = lanes.get(key);
    if (ln === undefined) {
      const a = s.layout.nodes.get(s.ids[m.from[i]]);
      const b = s.layout.nodes.get(s.ids[m.to[i]]);
      ln = a && b ? lane(a, b) : null;
      lanes.set(key, ln);
    }
    if (!ln) continue;
    const p = atUs <= depart ? 0 : (atUs - depart) / (deliver - depart);
    const x = ln[0] + (ln[2] - ln[0]) * p;
    const y = ln[1] + (ln[3] - ln[1]) * p;
    xy[2 * dots] = x;
    xy[2 * dots + 1] = y;
    dotClass[dots] = m.cls[i];
    perClass[m.cls[i]]++;
    if (ringOps && m.opClient[i] >= 0 && ringOps.has(m.opClient[i] * 2 ** 32 + m.opNum[i])) ringed.push(x, y);
    dots++;
  }
  if (!compositeDots(ctx, dots, perClass, t)) for (let c = 0; c < MSG_CLASSES.length; c++) if (perClass[c]) drawDots(ctx, MSG_CLASSES[c], c, dots, t.msg[MSG_CLASSES[c]], t);
  if (ringed.length) {
    ctx.strokeStyle = t.focus;
    ctx.lineWidth = 2;
    ctx.beginPath();
    for (let i = 0; i < ringed.length; i += 2) {
      ctx.moveTo(ringed[i] + 9, ringed[i + 1]);
      ctx.arc(ringed[i], ringed[i + 1], 9, 0, Math.PI * 2);
    }
    ctx.stroke();
  }

  // A fresh anomaly pulses at its node; without motion, a steady double ring says the same.
  for (const an of s.anomalies) {
    const age = s.atUs - an.atUs;
    if (age < 0 || age > PULSE_VIRTUAL_US) continue;
    for (const id of anomalyNodes(an)) {
      const nd = s.layout.nodes.get(id);
      if (!nd) continue;
      const phase = s.reducedMotion ? 0.5 : (s.wallMs % 900) / 900;
      ctx.strokeStyle = t.bad;
      ctx.globalAlpha = s.reducedMotion ? 0.9 : 1 - phase;
      ctx.lineWidth = 3;
      ctx.beginPath();
      ctx.roundRect(nd.x - nd.w / 2 - 6 - phase * 14, nd.y - nd.h / 2 - 6 - phase * 14, nd.w + 12 + phase * 28, nd.h + 12 + phase * 28, 14);
      ctx.stroke();
      ctx.globalAlpha = 1;
    }
  }
  return { dots, flows: fl.length };
}

/** The operations to ring, as client index x 2^32 + operation number (null: none). */
function ringKeys(ops: ReadonlySet<string>, ids: readonly string[]): Set<number> | null {
  if (ops.size === 0) return null;
  const out = new Set<number>();
  for (const op of ops) {
    const hash = op.lastIndexOf('#');
    const c = ids.indexOf(op.slice(0, hash));
    if (c >= 0) out.add(c * 2 ** 32 + Number(op.slice(hash + 1)));
  }
  return out;
}

/** The two directions of a pair travel side by side, not on top of each other: [x0, y0, x1, y1]. */
function lane(a: NodePlace, b: NodePlace): Float64Array {
  const [p0, p1] = lanePoints(a, b);
  return Float64Array.of(p0.x, p0.y, p1.x, p1.y);
}

function lanePoints(a: NodePlace, b: NodePlace): [Point, Point] {
  const p0 = nodeEdge(a, b);
  const p1 = nodeEdge(b, a);
  const dx = p1.x - p0.x;
  const dy = p1.y - p0.y;
  const len = Math.hypot(dx, dy) || 1;
  const off = 5;
  const nx = (-dy / len) * off;
  const ny = (dx / len) * off;
  return [
    { x: p0.x + nx, y: p0.y + ny },
    { x: p1.x + nx, y: p1.y + ny },
  ];
}

function drawFlow(ctx: CanvasRenderingContext2D, a: NodePlace, b: NodePlace, f: Flow, s: DynamicScene, withLabel: boolean): void {
  const t = s.theme;
  const { ratePerSec, errorShare } = f;
  const [p0, p1] = lanePoints(a, b);
  // Until the meter has watched for a while, a rate would be a guess: show what is in flight.
  const width = f.settled ? Math.max(1.5, Math.min(12, 1 + Math.log2(1 + ratePerSec))) : Math.max(1.5, Math.min(12, 1.5 + Math.log2(1 + f.inFlight) * 2));
  const errorHeavy = errorShare >= 0.2;
  ctx.strokeStyle = mix(t.msg.ack, t.msg.error, Math.min(1, errorShare * 2));
  ctx.globalAlpha = 0.75;
  ctx.lineWidth = width;
  // Errors change the stroke's pattern as well as its colour.
  ctx.setLineDash(errorHeavy ? [width * 1.5, width] : []);
  ctx.beginPath();
  ctx.moveTo(p0.x, p0.y);
  ctx.lineTo(p1.x, p1.y);
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.globalAlpha = 1;
  const ang = Math.atan2(p1.y - p0.y, p1.x - p0.x);
  const hx = p0.x + (p1.x - p0.x) * 0.7;
  const hy = p0.y + (p1.y - p0.y) * 0.7;
  ctx.fillStyle = ctx.strokeStyle;
  ctx.beginPath();
  ctx.moveTo(hx + 8 * Math.cos(ang), hy + 8 * Math.sin(ang));
  ctx.lineTo(hx + 8 * Math.cos(ang + 2.5), hy + 8 * Math.sin(ang + 2.5));
  ctx.lineTo(hx + 8 * Math.cos(ang - 2.5), hy + 8 * Math.sin(ang - 2.5));
  ctx.closePath();
  ctx.fill();
  const len = Math.hypot(p1.x - p0.x, p1.y - p0.y);
  if (withLabel && len * s.k > 90) {
    const amount = f.settled ? `${fmtRate(ratePerSec)}/s` : `${f.inFlight} in flight`;
    const label = `${amount}${errorShare >= 0.01 ? ` · ${Math.round(errorShare * 100)}% err` : ''}`;
    ctx.font = `${s.k < 0.62 ? 15 : 10}px ${t.font}`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    const mx = p0.x + (p1.x - p0.x) * 0.45;
    const my = p0.y + (p1.y - p0.y) * 0.45;
    const w = ctx.measureText(label).width + 6;
    ctx.fillStyle = t.bg;
    ctx.globalAlpha = 0.85;
    ctx.fillRect(mx - w / 2, my - 7, w, 14);
    ctx.globalAlpha = 1;
    ctx.fillStyle = errorHeavy ? t.bad : t.fg;
    ctx.fillText(label, mx, my);
  }
}

function fmtRate(r: number): string {
  if (r >= 1000) return `${(r / 1000).toFixed(1)}k`;
  if (r >= 10) return r.toFixed(0);
  return r.toFixed(1);
}

/** A dot's shape reaches this far from its centre, in stage units (the widest shape plus its stroke). */
const DOT_REACH = 7;

type Sprite = HTMLCanvasElement | ImageBitmap;
/** Sprites by class, colours and device scale: a zoom or a theme makes a few new ones. */
const sprites = new Map<string, Sprite>();
const MAX_SPRITES = 64;

/** One dot of class `cls`, drawn once at `scale` device pixels per stage unit, centred in its sprite. */
function spriteFor(cls: MsgClass, colour: string, t: StageTheme, scale: number): Sprite {
  const key = `${cls}|${colour}|${t.nodeFill}|${scale.toFixed(3)}`;
  let sp = sprites.get(key);
  if (sp) return sp;
  const side = Math.ceil(2 * DOT_REACH * scale) + 2;
  // An ImageBitmap where there is one: drawing from a canvas takes a snapshot of it every time.
  const off = typeof OffscreenCanvas === 'function' ? new OffscreenCanvas(side, side) : null;
  const canvas = off ?? Object.assign(document.createElement('canvas'), { width: side, height: side });
  const c = canvas.getContext('2d') as CanvasRenderingContext2D;
  c.setTransform(scale, 0, 0, scale, side / 2, side / 2);
  shape(c, cls, colour, t);
  sp = off ? off.transferToImageBitmap() : (canvas as HTMLCanvasElement);
  if (sprites.size >= MAX_SPRITES) {
    for (const old of sprites.values()) if ('close' in old) old.close();
    sprites.clear();
  }
  sprites.set(key, sp);
  return sp;
}

/** Each kind of message has its own shape as well as its own colour, centred on 0, 0. */
function shape(ctx: CanvasRenderingContext2D, cls: MsgClass, colour: string, t: StageTheme): void {
  ctx.fillStyle = colour;
  ctx.strokeStyle = colour;
  ctx.lineWidth = 2;
  ctx.beginPath();
  switch (cls) {
    case 'write':
      ctx.rect(-4, -4, 8, 8);
      break;
    case 'read':
      ctx.arc(0, 0, 4.5, 0, Math.PI * 2);
      break;
    case 'ack':
      ctx.arc(0, 0, 4, 0, Math.PI * 2);
      break;
    case 'replication':
      ctx.moveTo(0, -5.5);
      ctx.lineTo(5.5, 0);
      ctx.lineTo(0, 5.5);
      ctx.lineTo(-5.5, 0);
      ctx.closePath();
      break;
    case 'heartbeat':
      ctx.arc(0, 0, 2.75, 0, Math.PI * 2);
      break;
    case 'error':
      ctx.moveTo(-4.5, -4.5);
      ctx.lineTo(4.5, 4.5);
      ctx.moveTo(4.5, -4.5);
      ctx.lineTo(-4.5, 4.5);
      break;
    default:
      ctx.moveTo(0, -5);
      ctx.lineTo(5, 4);
      ctx.lineTo(-5, 4);
      ctx.closePath();
  }
  if (cls === 'error') {
    ctx.lineWidth = 2.5;
    ctx.stroke();
  } else if (cls === 'ack') {
    // Hollow: a reply is an answer, not a new request.
    ctx.fillStyle = t.nodeFill;
    ctx.fill();
    ctx.stroke();
  } else ctx.fill();
}

/**
 * The first `dots` entries of the scratch positions whose class is `code`, each a copy of its
 * class's sprite at whole device pixels. Thousands of anti-aliased shapes in one path cost
 * the rasteriser about 25 ms a frame at 4,000 dots (Chromium, software); copies of a small
 * bitmap cost a fraction of that.
 */
function drawDots(ctx: CanvasRenderingContext2D, cls: MsgClass, code: number, dots: number, colour: string, t: StageTheme): void {
  const m = ctx.getTransform();
  // The stage is only ever scaled and moved: one scale, no rotation.
  const scale = m.a;
  const sp = spriteFor(cls, colour, t, scale);
  const half = sp.width / 2;
  ctx.save();
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  for (let i = 0; i < dots; i++) {
    if (dotClass[i] !== code) continue;
    ctx.drawImage(sp, Math.round(xy[2 * i] * scale + m.e - half), Math.round(xy[2 * i + 1] * m.d + m.f - half));
  }
  ctx.restore();
}

/**
 * A sprite's pixels (RGBA, one 32-bit word each, in memory order), by the sprite's key: only
 * those not wholly transparent (a round dot leaves a third of its square empty), as their
 * colours, their rows and columns in the sprite, and their offsets in a layer `layerW` wide.
 * The opaque ones come first (`opaque` of them): those are written without looking at what
 * is under them.
 */
interface SpritePixels {
  side: number;
  opaque: number;
  colour: Uint32Array;
  row: Uint8Array;
  col: Uint8Array;
  layerW: number;
  offset: Int32Array;
}
const spritePixels = new Map<string, SpritePixels>();

function pixelsFor(cls: MsgClass, colour: string, t: StageTheme, scale: number, layerW: number): SpritePixels | null {
  const key = `${cls}|${colour}|${t.nodeFill}|${scale.toFixed(3)}`;
  let sp = spritePixels.get(key);
  if (!sp) {
    if (typeof OffscreenCanvas !== 'function') return null;
    // A sprite's side fits a byte (rows and columns below): past that, a dot would be 250 px.
    const side = Math.min(255, Math.ceil(2 * DOT_REACH * scale) + 2);
    const c = new OffscreenCanvas(side, side).getContext('2d');
    if (!c) return null;
    c.setTransform(scale, 0, 0, scale, side / 2, side / 2);
    shape(c as unknown as CanvasRenderingContext2D, cls, colour, t);
    const all = new Uint32Array(c.getImageData(0, 0, side, side).data.buffer);
    let n = 0;
    let opaque = 0;
    for (const v of all) {
      if (v >>> 24 !== 0) n++;
      if (v >>> 24 === 255) opaque++;
    }
    sp = { side, opaque, colour: new Uint32Array(n), row: new Uint8Array(n), col: new Uint8Array(n), layerW: -1, offset: new Int32Array(n) };
    let k = 0;
    for (const solid of [true, false]) {
      for (let i = 0; i < all.length; i++) {
        const a = all[i] >>> 24;
        if (a === 0 || (a === 255) !== solid) continue;
        sp.colour[k] = all[i];
        sp.row[k] = Math.floor(i / side);
        sp.col[k] = i % side;
        k++;
      }
    }
    if (spritePixels.size >= MAX_SPRITES) spritePixels.clear();
    spritePixels.set(key, sp);
  }
  if (sp.layerW !== layerW) {
    for (let k = 0; k < sp.offset.length; k++) sp.offset[k] = sp.row[k] * layerW + sp.col[k];
    sp.layerW = layerW;
  }
  return sp;
}

/** The dots' layer for a canvas of one size: the pixels, and a canvas to put them on. Two stages (a comparison) may differ. */
interface DotLayer {
  w: number;
  h: number;
  image: ImageData;
  px: Uint32Array;
  canvas: OffscreenCanvas;
  ctx: OffscreenCanvasRenderingContext2D;
}
const layers: DotLayer[] = [];
const MAX_LAYERS = 4;

function layerFor(w: number, h: number): DotLayer | null {
  let l = layers.find((x) => x.w === w && x.h === h);
  if (l) return l;
  const canvas = new OffscreenCanvas(w, h);
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  const image = new ImageData(w, h);
  l = { w, h, image, px: new Uint32Array(image.data.buffer), canvas, ctx };
  if (layers.length >= MAX_LAYERS) layers.shift();
  layers.push(l);
  return l;
}

/**
 * Every dot, class by class (the order the per-class drawing had), copied pixel by pixel into
 * one transparent layer, which is then put on the stage in one piece. Thousands of
 * drawImage calls cost the page about 11 ms a frame at 4,000 dots (Chromium, software
 * canvas, 1600x1000); the copies and the one put, about 3. Only a sprite's visible pixels are
 * visited, at offsets worked out once per sprite and layer width, and a dot wholly inside
 * the layer (nearly all) is copied without clipping. False where the browser lacks what it
 * needs (OffscreenCanvas): the caller draws the dots one by one.
 */
function compositeDots(ctx: CanvasRenderingContext2D, dots: number, perClass: Uint32Array, t: StageTheme): boolean {
  if (dots === 0) return true;
  if (typeof OffscreenCanvas !== 'function' || typeof ImageData !== 'function') return false;
  const w = ctx.canvas.width;
  const h = ctx.canvas.height;
  const l = layerFor(w, h);
  if (!l) return false;
  const m = ctx.getTransform();
  // The stage is only ever scaled and moved: one scale, no rotation.
  const scale = m.a;
  const px = l.px;
  let x0 = w;
  let y0 = h;
  let x1 = 0;
  let y1 = 0;
  for (let c = 0; c < MSG_CLASSES.length; c++) {
    if (!perClass[c]) continue;
    const sp = pixelsFor(MSG_CLASSES[c], t.msg[MSG_CLASSES[c]], t, scale, w);
    if (!sp) return false;
    const { side, opaque, colour, row, col, offset } = sp;
    const n = colour.length;
    const half = side / 2;
    for (let i = 0; i < dots; i++) {
      if (dotClass[i] !== c) continue;
      const x = Math.round(xy[2 * i] * scale + m.e - half);
      const y = Math.round(xy[2 * i + 1] * m.d + m.f - half);
      if (x >= 0 && y >= 0 && x + side <= w && y + side <= h) {
        if (x < x0) x0 = x;
        if (y < y0) y0 = y;
        if (x + side > x1) x1 = x + side;
        if (y + side > y1) y1 = y + side;
        const base = y * w + x;
        for (let k = 0; k < opaque; k++) px[base + offset[k]] = colour[k];
        for (let k = opaque; k < n; k++) {
          const o = base + offset[k];
          const v = colour[k];
          const d = px[o];
          px[o] = d === 0 || v >>> 24 === 255 ? v : over(v, d);
        }
        continue;
      }
      // Partly off the layer: clip pixel by pixel.
      if (x + side <= 0 || y + side <= 0 || x >= w || y >= h) continue;
      x0 = Math.min(x0, Math.max(0, x));
      y0 = Math.min(y0, Math.max(0, y));
      x1 = Math.max(x1, Math.min(w, x + side));
      y1 = Math.max(y1, Math.min(h, y + side));
      for (let k = 0; k < n; k++) {
        const px_ = x + col[k];
        const py = y + row[k];
        if (px_ < 0 || py < 0 || px_ >= w || py >= h) continue;
        const o = py * w + px_;
        const v = colour[k];
        const d = px[o];
        px[o] = d === 0 || v >>> 24 === 255 ? v : over(v, d);
      }
    }
  }
  if (x1 <= x0 || y1 <= y0) return true;
  l.ctx.putImageData(l.image, 0, 0, x0, y0, x1 - x0, y1 - y0);
  ctx.save();
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.drawImage(l.canvas, x0, y0, x1 - x0, y1 - y0, x0, y0, x1 - x0, y1 - y0);
  ctx.restore();
  // Transparent again for the next frame, where it was written.
  for (let y = y0; y < y1; y++) px.fill(0, y * w + x0, y * w + x1);
  return true;
}

function drawDropTarget(ctx: CanvasRenderingContext2D, l: Layout, target: StageTarget, t: StageTheme): void {
  ctx.strokeStyle = t.focus;
  ctx.lineWidth = 4;
  ctx.setLineDash([8, 5]);
  ctx.beginPath();
  if (target.kind === 'node') {
    const n = l.nodes.get(target.id);
    if (n) ctx.roundRect(n.x - n.w / 2 - 9, n.y - n.h / 2 - 9, n.w + 18, n.h + 18, 12);
  } else if (target.kind === 'site') {
    const s = l.sites.find((x) => x.id === target.id);
    if (s) ctx.roundRect(s.box.x - 5, s.box.y - 5, s.box.w + 10, s.box.h + 10, 16);
  } else {
    const k = l.links.find((x) => x.between[0] === target.between[0] && x.between[1] === target.between[1]);
    if (k) {
      ctx.lineWidth = 12;
      ctx.moveTo(k.from.x, k.from.y);
      ctx.lineTo(k.to.x, k.to.y);
    }
  }
  ctx.stroke();
  ctx.setLineDash([]);
}

/** Blend two `#rrggbb` colours. */
function mix(a: string, b: string, f: number): string {
  const pa = hex(a);
  const pb = hex(b);
  if (!pa || !pb) return f < 0.5 ? a : b;
  const c = pa.map((x, i) => Math.round(x + (pb[i] - x) * f));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

function hex(c: string): number[] | null {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(c);
  return m ? [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)] : null;
}
