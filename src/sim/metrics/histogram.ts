// Latency histograms as components keep them: a fixed array of buckets, 4 per power of two
// of microseconds (up to 2^31 µs), computed with integer arithmetic only, so it is the same
// everywhere and checkpoints as plain numbers. Percentiles are reported at a bucket's upper
// edge: conservative by at most 19%.

export const HISTOGRAM_BUCKETS = 128;

export function newHistogram(): number[] {
  return new Array(HISTOGRAM_BUCKETS).fill(0);
}

/** The bucket a latency falls in. */
export function bucketOf(us: number): number {
  const x = Math.max(1, Math.floor(us));
  const e = 31 - Math.clz32(x);
  const sub = e >= 2 ? (x >>> (e - 2)) & 3 : 0;
  return Math.min(HISTOGRAM_BUCKETS - 1, e * 4 + sub);
}

/** The upper edge of a bucket, in ms. */
export function bucketTopMs(b: number): number {
  const e = b >> 2;
  const sub = b & 3;
  const top = e >= 2 ? (4 + sub + 1) << (e - 2) : e + 1;
  return top / 1000;
}

export function percentileMs(hist: number[], count: number, q: number): number {
  if (count === 0) return 0;
  let seen = 0;
  const want = Math.ceil(q * count);
  for (let b = 0; b < hist.length; b++) {
    seen += hist[b];
    if (seen >= want) return bucketTopMs(b);
  }
  return bucketTopMs(hist.length - 1);
}

/** A rolling window: the histogram being filled, and the summary of the last full one. */
export interface LatencyWindow {
  hist: number[];
  count: number;
  failed: number;
  last: { ok: number; failed: number; p50Ms: number; p99Ms: number };
}

export function newWindow(): LatencyWindow {
  return { hist: newHistogram(), count: 0, failed: 0, last: { ok: 0, failed: 0, p50Ms: 0, p99Ms: 0 } };
}

export function record(w: LatencyWindow, us: number): void {
  w.hist[bucketOf(us)]++;
  w.count++;
}

/** Close the window: its summary becomes `last`, and a new one starts. */
export function roll(w: LatencyWindow): void {
  w.last = { ok: w.count, failed: w.failed, p50Ms: percentileMs(w.hist, w.count, 0.5), p99Ms: percentileMs(w.hist, w.count, 0.99) };
  w.hist.fill(0);
  w.count = 0;
  w.failed = 0;
}
