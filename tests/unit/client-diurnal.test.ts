// A client's daily cycle. At `amplitude: 1` the rate reaches 0 at the trough: arrivals drawn
// at the rate of the moment armed no timer there and never resumed (found while bounding the
// parameters). Arrivals are now thinned from the cycle's peak rate: they follow the curve,
// through the trough and up again.

import { describe, expect, it } from 'vitest';
import { createSim } from '../../src/sim/world';
import { loadDoc } from './helpers/scenarios';

function invocationsPer10s(amplitude: number): number[] {
  const scenario = loadDoc({
    format: 'faultline/1',
    title: 'A daily cycle, compressed into a minute',
    seed: 3,
    durationMs: 120_000,
    sites: [{ id: 'dc' }],
    nodes: [
      { id: 'db', kind: 'database', site: 'dc', role: 'primary' },
      // The peak at 30 s and 90 s, the trough (a rate of 0 at amplitude 1) at 0 s and 60 s.
      { id: 'app', kind: 'client', site: 'dc', target: 'db', writesPerSec: 100, readsPerSec: 0, diurnal: { amplitude, periodMs: 60_000, peakAtMs: 30_000 } },
    ],
    faults: [],
  });
  const sim = createSim(scenario, { checkpoints: false });
  sim.advanceTo(120_000_000);
  const bins = new Array(12).fill(0);
  for (const e of sim.journals.history.items) if (e.type === 'invoke') bins[Math.floor(e.atUs / 10_000_000)]++;
  return bins;
}

/** Operations expected in [a, b) s at 100 a second times 1 + amplitude * cos(2 pi (t - 30) / 60). */
function expected(amplitude: number, a: number, b: number): number {
  const w = (2 * Math.PI) / 60;
  return 100 * ((b - a) + (amplitude / w) * (Math.sin(w * (b - 30)) - Math.sin(w * (a - 30))));
}

describe('a daily cycle', () => {
  it.each([1, 0.9, 0.5])('amplitude %s: arrivals follow the curve, through the trough and up again', (amplitude) => {
    const bins = invocationsPer10s(amplitude);
    for (let i = 0; i < 12; i++) {
      const want = expected(amplitude, i * 10, i * 10 + 10);
      // Poisson counts: within five standard deviations, and at least a few either way.
      const slack = 5 * Math.sqrt(want) + 5;
      expect(Math.abs(bins[i] - want), `${i * 10}..${i * 10 + 10} s: ${bins[i]} operations, about ${Math.round(want)} expected`).toBeLessThan(slack);
    }
    // After the trough at 60 s, with the rate 0 there at amplitude 1, operations resume.
    expect(bins[7]).toBeGreaterThan(100);
  });
});
