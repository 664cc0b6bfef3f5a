// Hashing for the trace (a running hash over executed events) and for state fingerprints.
// Two independent 32-bit lanes give a 64-bit digest: collisions between two different runs
// of the same scenario are then out of reach in practice, while every operation stays in
// exact 32-bit integer arithmetic (identical in Node and in browsers).

/** Running 64-bit hash state as two uint32 lanes; a plain array so it checkpoints as JSON. */
export type Hash64 = [number, number];

export const HASH_SEED: Hash64 = [0x811c9dc5, 0x9747b28c];

/** Mix one 32-bit value into both lanes (murmur3's body step, different constants per lane). */
export function mix32(h: Hash64, v: number): void {
  let k = Math.imul(v | 0, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  let a = h[0] ^ k;
  a = (a << 13) | (a >>> 19);
  h[0] = (Math.imul(a, 5) + 0xe6546b64) >>> 0;

  let j = Math.imul(v | 0, 0x85ebca77);
  j = (j << 13) | (j >>> 19);
  j = Math.imul(j, 0xc2b2ae3d);
  let b = h[1] ^ j;
  b = (b << 17) | (b >>> 15);
  h[1] = (Math.imul(b, 9) + 0x27d4eb2f) >>> 0;
}

/**
 * Mix a non-negative integer up to 2^53 (virtual times in microseconds pass 2^32 after 71
 * minutes). The high half is mixed only when it is not zero: half the work for most events.
 */
export function mixInt(h: Hash64, v: number): void {
  mix32(h, v >>> 0);
  if (v >= 4294967296) mix32(h, Math.floor(v / 4294967296) >>> 0);
}

/** Murmur3's finaliser, so the printed digest depends on every mixed bit. */
function fmix(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Sixteen hex digits of the hash; does not change `h`. */
export function hex64(h: Hash64): string {
  const a = fmix(h[0] ^ h[1]);
  const b = fmix(h[1] + Math.imul(a, 0x9e3779b1));
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}

/** 32-bit FNV-1a of a string: stable codes for event and message type names. */
export function fnv1a32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

// Type names recur on every event; remembering their codes keeps hashing off the hot path.
// A pure function's memo, so it cannot affect results.
const codeMemo = new Map<string, number>();
export function nameCode(name: string): number {
  let c = codeMemo.get(name);
  if (c === undefined) {
    c = fnv1a32(name);
    if (codeMemo.size < 4096) codeMemo.set(name, c);
  }
  return c;
}

/** 64-bit digest of a whole string (a serialised world state, for state fingerprints). */
export function hashString(s: string): string {
  const h: Hash64 = [HASH_SEED[0], HASH_SEED[1]];
  let i = 0;
  // Two characters per mix: UTF-16 code units are 16 bits.
  for (; i + 1 < s.length; i += 2) mix32(h, s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16));
  if (i < s.length) mix32(h, s.charCodeAt(i));
  mix32(h, s.length);
  return hex64(h);
}
