// Draws the history view's space-time diagram into an SVG with d3 (a data join keyed by
// operation id, so a refresh while playing moves bars instead of rebuilding them). Outcome is
// told by colour AND shape, never colour alone: ok is a solid bar; failed is hatched and ends
// in ✗; unknown (the client gave up) has a dashed outline and an open end, ?; still open has
// a dashed outline running to the history's end, …. Operations a counterexample points at
// get a thick outline and a word saying why. No transitions: nothing animates (so nothing
// to turn off for prefers-reduced-motion).

import { axisTop, select } from 'd3';
import type { HistoryOp } from '../../sim/host';
import { AXIS_PX, LABEL_PX, ROW_PX, tickFormat, type HistoryLayout, type PlacedOp } from './layout';
import type { OffenderRole } from './explain';
import { fmtTimeUs } from '../format';

export const HATCH_ID = 'fl-history-hatch';
const BAR_PX = ROW_PX - 6;
/** A label is written inside a bar only when it fits (px per character of the 11px font). */
const CHAR_PX = 6.4;

const END_MARK: Record<HistoryOp['outcome'], string> = { ok: '', fail: '✗', info: '?', pending: '…' };
const OUTCOME_WORD: Record<HistoryOp['outcome'], string> = { ok: 'ok', fail: 'failed', info: 'unknown outcome (the client gave up)', pending: 'no answer yet' };
const ROLE_MARK: Record<OffenderRole, string> = { stuck: '! cannot be ordered', overwrite: '◆ overwrote it', source: '◇ wrote what was read', prefix: '✓ prefix' };

export interface DrawOptions {
  layout: HistoryLayout;
  widthPx: number;
  /** Operations to point at, and why. */
  roles: ReadonlyMap<string, OffenderRole>;
  /** The operation last picked (ringed). */
  picked: string | null;
  /** How a value reads: the operation that wrote it, when known. */
  valueName: (value: number | null) => string;
  onpick: (op: HistoryOp) => void;
}

export function opLabel(op: HistoryOp, valueName: (v: number | null) => string): string {
  if (op.f === 'write') return `W ${valueName(op.value)}`;
  return op.outcome === 'ok' ? `R → ${valueName(op.value)}` : 'R';
}

export function opTitle(op: HistoryOp, valueName: (v: number | null) => string): string {
  const what = op.f === 'write' ? `write of ${valueName(op.value)} to ${op.key}` : op.outcome === 'ok' ? `read of ${op.key}, returned ${valueName(op.value)}` : `read of ${op.key}`;
  const end = op.completeUs === null ? 'no answer yet' : `to ${fmtTimeUs(op.completeUs, true)}`;
  const err = op.error ? ` (${op.error})` : '';
  const node = op.node ? `, served by ${op.node}` : '';
  return `${op.op}: ${what}; ${OUTCOME_WORD[op.outcome]}${err}; from ${fmtTimeUs(op.invokeUs, true)} ${end}${node}`;
}

/**
 * The playground's current moment, as a line across the lanes: moved on its own every frame
 * while playing, without redrawing the operations.
 */
export function drawNow(svg: SVGSVGElement, layout: HistoryLayout, nowUs: number): void {
  const x = layout.x;
  const [d0, d1] = x.domain();
  select(svg)
    .select('g.plot line.now')
    .attr('x1', x(nowUs))
    .attr('x2', x(nowUs))
    .attr('y1', AXIS_PX - 6)
    .attr('y2', layout.heightPx)
    .attr('display', nowUs >= d0 && nowUs <= d1 ? null : 'none');
}

