// Benchmarks print figures; they do not pass or fail. Each section is a title and rows of
// label / value, printed as one aligned table per section.

export interface BenchSection {
  title: string;
  rows: [label: string, value: string][];
}

export function printSection(s: BenchSection): void {
  const width = Math.max(...s.rows.map(([l]) => l.length), 10);
  console.log(`\n## ${s.title}`);
  for (const [label, value] of s.rows) console.log(`  ${label.padEnd(width)}  ${value}`);
}

/** Milliseconds of wall time since `t0`, from the one clock benchmarks may read. */
export function msSince(t0: number): number {
  return performance.now() - t0;
}

export function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}
