// The one stage renderer: what every stage draws and when, for the playground, the embeddable
// player, each side of a comparison and the exporter. It owns the flow meter and the decision
// of which layer to redraw:
//
// - the static layer (sites, links, nodes, badges) when what it shows changes: the layout,
//   the selection, the view, the theme at once; node state (which changes with nearly every
//   frame while playing) at most every STATE_REDRAW_MS of wall time while playing;
// - the dynamic layer (messages, flows, pulses) every animation frame while anything moves.
//
// The exporter draws both layers into one picture per video frame (`drawFrame`), from
// virtual time only, so the same range gives the same pixels.

import type { Frame } from '../../sim/host';
import type { NodeSpec } from '../../sim/spec';
import type { NodeView } from '../../sim/kernel/component';
import type { ScenarioDoc } from '../scenario-doc';
import { defaultPositions, layout as computeLayout, type Layout, type Point, type StageTarget } from './layout';
import { drawStatic, type DrawnMarks } from './draw-static';
import { drawDynamic } from './draw-dynamic';
import { FlowMeter } from './messages';
import type { StageTheme } from './theme';

/** While playing, node state is redrawn at most this often (wall ms); anything else at once. */
export const STATE_REDRAW_MS = 100;
/** Backing store limit per canvas side: a 4K screen at 2x must not allocate a giant bitmap. */
export const MAX_BACKING_PX = 4096;
/** How long after it begins an anomaly pulses on the stage (virtual time). */
const PULSE_US = 3_000_000;

/** Pan and zoom: stage coordinates to CSS pixels. */
export interface StageView {
  k: number;
  x: number;
  y: number;
}

/** What the stage shows at one moment. */
export interface StageScene {
  layout: Layout;
  frame: Frame;
  views: Map<string, NodeView>;
  specs: Map<string, NodeSpec>;
  /** The virtual time to draw messages at (between frames while playing). */
  atUs: number;
  speedX: number;
  selected: string | null;
  highlight: ReadonlySet<string>;
  highlightOps: ReadonlySet<string>;
  dropTarget: StageTarget | null;
  reducedMotion: boolean;
  theme: StageTheme;
}

/** What the dynamic layer showed: dots, flows, or both (tests read it). */
export type StageMode = 'dots' | 'flows' | 'mixed';

type Canvas = HTMLCanvasElement | OffscreenCanvas;
type Ctx = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

/** Fewer sites per row on a narrow, tall stage so glyphs stay legible on a phone. */
export function columnsFor(widthPx: number, heightPx: number): number {
  return widthPx < 640 || widthPx / Math.max(1, heightPx) < 0.9 ? 1 : 2;
}

/** A document's layout: its own positions first, then the default places for `columns`. */
export function layoutOf(doc: Pick<ScenarioDoc, 'sites' | 'links' | 'nodes'>, columns: number, dragged: Map<string, Point> | null = null): Layout {
  const nodes = dragged ? doc.nodes.map((n) => (dragged.has(n.id) ? { ...n, position: dragged.get(n.id) } : n)) : doc.nodes;
  return computeLayout(doc.sites, doc.links ?? [], nodes, defaultPositions(doc.sites, doc.nodes, columns));
}

/** The view that fits the whole layout in a `widthPx` x `heightPx` box. */
export function fitView(lay: Layout, widthPx: number, heightPx: number, margin = 16): StageView {
  const b = lay.bounds;
  const k = Math.min(2, (widthPx - 2 * margin) / Math.max(1, b.w), (heightPx - 2 * margin) / Math.max(1, b.h + 30));
  return { k, x: widthPx / 2 - (b.x + b.w / 2) * k, y: heightPx / 2 - (b.y + b.h / 2 - 12) * k };
}

export function sceneMaps(doc: Pick<ScenarioDoc, 'nodes'>, frame: Frame): { views: Map<string, NodeView>; specs: Map<string, NodeSpec> } {
  return { views: new Map(frame.nodes.map((n) => [n.id, n])), specs: new Map(doc.nodes.map((n) => [n.id, n])) };
}

/**
 * A canvas context cleared and set to draw in stage coordinates (`widthPx`: the CSS width the
 * canvas stands for). With `under`, the canvas is opaque and starts as a copy of `under` (a
 * canvas of the same size) instead of cleared.
 */
export function prepare(c: Canvas, widthPx: number, view: StageView, under?: Canvas): Ctx {
  const ctx = (under ? c.getContext('2d', { alpha: false }) : c.getContext('2d')) as Ctx;
  const dpr = c.width / Math.max(1, widthPx);
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  if (under) ctx.drawImage(under, 0, 0);
  else ctx.clearRect(0, 0, c.width, c.height);
  ctx.setTransform(dpr * view.k, 0, 0, dpr * view.k, dpr * view.x, dpr * view.y);
  return ctx;
}

/** The static layer's canvas: opaque, filled with the stage's background. */
function prepareStatic(c: Canvas, widthPx: number, view: StageView, bg: string): Ctx {
  const ctx = c.getContext('2d', { alpha: false }) as Ctx;
  const dpr = c.width / Math.max(1, widthPx);
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.fillStyle = bg;
  ctx.fillRect(0, 0, c.width, c.height);
  ctx.setTransform(dpr * view.k, 0, 0, dpr * view.k, dpr * view.x, dpr * view.y);
  return ctx;
}

