// One picture of what the learner sees, for an exported frame: the stage (or the two stages
// of a comparison, side by side or stacked), and optionally the caption of the moment and the
// timeline under it. Drawn on a canvas from the frames and the document alone: text is drawn
// as text (never markup), and nothing reads the wall clock.

import type { Frame } from '../../sim/host';
import type { Anomaly } from '../../sim/checks/checker';
import type { ScenarioDoc, Narration } from '../scenario-doc';
import type { Layout } from '../stage/layout';
import type { StageTheme } from '../stage/theme';
import { columnsFor, fitView, layoutOf, sceneMaps, StageRenderer, type StageView } from '../stage/renderer';
import { fmtTimeUs } from '../format';

type Ctx = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** One stage in the picture: its document, its layout and where it goes. */
export interface Panel {
  doc: ScenarioDoc;
  layout: Layout;
  box: Box;
  view: StageView;
  /** "A: as written", "B: Turn fencing on" (a comparison's panels). */
  label: string | null;
  renderer: StageRenderer;
}

export interface PicturePlan {
  widthPx: number;
  heightPx: number;
  panels: Panel[];
  caption: Box | null;
  timeline: Box | null;
  /** Scale of text and marks: 1 at 640 px wide. */
  scale: number;
}

/** Video encoders want even sizes. */
function even(n: number): number {
  return Math.max(2, Math.round(n / 2) * 2);
}

/**
 * Where everything goes in a picture `widthPx` wide. A stage's height follows its layout's
 * shape (within 0.4 to 1 of its width); a comparison puts its stages side by side when each
 * still gets 400 px, else one above the other.
 */
export function planPicture(widthPx: number, docs: { doc: ScenarioDoc; label: string | null }[], opts: { captions: boolean; timeline: boolean }): PicturePlan {
  const scale = Math.max(0.6, Math.min(3, widthPx / 640));
  const sideBySide = docs.length > 1 && widthPx / docs.length >= 400;
  const panelW = sideBySide ? Math.floor(widthPx / docs.length) : widthPx;
  const labelH = docs.length > 1 ? Math.round(22 * scale) : 0;
  const columns = columnsFor(panelW, panelW * 0.6);
  const layouts = docs.map((d) => layoutOf(d.doc, columns));
  const ratio = Math.max(...layouts.map((l) => (l.bounds.h + 62) / (l.bounds.w + 32)));
  const stageH = Math.round(Math.max(0.4, Math.min(1, ratio)) * panelW);
  const panelH = stageH + labelH;
  const stagesH = sideBySide ? panelH : panelH * docs.length;
  const captionH = opts.captions ? Math.round(44 * scale) : 0;
  const timelineH = opts.timeline ? Math.round(34 * scale) : 0;
  const heightPx = even(stagesH + captionH + timelineH);
  const panels = docs.map((d, i): Panel => {
    const box = sideBySide ? { x: i * panelW, y: labelH, w: panelW, h: stageH } : { x: 0, y: i * panelH + labelH, w: panelW, h: stageH };
    return { doc: d.doc, layout: layouts[i], box, view: fitView(layouts[i], box.w, box.h, 20 * scale), label: d.label, renderer: new StageRenderer() };
  });
  return {
    widthPx: even(widthPx),
    heightPx,
    panels,
    caption: opts.captions ? { x: 0, y: stagesH, w: widthPx, h: captionH } : null,
    timeline: opts.timeline ? { x: 0, y: stagesH + captionH, w: widthPx, h: timelineH } : null,
    scale,
  };
}

export interface PictureMoment {
  atUs: number;
  /** One frame per panel, in the plan's order. */
  frames: Frame[];
  speedX: number;
  /** The animation's own clock (ms since the first frame): the anomaly pulse's phase. */
  animationMs: number;
  badges: boolean;
  theme: StageTheme;
  durationMs: number;
  /** A comparison's divergence, for the timeline's mark. */
  divergedAtUs: number | null;
}

const NO_ANOMALIES: Anomaly[] = [];

/** Draw the picture of one moment. */
export function drawPicture(ctx: Ctx, plan: PicturePlan, m: PictureMoment): void {
  const t = m.theme;
  const s = plan.scale;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.fillStyle = t.bg;
  ctx.fillRect(0, 0, plan.widthPx, plan.heightPx);
  plan.panels.forEach((p, i) => {
    const frame = m.badges ? m.frames[i] : { ...m.frames[i], anomalies: NO_ANOMALIES };
    ctx.save();
    ctx.beginPath();
    ctx.rect(p.box.x, p.box.y, p.box.w, p.box.h);
    ctx.clip();
    ctx.setTransform(p.view.k, 0, 0, p.view.k, p.box.x + p.view.x, p.box.y + p.view.y);
    const { views, specs } = sceneMaps(p.doc, frame);
    p.renderer.drawFrame(ctx, p.view, {
      layout: p.layout,
      frame,
      views,
      specs,
      atUs: m.atUs,
      speedX: m.speedX,
      selected: null,
      highlight: new Set(),
      highlightOps: new Set(),
      dropTarget: null,
      reducedMotion: false,
      theme: t,
    }, m.animationMs);
    ctx.restore();
    if (p.label !== null) {
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.fillStyle = t.fg;
      ctx.font = `600 ${Math.round(13 * s)}px ${t.font}`;
      ctx.textAlign = 'left';
      ctx.textBaseline = 'middle';
      ctx.fillText(fit(ctx, p.label, p.box.w - 16 * s), p.box.x + 8 * s, p.box.y - 11 * s);
    }
    if (i > 0) {
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.strokeStyle = t.line;
      ctx.lineWidth = Math.max(1, s);
      ctx.beginPath();
      if (p.box.x > 0) {
        ctx.moveTo(p.box.x + 0.5, 0);
        ctx.lineTo(p.box.x + 0.5, p.box.y + p.box.h);
      } else {
        ctx.moveTo(0, p.box.y - 22 * s + 0.5);
        ctx.lineTo(plan.widthPx, p.box.y - 22 * s + 0.5);
      }
      ctx.stroke();
    }
  });
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  if (plan.caption) drawCaption(ctx, plan.caption, captionAt(plan.panels[0].doc, m.atUs), t, s);
  if (plan.timeline) drawTimeline(ctx, plan.timeline, plan.panels[0].doc, m, s);
}

