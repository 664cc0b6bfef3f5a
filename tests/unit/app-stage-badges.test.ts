import { describe, expect, it } from 'vitest';
import { drawStatic } from '../../src/app/stage/draw-static';
import type { StageTheme } from '../../src/app/stage/theme';
import type { Anomaly } from '../../src/sim/checks/checker';

// An anomaly badge is as wide as its text and sits up and to the left of its node: on a node
// near the stage's edge (the narrower stage B of a comparison, a zoomed-in view) it ran off
// the canvas, cut in the middle of its word. It is slid back inside what the canvas shows.

/** A 2D context that draws nothing and remembers where each badge's text went. */
function recordingContext(widthPx: number, heightPx: number, view: { k: number; x: number; y: number }) {
  const texts: { text: string; x: number; y: number; width: number }[] = [];
  const ctx = new Proxy(
    {
      canvas: { width: widthPx, height: heightPx },
      getTransform: () => ({ a: view.k, b: 0, c: 0, d: view.k, e: view.x, f: view.y }),
      measureText: (text: string) => ({ width: text.length * 7 }),
      fillText: (text: string, x: number, y: number) => texts.push({ text, x, y, width: text.length * 7 }),
    } as Record<string, unknown>,
    { get: (target, key: string) => (key in target ? target[key] : () => undefined), set: () => true },
  );
  return { ctx: ctx as unknown as CanvasRenderingContext2D, texts };
}

const theme = new Proxy({} as StageTheme, { get: () => '#000' });

function draw(nodeX: number, nodeY: number, view: { k: number; x: number; y: number }) {
  const { ctx, texts } = recordingContext(400, 300, view);
  const anomaly: Anomaly = { kind: 'undetected-outage', atUs: 0, nodes: ['batch'], ops: [], count: 1817, explanation: '' };
  const marks = drawStatic(ctx, {
    layout: { nodes: new Map([['batch', { id: 'batch', kind: 'client', x: nodeX, y: nodeY, w: 120, h: 60 }]]), sites: [], links: [], bounds: { x: 0, y: 0, w: 400, h: 300 } },
    views: new Map(),
    specs: new Map(),
    anomalies: [anomaly],
    selected: null,
    highlight: new Set(),
    theme,
    k: view.k,
  });
  expect(marks).toEqual(['undetected-outage@batch']);
  const badge = texts.find((t) => t.text.startsWith('UNDETECTED OUTAGE'))!;
  // Back to canvas pixels: the badge begins 21 stage units left of its text.
  return { left: (badge.x - 21) * view.k + view.x, right: (badge.x + badge.width + 5) * view.k + view.x, top: (badge.y - 9) * view.k + view.y };
}

describe('anomaly badges stay on the canvas', () => {
  it('a badge on a node at the left edge starts inside the canvas', () => {
    const b = draw(70, 150, { k: 1, x: 0, y: 0 });
    expect(b.left).toBeGreaterThanOrEqual(0);
    expect(b.right).toBeLessThanOrEqual(400);
  });

  it('and when the view is zoomed and panned so that the node sits at the edge', () => {
    const b = draw(200, 150, { k: 1.5, x: -230, y: 0 });
    expect(b.left).toBeGreaterThanOrEqual(0);
  });

  it('a badge on a node at the top starts below the canvas top', () => {
    const b = draw(200, 20, { k: 1, x: 0, y: 0 });
    expect(b.top).toBeGreaterThanOrEqual(0);
  });

  it('a node in the middle keeps its badge where it was: up and to its left', () => {
    const b = draw(250, 150, { k: 1, x: 0, y: 0 });
    const width = 'UNDETECTED OUTAGE ×1817'.length * 7 + 26;
    expect(b.left).toBe(250 + 60 - width + 10);
  });
});
