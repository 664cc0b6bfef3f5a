// Parsers for the text formats a history can arrive in: Jepsen etcd logs (one register,
// read / write / cas), Jepsen-style EDN lines of a key-value store (get / put / append), and
// the project's own JSON export. Text formats have no clock, so an event's time is its line
// number: only the order of events matters to linearizability.
//
// Jepsen matches a completion to the pending invocation of the same process; a process
// whose operation ended in `:info` (unknown) never completes it, and Jepsen gives the
// client a fresh process number afterwards.

import { fromHistoryEntries, HistoryFormatError, MAX_HISTORY_ENTRIES, type Operation } from './history';
import type { RegisterInput, RegisterOutput } from './register';
import type { KvInput, KvOutput } from './kv';

export type HistoryFormat = 'jepsen-etcd' | 'kv-edn' | 'json';

export type ParsedHistory =
  | { format: HistoryFormat; model: 'register'; operations: Operation<RegisterInput, RegisterOutput>[]; dropped: number }
  | { format: HistoryFormat; model: 'kv'; operations: Operation<KvInput, KvOutput>[]; dropped: number };

/** Input that does not parse; `line` is 1-based. */
export class ParseError extends Error {
  constructor(readonly line: number, readonly detail: string) {
    super(`line ${line}: ${detail}`);
    this.name = 'ParseError';
  }
}

/** Longest line accepted: a history line is short, a megabyte line is a wrong file. */
export const MAX_LINE_CHARS = 1 << 20;

