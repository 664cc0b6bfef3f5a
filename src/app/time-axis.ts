// The time axis under the timeline: as many labels as fit at this width, at nice moments of
// virtual time (d3's time ticks: 1, 5, 15, 30 s, 1, 5, 15, 30 min, 1, 3, 6, 12 h, days), each
// written as precisely as the step between them needs, and never two that overlap: the
// labels are measured (in the axis's own font) and the count is lowered until they fit.

import { scaleUtc } from 'd3';

export interface AxisLabel {
  /** Virtual time, ms. */
  ms: number;
  text: string;
  /** Where the label's box starts and how wide it is, px from the axis's left edge. */
  leftPx: number;
  widthPx: number;
}

const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** Space kept between two labels, px. */
export const LABEL_GAP_PX = 10;

/** `0 s`, `12.5 s`, `1 min`, `1 min 10 s`, `2 h 30 min`, `1 d 12 h`: whole units, decimals only when the step is under a second. */
export function axisLabel(ms: number, stepMs: number): string {
  let rest = Math.max(0, ms);
  const parts: string[] = [];
  for (const [unitMs, name] of [[DAY_MS, 'd'], [HOUR_MS, 'h'], [MINUTE_MS, 'min']] as const) {
    const n = Math.floor(rest / unitMs);
    rest -= n * unitMs;
    if (n) parts.push(`${n} ${name}`);
  }
  const decimals = stepMs >= SECOND_MS ? 0 : stepMs >= 100 ? 1 : stepMs >= 10 ? 2 : 3;
  const seconds = (rest / SECOND_MS).toFixed(decimals);
  if (Number(seconds) !== 0) parts.push(`${seconds} s`);
  else if (parts.length === 0) parts.push('0 s');
  return parts.join(' ');
}

/**
 * The labels for a run of `durationMs` on an axis `widthPx` wide. `measure` gives a text's
 * width in px. Each label is centred on its moment, but kept inside the axis (the first and
 * last ones are pushed in); the most labels that keep `LABEL_GAP_PX` between every two win.
 */
export function fitAxis(durationMs: number, widthPx: number, measure: (text: string) => number): AxisLabel[] {
  if (!(durationMs > 0) || !(widthPx > 0)) return [];
  const scale = scaleUtc().domain([new Date(0), new Date(durationMs)]).range([0, widthPx]);
  let last: number[] = [];
  // No more labels than the shortest one ("0 s") could fit.
  const most = Math.floor(widthPx / (measure('0 s') + LABEL_GAP_PX));
  for (let count = Math.max(1, most); count >= 1; count--) {
    const ticks = scale.ticks(count).map((d) => d.getTime());
    // The same ticks as the count tried before: nothing new to measure.
    if (ticks.length === last.length && ticks.every((t, i) => t === last[i])) continue;
    last = ticks;
    // Ticks that do not start at 0 (weeks start on a Sunday) would not read as times in a run.
    if (ticks.length === 0 || ticks[0] !== 0) continue;
    const stepMs = ticks.length > 1 ? ticks[1] - ticks[0] : durationMs;
    const labels = ticks.map((ms) => {
      const text = axisLabel(ms, stepMs);
      const w = Math.ceil(measure(text));
      const left = Math.max(0, Math.min(widthPx - w, scale(new Date(ms)) - w / 2));
      return { ms, text, leftPx: left, widthPx: w };
    });
    if (labels.every((l, i) => l.widthPx <= widthPx && (i === 0 || l.leftPx >= labels[i - 1].leftPx + labels[i - 1].widthPx + LABEL_GAP_PX))) return labels;
  }
  return [];
}
