// The one validator: every scenario that enters Faultline (a file, a share link, pasted JSON,
// an embed attribute, a CLI argument) passes through here and comes out either as a Scenario
// the simulation can trust or as a list of errors a person can act on. Nothing throws past
// it and nothing half-loads, because a bad link must never replace a learner's saved work.
//
// The order matters: the size and nesting of text are checked before JSON.parse sees it (which
// would allocate or recurse in proportion to it), the value is copied into fresh plain objects before any rule reads it (so no
// getter, prototype or `__proto__` key of the input can reach the rest of the program), then
// the document is migrated to the current format, then the v1 rules run over the copy.

import { FAULT_KIND_NAMES, SIMULATED_KINDS } from '../sim/world';
import type { NodeKind } from '../sim/spec';
import { LINK_PARAMS, NODE_BASE_PARAMS, NODE_KINDS, SITE_PARAMS, nodeParams, type AddressForms, type NumberParam, type Param, type ParamTable } from '../sim/params';
import { DAY_MS, WEEK_MS } from '../sim/params/bounds';
import { ENDPOINT_REPOINT, REQUEST_TARGET } from '../sim/params/address';
import { FAULT_PARAMS, type FaultDescriptor, type FaultKind } from '../sim/params/faults';
import { ORCHESTRATOR_DEFAULTS, leaseMsOf } from '../sim/params/orchestrator';
import { migrate } from './migrate';
import { applyWhatIf, type WhatIf, type WhatIfChange } from './what-if';
import type { Scenario, ValidationError, ValidationResult } from './types';

/** Every bound the validator enforces, in one place so the UI and docs can quote them. */
export const SCENARIO_LIMITS = {
  textChars: 5_000_000,
  depth: 32,
  values: 200_000,
  errors: 100,
  titleChars: 200,
  labelChars: 100,
  sites: 50,
  links: 500,
  nodes: 500,
  faults: 10_000,
  narration: 1000,
  narrationChars: 2000,
  durationMs: 604_800_000,
  maxEvents: 200_000_000,
  teaserChars: 300,
  sourceChars: 500,
  questionChars: 500,
  choices: 6,
  choiceChars: 200,
  whatIfs: 20,
  whatIfChanges: 50,
} as const;

export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** The node kinds format v1 names; SIMULATED_KINDS says which of them this version runs. */
export const V1_NODE_KINDS: readonly NodeKind[] = NODE_KINDS;

// Keys that reach Object.prototype through ordinary property writes in code that later handles
// the scenario (a merge, a spread into a class...): refused wherever they appear.
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const L = SCENARIO_LIMITS;

// ---------------------------------------------------------------------------------------------
// Entry points

export function parseScenario(text: string): ValidationResult {
  try {
    const read = parseJsonText(text, SCENARIO_DOCUMENT);
    return read.ok ? validateScenario(read.value) : read;
  } catch (e) {
    return unexpected(e);
  }
}

/**
 * What kind of document a text or value is read as: its name in messages and its limits.
 * Scenarios are one kind; challenges (src/scenario/challenge) embed a scenario and read
 * through the same rules.
 */
export interface DocumentKind {
  /** The whole document in a message: "the scenario". */
  whole: string;
  /** One such document: "a scenario". */
  one: string;
  textChars: number;
  depth: number;
  values: number;
}

export const SCENARIO_DOCUMENT: DocumentKind = { whole: 'the scenario', one: 'a scenario', textChars: L.textChars, depth: L.depth, values: L.values };

/**
 * Text to a parsed JSON value, refusing what is too big or too deep before JSON.parse sees it
 * and naming the line and column of a syntax error. The value still needs its kind's rules.
 */
export function parseJsonText(text: unknown, kind: DocumentKind): { ok: true; value: unknown } | { ok: false; errors: ValidationError[] } {
  const fail = (rest: string) => {
    const r = new Report(kind);
    r.add('', rest);
    return { ok: false as const, errors: r.errors };
  };
  if (typeof text !== 'string') return fail(`must be given as text; found ${typeName(text)}`);
  if (text.length > kind.textChars) {
    const mb = (text.length / 1e6).toFixed(1);
    return fail(`is ${mb} MB (${fmt(text.length)} characters); the limit is ${fmt(kind.textChars / 1e6)} MB (${fmt(kind.textChars)} characters)`);
  }
  // Editors on some systems save a byte-order mark that JSON.parse refuses.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  // JSON.parse recurses; input nested thousands deep would overflow the stack inside it.
  const deepAt = tooDeepAt(body, kind.depth);
  if (deepAt >= 0) return fail(`nests deeper than ${kind.depth} levels (${lineColumn(body, deepAt)}); ${kind.one} needs only a few`);
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch (e) {
    // Engines word (and place) syntax errors differently, and V8 omits the position for
    // some; our own scan gives the same answer in every browser and in Node.
    const found = findSyntaxError(body);
    const where = found ? `${lineColumn(body, found.at)}, ${found.problem}` : errorText(e);
    return fail(`is not valid JSON: ${where}`);
  }
}

export function validateScenario(value: unknown): ValidationResult {
  try {
    const report = new Report();
    const copied = copyJsonData(value, report);
    if (!copied.ok) return { ok: false, errors: report.errors };

    const migrated = migrate(copied.value);
    if (!migrated.ok) {
      // The v1 rules say nothing useful about a document in another format.
      for (const e of migrated.errors) report.push(e);
      return { ok: false, errors: report.errors };
    }
    const doc = migrated.doc;
    checkScenario(doc, report);

    // NaN and Infinity can only arrive from JavaScript callers, and JSON would turn them into
    // null on the next save; a rule for the field has usually said so already.
    for (const path of copied.nonFinite) {
      if (!report.mentions(path)) report.add(path, 'must be a finite number; found a value JSON cannot carry (NaN or Infinity)');
    }
    if (report.errors.length > 0) return { ok: false, errors: report.errors };
    return { ok: true, scenario: doc as Scenario };
  } catch (e) {
    return unexpected(e);
  }
}

// ---------------------------------------------------------------------------------------------
// Errors

type Rec = Record<string, unknown>;

export class Report {
  readonly errors: ValidationError[] = [];
  private readonly paths = new Set<string>();

  constructor(readonly kind: DocumentKind = SCENARIO_DOCUMENT) {}

  /** Adds "<path> <rest>": every message starts with the place it is about. */
  add(path: string, rest: string): void {
    this.push({ path, message: `${path === '' ? this.kind.whole : path} ${rest}` });
  }

  push(error: ValidationError): void {
    this.paths.add(error.path);
    // A thousand copies of one mistake help no one; the last slot says that more were found.
    if (this.errors.length < L.errors - 1) this.errors.push(error);
    else if (this.errors.length === L.errors - 1) {
      this.errors.push({ path: '', message: `${this.kind.whole} has more than ${L.errors - 1} errors; fix these and check again to see the rest` });
    }
  }

  mentions(path: string): boolean {
    return this.paths.has(path);
  }
}

function failure(path: string, rest: string): ValidationResult {
  const r = new Report();
  r.add(path, rest);
  return { ok: false, errors: r.errors };
}

function unexpected(e: unknown): ValidationResult {
  return failure('', `could not be checked because of an unexpected error: ${errorText(e)}`);
}

// Anything can be thrown, including values whose toString throws.
function errorText(e: unknown): string {
  try {
    return e instanceof Error ? e.message : String(e);
  } catch {
    return 'an unreadable error';
  }
}

// ---------------------------------------------------------------------------------------------
// Text: size, nesting and syntax, before and instead of trusting JSON.parse with them

/** Index of the bracket that opens level depth+1, or -1: counts brackets outside strings. */
function tooDeepAt(text: string, maxDepth: number): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: the next character is escaped, even a quote
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) return i;
    } else if ((c === 0x7d || c === 0x5d) && depth > 0) depth--;
  }
  return -1;
}