/** Guesses the format from the first non-blank line. */
export function detectFormat(text: string): HistoryFormat | undefined {
  const m = /\S/.exec(text);
  if (!m) return undefined;
  const rest = text.slice(m.index, m.index + 200);
  if (rest.startsWith('[')) return 'json';
  if (/^\{\s*("|\})/.test(rest)) return 'json';
  if (/^\{\s*:/.test(rest)) return 'kv-edn';
  if (/^[A-Z]+\s+jepsen\.\S+\s+-/.test(rest)) return 'jepsen-etcd';
  return undefined;
}

/** Detects the format and parses; throws `ParseError` naming the line at fault. */
export function parseHistoryText(text: string): ParsedHistory {
  const format = detectFormat(text);
  switch (format) {
    case 'json':
      return parseProjectJson(text);
    case 'kv-edn':
      return parseKvEdn(text);
    case 'jepsen-etcd':
      return parseJepsenEtcd(text);
    default: {
      const m = /\S/.exec(text);
      if (!m) throw new ParseError(1, 'the file is empty: no history');
      throw new ParseError(lineAt(text, m.index), 'unrecognised format (expected a Jepsen etcd log, kv EDN lines or a JSON history)');
    }
  }
}

function* lines(text: string): Generator<[lineNo: number, line: string]> {
  let start = 0;
  let no = 1;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    if (no > MAX_HISTORY_ENTRIES) throw new ParseError(no, `more than ${MAX_HISTORY_ENTRIES} lines`);
    if (end - start > MAX_LINE_CHARS) throw new ParseError(no, `line longer than ${MAX_LINE_CHARS} characters`);
    const line = text.slice(start, end).replace(/\r$/, '');
    yield [no, line];
    start = end + 1;
    no++;
  }
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function safeInt(s: string, lineNo: number): number {
  const v = Number(s);
  if (!Number.isSafeInteger(v)) throw new ParseError(lineNo, `'${s}' is not an integer`);
  return v;
}

// ---------------------------------------------------------------------------------------
// Jepsen etcd logs: `INFO  jepsen.util - 3	:invoke	:write	4`

const JEPSEN_OP = /^[A-Z]+\s+jepsen\.util\s+-\s+(\d+)\s+:(invoke|ok|fail|info)\s+:([a-z-]+)\s*(.*?)\s*$/;
/** Other log lines (`INFO jepsen.core - ...`) are skipped: real Jepsen logs interleave them. */
const LOG_LINE = /^(TRACE|DEBUG|INFO|WARN|ERROR|FATAL)\s/;

type JepsenArg = { kind: 'nil' } | { kind: 'int'; v: number } | { kind: 'pair'; a: number | null; b: number } | { kind: 'keyword'; v: string };

function jepsenArg(s: string, lineNo: number): JepsenArg {
  if (s === 'nil' || s === '') return { kind: 'nil' };
  if (/^-?\d+$/.test(s)) return { kind: 'int', v: safeInt(s, lineNo) };
  const pair = /^\[\s*(nil|-?\d+)\s+(-?\d+)\s*\]$/.exec(s);
  if (pair) return { kind: 'pair', a: pair[1] === 'nil' ? null : safeInt(pair[1], lineNo), b: safeInt(pair[2], lineNo) };
  if (/^:[a-z-]+$/.test(s)) return { kind: 'keyword', v: s };
  throw new ParseError(lineNo, `cannot read the argument '${s}'`);
}

interface PendingJepsen {
  line: number;
  f: 'read' | 'write' | 'cas';
  input: RegisterInput;
}

export function parseJepsenEtcd(text: string): ParsedHistory {
  const operations: Operation<RegisterInput, RegisterOutput>[] = [];
  const pending = new Map<string, PendingJepsen>();
  let dropped = 0;

  const unknownOutcome = (proc: string, p: PendingJepsen) => {
    if (p.f === 'read') dropped++;
    else operations.push({ ref: `line ${p.line}`, client: proc, key: '', input: p.input, output: undefined, callAt: p.line, returnAt: Infinity });
  };

  for (const [no, line] of lines(text)) {
    if (line.trim() === '') continue;
    const m = JEPSEN_OP.exec(line);
    if (!m) {
      if (LOG_LINE.test(line) && !/jepsen\.util\s+-\s+\d+\s+:/.test(line)) continue;
      throw new ParseError(no, 'not a Jepsen log line (expected `INFO  jepsen.util - <process> :<type> :<f> <value>`)');
    }
    const [, proc, type, f, argText] = m;
    if (f !== 'read' && f !== 'write' && f !== 'cas') throw new ParseError(no, `unknown operation ':${f}' (expected :read, :write or :cas)`);
    const arg = jepsenArg(argText, no);

    if (type === 'invoke') {
      let input: RegisterInput;
      if (f === 'read') input = { f: 'read' };
      else if (f === 'write') {
        if (arg.kind !== 'int') throw new ParseError(no, 'a write needs an integer');
        input = { f: 'write', value: arg.v };
      } else {
        if (arg.kind !== 'pair') throw new ParseError(no, 'a cas needs [from to]');
        input = { f: 'cas', from: arg.a, to: arg.b };
      }
      // A process that invokes again without completing left its operation unknown.
      const earlier = pending.get(proc);
      if (earlier) unknownOutcome(proc, earlier);
      pending.set(proc, { line: no, f, input });
      continue;
    }

    const p = pending.get(proc);
    if (!p) throw new ParseError(no, `process ${proc} completes an operation it never invoked`);
    if (p.f !== f) throw new ParseError(no, `process ${proc} invoked a ${p.f} (line ${p.line}) but completes a ${f}`);
    pending.delete(proc);
    const done = (output: RegisterOutput) =>
      operations.push({ ref: `line ${p.line}`, client: proc, key: '', input: p.input, output, callAt: p.line, returnAt: no });

    if (type === 'info') {
      unknownOutcome(proc, p);
    } else if (type === 'fail') {
      // A cas that fails with its [from to] is etcd answering "compare failed": a completed
      // operation that saw a value other than `from`. Any other failure never took effect.
      if (f === 'cas' && arg.kind === 'pair') done(false);
      else dropped++;
    } else if (f === 'read') {
      if (arg.kind === 'nil') done(null);
      else if (arg.kind === 'int') done(arg.v);
      else throw new ParseError(no, 'a read returns an integer or nil');
    } else if (f === 'write') {
      done(null);
    } else {
      done(true);
    }
  }
  // Never completed: unknown outcome. Map order is insertion order: deterministic.
  for (const [proc, p] of pending) unknownOutcome(proc, p);
  return { format: 'jepsen-etcd', model: 'register', operations, dropped };
}

// ---------------------------------------------------------------------------------------
// Key-value EDN lines: `{:process 0, :type :invoke, :f :append, :key "4", :value "x 0 1 y"}`

type EdnValue = string | number | boolean | null | { keyword: string };

/** Reads one flat EDN map of keyword keys to scalar values: all these lines hold. */
function ednMap(line: string, lineNo: number): Map<string, EdnValue> {
  const out = new Map<string, EdnValue>();
  let i = 0;
  const fail = (what: string): never => {
    throw new ParseError(lineNo, `${what} at column ${i + 1}`);
  };
  const skipSpace = () => {
    while (i < line.length && (line[i] === ' ' || line[i] === '\t' || line[i] === ',')) i++;
  };
  const word = () => {
    const start = i;
    while (i < line.length && /[^\s,{}[\]"]/.test(line[i])) i++;
    return line.slice(start, i);
  };
  skipSpace();
  if (line[i] !== '{') fail("expected '{'");
  i++;
  for (;;) {
    skipSpace();
    if (i >= line.length) fail("expected '}'");
    if (line[i] === '}') {
      i++;
      break;
    }
    if (line[i] !== ':') fail('expected a keyword key');
    const key = word();
    skipSpace();
    let value: EdnValue;
    if (line[i] === '"') {
      i++;
      let s = '';
      for (;;) {
        if (i >= line.length) fail('unterminated string');
        const ch = line[i++];
        if (ch === '"') break;
        if (ch !== '\\') {
          s += ch;
          continue;
        }
        const esc = line[i++];
        if (esc === 'n') s += '\n';
        else if (esc === 't') s += '\t';
        else if (esc === 'r') s += '\r';
        else if (esc === '"' || esc === '\\') s += esc;
        else fail(`unknown escape '\\${esc ?? ''}'`);
      }
      value = s;
    } else {
      const w = word();
      if (w === '') fail('expected a value');
      if (w === 'nil') value = null;
      else if (w === 'true' || w === 'false') value = w === 'true';
      else if (/^-?\d+$/.test(w)) value = safeInt(w, lineNo);
      else if (/^:[^:]/.test(w)) value = { keyword: w.slice(1) };
      else fail(`cannot read the value '${w}'`);
    }
    if (out.has(key.slice(1))) fail(`duplicate key ${key}`);
    out.set(key.slice(1), value!);
  }
  skipSpace();
  if (i < line.length) fail('unexpected text after the map');
  return out;
}

function keyword(v: EdnValue | undefined): string | undefined {
  return typeof v === 'object' && v !== null ? v.keyword : undefined;
}

interface PendingKv {
  line: number;
  f: 'get' | 'put' | 'append';
  key: string;
  input: KvInput;
}

export function parseKvEdn(text: string): ParsedHistory {
  const operations: Operation<KvInput, KvOutput>[] = [];
  const pending = new Map<string, PendingKv>();
  let dropped = 0;

  const unknownOutcome = (proc: string, p: PendingKv) => {
    if (p.f === 'get') dropped++;
    else operations.push({ ref: `line ${p.line}`, client: proc, key: p.key, input: p.input, output: undefined, callAt: p.line, returnAt: Infinity });
  };

  for (const [no, line] of lines(text)) {
    if (line.trim() === '') continue;
    const map = ednMap(line, no);
    const procValue = map.get('process');
    // Jepsen's nemesis logs its faults as :process :nemesis; they are not client operations.
    if (keyword(procValue) === 'nemesis') continue;
    if (typeof procValue !== 'number') throw new ParseError(no, ':process must be an integer');
    const proc = String(procValue);
    const type = keyword(map.get('type'));
    if (type !== 'invoke' && type !== 'ok' && type !== 'fail' && type !== 'info') throw new ParseError(no, ':type must be :invoke, :ok, :fail or :info');
    const f = keyword(map.get('f'));
    if (f !== 'get' && f !== 'put' && f !== 'append') throw new ParseError(no, ':f must be :get, :put or :append');
    const keyValue = map.get('key');
    if (typeof keyValue !== 'string' && typeof keyValue !== 'number') throw new ParseError(no, ':key must be a string or an integer');
    const key = String(keyValue);
    const value = map.get('value');

    if (type === 'invoke') {
      let input: KvInput;
      if (f === 'get') input = { f: 'get' };
      else if (typeof value !== 'string') throw new ParseError(no, `a ${f} needs a string :value`);
      else input = { f, value };
      const earlier = pending.get(proc);
      if (earlier) unknownOutcome(proc, earlier);
      pending.set(proc, { line: no, f, key, input });
      continue;
    }

    const p = pending.get(proc);
    if (!p) throw new ParseError(no, `process ${proc} completes an operation it never invoked`);
    if (p.f !== f || p.key !== key) throw new ParseError(no, `process ${proc} invoked ${p.f} on key "${p.key}" (line ${p.line}) but completes ${f} on key "${key}"`);
    pending.delete(proc);
    if (type === 'info') {
      unknownOutcome(proc, p);
    } else if (type === 'fail') {
      dropped++;
    } else if (f === 'get') {
      if (value !== null && typeof value !== 'string') throw new ParseError(no, 'a get returns a string or nil');
      operations.push({ ref: `line ${p.line}`, client: proc, key, input: p.input, output: value ?? '', callAt: p.line, returnAt: no });
    } else {
      operations.push({ ref: `line ${p.line}`, client: proc, key, input: p.input, output: null, callAt: p.line, returnAt: no });
    }
  }
  for (const [proc, p] of pending) unknownOutcome(proc, p);
  return { format: 'kv-edn', model: 'kv', operations, dropped };
}

// ---------------------------------------------------------------------------------------
// The project's JSON: an array of HistoryEntry, or `{ "history": [...] }` as the app exports.

export function parseProjectJson(text: string): ParsedHistory {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // Not every engine says where (Node 20 often does not), so find the place ourselves.
    const offset = jsonErrorOffset(text);
    throw new ParseError(offset === undefined ? 1 : lineAt(text, offset), `invalid JSON: ${message}`);
  }
  let entries: unknown;
  let nested = false;
  if (Array.isArray(data)) entries = data;
  else if (typeof data === 'object' && data !== null && Array.isArray((data as { history?: unknown }).history)) {
    entries = (data as { history: unknown[] }).history;
    nested = true;
  } else {
    throw new ParseError(1, 'expected an array of history entries or an object { "history": [...] }');
  }
  try {
    const { operations, dropped } = fromHistoryEntries(entries as unknown[]);
    return { format: 'json', model: 'register', operations, dropped };
  } catch (err) {
    if (err instanceof HistoryFormatError) {
      const offset = elementOffset(text, err.entry, nested);
      throw new ParseError(offset === undefined ? 1 : lineAt(text, offset), err.message);
    }
    throw err;
  }
}

/**
 * Where the `index`-th element of the history array starts in the JSON text, found by
 * scanning brackets and strings, so an error in a long export names its line. `nested`:
 * the array is the value of the top-level `history` field.
 */
function elementOffset(text: string, index: number, nested: boolean): number | undefined {
  const targetDepth = nested ? 2 : 1;
  let depth = 0;
  let element = -1;
  let expecting = false;
  let inTarget = false;
  let lastString = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    const space = ch === ' ' || ch === '\n' || ch === '\r' || ch === '\t';
    if (inTarget && expecting && depth === targetDepth && !space && ch !== ']') {
      element++;
      if (element === index) return i;
      expecting = false;
    }
    if (ch === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      lastString = text.slice(start + 1, i);
      continue;
    }
    if (space) continue;
    if (ch === ',' && inTarget && depth === targetDepth) {
      expecting = true;
    } else if (ch === '[' || ch === '{') {
      depth++;
      if (!inTarget && element === -1 && ch === '[' && depth === targetDepth && (!nested || lastString === 'history')) {
        inTarget = true;
        expecting = true;
      }
    } else if (ch === ']' || ch === '}') {
      if (inTarget && depth === targetDepth) return undefined;
      depth--;
    }
  }
  return undefined;
}

const JSON_NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const JSON_LITERAL = /true|false|null/y;

/**
 * The offset of the first JSON syntax error, or undefined if the text is valid. Only used
 * to place an error JSON.parse already found; iterative, so deep nesting cannot overflow
 * the stack.
 */
export function jsonErrorOffset(text: string): number | undefined {
  const n = text.length;
  let i = 0;
  const open: string[] = [];
  let expect: 'value' | 'key' | 'after' = 'value';
  const space = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  /** Moves past a string starting at i; false at a malformed one (i is then the culprit). */
  const string = (): boolean => {
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return true;
      }
      if (c < 0x20) return false;
      if (c === 92) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return false;
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else return false;
      } else i++;
    }
    return false;
  };
  for (;;) {
    space();
    if (expect === 'after') {
      if (open.length === 0) return i < n ? i : undefined;
      const top = open[open.length - 1];
      if (text[i] === ',') {
        i++;
        expect = top === '{' ? 'key' : 'value';
      } else if ((text[i] === ']' && top === '[') || (text[i] === '}' && top === '{')) {
        i++;
        open.pop();
      } else return i;
      continue;
    }
    if (i >= n) return n;
    if (expect === 'key') {
      if (text[i] !== '"' || !string()) return i;
      space();
      if (text[i] !== ':') return i;
      i++;
      expect = 'value';
      continue;
    }
    const c = text[i];
    if (c === '{' || c === '[') {
      open.push(c);
      i++;
      space();
      if (text[i] === (c === '{' ? '}' : ']')) {
        i++;
        open.pop();
        expect = 'after';
      } else expect = c === '{' ? 'key' : 'value';
      continue;
    }
    if (c === '"') {
      if (!string()) return i;
    } else {
      JSON_NUMBER.lastIndex = i;
      JSON_LITERAL.lastIndex = i;
      if (JSON_NUMBER.test(text)) i = JSON_NUMBER.lastIndex;
      else if (JSON_LITERAL.test(text)) i = JSON_LITERAL.lastIndex;
      else return i;
    }
    expect = 'after';
  }
}
