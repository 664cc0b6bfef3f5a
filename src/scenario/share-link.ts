// Share links: a whole scenario (with the learner's faults, positions and edits), the moment
// they were looking at and the node they had selected, in one URL fragment. Used by the app,
// the embeddable player and the CLI, so it has no DOM: only the platform's
// CompressionStream, which Node 20 and every current browser have.
//
//   fl1.<base64url of zlib-deflated text>
//
// `fl1` is the link format's version (a later format adds a decoder, never changes this
// one). The deflated text is one line of JSON, the header ({ "t": ms, "s": "db1" }, and for
// a built-in { "b": id, "h": fingerprint }), a newline, then either the document itself or,
// for a document that starts from a built-in, the list of changes that turn the built-in
// into it (much shorter: a built-in with two added faults fits in about 200 characters).
// zlib's Adler-32 checksum makes an altered or cut link fail loudly instead of opening as a
// different scenario.
//
// A comparison (two runs side by side: the document, and the document with a few what-if
// changes) adds `"c": { "title": ..., "changes": [...] }` to the header; a link without it
// opens as before, and the changes go through the one validator (validateComparison) before
// anything runs. A version that does not know `c` opens the first run alone.
//
// Decoding never trusts the link: its length is capped before anything is decoded, the
// decompressed size is capped while streaming (reading stops at the cap: a "zip bomb" costs
// nothing), every failure becomes an error that names what is wrong, and the document goes
// through the one validator. Nothing here throws to its caller.

import type { ValidationError, ValidationResult } from './types';

export const LINK_VERSION = 1;
export const LINK_PREFIX = `fl${LINK_VERSION}.`;

export const SHARE_LIMITS = {
  /** Characters of link accepted at most: a 5 MB document compresses far below this. */
  linkChars: 2_000_000,
  /** Decompressed bytes read at most: the validator's 5 MB document limit, plus the header. */
  decompressedBytes: 5_000_000 + 4_096,
  /** The header line's length at most (a comparison's changes are in it: 50 of them, each a fault or a few fields). */
  headerChars: 65_536,
  /** Changes a built-in-based link may list at most. */
  changes: 20_000,
  /** Nesting of the change list at most (the validator's document limit). */
  depth: 32,
} as const;

/** Where the learner was: shown again when the link is opened. */
export interface LinkView {
  /** Virtual time, ms. */
  atMs?: number;
  /** The selected node's id. */
  selected?: string;
  /**
   * A comparison shown beside the scenario: what it is called and the changes that make the
   * second run. As read from a link it is unchecked: validateComparison checks it against the
   * document.
   */
  compare?: { title: string; changes: unknown };
}

/** A document a link may build on (the built-in scenarios). */
export interface LinkBase {
  id: string;
  document: unknown;
}

export type BaseResolver = (id: string) => LinkBase | undefined | Promise<LinkBase | undefined>;

/** What a link holds before validation: the document as text (full links) or as a value (built-in links). */
export type Unpacked =
  | { ok: true; document: unknown; view: LinkView; base?: string }
  | { ok: false; errors: ValidationError[] };

export type Decoded =
  | (ValidationResult & { ok: true }) & { view: LinkView; base?: string }
  | { ok: false; errors: ValidationError[] };

// ---------------------------------------------------------------------------------------------
// Encoding

/**
 * The share link of `doc` (a validated document), as the fragment text `fl1.…`. With `bases`,
 * each is tried as a starting point and the shortest link wins; the full document is always
 * a candidate, so the result is never longer than that, unless `onBase` asks for a link
 * that names its base (a challenge's answer says which challenge it answers).
 */
export async function encodeShareLink(doc: object, view: LinkView = {}, bases: readonly LinkBase[] = [], options: { onBase?: boolean } = {}): Promise<string> {
  const header: Record<string, unknown> = {};
  if (view.atMs !== undefined && Number.isFinite(view.atMs) && view.atMs > 0) header.t = Math.round(view.atMs * 1000) / 1000;
  if (view.selected) header.s = view.selected;
  if (view.compare) header.c = { title: view.compare.title, changes: view.compare.changes };
  const candidates: string[] = options.onBase && bases.length > 0 ? [] : [`${JSON.stringify(header)}\n${JSON.stringify(doc)}`];
  for (const b of bases) {
    const changes = diff(b.document, doc);
    candidates.push(`${JSON.stringify({ b: b.id, h: fingerprint(b.document), ...header })}\n${JSON.stringify(changes)}`);
  }
  let best = '';
  for (const text of candidates) {
    const link = LINK_PREFIX + toBase64Url(await deflate(text));
    if (!best || link.length < best.length) best = link;
  }
  return best;
}