function lineColumn(text: string, at: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < at && i < text.length; i++) {
    if (text.charCodeAt(i) === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return `at line ${line}, column ${at - lineStart + 1}`;
}

/**
 * The first place where `text` stops being JSON (RFC 8259), with what was expected there.
 * Only called after JSON.parse has failed, and nesting is already known to be shallow.
 */
function findSyntaxError(text: string): { at: number; problem: string } | null {
  const n = text.length;
  const stack: ('{' | '[')[] = [];
  let i = 0;
  let want: 'value' | 'key' | 'after' = 'value';

  const skipSpace = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
      else break;
    }
  };
  const found = () => (i >= n ? 'the end of the text' : showChar(text, i));
  const error = (problem: string, at = i) => ({ at, problem });

  const scanString = () => {
    const start = i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return null;
      }
      if (c < 0x20) return error('a line break or control character inside a string (write it as \\n, \\t...)');
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return error('\\u must be followed by four hexadecimal digits');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else return error(`an unknown escape \\${e ?? ''} inside a string`);
      } else i++;
    }
    return error('a string that is never closed', start);
  };

  const scanNumber = () => {
    const digits = () => {
      const from = i;
      while (i < n && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39) i++;
      return i > from;
    };
    const start = i;
    if (text[i] === '-') i++;
    if (text[i] === '0') {
      i++;
      if (i < n && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39) return error('a number that starts with 0 (JSON has no leading zeros)', start);
    } else if (!digits()) return error(`expected a digit but found ${found()}`);
    if (text[i] === '.') {
      i++;
      if (!digits()) return error(`expected a digit after the decimal point but found ${found()}`);
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      if (!digits()) return error(`expected a digit in the exponent but found ${found()}`);
    }
    return null;
  };

  for (;;) {
    skipSpace();
    if (want === 'value') {
      if (i >= n) return error(stack.length > 0 ? 'the text ends where a value should be' : 'the text is empty');
      const c = text[i];
      if (c === '{' || c === '[') {
        stack.push(c);
        i++;
        skipSpace();
        if (text[i] === (c === '{' ? '}' : ']')) {
          stack.pop();
          i++;
          want = 'after';
        } else want = c === '{' ? 'key' : 'value';
        continue;
      }
      const literal = ['true', 'false', 'null'].find((w) => text.startsWith(w, i));
      if (literal) i += literal.length;
      else {
        const e = c === '"' ? scanString()
          : c === '-' || (c >= '0' && c <= '9') ? scanNumber()
          : error(`expected a value (an object, a list, a string in double quotes, a number, true, false or null) but found ${found()}`);
        if (e) return e;
      }
      want = 'after';
    } else if (want === 'key') {
      if (text[i] !== '"') {
        const trailing = text[i] === '}' ? ' (JSON allows no comma before the closing brace)' : '';
        return error(`expected a property name in double quotes but found ${found()}${trailing}`);
      }
      const e = scanString();
      if (e) return e;
      skipSpace();
      if (text[i] !== ':') return error(`expected ':' after the property name but found ${found()}`);
      i++;
      want = 'value';
    } else {
      const top = stack[stack.length - 1];
      if (top === undefined) return i < n ? error(`expected the end of the text after the JSON value but found ${found()}`) : null;
      const close = top === '{' ? '}' : ']';
      if (text[i] === ',') {
        i++;
        skipSpace();
        if (top === '[' && text[i] === ']') return error("found ']' right after a comma (JSON allows no comma before the closing bracket)");
        want = top === '{' ? 'key' : 'value';
      } else if (text[i] === close) {
        stack.pop();
        i++;
      } else return error(`expected ',' or '${close}' but found ${found()}`);
    }
  }
}

function showChar(text: string, i: number): string {
  const ch = String.fromCodePoint(text.codePointAt(i) ?? 0);
  if (ch === "'") return `"'" (JSON strings use double quotes)`;
  return `'${JSON.stringify(ch).slice(1, -1)}'`;
}

// ---------------------------------------------------------------------------------------------
// Copy: the only place that reads the caller's value

export type Copied = { ok: true; value: unknown; nonFinite: string[] } | { ok: false };

interface Frame {
  from: unknown[] | Rec;
  to: unknown[] | Rec;
  path: string;
  depth: number;
}

/**
 * Deep-copies plain JSON data into fresh objects, iteratively (a recursive walk of a deep
 * value overflows the stack), refusing forbidden keys and anything JSON cannot carry. Stops
 * at the depth or size limit: a value that big is not a scenario, and checking it further
 * would only cost time.
 */
export function copyJsonData(root: unknown, r: Report): Copied {
  const { depth: maxDepth, values: maxValues, one } = r.kind;
  const nonFinite: string[] = [];
  const queue: Frame[] = [];
  let values = 0;
  let tooDeep: string | null = null;

  // A leaf's copy, a new empty container (queued to be filled), or `skip` after an error.
  const skip = Symbol('skip');
  const copy = (v: unknown, path: string, depth: number): unknown => {
    values++;
    switch (typeof v) {
      case 'string':
      case 'boolean':
        return v;
      case 'number':
        if (!Number.isFinite(v)) nonFinite.push(path);
        return Object.is(v, -0) ? 0 : v; // JSON writes -0 as 0; keep round trips exact
      case 'object': {
        if (v === null) return null;
        if (depth > maxDepth) {
          tooDeep = path;
          return skip;
        }
        if (Array.isArray(v)) {
          const to: unknown[] = [];
          queue.push({ from: v, to, path, depth });
          return to;
        }
        if (isPlainObject(v)) {
          const to: Rec = {};
          queue.push({ from: v as Rec, to, path, depth });
          return to;
        }
        r.add(path, `must be plain JSON data; found a ${Object.prototype.toString.call(v).slice(8, -1)} object`);
        return skip;
      }
      default:
        r.add(path, `is ${typeof v === 'undefined' ? 'undefined' : `a ${typeof v}`}, which JSON cannot carry`);
        return skip;
    }
  };

  const value = copy(root, '', 1);
  // Breadth first, so errors near the top of the document are listed first.
  for (let q = 0; q < queue.length && values <= maxValues && tooDeep === null; q++) {
    const { from, to, path, depth } = queue[q];
    if (Array.isArray(from)) {
      const items = to as unknown[];
      for (let i = 0; i < from.length && values <= maxValues; i++) {
        const c = copy(from[i], `${path}[${i}]`, depth + 1);
        items.push(c === skip ? null : c);
      }
    } else {
      const obj = to as Rec;
      for (const key of Object.keys(from)) {
        if (values > maxValues) break;
        const childPath = joinKey(path, key);
        if (FORBIDDEN_KEYS.has(key)) {
          r.add(childPath, `is not allowed as a key: '${key}' can change how every object in the program behaves`);
          continue;
        }
        const v = from[key];
        // JSON.stringify drops undefined properties too; callers building specs in code use them for "not set".
        if (v === undefined) continue;
        const c = copy(v, childPath, depth + 1);
        // Safe as a plain assignment: the one key that would set the prototype is refused above.
        if (c !== skip) obj[key] = c;
      }
    }
  }
  // Also what stops a cyclic value (a.self = a): its copy would be infinitely deep.
  if (tooDeep !== null) {
    r.add(tooDeep, `nests deeper than ${maxDepth} levels; ${one} needs only a few`);
    return { ok: false };
  }
  if (values > maxValues) {
    r.add('', `holds more than ${fmt(maxValues)} values; even a large ${one.replace(/^an? /, '')} needs far fewer`);
    return { ok: false };
  }
  return value === skip ? { ok: false } : { ok: true, value, nonFinite };
}

