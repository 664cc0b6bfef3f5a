// Transcendental functions the simulation can trust to give the same bits everywhere.
//
// ECMAScript fixes +, -, *, / and Math.sqrt to IEEE 754 correctly rounded results, but
// leaves Math.log, Math.exp, Math.cos and Math.pow "implementation-approximated": V8 uses a
// port of fdlibm, other engines may use the platform's libm, and a last-bit difference in an
// arrival gap changes the whole run. A share link must replay message for message in any
// browser, so the core computes these itself, from fdlibm's algorithms (Sun Microsystems,
// freely redistributable), using only the operations the standard does pin down.
// `log` and `exp` follow fdlibm step by step, so they return V8's bits (tests/unit/fmath
// checks that, and the accuracy against the engine everywhere else).

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
// Every platform a browser runs on is little-endian; checked once rather than assumed.
const LO = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1;
const HI = 1 - LO;

function hiWord(x: number): number {
  f64[0] = x;
  return u32[HI] | 0;
}
function loWord(x: number): number {
  f64[0] = x;
  return u32[LO];
}
function withHiWord(x: number, hi: number): number {
  f64[0] = x;
  u32[HI] = hi >>> 0;
  return f64[0];
}

const LN2_HI = 6.93147180369123816490e-1;
const LN2_LO = 1.90821492927058770002e-10;
const TWO54 = 1.80143985094819840000e16;
const LG1 = 6.666666666666735130e-1;
const LG2 = 3.999999999940941908e-1;
const LG3 = 2.857142874366239149e-1;
const LG4 = 2.222219843214978396e-1;
const LG5 = 1.818357216161805012e-1;
const LG6 = 1.531383769920937332e-1;
const LG7 = 1.479819860511658591e-1;

/** Natural logarithm (fdlibm e_log.c). */
export function log(x: number): number {
  let hx = hiWord(x);
  const lx = loWord(x);
  let k = 0;
  if (hx < 0x00100000) {
    if (((hx & 0x7fffffff) | lx) === 0) return -Infinity;
    if (hx < 0) return NaN;
    k -= 54;
    x *= TWO54; // subnormal: scale up
    hx = hiWord(x);
  }
  if (hx >= 0x7ff00000) return x + x;
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  let i = (hx + 0x95f64) & 0x100000;
  x = withHiWord(x, hx | (i ^ 0x3ff00000)); // normalise x or x/2
  k += i >> 20;
  const f = x - 1.0;
  if ((0x000fffff & (2 + hx)) < 3) {
    // |f| < 2^-20
    if (f === 0) return k === 0 ? 0 : k * LN2_HI + k * LN2_LO;
    const R = f * f * (0.5 - 0.33333333333333333 * f);
    return k === 0 ? f - R : k * LN2_HI - ((R - k * LN2_LO) - f);
  }
  const s = f / (2.0 + f);
  const dk = k;
  const z = s * s;
  i = hx - 0x6147a;
  const w = z * z;
  const j = 0x6b851 - hx;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  i |= j;
  const R = t2 + t1;
  if (i > 0) {
    const hfsq = 0.5 * f * f;
    return k === 0 ? f - (hfsq - s * (hfsq + R)) : dk * LN2_HI - ((hfsq - (s * (hfsq + R) + dk * LN2_LO)) - f);
  }
  return k === 0 ? f - s * (f - R) : dk * LN2_HI - ((s * (f - R) - dk * LN2_LO) - f);
}

const LN10 = 2.302585092994046;

/** Base-10 logarithm: log(x) / ln 10, both pinned, so the quotient is too. */
export function log10(x: number): number {
  return log(x) / LN10;
}

const O_THRESHOLD = 7.09782712893383973096e2;
const U_THRESHOLD = -7.45133219101941108420e2;
const INVLN2 = 1.44269504088896338700;
const TWOM1000 = 9.33263618503218878990e-302;
const P1 = 1.66666666666666019037e-1;
const P2 = -2.77777777770155933842e-3;
const P3 = 6.61375632143793436117e-5;
const P4 = -1.65339022054652515390e-6;
const P5 = 4.13813679705723846039e-8;

