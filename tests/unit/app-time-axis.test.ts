import { describe, expect, it } from 'vitest';
import { axisLabel, fitAxis, LABEL_GAP_PX } from '../../src/app/time-axis';

// The timeline's axis: labels at nice moments, as many as fit, never overlapping, at any width
// and any run length (issue 14, item 9: first-failover's 2 minutes read "1 min 00.0 s1 min 10.0 s…").

/** About the width of the axis's 0.7rem system font: 6 px a character. */
const measure = (t: string) => t.length * 6;

describe('axis labels', () => {
  it('read as times, as precise as the step needs', () => {
    expect(axisLabel(0, 10_000)).toBe('0 s');
    expect(axisLabel(20_000, 10_000)).toBe('20 s');
    expect(axisLabel(60_000, 10_000)).toBe('1 min');
    expect(axisLabel(70_000, 10_000)).toBe('1 min 10 s');
    expect(axisLabel(2_500, 500)).toBe('2.5 s');
    expect(axisLabel(9_000_000, 1_800_000)).toBe('2 h 30 min');
    expect(axisLabel(129_600_000, 43_200_000)).toBe('1 d 12 h');
  });

  it('never overlap nor leave the axis, at any width and duration', () => {
    const durations = [500, 10_000, 59_000, 120_000, 600_000, 3_600_000, 86_400_000, 604_800_000, 123_457];
    for (const durationMs of durations) {
      for (let widthPx = 60; widthPx <= 2400; widthPx += 67) {
        const labels = fitAxis(durationMs, widthPx, measure);
        for (let i = 0; i < labels.length; i++) {
          const l = labels[i];
          expect(l.leftPx, `${durationMs} ms at ${widthPx} px`).toBeGreaterThanOrEqual(0);
          expect(l.leftPx + l.widthPx).toBeLessThanOrEqual(widthPx);
          if (i > 0) expect(l.leftPx).toBeGreaterThanOrEqual(labels[i - 1].leftPx + labels[i - 1].widthPx + LABEL_GAP_PX);
        }
        // The start is always labelled when anything fits, and wide axes have several labels.
        if (labels.length) expect(labels[0]).toMatchObject({ ms: 0, text: '0 s' });
        if (widthPx >= 300) expect(labels.length, `${durationMs} ms at ${widthPx} px`).toBeGreaterThanOrEqual(2);
      }
    }
  });

  it('first-failover (2 minutes) on a wide axis: every 10 or 15 s, in minutes and seconds', () => {
    const labels = fitAxis(120_000, 860, measure).map((l) => l.text);
    expect(labels[0]).toBe('0 s');
    expect(labels).toContain('1 min');
    expect(labels.at(-1)).toBe('2 min');
    expect(labels.length).toBeGreaterThanOrEqual(5);
  });
});
