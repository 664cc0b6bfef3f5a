// How times and numbers read on screen. Virtual time is integer microseconds everywhere.

/** `12.345 s`, `2 min 05.0 s`, `1 h 02 min`: precise near the start, compact for long runs. */
export function fmtTimeUs(us: number, precise = false): string {
  const s = us / 1e6;
  if (s < 60) return `${s.toFixed(precise ? 3 : s < 10 ? 2 : 1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${(s - m * 60).toFixed(precise ? 3 : 1).padStart(precise ? 6 : 4, '0')} s`;
  const h = Math.floor(m / 60);
  return `${h} h ${String(m - h * 60).padStart(2, '0')} min`;
}

export function fmtCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(0)}k`;
  return n.toLocaleString('en-US');
}