/** An anomaly's mark pulses (drawn anew each frame) for PULSE_US after it was found. */
function pulses(frame: { nowUs: number; anomalies: readonly { atUs: number }[] }, reducedMotion: boolean): boolean {
  return !reducedMotion && frame.anomalies.some((a) => frame.nowUs - a.atUs <= PULSE_US);
}

export class StageRenderer {
  private readonly meter = new FlowMeter();
  private staticDirty = true;
  private stateDirty = true;
  private dynamicDirty = true;
  private lastStaticWallMs = -Infinity;
  /** Anomaly marks the static layer drew (`kind@node`), for tests and the accessible description. */
  marks: DrawnMarks = [];
  mode: StageMode = 'dots';
  /** Static redraws so far (tests read it: a paused stage does not redraw). */
  staticDraws = 0;

  /** Something the static layer shows changed (layout, selection, view, theme, size). */
  invalidate(): void {
    this.staticDirty = true;
    this.dynamicDirty = true;
  }

  /** A new frame: node state may have changed (rate-limited while playing), and messages did. */
  frameChanged(): void {
    this.stateDirty = true;
    this.dynamicDirty = true;
  }

  /** Something only the dynamic layer shows changed (the drop target, highlighted operations). */
  dynamicChanged(): void {
    this.dynamicDirty = true;
  }

  /**
   * Whether the next animation frame has anything to draw: something changed, the clock plays,
   * or an anomaly's mark pulses. A stage with nothing to draw asks for no frames: a page that
   * asks for one every vsync runs the browser's whole frame (style, paint, commit, the display
   * compositor) sixty times a second for nothing, beside the simulation's worker on a cold run.
   */
  needsFrame(frame: { nowUs: number; anomalies: readonly { atUs: number }[] }, reducedMotion: boolean, playing: boolean): boolean {
    return this.staticDirty || this.stateDirty || this.dynamicDirty || playing || pulses(frame, reducedMotion);
  }

  /**
   * Draw what needs drawing on a live stage's two canvases for this animation frame. Returns
   * true when the static layer was redrawn.
   */
  render(canvases: { static: Canvas; dynamic: Canvas }, widthPx: number, view: StageView, s: StageScene, playing: boolean, wallMs: number): boolean {
    let drewStatic = false;
    if (this.staticDirty || (this.stateDirty && (!playing || wallMs - this.lastStaticWallMs >= STATE_REDRAW_MS))) {
      this.staticDirty = false;
      this.stateDirty = false;
      this.lastStaticWallMs = wallMs;
      this.drawStaticLayer(prepareStatic(canvases.static, widthPx, view, s.theme.bg), view, s);
      drewStatic = true;
    }
    const pulsing = pulses(s.frame, s.reducedMotion);
    // The dynamic layer is opaque, over a copy of the static one.
    if (drewStatic || this.dynamicDirty || playing || pulsing) {
      this.dynamicDirty = false;
      this.drawDynamicLayer(prepare(canvases.dynamic, widthPx, view, canvases.static), view, s, wallMs);
    }
    return drewStatic;
  }

  /**
   * Both layers, one picture, into `ctx` (already set to stage coordinates and cleared or
   * filled): one frame of an exported animation. `wallMs` is the animation's own clock (the
   * pulse's phase), never the wall clock, so the same frames give the same pixels.
   */
  drawFrame(ctx: Ctx, view: StageView, s: StageScene, animationMs: number): void {
    this.drawStaticLayer(ctx, view, s);
    this.drawDynamicLayer(ctx, view, s, animationMs);
  }

  /** Start the flow meter afresh (a jump in time, another scenario). */
  resetFlows(): void {
    this.meter.reset();
  }

  private drawStaticLayer(ctx: Ctx, view: StageView, s: StageScene): void {
    this.marks = drawStatic(ctx as CanvasRenderingContext2D, {
      layout: s.layout,
      views: s.views,
      specs: s.specs,
      anomalies: s.frame.anomalies,
      selected: s.selected,
      highlight: s.highlight,
      theme: s.theme,
      k: view.k,
    });
    this.staticDraws++;
  }

  private drawDynamicLayer(ctx: Ctx, view: StageView, s: StageScene, wallMs: number): void {
    const stats = drawDynamic(ctx as CanvasRenderingContext2D, {
      layout: s.layout,
      messages: s.frame.messages,
      // The scenario's nodes in order: how the messages name their ends.
      ids: [...s.specs.keys()],
      atUs: s.atUs,
      speedX: s.speedX,
      reducedMotion: s.reducedMotion,
      theme: s.theme,
      k: view.k,
      dropTarget: s.dropTarget,
      anomalies: s.frame.anomalies,
      highlightOps: s.highlightOps,
      wallMs,
      meter: this.meter,
    });
    this.mode = stats.dots && stats.flows ? 'mixed' : stats.dots ? 'dots' : 'flows';
  }
}
