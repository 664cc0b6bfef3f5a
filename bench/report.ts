// Benchmarks print figures; they do not pass or fail. Each section is a title and rows of
// label / value (or a table), printed aligned, and the same figures as data for the results
// file (bench/results/latest.json), so two runs can be compared.

export interface BenchTable {
  columns: string[];
  rows: string[][];
}

export interface BenchSection {
  title: string;
  rows: [label: string, value: string][];
  table?: BenchTable;
  /** The section's figures as numbers, for the results file and the targets. */
  data?: Record<string, unknown>;
}

export function printSection(s: BenchSection): void {
  console.log(`\n## ${s.title}`);
  if (s.table) printTable(s.table);
  if (s.rows.length) {
    const width = Math.max(...s.rows.map(([l]) => l.length), 10);
    for (const [label, value] of s.rows) console.log(`  ${label.padEnd(width)}  ${value}`);
  }
}

export function printTable(t: BenchTable): void {
  const widths = t.columns.map((c, i) => Math.max(c.length, ...t.rows.map((r) => (r[i] ?? '').length)));
  // The first column (a name) to the left, figures to the right.
  const line = (cells: string[]) => '  ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(t.columns));
  console.log('  ' + widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of t.rows) console.log(line(r));
}

/** Milliseconds of wall time since `t0`, from the one clock benchmarks may read. */
export function msSince(t0: number): number {
  return performance.now() - t0;
}

export function fmt(n: number, digits = 0): string {
  if (!Number.isFinite(n)) return '-';
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export function quantile(xs: number[], q: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}
