// A class file for `npm run grade -- <challenge> --answers FILE`: a CSV (RFC 4180) with a
// header `name,answer` and one learner a line. Answers are share links or whole scenario
// documents as JSON, so fields may be quoted and hold commas, doubled quotes and line breaks.
// Each learner keeps the line its record starts on: `--shard I/N` takes the learners whose
// line number modulo N is I, and every problem names its line.

import { parse as parseCsv } from 'csv-parse/sync';

export interface Learner {
  line: number;
  name: string;
  answer: string;
}

/** The learners of a class file (RFC 4180: quoted fields may hold commas, quotes and line breaks), each with the line its record starts on. */
export function readClass(text: string, file: string): { ok: true; learners: Learner[] } | { ok: false; problems: string[] } {
  type Row = { record: string[]; info: { bytes: number } };
  // Parsed as bytes, so that each record's end offset says exactly where the next one starts.
  const buf = Buffer.from(text, 'utf8');
  let rows: Row[];
  try {
    rows = parseCsv(buf, { info: true, bom: true, skip_empty_lines: true, relax_column_count: true }) as unknown as Row[];
  } catch (e) {
    const err = e as { lines?: number; message?: string; code?: string };
    const where = err.lines !== undefined ? `${file}:${err.lines}` : file;
    return { ok: false, problems: [`${where}: ${csvProblem(err)}`] };
  }
  // A record's line: where the previous one ended, past any blank lines (counted here rather
  // than taken from the parser, which miscounts lines ended by CR LF).
  const starts = new Map<Row, number>();
  let line = 1;
  let at = 0;
  for (const r of rows) {
    while (at < buf.length && (buf[at] === 0x0d || buf[at] === 0x0a)) if (buf[at++] === 0x0a) line++;
    starts.set(r, line);
    for (; at < r.info.bytes; at++) if (buf[at] === 0x0a) line++;
  }
  const startLine = (r: Row) => starts.get(r) ?? 0;
  if (rows.length === 0) return { ok: false, problems: [`${file}: the file is empty; it needs a header line "name,answer" and one learner per line`] };
  const header = rows[0].record.map((h) => h.trim().toLowerCase());
  if (header.length !== 2 || header[0] !== 'name' || header[1] !== 'answer') {
    return { ok: false, problems: [`${file}:${startLine(rows[0])}: the header must be "name,answer"; found "${rows[0].record.join(',').slice(0, 80)}"`] };
  }
  const problems: string[] = [];
  const learners: Learner[] = [];
  for (const r of rows.slice(1)) {
    const line = startLine(r);
    if (r.record.length !== 2) problems.push(`${file}:${line}: expected 2 fields (name,answer); found ${r.record.length} (quote an answer that holds commas)`);
    else if (r.record[0].trim() === '') problems.push(`${file}:${line}: the name is empty`);
    else learners.push({ line, name: r.record[0], answer: r.record[1] });
  }
  return problems.length ? { ok: false, problems } : { ok: true, learners };
}

function csvProblem(e: { code?: string; message?: string }): string {
  switch (e.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted field is never closed (a missing closing quote "), so the rest of the file is one field';
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'a quote " inside a quoted field must be doubled ("")';
    case 'INVALID_OPENING_QUOTE':
    case 'CSV_INVALID_OPENING_QUOTE':
      return 'a quote " appears inside a field that is not quoted; quote the whole field and double the quote ("")';
    default:
      return `the file is not valid CSV: ${e.message ?? 'unknown problem'}`;
  }
}
