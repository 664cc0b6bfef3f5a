// Key names made by number (k0, k1, ...: the keys clients choose), made once and shared by
// every run in the process, and recognised by their number without a hash lookup.
//
// A database's data and the client history find a key's slot or code by its name, a Map
// lookup per access (a fifth of the bench world's time: lookups in maps of thousands of
// strings miss the caches). A key made here is found instead by reading its number from
// its characters and indexing a typed array. Only a transient index uses the number (what a
// slot or code is never depends on it: both are given in order of first appearance, as
// before), so results are the same whatever other runs made keys before in this process.

const NAMES: string[] = [];

export function keyName(i: number): string {
  return NAMES[i] ?? (NAMES[i] = `k${i}`);
}

/** Key numbers below this are recognised (an index by number is an array this long at most). */
export const MAX_KEY_NUMBER = 1 << 20;

/**
 * The number of a key named as keyName names it (`k` and the number in decimal, no leading
 * zero, below MAX_KEY_NUMBER), or -1 for any other name. A function of the name alone, so
 * an index keyed by it means the same in every process, whichever keys were made before.
 */
export function keyNumber(s: string): number {
  const len = s.length;
  if (len < 2 || len > 8 || s.charCodeAt(0) !== 107 /* k */ || (len > 2 && s.charCodeAt(1) === 48)) return -1;
  let n = 0;
  for (let i = 1; i < len; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n < MAX_KEY_NUMBER ? n : -1;
}

/** Small non-negative numbers (a slot, a code) by key number: a typed array, not a Map. */
export class ByKeyNumber {
  private at = new Int32Array(0);

  /** What was set for key number `n`, or -1. */
  get(n: number): number {
    return n < this.at.length ? this.at[n] - 1 : -1;
  }

  set(n: number, value: number): void {
    if (n >= this.at.length) {
      const grown = new Int32Array(Math.max(64, n + 1, this.at.length * 2));
      grown.set(this.at);
      this.at = grown;
    }
    this.at[n] = value + 1;
  }
}
