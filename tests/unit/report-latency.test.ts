import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { latency } from '../../src/sim/report';

/** What the summary gave before it selected instead of sorting. */
function bySort(samplesUs: number[]) {
  if (samplesUs.length === 0) return { p50Ms: 0, p99Ms: 0, maxMs: 0 };
  const s = Float64Array.from(samplesUs).sort();
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] / 1000;
  return { p50Ms: at(0.5), p99Ms: at(0.99), maxMs: s[s.length - 1] / 1000 };
}

describe("a run's latency figures", () => {
  it('p50, p99 and max are the values at those ranks of the sorted samples', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 2 ** 40 })), { maxLength: 3000 }), (xs) => {
        expect(latency(Float64Array.from(xs))).toEqual(bySort(xs));
      }),
      { numRuns: 300 },
    );
  });

  it('holds on long runs of equal, sorted and reversed samples', () => {
    const n = 100_000;
    for (const make of [() => 7, (i: number) => i, (i: number) => n - i, (i: number) => (i * 7919) % 1000]) {
      const xs = Array.from({ length: n }, (_, i) => make(i));
      expect(latency(Float64Array.from(xs))).toEqual(bySort(xs));
    }
  });
});