/** A short, stable fingerprint of a base document: a link says which version of a built-in it changes. */
export function fingerprint(document: unknown): string {
  const text = JSON.stringify(document);
  // FNV-1a, 32 bits.
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

// ---------------------------------------------------------------------------------------------
// Decoding

/** The link in a pasted text: a bare `fl1.…`, or any address whose fragment is one. */
export function linkFromText(text: string): string {
  const t = text.trim();
  const hash = t.indexOf('#');
  return hash >= 0 ? t.slice(hash + 1) : t;
}

/** True when a command-line argument or a fragment looks like a share link (of any version). */
export function looksLikeLink(text: string): boolean {
  return /^fl\d+\./.test(linkFromText(text));
}

/** Decode a link and validate its document: the whole path every consumer in Node takes. */
export async function decodeShareLink(text: string, resolveBase: BaseResolver): Promise<Decoded> {
  const u = await unpackShareLink(text, resolveBase);
  if (!u.ok) return u;
  // Imported lazily: the embeddable player hands the document to its worker, which validates
  // it there, and so does not need the validator in its own bundle.
  const { parseScenario, validateScenario } = await import('./validate');
  const res = typeof u.document === 'string' ? parseScenario(u.document) : validateScenario(u.document);
  if (!res.ok) return res;
  return { ...res, view: u.view, ...(u.base !== undefined && { base: u.base }) };
}

/**
 * Decode a link up to its document, without validating it: the caller hands the document to
 * the validator (the app and the embed do so in their worker). Never throws.
 */
export async function unpackShareLink(text: string, resolveBase: BaseResolver): Promise<Unpacked> {
  try {
    return await unpack(text, resolveBase);
  } catch (e) {
    return fail(`could not be read because of an unexpected error: ${errorText(e)}`);
  }
}

async function unpack(input: string, resolveBase: BaseResolver): Promise<Unpacked> {
  if (typeof input !== 'string') return fail('must be text');
  if (input.length > SHARE_LIMITS.linkChars + 10_000) return tooLong(input.length);
  const link = linkFromText(input);
  if (link === '') return fail(`is empty: a share link starts with '${LINK_PREFIX}'`);
  const version = /^fl(\d{1,6})\./.exec(link);
  if (!version) {
    return fail(`is not a Faultline share link: it should start with '${LINK_PREFIX}' and starts with '${escapeShown(link.slice(0, 12))}'`);
  }
  const v = Number(version[1]);
  if (v > LINK_VERSION) return fail(`was made by a newer version of Faultline (link format ${v}); this version opens format ${LINK_VERSION}. Open it with the newer version, or ask for the scenario as a JSON file`);
  if (v !== LINK_VERSION) return fail(`has link format ${v}, which no version of Faultline wrote; this version opens format ${LINK_VERSION}`);
  const body = link.slice(version[0].length);
  if (body.length > SHARE_LIMITS.linkChars) return tooLong(link.length);
  if (body.length === 0) return fail('is cut short: nothing follows its prefix');
  const bad = body.search(/[^A-Za-z0-9_-]/);
  if (bad >= 0) {
    return fail(`contains '${escapeShown(body[bad])}' at character ${version[0].length + bad + 1}, which a share link never has: it was altered, or something was added when it was copied`);
  }
  if (body.length % 4 === 1) return fail('is cut short or has a stray character: its length cannot be that of a share link');
  const bytes = fromBase64Url(body);

  const inflated = await inflateCapped(bytes, SHARE_LIMITS.decompressedBytes);
  if (inflated === 'too-big') {
    return fail(`unpacks to more than ${(SHARE_LIMITS.decompressedBytes / 1e6).toFixed(0)} MB, more than any scenario may be (the limit is 5 MB); it was not read further`);
  }
  if (inflated === 'corrupt') {
    return fail('is damaged or incomplete: its compressed data does not check out (a character was changed, or the end was cut off when it was copied)');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(inflated);
  } catch {
    return fail('is damaged: what it unpacks to is not text');
  }
  const nl = text.indexOf('\n');
  if (nl < 0 || nl > SHARE_LIMITS.headerChars) return fail('is damaged: it does not have the parts a share link has');
  let header: unknown;
  try {
    header = JSON.parse(text.slice(0, nl));
  } catch {
    return fail('is damaged: its header is not readable');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) return fail('is damaged: its header is not readable');
  const h = header as Record<string, unknown>;
  const view: LinkView = {};
  if (h.t !== undefined) {
    if (typeof h.t !== 'number' || !Number.isFinite(h.t) || h.t < 0) return fail(`says to open at ${JSON.stringify(h.t)?.slice(0, 30)}, which is not a time`);
    view.atMs = h.t;
  }
  if (h.s !== undefined) {
    if (typeof h.s !== 'string' || h.s.length > 64) return fail('names a selected node that cannot be one');
    view.selected = h.s;
  }
  if (h.c !== undefined) {
    // Its shape only: the changes are checked against the document by the validator.
    const c = h.c as Record<string, unknown> | null;
    if (typeof c !== 'object' || c === null || Array.isArray(c) || typeof c.title !== 'string' || !Array.isArray(c.changes)) {
      return fail('holds a comparison that cannot be one: it needs a title and a list of changes');
    }
    view.compare = { title: c.title, changes: c.changes };
  }
  const rest = text.slice(nl + 1);
  if (h.b === undefined) return { ok: true, document: rest, view };

  // A built-in plus changes.
  // A built-in id, or `challenge:<id>` for the scenario of a challenge (an answer's link).
  if (typeof h.b !== 'string' || h.b.length > 100) return fail('names the scenario it builds on in a way no link does');
  const base = await resolveBase(h.b);
  if (!base) return fail(`builds on the built-in scenario '${escapeShown(h.b)}', which this version of Faultline does not have`);
  if (h.h !== fingerprint(base.document)) {
    return fail(`builds on the built-in scenario '${base.id}' as another version of Faultline had it (it has changed since), so it cannot replay the same run here. Ask for the scenario as a JSON file, or a link from this version`);
  }
  if (rest.length > SHARE_LIMITS.decompressedBytes) return fail('lists more changes than a link may');
  if (tooDeep(rest, SHARE_LIMITS.depth)) return fail(`is damaged: its changes nest deeper than ${SHARE_LIMITS.depth} levels`);
  let changes: unknown;
  try {
    changes = JSON.parse(rest);
  } catch {
    return fail('is damaged: its list of changes is not readable');
  }
  const applied = applyChanges(base.document, changes, base.id);
  if (!applied.ok) return applied;
  return { ok: true, document: applied.value, view, base: base.id };
}

function fail(rest: string): { ok: false; errors: ValidationError[] } {
  return { ok: false, errors: [{ path: '', message: `the share link ${rest}` }] };
}

function tooLong(n: number): { ok: false; errors: ValidationError[] } {
  return fail(`is ${n.toLocaleString('en-US')} characters long; a share link may have at most ${SHARE_LIMITS.linkChars.toLocaleString('en-US')}. Share a scenario that large as a JSON file`);
}

function escapeShown(s: string): string {
  return JSON.stringify(s).slice(1, -1).replace(/'/g, "\\'");
}

function errorText(e: unknown): string {
  try {
    return e instanceof Error ? e.message : String(e);
  } catch {
    return 'an unreadable error';
  }
}

/** Brackets nested deeper than `max`, outside strings (JSON.parse would recurse that deep). */
function tooDeep(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if ((c === 0x7d || c === 0x5d) && depth > 0) depth--;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Changes from a base document: a list of [op, path, value]
//
//   ["s", path, value]  set (an array index may be the array's length: append)
//   ["d", path]         delete an object's key
//   ["l", path, n]      shorten an array to n entries
//
// Arrays are compared index by index, so appending faults costs only the new faults; a
// change bigger than simply replacing the value is replaced by that.

type Key = string | number;
type Change = ['s', Key[], unknown] | ['d', Key[]] | ['l', Key[], number];

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export function diff(a: unknown, b: unknown): Change[] {
  const out: Change[] = [];
  diffInto(a, b, [], out);
  return out;
}

function isRec(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function diffInto(a: unknown, b: unknown, path: Key[], out: Change[]): void {
  if (a === b) return;
  const child: Change[] = [];
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) diffInto(a[i], b[i], [...path, i], child);
    for (let i = n; i < b.length; i++) child.push(['s', [...path, i], b[i]]);
    if (b.length < a.length) child.push(['l', path, b.length]);
  } else if (isRec(a) && isRec(b)) {
    for (const k of Object.keys(b)) {
      if (b[k] === undefined) continue;
      if (Object.hasOwn(a, k)) diffInto(a[k], b[k], [...path, k], child);
      else child.push(['s', [...path, k], b[k]]);
    }
    for (const k of Object.keys(a)) if (!Object.hasOwn(b, k) || b[k] === undefined) child.push(['d', [...path, k]]);
  } else {
    out.push(['s', path, b]);
    return;
  }
  if (child.length === 0) return;
  const replace: Change = ['s', path, b];
  if (JSON.stringify(child).length > JSON.stringify(replace).length) out.push(replace);
  else out.push(...child);
}

function showPath(path: unknown[]): string {
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i ? '.' : ''}${String(k)}`)).join('') || 'the whole document';
}

/** Apply a link's changes to a copy of the base. Every step is checked: the changes are untrusted input. */
export function applyChanges(base: unknown, changes: unknown, baseId: string): { ok: true; value: unknown } | { ok: false; errors: ValidationError[] } {
  if (!Array.isArray(changes)) return fail('is damaged: its changes are not a list');
  if (changes.length > SHARE_LIMITS.changes) return fail(`lists ${changes.length.toLocaleString('en-US')} changes; a link may list at most ${SHARE_LIMITS.changes.toLocaleString('en-US')}`);
  let root: unknown = structuredClone(base);
  for (let i = 0; i < changes.length; i++) {
    const c = changes[i];
    const misfit = (why: string) => fail(`is damaged: its change ${i + 1} ${why} the built-in scenario '${baseId}'`);
    if (!Array.isArray(c) || (c[0] !== 's' && c[0] !== 'd' && c[0] !== 'l') || !Array.isArray(c[1]) || c[1].length > SHARE_LIMITS.depth) return misfit('is not a change to');
    const path = c[1] as unknown[];
    for (const k of path) {
      const okKey = (typeof k === 'string' && k.length <= 200 && !FORBIDDEN_KEYS.has(k)) || (typeof k === 'number' && Number.isSafeInteger(k) && k >= 0);
      if (!okKey) return misfit('names a place that cannot be in');
    }
    if (path.length === 0) {
      if (c[0] !== 's') return misfit('cannot apply to');
      root = c[2];
      continue;
    }
    let container: unknown = root;
    for (let p = 0; p < path.length - 1; p++) {
      const k = path[p];
      const next = Array.isArray(container) ? (typeof k === 'number' && k < container.length ? container[k] : undefined) : isRec(container) && typeof k === 'string' && Object.hasOwn(container, k) ? container[k] : undefined;
      if (typeof next !== 'object' || next === null) return misfit(`(at ${showPath(path)}) does not fit`);
      container = next;
    }
    const last = path[path.length - 1];
    if (c[0] === 'l') {
      const arr = Array.isArray(container) ? (typeof last === 'number' && last < container.length ? container[last] : undefined) : isRec(container) && typeof last === 'string' && Object.hasOwn(container, last) ? container[last] : undefined;
      const n = c[2];
      if (!Array.isArray(arr) || typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0 || n > arr.length) return misfit(`(at ${showPath(path)}) does not fit`);
      arr.length = n;
    } else if (Array.isArray(container)) {
      if (typeof last !== 'number' || last > container.length || c[0] === 'd') return misfit(`(at ${showPath(path)}) does not fit`);
      container[last] = c[2];
    } else if (isRec(container)) {
      if (typeof last !== 'string') return misfit(`(at ${showPath(path)}) does not fit`);
      if (c[0] === 'd') delete container[last];
      else container[last] = c[2];
    } else return misfit(`(at ${showPath(path)}) does not fit`);
  }
  return { ok: true, value: root };
}

// ---------------------------------------------------------------------------------------------
// Bytes: compression and base64url

async function deflate(text: string): Promise<Uint8Array> {
  const stream = new Blob([new TextEncoder().encode(text)]).stream().pipeThrough(new CompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Compressed bytes handed to the decompressor at a time: deflate expands a byte to at most 1,032, so at most about 1 MB of output per step. */
export const INFLATE_STEP_BYTES = 1024;

/** What an inflation read and wrote, for tests that the cap stops it. */
export interface InflateCount {
  /** Compressed bytes handed to the decompressor. */
  consumedBytes: number;
  /** Decompressed bytes it gave back. */
  producedBytes: number;
}

/**
 * Inflate at most `capBytes`. The compressed bytes are handed over a small step at a time, the
 * next step only once the decompressor has taken the last one, with a read always waiting
 * (so the output never piles up), and everything stops as soon as the output passes the cap:
 * a link of 1.9 million characters that would unpack to 1.4 GB costs the few kilobytes of it
 * that unpack to the cap. (Handed over whole, one write made the decompressor produce all of
 * its output at once, in one task, before anything was read.)
 */
export async function inflateCapped(bytes: Uint8Array, capBytes: number, count: InflateCount = { consumedBytes: 0, producedBytes: 0 }): Promise<Uint8Array | 'too-big' | 'corrupt'> {
  const ds = new DecompressionStream('deflate');
  const writer = ds.writable.getWriter();
  const reader = ds.readable.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  const stop = () => {
    reader.cancel().catch(() => {});
    writer.abort().catch(() => {});
  };
  // Every promise here may reject on corrupt input; each is awaited below, or dropped on a stop.
  const quiet = <T>(p: Promise<T>): Promise<T> => {
    p.catch(() => {});
    return p;
  };
  let read = quiet(reader.read());
  /** Keeps one chunk of output; false once past the cap. */
  const keep = (value: Uint8Array): boolean => {
    total += value.byteLength;
    count.producedBytes = total;
    if (total > capBytes) return false;
    chunks.push(value);
    read = quiet(reader.read());
    return true;
  };
  try {
    for (let offset = 0; offset < bytes.length; ) {
      const end = Math.min(bytes.length, offset + INFLATE_STEP_BYTES);
      const taken = quiet(writer.write(bytes.slice(offset, end)).then(() => 'taken' as const));
      count.consumedBytes = end;
      offset = end;
      for (;;) {
        const r = await Promise.race([read, taken]);
        if (r === 'taken') break;
        if (r.done) break;
        if (!keep(r.value)) return (stop(), 'too-big');
      }
    }
    const closed = quiet(writer.close());
    for (;;) {
      const r = await read;
      if (r.done) break;
      if (!keep(r.value)) return (stop(), 'too-big');
    }
    await closed;
  } catch {
    stop();
    return 'corrupt';
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const VALUE = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUE[ALPHABET.charCodeAt(i)] = i;

export function toBase64Url(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63] + ALPHABET[(n >> 6) & 63] + ALPHABET[n & 63];
  }
  const left = bytes.length - i;
  if (left === 1) {
    const n = bytes[i] << 16;
    out += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63];
  } else if (left === 2) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63] + ALPHABET[(n >> 6) & 63];
  }
  return out;
}

/** Decodes text already known to hold only base64url characters, with a length that is not 1 mod 4. */
export function fromBase64Url(text: string): Uint8Array {
  const full = Math.floor(text.length / 4);
  const left = text.length % 4;
  const out = new Uint8Array(full * 3 + (left === 2 ? 1 : left === 3 ? 2 : 0));
  let o = 0;
  let i = 0;
  for (let q = 0; q < full; q++, i += 4) {
    const n = (VALUE[text.charCodeAt(i)] << 18) | (VALUE[text.charCodeAt(i + 1)] << 12) | (VALUE[text.charCodeAt(i + 2)] << 6) | VALUE[text.charCodeAt(i + 3)];
    out[o++] = n >> 16;
    out[o++] = (n >> 8) & 255;
    out[o++] = n & 255;
  }
  if (left >= 2) {
    const n = (VALUE[text.charCodeAt(i)] << 18) | (VALUE[text.charCodeAt(i + 1)] << 12) | (left === 3 ? VALUE[text.charCodeAt(i + 2)] << 6 : 0);
    out[o++] = n >> 16;
    if (left === 3) out[o++] = (n >> 8) & 255;
  }
  return out;
}
