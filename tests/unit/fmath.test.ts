import { describe, expect, it } from 'vitest';
import { cosCycle, exp, log, log10, pow } from '../../src/sim/kernel/fmath';
import { forkStream, nextFloat } from '../../src/sim/kernel/rng';

// The simulation's own logarithm, exponential, power and cosine: the same bits in every
// browser. They follow fdlibm, the library V8 ports, so here (Node's V8) log and exp must be
// bit-for-bit the engine's, and the others as accurate as a double allows.

const SEED = 20261122;

function samples(n: number, draw: (u: () => number) => number): number[] {
  const s = forkStream(SEED, 'fmath');
  const u = () => nextFloat(s);
  return Array.from({ length: n }, () => draw(u));
}

describe('portable math for the simulation core', () => {
  it(`log is V8's log bit for bit, from subnormals to the largest double (seed ${SEED})`, () => {
    const xs = [
      ...samples(100_000, (u) => u()),
      ...samples(100_000, (u) => u() * 1e6),
      ...samples(100_000, (u) => Math.exp((u() - 0.5) * 1400)),
      1, 2, Math.E, 10, 0.5, 1 + 2 ** -30, 1 - 2 ** -30, 5e-324, 2.2250738585072014e-308, Number.MAX_VALUE,
    ];
    const differ = xs.filter((x) => !Object.is(log(x), Math.log(x)));
    expect(differ.slice(0, 5)).toEqual([]);
    expect(log(0)).toBe(-Infinity);
    expect(log(-1)).toBeNaN();
    expect(log(Infinity)).toBe(Infinity);
  });

  it(`exp is V8's exp bit for bit, including overflow and underflow (seed ${SEED})`, () => {
    const xs = [
      ...samples(100_000, (u) => u() - 0.5),
      ...samples(100_000, (u) => (u() - 0.5) * 1420),
      0, 1, -1, 0.5 * Math.LN2, 1.5 * Math.LN2, 709.78, 709.79, -745.1, -745.2, 2 ** -30, -(2 ** -30),
    ];
    const differ = xs.filter((x) => !Object.is(exp(x), Math.exp(x)));
    expect(differ.slice(0, 5)).toEqual([]);
    expect(exp(Infinity)).toBe(Infinity);
    expect(exp(-Infinity)).toBe(0);
    expect(exp(NaN)).toBeNaN();
  });

  it('pow and log10 are within a few units in the last place of the engine\'s', () => {
    let worstPow = 0;
    for (const [a, b] of samples(50_000, (u) => u()).map((v, i) => [1 + v * 2000, (-3 + (i % 7)) * 0.37] as const)) {
      const want = Math.pow(a, b);
      worstPow = Math.max(worstPow, Math.abs(pow(a, b) - want) / want);
    }
    expect(worstPow).toBeLessThan(1e-14);
    let worstLog10 = 0;
    for (const x of samples(50_000, (u) => Math.exp((u() - 0.5) * 1400))) {
      worstLog10 = Math.max(worstLog10, Math.abs(log10(x) - Math.log10(x)) / Math.max(1, Math.abs(Math.log10(x))));
    }
    expect(worstLog10).toBeLessThan(1e-15);
    expect(pow(2, 0)).toBe(1);
    expect(pow(0, 2)).toBe(0);
    expect(pow(-2, 0.5)).toBeNaN();
  });

  it('cosCycle follows a cosine over a day, at any time of any day', () => {
    const dayMs = 86_400_000;
    let worst = 0;
    for (const t of samples(100_000, (u) => u() * 1e10)) {
      // The same angle, taken within half a turn of zero as cosCycle takes it.
      let m = t % dayMs;
      if (m > dayMs / 2) m -= dayMs;
      const want = Math.cos((2 * Math.PI * m) / dayMs);
      worst = Math.max(worst, Math.abs(cosCycle(t, dayMs) - want));
    }
    // Same angle, both cosines within an ulp or so of the truth: a few ulps apart at most.
    expect(worst).toBeLessThan(5e-16);
    expect(cosCycle(0, dayMs)).toBe(1);
    expect(cosCycle(dayMs / 2, dayMs)).toBe(-1);
    expect(Math.abs(cosCycle(dayMs / 4, dayMs))).toBeLessThan(1e-16);
    expect(cosCycle(-dayMs / 3, dayMs)).toBeCloseTo(-0.5, 15);
  });
});
