import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { forkStream, nextFloat, nextInt, nextU32, type RngState } from '../../src/sim/kernel/rng';

describe('xoshiro128** streams', () => {
  it('matches the reference implementation for state {1, 2, 3, 4}', () => {
    // Outputs of the C reference (prng.di.unimi.it/xoshiro128starstar.c) from s = {1,2,3,4}.
    const s: RngState = [1, 2, 3, 4];
    const out = Array.from({ length: 6 }, () => nextU32(s));
    expect(out).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
  });

  it('forks a stream from (seed, key) alone: other forks do not change it', () => {
    fc.assert(
      fc.property(fc.integer(), fc.string(), fc.array(fc.string(), { maxLength: 5 }), (seed, key, others) => {
        const alone = forkStream(seed, key);
        for (const k of others) forkStream(seed, k);
        const again = forkStream(seed, key);
        return Array.from({ length: 4 }, () => nextU32(alone)).join() === Array.from({ length: 4 }, () => nextU32(again)).join();
      }),
    );
  });

  it('gives different keys and different seeds different streams', () => {
    const first = (seed: number, key: string) => nextU32(forkStream(seed, key));
    expect(first(1, 'node:db1')).not.toBe(first(1, 'node:db2'));
    expect(first(1, 'node:db1')).not.toBe(first(2, 'node:db1'));
    // Seeds beyond 32 bits use their high half too.
    expect(first(2 ** 40, 'x')).not.toBe(first(0, 'x'));
  });

  it('draws uniform floats and integers in range', () => {
    const s = forkStream(42, 'uniformity');
    const buckets = new Array(10).fill(0);
    const n = 100_000;
    let outOfRange = 0;
    for (let i = 0; i < n; i++) {
      const f = nextFloat(s);
      if (!(f >= 0 && f < 1)) outOfRange++;
      buckets[nextInt(s, 10)]++;
    }
    expect(outOfRange).toBe(0);
    // Chi-square with 9 degrees of freedom: 27.9 is the 0.1% critical value.
    const expected = n / 10;
    const chi2 = buckets.reduce((sum, b) => sum + ((b - expected) ** 2) / expected, 0);
    expect(chi2).toBeLessThan(27.9);
  });
});
