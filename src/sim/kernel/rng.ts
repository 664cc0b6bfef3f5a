// Seeded random streams.
//
// Algorithm: xoshiro128** (Blackman and Vigna, 2018). Why this one:
// - it needs only 32-bit integer operations, which JavaScript does exactly and fast
//   (Math.imul, >>>, ^), so Node and every browser produce the same bits; PCG32 or
//   xoshiro256 need 64-bit multiplies (BigInt, slow);
// - 128 bits of state (period 2^128 - 1) is four numbers in a plain array, which a
//   checkpoint serialises as JSON with no special casing;
// - it passes BigCrush, and it is a published, well-studied generator rather than an
//   ad-hoc one.
//
// Streams are forked from the root seed by a stable key (for example `node:db1`): the child
// state is a hash of (seed, key) only, never of how many streams were forked before, so
// adding a node leaves every other node's draws unchanged.

import { log } from './fmath';

/** Four uint32 words of xoshiro128** state, kept as a plain array so it checkpoints as JSON. */
export type RngState = [number, number, number, number];

/** SplitMix32 step: expands a 32-bit value into well-mixed words for seeding. */
function splitmix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * The state of the stream named `key` under the root `seed`. `seed` may be any safe integer
 * (negative ones too); both of its 32-bit halves take part.
 */
export function forkStream(seed: number, key: string): RngState {
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 4294967296) >>> 0;
  // Four independent FNV-1a-style lanes over the key, each started from a different
  // mix of the seed, so two keys that differ in one character differ in every word.
  let h0 = splitmix32(lo ^ 0x2545f491);
  let h1 = splitmix32(hi ^ 0x9e3779b9);
  let h2 = splitmix32(lo + 0x6a09e667);
  let h3 = splitmix32(hi + 0xbb67ae85);
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    h0 = Math.imul(h0 ^ c, 0x01000193);
    h1 = Math.imul(h1 ^ c, 0x5bd1e995);
    h2 = Math.imul(h2 ^ c, 0x27d4eb2d);
    h3 = Math.imul(h3 ^ c, 0x165667b1);
  }
  const s: RngState = [splitmix32(h0 ^ h3), splitmix32(h1 ^ h0), splitmix32(h2 ^ h1), splitmix32(h3 ^ h2)];
  if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1; // the all-zero state is xoshiro's fixed point
  // Discard a few outputs so nearby keys' first draws are not correlated through the seeding.
  for (let i = 0; i < 4; i++) nextU32(s);
  return s;
}

/** Next uint32 from the stream (mutates `s`). */
export function nextU32(s: RngState): number {
  const s0 = s[0], s1 = s[1], s2 = s[2], s3 = s[3];
  const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
  const t = s1 << 9;
  const n2 = s2 ^ s0;
  const n3 = s3 ^ s1;
  s[1] = (s1 ^ n2) >>> 0;
  s[0] = (s0 ^ n3) >>> 0;
  s[2] = (n2 ^ t) >>> 0;
  s[3] = rotl(n3, 11) >>> 0;
  return r >>> 0;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Uniform in [0, 1) with 32 bits of resolution. */
export function nextFloat(s: RngState): number {
  return nextU32(s) * 2.3283064365386963e-10;
}

/** Uniform integer in [0, n) for 0 < n <= 2^32. */
export function nextInt(s: RngState, n: number): number {
  return Math.floor(nextFloat(s) * n);
}

/**
 * Exponentially distributed value with the given mean: the gap between arrivals of a
 * Poisson process. The logarithm is fmath's, not the engine's: Math.log may differ in the
 * last bit between browsers, and one arrival a microsecond apart changes the whole run.
 */
export function nextExp(s: RngState, mean: number): number {
  return -log(1 - nextFloat(s)) * mean;
}