/** The narration entry on screen at `atUs`: the last one at or before it. */
export function captionAt(doc: ScenarioDoc, atUs: number): Narration | null {
  let found: Narration | null = null;
  let foundAt = -1;
  for (const n of doc.narration ?? []) {
    const us = Math.round(n.atMs * 1000);
    if (us <= atUs && us >= foundAt) {
      found = n;
      foundAt = us;
    }
  }
  return found;
}

function drawCaption(ctx: Ctx, box: Box, n: Narration | null, t: StageTheme, s: number): void {
  ctx.fillStyle = t.siteFill;
  ctx.fillRect(box.x, box.y, box.w, box.h);
  if (!n) return;
  const size = Math.round(13 * s);
  ctx.font = `${size}px ${t.font}`;
  ctx.fillStyle = t.fg;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'top';
  const lines = wrap(ctx, n.text, box.w - 20 * s, 2);
  lines.forEach((line, i) => ctx.fillText(line, box.x + 10 * s, box.y + 6 * s + i * (size + 4 * s)));
}

function drawTimeline(ctx: Ctx, box: Box, doc: ScenarioDoc, m: PictureMoment, s: number): void {
  const t = m.theme;
  const pad = 10 * s;
  ctx.font = `${Math.round(12 * s)}px ${t.font}`;
  const label = `${fmtTimeUs(m.atUs, m.durationMs < 60_000)} / ${fmtTimeUs(m.durationMs * 1000)}`;
  // Room for the longest label this run can have, so the track does not change length.
  const labelW = ctx.measureText(`${fmtTimeUs(m.durationMs * 1000, m.durationMs < 60_000)} / ${fmtTimeUs(m.durationMs * 1000)}`).width + 2 * pad;
  const track = { x: box.x + pad, y: box.y + box.h / 2 - 5 * s, w: Math.max(10, box.w - 2 * pad - labelW), h: 10 * s };
  const xAt = (us: number) => track.x + (track.w * Math.max(0, Math.min(m.durationMs * 1000, us))) / Math.max(1, m.durationMs * 1000);
  ctx.fillStyle = t.line;
  ctx.fillRect(track.x, track.y, track.w, track.h);
  ctx.fillStyle = t.primary;
  ctx.globalAlpha = 0.45;
  ctx.fillRect(track.x, track.y, xAt(m.atUs) - track.x, track.h);
  ctx.globalAlpha = 1;
  for (const f of doc.faults) {
    ctx.fillStyle = t.warn;
    const x0 = xAt(f.atMs * 1000);
    const x1 = f.untilMs !== undefined ? xAt(f.untilMs * 1000) : x0;
    ctx.fillRect(x0 - 1.5 * s, track.y - 4 * s, Math.max(3 * s, x1 - x0), 4 * s);
  }
  ctx.fillStyle = t.bad;
  for (const f of m.frames) for (const a of m.badges ? f.anomalies : []) ctx.fillRect(xAt(a.atUs) - s, track.y + track.h, 2 * s, 4 * s);
  if (m.divergedAtUs !== null) {
    ctx.strokeStyle = t.focus;
    ctx.lineWidth = 2 * s;
    ctx.beginPath();
    const x = xAt(m.divergedAtUs);
    ctx.moveTo(x, track.y - 6 * s);
    ctx.lineTo(x, track.y + track.h + 6 * s);
    ctx.stroke();
  }
  // The moment itself.
  ctx.fillStyle = t.fg;
  const x = xAt(m.atUs);
  ctx.fillRect(x - 1.5 * s, track.y - 5 * s, 3 * s, track.h + 10 * s);
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  ctx.fillText(label, box.x + box.w - pad, box.y + box.h / 2);
}

/** Shorten text to fit a width, with an ellipsis. */
function fit(ctx: Ctx, text: string, maxW: number): string {
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

/** Words into at most `maxLines` lines of `maxW`; the last one ends in an ellipsis if cut. */
function wrap(ctx: Ctx, text: string, maxW: number, maxLines: number): string[] {
  const words = text.replace(/\s+/g, ' ').trim().split(' ');
  const lines: string[] = [];
  let line = '';
  for (let i = 0; i < words.length; i++) {
    const next = line ? `${line} ${words[i]}` : words[i];
    if (ctx.measureText(next).width <= maxW || !line) {
      line = next;
      continue;
    }
    lines.push(line);
    line = words[i];
    if (lines.length === maxLines - 1) {
      lines.push(fit(ctx, words.slice(i).join(' '), maxW));
      return lines;
    }
  }
  if (line) lines.push(fit(ctx, line, maxW));
  return lines;
}