export function drawHistory(svg: SVGSVGElement, o: DrawOptions): void {
  const { layout, widthPx } = o;
  const root = select(svg).attr('width', widthPx).attr('height', layout.heightPx).attr('viewBox', `0 0 ${widthPx} ${layout.heightPx}`);

  // The hatch for failed operations: a pattern, defined once.
  let defs = root.select<SVGDefsElement>('defs');
  if (defs.empty()) {
    defs = root.append('defs');
    const p = defs.append('pattern').attr('id', HATCH_ID).attr('width', 5).attr('height', 5).attr('patternUnits', 'userSpaceOnUse').attr('patternTransform', 'rotate(45)');
    p.append('rect').attr('class', 'hatch-bg').attr('width', 5).attr('height', 5);
    p.append('line').attr('class', 'hatch-line').attr('x1', 0).attr('y1', 0).attr('x2', 0).attr('y2', 5).attr('stroke-width', 2.5);
  }

  const lanes = root.selectAll<SVGGElement, (typeof layout.lanes)[number]>('g.lane').data(layout.lanes, (d) => d.client);
  lanes.exit().remove();
  const laneEnter = lanes.enter().append('g').attr('class', 'lane');
  laneEnter.append('rect').attr('class', 'lane-band');
  laneEnter.append('text').attr('class', 'lane-label');
  const laneAll = laneEnter.merge(lanes);
  laneAll.classed('odd', (_, i) => i % 2 === 1);
  laneAll
    .select('rect')
    .attr('x', 0)
    .attr('y', (d) => d.y - 2)
    .attr('width', widthPx)
    .attr('height', (d) => d.rows * ROW_PX + 4);
  laneAll
    .select('text')
    .attr('x', 4)
    .attr('y', (d) => d.y + ROW_PX / 2 + 3)
    .text((d) => (d.client.length > 8 ? `${d.client.slice(0, 7)}…` : d.client));

  let plot = root.select<SVGGElement>('g.plot');
  if (plot.empty()) {
    plot = root.append('g').attr('class', 'plot');
    plot.append('g').attr('class', 'axis');
    plot.append('g').attr('class', 'ops');
    plot.append('line').attr('class', 'now');
  }
  plot.attr('transform', `translate(${LABEL_PX},0)`);

  const x = layout.x;
  const ticks = Math.max(2, Math.floor(layout.plotWidthPx / 90));
  const values = x.ticks(ticks);
  const step = values.length > 1 ? values[1] - values[0] : 1;
  plot
    .select<SVGGElement>('g.axis')
    .attr('transform', `translate(0,${AXIS_PX - 6})`)
    .call(
      axisTop(x)
        .tickValues(values)
        .tickFormat((v) => tickFormat(step)(Number(v)))
        .tickSizeOuter(0),
    );

  const ops = plot
    .select<SVGGElement>('g.ops')
    .selectAll<SVGGElement, PlacedOp>('g.op')
    .data(layout.placed, (d) => d.op.op);
  ops.exit().remove();
  const enter = ops.enter().append('g');
  enter.append('rect').attr('class', 'bar');
  enter.append('text').attr('class', 'label');
  enter.append('text').attr('class', 'mark');
  enter.append('text').attr('class', 'role');
  enter.append('title');
  const all = enter.merge(ops);
  all
    .attr('class', (d) => {
      const role = o.roles.get(d.op.op);
      return `op outcome-${d.op.outcome} f-${d.op.f}${role ? ` role-${role}` : ''}${o.picked === d.op.op ? ' picked' : ''}`;
    })
    .attr('data-op', (d) => d.op.op)
    .attr('data-outcome', (d) => d.op.outcome)
    .attr('data-role', (d) => o.roles.get(d.op.op) ?? null)
    .on('click', (_, d) => o.onpick(d.op));
  all
    .select('rect.bar')
    .attr('x', (d) => d.x0)
    .attr('y', (d) => d.y)
    .attr('width', (d) => Math.max(1, d.x1 - d.x0))
    .attr('height', BAR_PX)
    .attr('rx', (d) => (d.op.f === 'read' ? 5 : 0));
  // A label goes inside its bar if it fits, else after it when the row has room there (an
  // operation the counterexample points at has its reason written there instead).
  const markPx = (d: PlacedOp) => (END_MARK[d.op.outcome] || d.clippedRight ? 12 : 3);
  const labelInside = (d: PlacedOp) => opLabel(d.op, o.valueName).length * CHAR_PX <= d.x1 - d.x0 - 6;
  const labelAfter = (d: PlacedOp) => !o.roles.has(d.op.op) && !labelInside(d) && markPx(d) + opLabel(d.op, o.valueName).length * CHAR_PX + 4 <= d.roomAfterPx;
  all
    .select('text.label')
    .attr('x', (d) => (labelAfter(d) ? d.x1 + markPx(d) : d.x0 + 3))
    .attr('y', (d) => d.y + BAR_PX - 3)
    .text((d) => {
      const full = opLabel(d.op, o.valueName);
      if (labelInside(d) || labelAfter(d)) return full;
      return CHAR_PX * 1.3 <= d.x1 - d.x0 - 6 ? full[0] : '';
    });
  all
    .select('text.mark')
    .attr('x', (d) => d.x1 + 2)
    .attr('y', (d) => d.y + BAR_PX - 3)
    .text((d) => (d.clippedRight && d.op.outcome === 'ok' ? '›' : END_MARK[d.op.outcome]));
  // The reason (and what the operation did) is written after the bar, or before it when it
  // would run into the next bar or off the plot.
  const roleText = (d: PlacedOp) => {
    const role = o.roles.get(d.op.op);
    return role ? `${ROLE_MARK[role]}: ${opLabel(d.op, o.valueName)}` : '';
  };
  const after = (d: PlacedOp) => markPx(d) + roleText(d).length * CHAR_PX <= d.roomAfterPx;
  all
    .select('text.role')
    .attr('x', (d) => (after(d) ? d.x1 + markPx(d) : d.x0 - 4))
    .attr('text-anchor', (d) => (after(d) ? 'start' : 'end'))
    .attr('y', (d) => d.y + BAR_PX - 3)
    .text(roleText);
  all.select('title').text((d) => opTitle(d.op, o.valueName));
  // Pointed-at operations are drawn last, on top of anything they overlap.
  all.filter((d) => o.roles.has(d.op.op)).raise();
}
