// Where the history view draws each operation: one lane per client, each operation a bar
// from invocation to completion, stacked in rows inside its lane when a client has several
// operations in flight at once (an app server does). Pure geometry, no DOM.
//
// Limits (what the view draws at most, whatever the run):
// - MAX_LANES clients (the rest are counted, not drawn);
// - MAX_ROWS_PER_LANE rows per lane (operations that find no free row are counted);
// - the window itself holds at most MAX_WINDOW_OPS operations (src/sim/host.ts).
// So at most 2,000 bars, 16 lanes x 10 rows: an SVG of a few thousand elements.

import { scaleLinear, type ScaleLinear } from 'd3';
import type { HistoryOp } from '../../sim/host';

export const MAX_LANES = 16;
export const MAX_ROWS_PER_LANE = 10;
export const ROW_PX = 20;
export const LANE_GAP_PX = 8;
export const LABEL_PX = 56;
export const AXIS_PX = 26;
/** Narrowest bar drawn, so an operation of a microsecond is still something to see and click. */
export const MIN_BAR_PX = 4;
/** Space kept free after a bar in its row: for its end marker (✗, ?, …), or just a gap. */
const MARKER_PX = 12;
const GAP_PX = 2;

export interface PlacedOp {
  op: HistoryOp;
  lane: number;
  row: number;
  /** Left and right end of the bar, in px from the plot's left edge. */
  x0: number;
  x1: number;
  /** The bar runs past the window's right edge (or has no end yet). */
  clippedRight: boolean;
  clippedLeft: boolean;
  y: number;
  /** Free px after the bar in its row (to the next bar, or the plot's edge): room for a label. */
  roomAfterPx: number;
}

export interface Lane {
  client: string;
  y: number;
  rows: number;
  /** Operations of this client that found no free row. */
  hidden: number;
}

export interface HistoryLayout {
  x: ScaleLinear<number, number>;
  plotWidthPx: number;
  heightPx: number;
  lanes: Lane[];
  placed: PlacedOp[];
  /** Operations not drawn: no row free in their lane, or their client beyond MAX_LANES. */
  hidden: number;
  /** Clients not given a lane. */
  hiddenClients: number;
}

/**
 * Lays out `ops` over [fromUs, toUs] in `widthPx`. `clients` orders the lanes (scenario
 * order); clients of `ops` not in it are added after. `first` names operations placed before
 * the others (a counterexample's), so they always find a row.
 */
export function layoutHistory(
  ops: readonly HistoryOp[],
  clients: readonly string[],
  fromUs: number,
  toUs: number,
  widthPx: number,
  nowUs: number,
  first: ReadonlySet<string> = new Set(),
): HistoryLayout {
  const plotWidthPx = Math.max(40, widthPx - LABEL_PX - 24);
  const x = scaleLinear().domain([fromUs, Math.max(toUs, fromUs + 1)]).range([0, plotWidthPx]);
  const order = [...clients];
  for (const o of ops) if (!order.includes(o.client)) order.push(o.client);
  const laneOf = new Map(order.slice(0, MAX_LANES).map((c, i) => [c, i]));
  const rowEnds: number[][] = order.slice(0, MAX_LANES).map(() => []);
  const hiddenPer = new Array<number>(Math.min(order.length, MAX_LANES)).fill(0);
  const placed: Omit<PlacedOp, 'y' | 'roomAfterPx'>[] = [];
  let hidden = 0;

  const sorted = [...ops].sort((a, b) => Number(first.has(b.op)) - Number(first.has(a.op)) || a.invokeUs - b.invokeUs);
  for (const op of sorted) {
    const lane = laneOf.get(op.client);
    if (lane === undefined) {
      hidden++;
      continue;
    }
    // An operation still open runs to the history's end; one of unknown outcome is drawn to
    // when the client gave up, with an open end (it may take effect at any later time).
    const endUs = op.completeUs ?? nowUs;
    const rawX0 = x(op.invokeUs);
    const rawX1 = x(endUs);
    const x0 = Math.max(0, rawX0);
    const x1 = Math.min(plotWidthPx, Math.max(rawX1, x0 + MIN_BAR_PX));
    const ends = rowEnds[lane];
    // An operation pointed at gets a row of its own (while rows last), so the words saying
    // why never run into another bar.
    const own = first.has(op.op) && ends.length < MAX_ROWS_PER_LANE;
    let row = own ? -1 : ends.findIndex((end) => end <= x0);
    if (row < 0) {
      if (ends.length >= MAX_ROWS_PER_LANE) {
        hidden++;
        hiddenPer[lane]++;
        continue;
      }
      row = ends.length;
      ends.push(0);
    }
    const clippedRight = rawX1 > plotWidthPx || op.completeUs === null;
    ends[row] = own ? Infinity : x1 + (op.outcome !== 'ok' || clippedRight ? MARKER_PX : GAP_PX);
    placed.push({ op, lane, row, x0, x1, clippedLeft: rawX0 < 0, clippedRight });
  }

  const lanes: Lane[] = [];
  let y = AXIS_PX;
  for (let i = 0; i < rowEnds.length; i++) {
    const rows = Math.max(1, rowEnds[i].length);
    lanes.push({ client: order[i], y, rows, hidden: hiddenPer[i] });
    y += rows * ROW_PX + LANE_GAP_PX;
  }
  const out: PlacedOp[] = placed.map((p) => ({ ...p, y: lanes[p.lane].y + p.row * ROW_PX + 2, roomAfterPx: 0 }));
  out.sort((a, b) => a.lane - b.lane || a.row - b.row || a.x0 - b.x0);
  for (let i = 0; i < out.length; i++) {
    const next = out[i + 1];
    const sameRow = next && next.lane === out[i].lane && next.row === out[i].row;
    out[i].roomAfterPx = Math.max(0, (sameRow ? next.x0 : plotWidthPx) - out[i].x1);
  }
  out.sort((a, b) => a.op.invokeUs - b.op.invokeUs);
  return {
    x,
    plotWidthPx,
    heightPx: y + 4,
    lanes,
    placed: out,
    hidden,
    hiddenClients: Math.max(0, order.length - MAX_LANES),
  };
}

/** Tick labels in seconds, with as many decimals as the tick spacing needs. */
export function tickFormat(stepUs: number): (us: number) => string {
  const digits = Math.max(0, Math.min(6, Math.ceil(-Math.log10(Math.max(1, stepUs) / 1e6))));
  return (us) => `${(us / 1e6).toFixed(digits)} s`;
}