// Plain objects only: a Date, a Map or a class instance means the caller handed over
// something other than parsed JSON. An object from another realm (an iframe) is still plain:
// its prototype is that realm's Object.prototype, whose own prototype is null.
function isPlainObject(v: object): boolean {
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

function joinKey(base: string, key: string): string {
  if (!/^[A-Za-z_$][\w$-]*$/.test(key)) return `${base}[${JSON.stringify(key)}]`;
  return base === '' ? key : `${base}.${key}`;
}

// ---------------------------------------------------------------------------------------------
// Field helpers: "expect this kind of value at this path", each reporting in one voice

interface NumberRule {
  min?: number;
  /** Exclusive lower bound. */
  above?: number;
  max?: number;
  integer?: boolean;
  /** A value outside the range that is allowed too, and what it means ("0: no throttle"). */
  off?: { value: number; means: string };
  /** Why the bound is what it is, when that is not obvious. */
  note?: string;
}

function at(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  return base === '' ? key : `${base}.${key}`;
}

// Own properties only: the copy is a plain object, and a rule that asked for `toString` or
// `constructor` must not get Object.prototype's.
function get(o: Rec, key: string): unknown {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

// Built once: toLocaleString builds a formatter per call, which made big scenarios slow.
const NUMBER_FORMAT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 6 });

function fmt(n: number): string {
  return NUMBER_FORMAT.format(n);
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'undefined') return 'nothing';
  return `a ${typeof v}`;
}