/** e^x (fdlibm e_exp.c). */
export function exp(x: number): number {
  let hx = hiWord(x);
  const xsb = (hx >>> 31) & 1;
  hx &= 0x7fffffff;
  if (x === 1) return Math.E; // as V8 does, so exp(1) is the constant
  if (hx >= 0x40862e42) {
    // |x| >= 709.78...
    if (hx >= 0x7ff00000) {
      if (((hx & 0xfffff) | loWord(x)) !== 0) return x + x; // NaN
      return xsb === 0 ? x : 0.0;
    }
    if (x > O_THRESHOLD) return Infinity;
    if (x < U_THRESHOLD) return 0;
  }
  let hi = 0;
  let lo = 0;
  let k = 0;
  if (hx > 0x3fd62e42) {
    // |x| > 0.5 ln 2: reduce to |r| <= 0.5 ln 2
    if (hx < 0x3ff0a2b2) {
      hi = xsb === 0 ? x - LN2_HI : x + LN2_HI;
      lo = xsb === 0 ? LN2_LO : -LN2_LO;
      k = 1 - xsb - xsb;
    } else {
      k = Math.trunc(INVLN2 * x + (xsb === 0 ? 0.5 : -0.5));
      hi = x - k * LN2_HI; // exact
      lo = k * LN2_LO;
    }
    x = hi - lo;
  } else if (hx < 0x3e300000) {
    // |x| < 2^-28
    return 1 + x;
  }
  const t = x * x;
  const c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k === 0) return 1 - ((x * c) / (c - 2.0) - x);
  const y = 1 - ((lo - (x * c) / (2.0 - c)) - hi);
  if (k >= -1021) {
    if (k === 1024) return y * 2 * 8.98846567431158e307; // 2^1023: the exponent word would overflow
    return withHiWord(y, hiWord(y) + (k << 20));
  }
  return withHiWord(y, hiWord(y) + ((k + 1000) << 20)) * TWOM1000;
}

/** a^b for a > 0, as exp(b·log a): not Math.pow's last bits, but the same bits everywhere. */
export function pow(a: number, b: number): number {
  if (b === 0) return 1;
  if (a === 1) return 1;
  if (!(a > 0)) return a === 0 ? (b > 0 ? 0 : Infinity) : NaN;
  return exp(b * log(a));
}

const C1 = 4.16666666666666019037e-2;
const C2 = -1.38888888888741095749e-3;
const C3 = 2.48015872894767294178e-5;
const C4 = -2.75573143513906633035e-7;
const C5 = 2.08757232129817482790e-9;
const C6 = -1.13596475577881948265e-11;
const S1 = -1.66666666666666324348e-1;
const S2 = 8.33333333332248946124e-3;
const S3 = -1.98412698298579493134e-4;
const S4 = 2.75573137070700676789e-6;
const S5 = -2.50507602534068634195e-8;
const S6 = 1.58969099521155010221e-10;

/** cos(x + y) for |x| <= pi/4, y the tail of x (fdlibm k_cos.c, FreeBSD's form). */
function kernelCos(x: number, y: number): number {
  const z = x * x;
  const w = z * z;
  const r = z * (C1 + z * (C2 + z * C3)) + w * w * (C4 + z * (C5 + z * C6));
  const hz = 0.5 * z;
  const v = 1 - hz;
  return v + (((1 - v) - hz) + (z * r - x * y));
}

/** sin(x + y) for |x| <= pi/4 (fdlibm k_sin.c). */
function kernelSin(x: number, y: number): number {
  const z = x * x;
  const w = z * z;
  const r = S2 + z * (S3 + z * S4) + z * w * (S5 + z * S6);
  const v = z * x;
  return x - ((z * (0.5 * y - v * r) - y) - v * S1);
}

const INVPIO2 = 6.36619772367581382433e-1;
const PIO2_1 = 1.57079632673412561417; // the first 33 bits of pi/2: n * PIO2_1 is exact
const PIO2_1T = 6.07710050650619224932e-11; // pi/2 - PIO2_1
const TWO_PI = 6.283185307179586;

/**
 * cos(2·pi·t/period), the phase of a cycle, with t reduced modulo the period first so the
 * angle stays within one turn: a cycle needs nothing more, and the reduction stays exact.
 */
export function cosCycle(t: number, period: number): number {
  let m = t % period; // exact for doubles (fmod is correctly defined)
  if (m > period / 2) m -= period;
  else if (m < -period / 2) m += period;
  const x = (TWO_PI * m) / period; // |x| <= pi
  if (Math.abs(x) <= 0.7853981633974483) return kernelCos(x, 0);
  const n = Math.round(x * INVPIO2); // -2..2
  const r = x - n * PIO2_1;
  const w = n * PIO2_1T;
  const y0 = r - w;
  const y1 = (r - y0) - w;
  switch (n & 3) {
    case 0: return kernelCos(y0, y1);
    case 1: return -kernelSin(y0, y1);
    case 2: return -kernelCos(y0, y1);
    default: return kernelSin(y0, y1);
  }
}
