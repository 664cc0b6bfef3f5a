// Pixel arithmetic for the dots' layer, apart from the canvas code so that it is tested in Node.

/**
 * Source over destination, both RGBA words of an ImageData (not premultiplied), in integers:
 * weights scaled by 255, each channel rounded to nearest with halves up, and the alpha to
 * nearest (a whole number over 255, odd, never falls on a half). No floating point, no
 * closure: this runs for every edge pixel of every dot that lands on another.
 */
export function over(src: number, dst: number): number {
  const sa = src >>> 24;
  const ws = sa * 255;
  const wd = (dst >>> 24) * (255 - sa);
  const oa = ws + wd;
  const half = oa >>> 1;
  const r = ((((src >>> 16) & 255) * ws + ((dst >>> 16) & 255) * wd + half) / oa) | 0;
  const g = ((((src >>> 8) & 255) * ws + ((dst >>> 8) & 255) * wd + half) / oa) | 0;
  const b = (((src & 255) * ws + (dst & 255) * wd + half) / oa) | 0;
  return ((((oa + 127) / 255) << 24) | (r << 16) | (g << 8) | b) >>> 0;
}