/** A value as it appears in a message: strings quoted and shortened, numbers as written. */
function show(v: unknown): string {
  if (typeof v === 'string') return quote(v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  return typeName(v);
}

function quote(s: string): string {
  const cut = s.length > 60 ? `${s.slice(0, 60)}…` : s;
  return `'${cut}'`;
}

function listOf(words: readonly string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

function numberExpectation(rule: NumberRule): string {
  const what = rule.integer ? 'an integer' : 'a number';
  const { min, above, max } = rule;
  let range = '';
  if (min !== undefined && max !== undefined) range = ` from ${fmt(min)} to ${fmt(max)}`;
  else if (above !== undefined && max !== undefined) range = ` greater than ${fmt(above)} and at most ${fmt(max)}`;
  else if (above !== undefined) range = ` greater than ${fmt(above)}`;
  else if (min !== undefined) range = ` of at least ${fmt(min)}`;
  else if (max !== undefined) range = ` of at most ${fmt(max)}`;
  const off = rule.off ? `${fmt(rule.off.value)} (${rule.off.means}) or ` : '';
  return `${off}${what}${range}${rule.note ? ` ${rule.note}` : ''}`;
}

function missing(r: Report, path: string, expected: string): void {
  r.add(path, `is missing; it must be ${expected}`);
}

function checkNumber(r: Report, value: unknown, path: string, rule: NumberRule): number | undefined {
  if (typeof value !== 'number') {
    r.add(path, `must be ${numberExpectation(rule)}; found ${typeName(value)}`);
    return undefined;
  }
  const ok = (rule.off !== undefined && value === rule.off.value) || Number.isFinite(value)
    && (!rule.integer || Number.isSafeInteger(value))
    && (rule.min === undefined || value >= rule.min)
    && (rule.above === undefined || value > rule.above)
    && (rule.max === undefined || value <= rule.max);
  if (!ok) {
    r.add(path, `must be ${numberExpectation(rule)}; found ${shownNumber(value)}`);
    return undefined;
  }
  return value;
}

/**
 * A number as found. Past 2^53 the parsed value is not what was written (9007199254740993
 * reads as 9007199254740992), and below 1e21 String() would print those wrong digits as if
 * they had been written: say what is true instead.
 */
function shownNumber(value: number): string {
  if (Math.abs(value) > Number.MAX_SAFE_INTEGER && Math.abs(value) < 1e21) {
    return `a number beyond ${value < 0 ? '-' : ''}${fmt(Number.MAX_SAFE_INTEGER)}, too large to be read exactly (its last digits are lost)`;
  }
  return String(value);
}

function num(r: Report, o: Rec, key: string, base: string, rule: NumberRule & { required?: boolean }): number | undefined {
  const path = at(base, key);
  const value = get(o, key);
  if (value === undefined) {
    if (rule.required) missing(r, path, numberExpectation(rule));
    return undefined;
  }
  return checkNumber(r, value, path, rule);
}

function str(r: Report, o: Rec, key: string, base: string, rule: { required?: boolean; min?: number; max: number }): string | undefined {
  const path = at(base, key);
  const value = get(o, key);
  const expected = `a string of ${rule.min ? `${rule.min} to ${fmt(rule.max)}` : `at most ${fmt(rule.max)}`} characters`;
  if (value === undefined) {
    if (rule.required) missing(r, path, expected);
    return undefined;
  }
  if (typeof value !== 'string') r.add(path, `must be ${expected}; found ${typeName(value)}`);
  else if (value.length > rule.max) r.add(path, `is ${fmt(value.length)} characters long; the limit is ${fmt(rule.max)}`);
  else if (value.length < (rule.min ?? 0)) r.add(path, 'must not be empty');
  else return value;
  return undefined;
}

function oneOf<T extends string>(r: Report, o: Rec, key: string, base: string, allowed: readonly T[], required: boolean): T | undefined {
  const path = at(base, key);
  const value = get(o, key);
  const expected = `one of ${allowed.join(', ')}`;
  if (value === undefined) {
    if (required) missing(r, path, expected);
    return undefined;
  }
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  r.add(path, `must be ${expected}; found ${show(value)}`);
  return undefined;
}

const ID_RULE = "1 to 64 letters, digits, '_', '.' or '-', starting with a letter or digit";

function idField(r: Report, o: Rec, key: string, base: string, required: boolean): string | undefined {
  const path = at(base, key);
  const value = get(o, key);
  if (value === undefined) {
    if (required) missing(r, path, `an id (${ID_RULE})`);
    return undefined;
  }
  if (typeof value !== 'string') r.add(path, `must be an id (${ID_RULE}); found ${typeName(value)}`);
  else if (!ID_PATTERN.test(value)) r.add(path, `${quote(value)} is not a valid id: use ${ID_RULE}`);
  else return value;
  return undefined;
}

function record(r: Report, value: unknown, path: string, what: string): Rec | undefined {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Rec;
  r.add(path, `must be ${what}; found ${typeName(value)}`);
  return undefined;
}

function list(r: Report, o: Rec, key: string, base: string, rule: { required?: boolean; min?: number; max: number; of: string }): unknown[] | undefined {
  const path = at(base, key);
  const value = get(o, key);
  const expected = `a list of ${rule.min ? `${rule.min} to ${fmt(rule.max)}` : `at most ${fmt(rule.max)}`} ${rule.of}`;
  if (value === undefined) {
    if (rule.required) missing(r, path, expected);
    return undefined;
  }
  if (!Array.isArray(value)) {
    r.add(path, `must be ${expected}; found ${typeName(value)}`);
    return undefined;
  }
  if (value.length < (rule.min ?? 0)) r.add(path, `must not be empty; it must be ${expected}`);
  // Entries past the limit are still checked: one run shows every problem.
  if (value.length > rule.max) r.add(path, `has ${fmt(value.length)} entries; the limit is ${fmt(rule.max)}`);
  return value;
}

// ---------------------------------------------------------------------------------------------
// References between parts of the document

interface NodeInfo {
  /** Undefined when the node's own kind is wrong: it has an error already, so references to it stay quiet. */
  kind: NodeKind | undefined;
  path: string;
  /** The site it runs in, as declared (a partition naming the site stands for it). */
  site: unknown;
}

interface Index {
  sites: Set<string>;
  nodes: Map<string, NodeInfo>;
  /** Databases declared `provisioned: false`. */
  spares: Set<string>;
  /** Linked site pairs, as `a b` with a < b. */
  linked: Set<string>;
}

function pairKey(a: string, b: string): string {
  return a < b ? `${a} ${b}` : `${b} ${a}`;
}

function aKind(kind: string): string {
  return `${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind}`;
}

/** Checks that `value` names a node of one of `kinds`; returns the node's kind when it does. */
function nodeRef(r: Report, ix: Index, value: unknown, path: string, kinds: readonly NodeKind[] | 'any'): NodeKind | undefined {
  const wanted = kinds === 'any' ? 'a node' : listOf(kinds.map(aKind));
  if (typeof value !== 'string') {
    r.add(path, `must be the id of ${wanted}; found ${typeName(value)}`);
    return undefined;
  }
  const node = ix.nodes.get(value);
  if (!node) {
    const hint = ix.sites.has(value) ? ', not a node' : '';
    r.add(path, `names ${quote(value)}, which is ${hint ? 'a site' : 'not a node'}${hint}`);
    return undefined;
  }
  if (node.kind === undefined) return undefined;
  if (kinds !== 'any' && !kinds.includes(node.kind)) {
    r.add(path, `names ${quote(value)}, which is ${aKind(node.kind)}, not ${wanted}`);
    return undefined;
  }
  return node.kind;
}

function siteRef(r: Report, ix: Index, value: unknown, path: string): string | undefined {
  if (typeof value !== 'string') {
    r.add(path, `must be the id of a site; found ${typeName(value)}`);
    return undefined;
  }
  if (ix.sites.has(value)) return value;
  r.add(path, `names ${quote(value)}, which is ${ix.nodes.has(value) ? 'a node, not a site' : 'not a site'}`);
  return undefined;
}

/**
 * Where requests go: a client's target, an endpoint's record, a repoint's destination. Each
 * accepts a different subset of the three spellings, as the components do.
 */
type AddressRule = AddressForms;

function addressExpectation(rule: AddressRule): string {
  const forms: string[] = [];
  if (rule.rolePrimary) forms.push('role:primary');
  if (rule.endpoint) forms.push('an endpoint id');
  if (rule.bareDatabase) forms.push('a database id');
  if (rule.proxies) forms.push('a cache or balancer id');
  forms.push('node:<database id>');
  return listOf(forms);
}

function address(r: Report, ix: Index, value: unknown, path: string, rule: AddressRule): void {
  const expected = addressExpectation(rule);
  if (typeof value !== 'string') {
    r.add(path, `must be ${expected}; found ${typeName(value)}`);
    return;
  }
  if (value === 'role:primary') {
    if (!rule.rolePrimary) r.add(path, `must be ${expected}; 'role:primary' is only for endpoints`);
    return;
  }
  if (value.startsWith('node:')) {
    const id = value.slice('node:'.length);
    const node = ix.nodes.get(id);
    if (!node) r.add(path, `names ${quote(value)}, but ${quote(id)} is not a node`);
    else if (node.kind !== undefined && node.kind !== 'database') r.add(path, `names ${quote(value)}, but ${quote(id)} is ${aKind(node.kind)}, not a database`);
    return;
  }
  if (!rule.endpoint && !rule.bareDatabase) {
    const hint = ix.nodes.get(value)?.kind === 'database' ? ` (write 'node:${value}' to name that database)` : '';
    r.add(path, `must be ${expected}; found ${quote(value)}${hint}`);
    return;
  }
  const kinds: NodeKind[] = [];
  if (rule.endpoint) kinds.push('endpoint');
  if (rule.bareDatabase) kinds.push('database');
  if (rule.proxies) kinds.push('cache', 'balancer');
  nodeRef(r, ix, value, path, kinds);
}

// ---------------------------------------------------------------------------------------------
// The v1 rules

/** A moment of a run: from its start to the end of the longest run there can be. */
const MOMENT: NumberRule = { min: 0, max: WEEK_MS, note: '(7 days, the longest run)' };
/** When a fault heals: past the end of the run it never heals in it, so a year is plenty. */
const HEAL: NumberRule = { min: 0, max: 365 * DAY_MS, note: '(a year; a time past the end of the run means it never heals)' };

function checkScenario(doc: Rec, r: Report): void {
  str(r, doc, 'title', '', { max: L.titleChars });
  num(r, doc, 'seed', '', { required: true, integer: true });
  const durationMs = num(r, doc, 'durationMs', '', { required: true, above: 0, max: L.durationMs, note: '(7 days)' });

  const ix: Index = { sites: new Set(), nodes: new Map(), spares: new Set(), linked: new Set() };
  checkSites(r, doc, ix);
  if (get(doc, 'links') === undefined) doc.links = [];
  checkLinks(r, doc, ix);
  checkNodes(r, doc, ix);
  if (get(doc, 'faults') === undefined) doc.faults = [];
  checkFaults(r, doc, ix, durationMs);
  checkNarration(r, doc, ix);
  str(r, doc, 'teaser', '', { max: L.teaserChars });
  str(r, doc, 'source', '', { max: L.sourceChars });

  const limits = get(doc, 'limits');
  if (limits !== undefined) {
    const o = record(r, limits, 'limits', 'an object such as { "maxEvents": 20000000 }');
    if (o) num(r, o, 'maxEvents', 'limits', { integer: true, min: 1, max: L.maxEvents });
  }
  // Last: a what-if is tried out only on a document every other rule passed, so a mistake
  // outside the what-ifs is reported once, not again as each fix's result.
  checkWhatIfs(r, doc, ix);
}

function checkSites(r: Report, doc: Rec, ix: Index): void {
  const sites = list(r, doc, 'sites', '', { required: true, min: 1, max: L.sites, of: 'sites' });
  const firstAt = new Map<string, string>();
  sites?.forEach((value, i) => {
    const base = at('sites', i);
    const o = record(r, value, base, 'an object such as { "id": "dc-a" }');
    if (!o) return;
    const id = idField(r, o, 'id', base, true);
    if (id !== undefined) {
      const first = firstAt.get(id);
      if (first) r.add(at(base, 'id'), `${quote(id)} is already the id of ${first}; site ids must be unique`);
      else {
        firstAt.set(id, base);
        ix.sites.add(id);
      }
    }
    checkTable(r, ix, o, base, SITE_PARAMS, ['id']);
  });
}

function checkLinks(r: Report, doc: Rec, ix: Index): void {
  const links = list(r, doc, 'links', '', { max: L.links, of: 'links' });
  const firstAt = new Map<string, string>();
  links?.forEach((value, i) => {
    const base = at('links', i);
    const o = record(r, value, base, 'an object such as { "between": ["dc-a", "dc-b"], "latencyMs": 40 }');
    if (!o) return;
    const pair = sitePair(r, ix, o, base, false);
    if (pair) {
      const key = pairKey(pair[0], pair[1]);
      const first = firstAt.get(key);
      if (first) r.add(at(base, 'between'), `joins ${quote(pair[0])} and ${quote(pair[1])}, which ${first} already joins; one link per pair of sites`);
      else {
        firstAt.set(key, base);
        ix.linked.add(key);
      }
    }
    checkTable(r, ix, o, base, LINK_PARAMS);
  });
}

/** `between` of a link (two different sites) or of a degrade-link fault (the same site twice allowed). */
function sitePair(r: Report, ix: Index, o: Rec, base: string, sameAllowed: boolean): [string, string] | undefined {
  const path = at(base, 'between');
  const value = get(o, 'between');
  const expected = 'a list of two site ids';
  if (value === undefined) {
    missing(r, path, expected);
    return undefined;
  }
  if (!Array.isArray(value) || value.length !== 2) {
    r.add(path, `must be ${expected}; found ${Array.isArray(value) ? `${value.length} entries` : typeName(value)}`);
    return undefined;
  }
  const a = siteRef(r, ix, value[0], at(path, 0));
  const b = siteRef(r, ix, value[1], at(path, 1));
  if (a === undefined || b === undefined) return undefined;
  if (a === b && !sameAllowed) {
    r.add(path, `names ${quote(a)} twice; a link joins two different sites (a site's own network is set by lanLatencyMs...)`);
    return undefined;
  }
  return [a, b];
}

function checkNodes(r: Report, doc: Rec, ix: Index): void {
  const nodes = list(r, doc, 'nodes', '', { required: true, min: 1, max: L.nodes, of: 'nodes' });
  if (!nodes) return;
  // Two passes: every node may name any other, wherever it appears in the list.
  const entries: { o: Rec; base: string; kind: NodeKind | undefined }[] = [];
  nodes.forEach((value, i) => {
    const base = at('nodes', i);
    const o = record(r, value, base, 'an object such as { "id": "db1", "kind": "database", ... }');
    if (!o) return;
    const id = idField(r, o, 'id', base, true);
    const kind = nodeKind(r, o, base);
    entries.push({ o, base, kind });
    if (id === undefined) return;
    const first = ix.nodes.get(id);
    if (first) r.add(at(base, 'id'), `${quote(id)} is already the id of ${first.path}; node ids must be unique`);
    else if (ix.sites.has(id)) r.add(at(base, 'id'), `${quote(id)} is also a site id; partitions name both nodes and sites, so their ids must differ`);
    else {
      ix.nodes.set(id, { kind, path: base, site: get(o, 'site') });
      if (kind === 'database' && get(o, 'provisioned') === false) ix.spares.add(id);
    }
  });

  for (const { o, base, kind } of entries) {
    // A kind's own rules first (they know what a field means next to the others); the table's
    // rules then check every field they left alone.
    if (kind !== undefined) KIND_RULES[kind](r, ix, o, base);
    checkTable(r, ix, o, base, kind === undefined ? NODE_BASE_PARAMS : nodeParams(kind), ['id', 'kind']);
  }
  checkReplicationCycles(r, ix, entries);
}

/** The node's kind when it is one this version runs; reports any other. */
function nodeKind(r: Report, o: Rec, base: string): NodeKind | undefined {
  const path = at(base, 'kind');
  const value = get(o, 'kind');
  if (value === undefined) {
    missing(r, path, `one of ${SIMULATED_KINDS.join(', ')}`);
    return undefined;
  }
  if (typeof value === 'string' && SIMULATED_KINDS.includes(value)) return value as NodeKind;
  if (isV1Kind(value)) {
    r.add(path, `${quote(value)} is part of format v1, but this version of Faultline does not simulate it yet`);
  } else {
    r.add(path, `must be one of ${V1_NODE_KINDS.join(', ')}; found ${show(value)}`);
  }
  return undefined;
}

function isV1Kind(value: unknown): value is NodeKind {
  return typeof value === 'string' && (V1_NODE_KINDS as readonly string[]).includes(value);
}

const FOLLOWER_ROLES = ['replica', 'standby'];

type KindRule = (r: Report, ix: Index, o: Rec, base: string) => void;

/**
 * What a kind's table cannot say: rules between fields, and between nodes. Every field's
 * type, bounds and references are checked from the tables (checkTable).
 */
const KIND_RULES: Record<NodeKind, KindRule> = {
  database: checkDatabase,
  client: () => {},
  endpoint: () => {},
  orchestrator: checkOrchestrator,
  monitor: () => {},
  cache: () => {},
  balancer: (r, ix, o, base) => {
    eachString(o, 'targets', (id, path) => {
      if (ix.nodes.get(id)?.kind === 'database' && isSpare(ix, id)) {
        r.add(path, `names ${quote(id)}, a spare (provisioned: false); an autoscaler attaches it once it is provisioned`);
      }
    }, base);
  },
  queue: () => {},
  worker: () => {},
  autoscaler: (r, ix, o, base) => {
    eachString(o, 'spares', (id, path) => {
      if (ix.nodes.get(id)?.kind === 'database' && !isSpare(ix, id)) {
        r.add(path, `names ${quote(id)}, which is not a spare; declare it with "provisioned": false`);
      }
    }, base);
  },
};

/** Calls `f` on each string of the list at `key`, once per distinct value. */
function eachString(o: Rec, key: string, f: (value: string, path: string) => void, base: string): void {
  const list = get(o, key);
  if (!Array.isArray(list)) return;
  const seen = new Set<string>();
  list.forEach((v, i) => {
    if (typeof v !== 'string' || seen.has(v)) return;
    seen.add(v);
    f(v, at(at(base, key), i));
  });
}

function checkDatabase(r: Report, _ix: Index, o: Rec, base: string): void {
  const rawRole = get(o, 'role');
  const role = typeof rawRole === 'string' && ['primary', 'replica', 'standby'].includes(rawRole) ? rawRole : undefined;
  const from = get(o, 'replicateFrom');
  const fromPath = at(base, 'replicateFrom');
  if (role === 'primary') {
    if (from !== undefined) r.add(fromPath, 'is set, but a primary follows no one; remove it or make the role replica or standby');
    if (get(o, 'replication') !== undefined) r.add(at(base, 'replication'), 'is set, but it is the ack rule for a follower and this node is a primary');
  } else if (role !== undefined) {
    if (from === undefined) missing(r, fromPath, `the id of the database this ${role} follows`);
    else if (from === get(o, 'id')) r.add(fromPath, `names the node itself; a ${role} follows another database`);
  }
  if (get(o, 'provisioned') === false) {
    // A spare starts empty and follows its source once provisioned: only as an async replica,
    // or its source would wait for it (sync) from the start.
    if (role !== undefined && role !== 'replica') r.add(at(base, 'provisioned'), `is false, but only a replica can be a spare; this one is ${aKind(role)}`);
    const mode = get(o, 'replication');
    if (mode !== undefined && mode !== 'async') r.add(at(base, 'replication'), `must be async for a spare (provisioned: false), which is not there to confirm writes; found ${show(mode)}`);
  }
}

/** A positive finite number at `key`, or undefined (a wrong value has its own error from the table). */
function finite(o: Rec, key: string): number | undefined {
  const v = get(o, key);
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined;
}

/**
 * With fencing, a lease runs from one heartbeat to the next: one no longer than a heartbeat
 * runs out before the next renews it, and the primary refuses writes with nothing wrong.
 */
function checkOrchestrator(r: Report, _ix: Index, o: Rec, base: string): void {
  if (get(o, 'fencing') !== true) return;
  const detector = get(o, 'detector');
  const heartbeatMs = get(o, 'heartbeatMs') === undefined ? ORCHESTRATOR_DEFAULTS.heartbeatMs : finite(o, 'heartbeatMs');
  const leaseSet = get(o, 'leaseMs') !== undefined;
  const timeoutMs = get(o, 'timeoutMs') === undefined ? ORCHESTRATOR_DEFAULTS.timeoutMs : finite(o, 'timeoutMs');
  const leaseMs = leaseSet ? finite(o, 'leaseMs') : detector === 'phi' ? undefined : timeoutMs === undefined ? undefined : leaseMsOf({ detector: 'timeout', timeoutMs });
  if (heartbeatMs === undefined || leaseMs === undefined || leaseMs > heartbeatMs) return;
  const why = `with fencing the primary's lease would run out before the next heartbeat renews it, and it would refuse writes with nothing wrong`;
  if (leaseSet) r.add(at(base, 'leaseMs'), `(${fmt(leaseMs)} ms) is no longer than heartbeatMs (${fmt(heartbeatMs)} ms): ${why}; make the lease longer than a heartbeat`);
  else r.add(at(base, 'timeoutMs'), `(${fmt(timeoutMs!)} ms) gives a lease of half of it (${fmt(leaseMs)} ms), no longer than heartbeatMs (${fmt(heartbeatMs)} ms): ${why}; make the timeout more than twice the heartbeat, or set leaseMs`);
}

/** A follows B follows A: no primary at the end of the chain, so nothing would ever be replicated. */
function checkReplicationCycles(r: Report, ix: Index, entries: { o: Rec; base: string; kind: NodeKind | undefined }[]): void {
  const follows = new Map<string, string>();
  const pathOf = new Map<string, string>();
  for (const { o, base, kind } of entries) {
    const id = get(o, 'id');
    const from = get(o, 'replicateFrom');
    // Duplicates and self-references have their own errors; a cycle through them would only repeat those.
    if (kind !== 'database' || typeof id !== 'string' || typeof from !== 'string' || from === id) continue;
    if (!FOLLOWER_ROLES.includes(get(o, 'role') as string) || ix.nodes.get(id)?.path !== base) continue;
    follows.set(id, from);
    pathOf.set(id, base);
  }
  const done = new Set<string>();
  for (const start of follows.keys()) {
    const chain: string[] = [];
    const onChain = new Set<string>();
    let id: string | undefined = start;
    while (id !== undefined && !done.has(id) && !onChain.has(id)) {
      chain.push(id);
      onChain.add(id);
      id = follows.get(id);
    }
    if (id !== undefined && onChain.has(id)) {
      const cycle = chain.slice(chain.indexOf(id));
      // Report at the member listed first in the document, so the error does not depend on where the walk began.
      const first = cycle.reduce((a, b) => (nodeIndex(pathOf.get(a)!) <= nodeIndex(pathOf.get(b)!) ? a : b));
      const turned = [...cycle.slice(cycle.indexOf(first)), ...cycle.slice(0, cycle.indexOf(first)), first];
      r.add(at(pathOf.get(first)!, 'replicateFrom'), `makes a cycle: ${turned.join(' follows ')}; a chain of followers must lead to a primary`);
    }
    for (const c of chain) done.add(c);
  }
}

function nodeIndex(path: string): number {
  return Number(/\[(\d+)\]/.exec(path)?.[1] ?? 0);
}

const CLIENT_TARGET: AddressRule = REQUEST_TARGET;

// ---------------------------------------------------------------------------------------------
// The parameter tables' rules

/** A number descriptor's rule, as checkNumber takes it. */
export function numberRule(p: NumberParam): NumberRule {
  return { min: p.min, above: p.above, max: p.max, integer: p.integer, off: p.off, note: p.note };
}

/**
 * Why a value cannot go in a number field, in the words the validator would use (the
 * inspector says it beside the field before anything is sent), or null when it can.
 */
export function numberProblem(p: NumberParam, value: unknown, path: string): string | null {
  const r = new Report();
  checkNumber(r, value, path, numberRule(p));
  return r.errors[0]?.message ?? null;
}

/** What a field should hold, in words, for "is missing; it must be ...". */
function expectation(p: Param): string {
  switch (p.type) {
    case 'number': return numberExpectation(numberRule(p));
    case 'enum': return `one of ${p.values.join(', ')}`;
    case 'boolean': return 'true or false';
    case 'text': return `a string of at most ${fmt(p.maxChars)} characters`;
    case 'id': return `an id (${ID_RULE})`;
    case 'site': return 'the id of the site the node runs in';
    case 'ref': return p.missing ?? (p.kinds === 'any' ? 'a node id' : `the id of ${listOf(p.kinds.map(aKind))}`);
    case 'address': return addressExpectation(p.forms);
    case 'refs': return `a list of ${p.min ? `${p.min} to ${fmt(p.max)}` : `at most ${fmt(p.max)}`} ${p.of}`;
    case 'strings': return `a list of at most ${fmt(p.max)} ${p.of}`;
    case 'site-pair': return 'a list of two site ids';
    case 'sides': return 'two lists of node or site ids, such as [["db1"], ["dc-b"]]';
    case 'object':
    case 'objects': return `an object such as ${p.example}`;
  }
}

/**
 * Checks every field of `o` that `table` describes, except those in `skip` (checked by the
 * caller) and those a rule has already reported on.
 */
function checkTable(r: Report, ix: Index, o: Rec, base: string, table: ParamTable, skip: readonly string[] = []): void {
  for (const key of Object.keys(table)) {
    const p = table[key];
    if (skip.includes(key) || p.checkedBy === 'rule') continue;
    const path = at(base, key);
    if (r.mentions(path)) continue;
    const value = get(o, key);
    if (value === undefined) {
      if (p.required) missing(r, path, expectation(p));
      continue;
    }
    checkValue(r, ix, o, value, path, p);
  }
}

function checkValue(r: Report, ix: Index, o: Rec, value: unknown, path: string, p: Param): void {
  switch (p.type) {
    case 'number':
      checkNumber(r, value, path, numberRule(p));
      return;
    case 'enum':
      if (typeof value !== 'string' || !p.values.includes(value)) r.add(path, `must be ${expectation(p)}; found ${show(value)}`);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') r.add(path, `must be true or false; found ${show(value)}`);
      return;
    case 'text':
      if (typeof value !== 'string') r.add(path, `must be ${expectation(p)}; found ${typeName(value)}`);
      else if (value.length > p.maxChars) r.add(path, `is ${fmt(value.length)} characters long; the limit is ${fmt(p.maxChars)}`);
      return;
    case 'id':
      if (typeof value !== 'string') r.add(path, `must be an id (${ID_RULE}); found ${typeName(value)}`);
      else if (!ID_PATTERN.test(value)) r.add(path, `${quote(value)} is not a valid id: use ${ID_RULE}`);
      return;
    case 'site':
      siteRef(r, ix, value, path);
      return;
    case 'ref':
      if (p.notSelf && typeof value === 'string' && value === get(o, 'id')) r.add(path, 'names the node itself');
      else nodeRef(r, ix, value, path, p.kinds);
      return;
    case 'address':
      if (p.notSelf && typeof value === 'string' && value === get(o, 'id')) r.add(path, 'names the node itself');
      else address(r, ix, value, path, p.forms);
      return;
    case 'refs': {
      const items = listValue(r, value, path, p.min ?? 0, p.max, expectation(p));
      const seen = new Map<unknown, number>();
      items?.forEach((item, i) => {
        const itemPath = at(path, i);
        if (p.unique && seen.has(item)) r.add(itemPath, `repeats ${show(item)}, already at index ${seen.get(item)}`);
        else if (!r.mentions(itemPath)) nodeRef(r, ix, item, itemPath, p.kinds);
        if (!seen.has(item)) seen.set(item, i);
      });
      return;
    }
    case 'strings': {
      const items = listValue(r, value, path, 0, p.max, expectation(p));
      items?.forEach((item, i) => {
        if (typeof item !== 'string') r.add(at(path, i), `must be ${p.example}; found ${typeName(item)}`);
      });
      return;
    }
    case 'object': {
      const inner = record(r, value, path, expectation(p));
      if (inner) checkTable(r, ix, inner, path, p.fields);
      return;
    }
    case 'objects': {
      const items = listValue(r, value, path, 0, p.max, `a list of at most ${fmt(p.max)} ${p.of}`);
      items?.forEach((item, i) => {
        const itemPath = at(path, i);
        const inner = record(r, item, itemPath, expectation(p));
        if (inner) checkTable(r, ix, inner, itemPath, p.fields);
      });
      return;
    }
    case 'site-pair':
    case 'sides':
      // Their rules depend on what holds them (a link, a degraded link, a partition): the
      // caller checks them.
      return;
  }
}

/** A list's length against its bounds; the list, to check its entries, when it is one. */
function listValue(r: Report, value: unknown, path: string, min: number, max: number, expected: string): unknown[] | undefined {
  if (!Array.isArray(value)) {
    r.add(path, `must be ${expected}; found ${typeName(value)}`);
    return undefined;
  }
  if (value.length < min) r.add(path, `must not be empty; it must be ${expected}`);
  // Entries past the limit are still checked: one run shows every problem.
  if (value.length > max) r.add(path, `has ${fmt(value.length)} entries; the limit is ${fmt(max)}`);
  return value;
}

function isSpare(ix: Index, id: string): boolean {
  return ix.spares.has(id);
}

function checkFaults(r: Report, doc: Rec, ix: Index, durationMs: number | undefined): void {
  const faults = list(r, doc, 'faults', '', { max: L.faults, of: 'faults' });
  const idAt = new Map<string, string>();
  faults?.forEach((value, i) => {
    const base = at('faults', i);
    const o = record(r, value, base, 'an object such as { "atMs": 30000, "kind": "crash", "target": "db1" }');
    if (!o) return;
    const id = idField(r, o, 'id', base, false);
    if (id !== undefined) {
      const first = idAt.get(id);
      if (first) r.add(at(base, 'id'), `${quote(id)} is already the id of ${first}; fault ids must be unique`);
      else idAt.set(id, base);
    }
    const atMs = num(r, o, 'atMs', base, {
      required: true,
      min: 0,
      ...(durationMs !== undefined && { max: durationMs, note: "(the run's durationMs)" }),
    });
    const untilMs = num(r, o, 'untilMs', base, HEAL);
    if (atMs !== undefined && untilMs !== undefined && untilMs <= atMs) {
      r.add(at(base, 'untilMs'), `must be later than atMs (${fmt(atMs)}); found ${String(untilMs)}`);
    }
    const kind = oneOf(r, o, 'kind', base, FAULT_KIND_NAMES as FaultKind[], true);
    if (kind === undefined) return;
    // What the fault acts on, its end and its fields come from its table; FAULT_RULES says
    // what a table cannot (one field's meaning depending on another).
    const d: FaultDescriptor = FAULT_PARAMS[kind];
    if (d.target !== 'none') nodeField(r, ix, o, base, d.target);
    if (d.untilMs === 'required' && get(o, 'untilMs') === undefined) missing(r, at(base, 'untilMs'), d.untilMissing ?? 'the time it ends');
    FAULT_RULES[kind]?.(r, ix, o, base);
    checkTable(r, ix, o, base, d.fields);
  });
}

const FAULT_RULES: Partial<Record<FaultKind, KindRule>> = {
  partition: checkSides,
  'degrade-link': checkDegradeLink,
  repoint: (r, ix, o, base) => {
    const target = get(o, 'target');
    const targetKind = typeof target === 'string' ? ix.nodes.get(target)?.kind : undefined;
    const to = get(o, 'to');
    const rule = targetKind === 'endpoint' ? ENDPOINT_REPOINT : CLIENT_TARGET;
    if (to === undefined) missing(r, at(base, 'to'), addressExpectation(rule));
    else if (targetKind === 'client' || targetKind === 'endpoint') address(r, ix, to, at(base, 'to'), rule);
    else if (typeof to !== 'string') r.add(at(base, 'to'), `must be a string naming where requests go; found ${typeName(to)}`);
  },
  'slow-queries': (r, _ix, o, base) => {
    if (get(o, 'keys') === undefined && get(o, 'hottest') === undefined) r.add(base, 'names no keys; set keys, hottest, or both');
  },
  'restore-backup': (r, ix, o, base) => {
    const from = get(o, 'from');
    if (typeof from === 'string' && from === get(o, 'target') && ix.nodes.get(from)?.kind === 'database') {
      r.add(at(base, 'from'), 'must be another database than the one restored');
    }
  },
};

function nodeField(r: Report, ix: Index, o: Rec, base: string, kinds: readonly NodeKind[] | 'any'): NodeKind | undefined {
  const value = get(o, 'target');
  if (value === undefined) {
    missing(r, at(base, 'target'), kinds === 'any' ? 'a node id' : `the id of ${listOf(kinds.map(aKind))}`);
    return undefined;
  }
  return nodeRef(r, ix, value, at(base, 'target'), kinds);
}

function checkSides(r: Report, ix: Index, o: Rec, base: string): void {
  const path = at(base, 'sides');
  const sides = get(o, 'sides');
  const expected = 'two lists of node or site ids, such as [["db1"], ["dc-b"]]';
  if (sides === undefined) return missing(r, path, expected);
  if (!Array.isArray(sides) || sides.length !== 2) {
    return r.add(path, `must be ${expected}; found ${Array.isArray(sides) ? `${sides.length} entries` : typeName(sides)}`);
  }
  /** Per side: each node on it, and how it got there (named, or in a site named). */
  const members: Map<string, string>[] = [new Map(), new Map()];
  sides.forEach((side, s) => {
    const sidePath = at(path, s);
    if (!Array.isArray(side)) return r.add(sidePath, `must be a list of node or site ids; found ${typeName(side)}`);
    if (side.length === 0) return r.add(sidePath, 'must not be empty; a partition needs something on each side');
    side.forEach((id, k) => {
      const idPath = at(sidePath, k);
      if (typeof id !== 'string') r.add(idPath, `must be a node or site id; found ${typeName(id)}`);
      else if (ix.nodes.has(id)) members[s].set(id, `named in sides[${s}]`);
      else if (ix.sites.has(id)) {
        for (const [n, info] of ix.nodes) if (info.site === id && !members[s].has(n)) members[s].set(n, `in site ${quote(id)}, named in sides[${s}]`);
      } else r.add(idPath, `names ${quote(id)}, which is neither a node nor a site`);
    });
  });
  // A node on both sides would be cut off from itself: the sides must not overlap.
  const both = [...members[0].keys()].filter((n) => members[1].has(n));
  if (both.length > 0) {
    const n = both[0];
    const more = both.length > 2 ? ` (and ${both.length - 1} other nodes)` : both.length === 2 ? ` (and ${quote(both[1])})` : '';
    r.add(path, `puts ${quote(n)}${more} on both sides (${members[0].get(n)}; ${members[1].get(n)}); a partition separates two sets of nodes that do not overlap`);
  }
}

function checkDegradeLink(r: Report, ix: Index, o: Rec, base: string): void {
  const pair = sitePair(r, ix, o, base, true);
  if (pair && pair[0] !== pair[1] && !ix.linked.has(pairKey(pair[0], pair[1]))) {
    r.add(at(base, 'between'), `names ${quote(pair[0])} and ${quote(pair[1])}, which no link joins; name two linked sites, or one site twice for its own network`);
  }
  const addLatencyMs = get(o, 'addLatencyMs');
  const lossRate = get(o, 'lossRate');
  if (addLatencyMs === undefined && lossRate === undefined) {
    r.add(base, 'sets neither addLatencyMs nor lossRate, so it would change nothing; set one or both');
  }
}

function checkNarration(r: Report, doc: Rec, ix: Index): void {
  const entries = list(r, doc, 'narration', '', { max: L.narration, of: 'narration entries' });
  entries?.forEach((value, i) => {
    const base = at('narration', i);
    const o = record(r, value, base, 'an object such as { "atMs": 0, "text": "..." }');
    if (!o) return;
    num(r, o, 'atMs', base, { required: true, ...MOMENT });
    str(r, o, 'text', base, { required: true, min: 1, max: L.narrationChars });
    const focus = list(r, o, 'focus', base, { max: L.nodes, of: 'node ids' });
    focus?.forEach((id, k) => nodeRef(r, ix, id, at(at(base, 'focus'), k), 'any'));
    checkQuestion(r, o, base);
    oneOf(r, o, 'action', base, NARRATION_ACTIONS, false);
  });
}

/**
 * What a caption may offer the learner to run: analyses of the run so far, never anything
 * that changes the run (narration points at what happens; it makes nothing happen).
 */
export const NARRATION_ACTIONS = ['check-linearizability'] as const;

/** "What do you predict?": a question asked before the entry's text is revealed. */
function checkQuestion(r: Report, o: Rec, base: string): void {
  const question = str(r, o, 'question', base, { min: 1, max: L.questionChars });
  const choices = list(r, o, 'choices', base, { min: 2, max: L.choices, of: 'possible answers' });
  choices?.forEach((c, k) => {
    const path = at(at(base, 'choices'), k);
    if (typeof c !== 'string') r.add(path, `must be a possible answer in words; found ${typeName(c)}`);
    else if (c.length === 0) r.add(path, 'must not be empty');
    else if (c.length > L.choiceChars) r.add(path, `is ${fmt(c.length)} characters long; the limit is ${fmt(L.choiceChars)}`);
  });
  if (choices !== undefined && question === undefined && get(o, 'question') === undefined) {
    r.add(at(base, 'choices'), 'is set, but there is no question; add "question" or remove the choices');
  }
  const answer = get(o, 'answer');
  if (answer !== undefined) {
    if (choices === undefined) r.add(at(base, 'answer'), 'is set, but there are no choices; answer is the index of the right one in "choices"');
    else checkNumber(r, answer, at(base, 'answer'), { integer: true, min: 0, max: Math.max(0, choices.length - 1), note: '(an index into choices, from 0)' });
  }
}

const WHAT_IF_CHANGE = 'a change such as { "node": "orch", "set": { "fencing": true } }, { "addFault": { ... } } or { "removeFault": "crash-db1" }';

/**
 * The scenario's fixes. Each must make sense on its own (its nodes and faults exist), and
 * applying it must give a valid scenario: a fix that cannot load would only confuse a learner.
 */
function checkWhatIfs(r: Report, doc: Rec, ix: Index): void {
  const entries = list(r, doc, 'whatIf', '', { max: L.whatIfs, of: 'what-if fixes' });
  if (!entries) return;
  const cleanBefore = r.errors.length === 0;
  const seen = new Map<string, string>();
  entries.forEach((value, i) => {
    const base = at('whatIf', i);
    const o = record(r, value, base, 'an object such as { "id": "fencing", "title": "Turn fencing on", "changes": [...] }');
    if (!o) return;
    const errorsBefore = r.errors.length;
    const id = idField(r, o, 'id', base, true);
    if (id !== undefined) {
      const first = seen.get(id);
      if (first) r.add(at(base, 'id'), `${quote(id)} is already the id of ${first}; what-if ids must be unique`);
      else seen.set(id, base);
    }
    str(r, o, 'title', base, { required: true, min: 1, max: L.titleChars });
    str(r, o, 'text', base, { max: L.narrationChars });
    const changes = list(r, o, 'changes', base, { required: true, min: 1, max: L.whatIfChanges, of: 'changes' });
    changes?.forEach((cv, k) => checkChange(r, ix, cv, at(at(base, 'changes'), k)));
    // Only a well-formed fix of an otherwise valid scenario is worth trying out.
    if (!cleanBefore || r.errors.length !== errorsBefore) return;
    const { whatIf: _drop, ...rest } = doc;
    const res = validateScenario(applyWhatIf(rest, o as unknown as WhatIf));
    if (!res.ok) {
      for (const e of res.errors.slice(0, 5)) r.add(base, `gives an invalid scenario when applied: ${e.message}`);
    }
  });
}

/** One what-if change: its form, and that what it names exists. */
function checkChange(r: Report, ix: Index, cv: unknown, path: string): void {
  const c = record(r, cv, path, WHAT_IF_CHANGE);
  if (!c) return;
  const forms = ['set', 'addFault', 'removeFault'].filter((key) => get(c, key) !== undefined);
  if (forms.length !== 1) {
    r.add(path, forms.length === 0 ? `changes nothing; it must be ${WHAT_IF_CHANGE}` : `mixes ${listOf(forms)}; one change per entry`);
    return;
  }
  if (forms[0] === 'set') {
    nodeRef(r, ix, get(c, 'node'), at(path, 'node'), 'any');
    const set = record(r, get(c, 'set'), at(path, 'set'), 'an object of node fields, such as { "fencing": true }');
    if (set) {
      if (Object.keys(set).length === 0) r.add(at(path, 'set'), 'sets no field');
      for (const key of ['id', 'kind']) if (get(set, key) !== undefined) r.add(at(at(path, 'set'), key), `cannot be changed by a what-if; a fix changes a node's parameters, not which node it is`);
    }
  } else if (get(c, 'node') !== undefined) {
    r.add(at(path, 'node'), `goes with "set"; ${forms[0]} names no node`);
  } else if (forms[0] === 'addFault') {
    record(r, get(c, 'addFault'), at(path, 'addFault'), 'a fault, such as { "atMs": 90000, "kind": "refresh-statistics", "target": "db" }');
  } else {
    const fid = get(c, 'removeFault');
    // A fault that is not there is not an error: the fix may be applied already (a
    // learner's document keeps its what-ifs), and applying it again changes nothing.
    if (typeof fid !== 'string' || !ID_PATTERN.test(fid)) r.add(at(path, 'removeFault'), `must be the id of a fault (${ID_RULE}); found ${show(fid)}`);
  }
}

/** The result of a list of changes to a document: the changes as checked, and the document they give. */
export type ChangesResult = { ok: true; changes: WhatIfChange[]; scenario: Scenario } | { ok: false; errors: ValidationError[] };

/**
 * A list of what-if changes to a valid document, from outside the document (the second run of
 * a comparison, in a share link or a CLI's changes.json): each checked as a what-if's change
 * is, at `base` (`changes[2].set`), and the document they give checked whole.
 */
export function validateChanges(doc: Scenario, value: unknown, base = 'changes'): ChangesResult {
  try {
    const r = new Report();
    const copied = copyJsonData(value, r);
    if (!copied.ok || r.errors.length) {
      // The copy names places from the list's root: put them under `base`.
      return {
        ok: false,
        errors: r.errors.map((e) => {
          const path = e.path === '' ? base : e.path.startsWith('[') ? `${base}${e.path}` : `${base}.${e.path}`;
          return { path, message: path + e.message.slice((e.path === '' ? 'the scenario' : e.path).length) };
        }),
      };
    }
    const changes = copied.value;
    if (!Array.isArray(changes)) {
      r.add(base, `must be a list of changes, each ${WHAT_IF_CHANGE}; found ${typeName(changes)}`);
      return { ok: false, errors: r.errors };
    }
    if (changes.length === 0) r.add(base, `is empty: a comparison needs at least one change, such as ${WHAT_IF_CHANGE}`);
    if (changes.length > L.whatIfChanges) r.add(base, `has ${fmt(changes.length)} entries; the limit is ${fmt(L.whatIfChanges)}`);
    // The document is valid: its references are indexed with a report nobody reads.
    const ix: Index = { sites: new Set(), nodes: new Map(), spares: new Set(), linked: new Set() };
    const scratch = new Report();
    const copy = structuredClone(doc) as Rec;
    checkSites(scratch, copy, ix);
    checkLinks(scratch, copy, ix);
    checkNodes(scratch, copy, ix);
    changes.forEach((c, k) => checkChange(r, ix, c, at(base, k)));
    if (r.errors.length) return { ok: false, errors: r.errors };
    const res = validateScenario(applyWhatIf(doc, { id: 'changes', title: 'changes', changes: changes as WhatIfChange[] }));
    if (!res.ok) {
      for (const e of res.errors.slice(0, 10)) r.add(base, `give an invalid scenario when applied: ${e.message}`);
      return { ok: false, errors: r.errors };
    }
    return { ok: true, changes: changes as WhatIfChange[], scenario: res.scenario };
  } catch (e) {
    return unexpected(e) as { ok: false; errors: ValidationError[] };
  }
}

/**
 * A comparison read from outside (a share link): its title and its changes, checked against
 * the document it compares with, at `base`.
 */
export function validateComparison(doc: Scenario, value: unknown, base = 'compare'): ChangesResult & ({ ok: false } | { title: string }) {
  const o = value as Rec | null;
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return failure(base, 'must be an object such as { "title": "Turn fencing on", "changes": [...] }') as { ok: false; errors: ValidationError[] };
  const title = get(o, 'title');
  if (typeof title !== 'string' || title.trim() === '' || title.length > L.titleChars) {
    return failure(at(base, 'title'), `must be a title of 1 to ${fmt(L.titleChars)} characters; found ${typeof title === 'string' ? `${fmt(title.length)} characters` : typeName(title)}`) as { ok: false; errors: ValidationError[] };
  }
  const res = validateChanges(doc, get(o, 'changes'), at(base, 'changes'));
  return res.ok ? { ...res, title } : res;
}

// ---------------------------------------------------------------------------------------------
// The same voice for the other documents Faultline reads: a challenge (src/scenario/challenge)
// is checked with these rules, so its messages read like a scenario's.

export { at, checkNumber, fmt, get, idField, list, listOf, missing, num, oneOf, quote, record, show, str, typeName, type NumberRule, type Rec };
