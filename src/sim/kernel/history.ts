// The client history journal, stored in columns of typed arrays rather than as one object
// per entry. A busy run records millions of entries; as objects they all survive young
// collection and the garbage collector spends more time copying them than the simulation
// spends simulating (measured: the kernel ran twice as fast without them). Entries are
// materialised as HistoryEntry objects only when read.
//
// The columns grow in chunks of CHUNK_ENTRIES entries, allocated as needed and never copied:
// growing by doubling an array would hold up to three times the entries at the moment of
// growth, and a quarter of the capacity unused on average. An entry costs BYTES_PER_ENTRY
// bytes (narrow columns where the range is small: client, node and error are names of
// which a run has few).
//
// Rewinding just lowers `length`: the entries past it stay in the columns, and since the
// run is deterministic, replaying forward writes the same values again; a jump forward to
// a later checkpoint raises `length` back, within what was written on this timeline.

import type { HistoryDetail, HistoryEntry } from './component';
import { SimAbort, count } from './limits';
import { ByKeyNumber, keyNumber } from './keys';

const TYPES: HistoryEntry['type'][] = ['invoke', 'ok', 'fail', 'info'];
const FS: HistoryEntry['f'][] = ['read', 'write'];
/** A type's code (its index in TYPES) by comparison: an object indexed by the name is a megamorphic keyed load. */
function typeCode(type: HistoryEntry['type']): number {
  return type === 'ok' ? 1 : type === 'invoke' ? 0 : type === 'fail' ? 2 : 3;
}

const CHUNK_SHIFT = 14;
export const CHUNK_ENTRIES = 1 << CHUNK_SHIFT;
const MASK = CHUNK_ENTRIES - 1;
/** Bytes of one entry across the columns below. */
export const BYTES_PER_ENTRY = 4 + 2 + 1 + 4 + 8 + 8 + 2 + 2 + 4 + 4 + 4;
/** "None" in the 32-bit columns (an LSN, a latency). */
const NONE32 = 0xffffffff;
/** Names of clients, nodes and errors fit 16 bits (a scenario has at most a few hundred nodes). */
const MAX_SMALL_NAMES = 32_767;

/** Interns strings (client ids, keys, node ids, errors) as small integers. */
class Names {
  private readonly codes = new Map<string, number>();
  readonly list: string[] = [];
  constructor(private readonly max = Infinity) {}
  code(s: string): number {
    let c = this.codes.get(s);
    if (c === undefined) {
      c = this.list.length;
      if (c >= this.max) throw new SimAbort('limit', `the client history names more than ${count(this.max)} distinct clients, nodes or errors`);
      this.codes.set(s, c);
      this.list.push(s);
    }
    return c;
  }
}

/**
 * A history entry read into an object used again and again (`readInto`): its operation id is
 * made only if someone reads it. The checkers are fed every completion of a run, and a string
 * made per entry was a tenth of the summary; what they keep of an id is a number
 * (`OpIds.codeOf`), which they take from the client and the operation number.
 */
export class HistoryEntrySlot implements HistoryEntry {
  client = '';
  /** The number after the '#' in `op`. */
  opNum = 0;
  type: HistoryEntry['type'] = 'ok';
  f: HistoryEntry['f'] = 'read';
  key = '';
  value: number | null = null;
  atUs = 0;
  node: string | undefined = undefined;
  error: string | undefined = undefined;
  lsn: number | undefined = undefined;
  epoch: number | undefined = undefined;
  invokedUs: number | undefined = undefined;
  /** An id set as text (by a reader that does not know slots), which then stands instead of client and number. */
  opText: string | undefined = undefined;
  get op(): string {
    return this.opText ?? `${this.client}#${this.opNum}`;
  }
  set op(text: string) {
    this.opText = text;
  }
}

class Chunk {
  readonly opNum = new Uint32Array(CHUNK_ENTRIES);
  readonly client = new Uint16Array(CHUNK_ENTRIES);
  /** type (2 bits) and f (bit 2). */
  readonly tf = new Uint8Array(CHUNK_ENTRIES);
  readonly key = new Int32Array(CHUNK_ENTRIES);
  readonly value = new Float64Array(CHUNK_ENTRIES);
  readonly atUs = new Float64Array(CHUNK_ENTRIES);
  /** -1: none. */
  readonly node = new Int16Array(CHUNK_ENTRIES);
  readonly error = new Int16Array(CHUNK_ENTRIES);
  /** NONE32: none. LSNs count writes, fewer than the run's events (at most 2e8 in a scenario). */
  readonly lsn = new Uint32Array(CHUNK_ENTRIES);
  readonly epoch = new Int32Array(CHUNK_ENTRIES);
  /** A completion's time since its invocation (NONE32: not recorded); longer than 71 min goes to `longLatency`. */
  readonly latencyUs = new Uint32Array(CHUNK_ENTRIES);
}

export class HistoryJournal {
  readonly name = 'history';
  private len = 0;
  /** Entries written on this timeline, including those past `len` after a rewind. */
  private written = 0;
  private readonly chunks: Chunk[] = [];
  private readonly small = new Names(MAX_SMALL_NAMES);
  private readonly keys = new Names();
  /** Key codes of keys named by number (keys.ts), without the lookup by name. */
  private readonly keysByNumber = new ByKeyNumber();
  // One-entry caches: consecutive entries often name the same client or node, and a string
  // comparison is cheaper than a Map lookup.
  private lastClient = '';
  private lastClientCode = -1;
  private lastNode = '';
  private lastNodeCode = -1;
  /**
   * Client codes by the recording node's index (plus one; 0: not seen yet), when the caller
   * gives it: clients' entries interleave, so the one-entry cache above mostly misses for them.
   */
  private clientCodeByIndex = new Int32Array(0);
  /** Latencies too long for 32 bits, by entry (rare: an operation pending for over 71 minutes). */
  private readonly longLatency = new Map<number, number>();

  constructor(private readonly maxEntries: number) {}

  get length(): number {
    return this.len;
  }

  /** Bytes the columns hold (allocated chunks, entries past `length` included). */
  get bytes(): number {
    return this.chunks.length * CHUNK_ENTRIES * BYTES_PER_ENTRY;
  }

  push(e: HistoryEntry): void {
    const hash = e.op.lastIndexOf('#');
    this.record(e.client, Number(e.op.slice(hash + 1)), e.type, e.f, e.key, e.value, e.atUs, e);
  }

  /** Record an entry of operation `${client}#${opNum}` without building an object for it. */
  record(
    client: string,
    opNum: number,
    type: HistoryEntry['type'],
    f: HistoryEntry['f'],
    key: string,
    value: number | null,
    atUs: number,
    detail?: HistoryDetail,
    /** The recording node's index in the world, when known (the kernel's context gives it). */
    clientIndex = -1,
  ): void {
    if (this.len >= this.maxEntries) {
      throw new SimAbort('limit', `the client history passed its limit of ${count(this.maxEntries)} entries`);
    }
    const i = this.len++;
    // Below `written`, a replay is rewriting the same entry it wrote before: the tail stays known.
    if (this.len > this.written) this.written = this.len;
    const c = this.chunks[i >> CHUNK_SHIFT] ?? this.grow();
    const k = i & MASK;
    c.opNum[k] = opNum;
    if (clientIndex >= 0) c.client[k] = this.clientCodeAt(clientIndex, client);
    else {
      if (client !== this.lastClient || this.lastClientCode < 0) {
        this.lastClient = client;
        this.lastClientCode = this.small.code(client);
      }
      c.client[k] = this.lastClientCode;
    }
    c.tf[k] = typeCode(type) | (f === 'write' ? 4 : 0);
    const kn = keyNumber(key);
    let keyCode = kn >= 0 ? this.keysByNumber.get(kn) : -1;
    if (keyCode < 0) {
      keyCode = this.keys.code(key);
      if (kn >= 0) this.keysByNumber.set(kn, keyCode);
    }
    c.key[k] = keyCode;
    c.value[k] = value === null ? NaN : value;
    c.atUs[k] = atUs;
    const node = detail?.node;
    const error = detail?.error;
    if (node === undefined) c.node[k] = -1;
    else {
      if (node !== this.lastNode || this.lastNodeCode < 0) {
        this.lastNode = node;
        this.lastNodeCode = this.small.code(node);
      }
      c.node[k] = this.lastNodeCode;
    }
    c.error[k] = error === undefined ? -1 : this.small.code(error);
    const lsn = detail?.lsn;
    if (lsn === undefined || lsn < 0) c.lsn[k] = NONE32;
    else if (lsn < NONE32) c.lsn[k] = lsn;
    else throw new SimAbort('error', `an LSN of ${lsn} is beyond what the history records (2^32)`);
    c.epoch[k] = detail?.epoch ?? -1;
    const invokedUs = detail?.invokedUs;
    // An entry rewritten by a replay may have had a long latency before: forget it first.
    if (this.longLatency.size > 0) this.longLatency.delete(i);
    if (invokedUs === undefined || invokedUs < 0) c.latencyUs[k] = NONE32;
    else {
      const lat = atUs - invokedUs;
      if (lat >= 0 && lat < NONE32) c.latencyUs[k] = lat;
      else {
        c.latencyUs[k] = NONE32;
        this.longLatency.set(i, invokedUs);
      }
    }
  }

  /** The code of the client at node index `i` named `client`: given in order of first appearance, as `small.code` gives it. */
  private clientCodeAt(i: number, client: string): number {
    let byIndex = this.clientCodeByIndex;
    if (i >= byIndex.length) {
      byIndex = new Int32Array(Math.max(64, i + 1, 2 * byIndex.length));
      byIndex.set(this.clientCodeByIndex);
      this.clientCodeByIndex = byIndex;
    }
    const c = byIndex[i];
    if (c > 0) return c - 1;
    const code = this.small.code(client);
    byIndex[i] = code + 1;
    return code;
  }

  private grow(): Chunk {
    const c = new Chunk();
    this.chunks.push(c);
    return c;
  }

  /** Set the length to a checkpoint's (lower after a rewind, higher within what was written). */
  resize(length: number): void {
    if (length > this.written) throw new Error(`history: cannot extend to ${length}; only ${this.written} entries are known`);
    this.len = length;
  }

  /** Forget entries past the current length (the timeline changed). */
  dropTail(): void {
    this.written = this.len;
    // Chunks wholly past the end hold nothing known any more.
    const need = (this.len + MASK) >> CHUNK_SHIFT;
    if (this.chunks.length > need) this.chunks.length = need;
  }

  get(i: number): HistoryEntry {
    const c = this.chunks[i >> CHUNK_SHIFT];
    const k = i & MASK;
    const small = this.small.list;
    const client = small[c.client[k]];
    const v = c.value[k];
    const tf = c.tf[k];
    const e: HistoryEntry = {
      op: `${client}#${c.opNum[k]}`,
      client,
      type: TYPES[tf & 3],
      f: FS[tf >> 2],
      key: this.keys.list[c.key[k]],
      value: Number.isNaN(v) ? null : v,
      atUs: c.atUs[k],
    };
    if (c.node[k] >= 0) e.node = small[c.node[k]];
    if (c.error[k] >= 0) e.error = small[c.error[k]];
    if (c.lsn[k] !== NONE32) e.lsn = c.lsn[k];
    if (c.epoch[k] >= 0) e.epoch = c.epoch[k];
    const inv = this.invokedUsAt(i);
    if (inv >= 0) e.invokedUs = inv;
    return e;
  }

  /**
   * Entry i written into `e`, every field set (those it lacks to undefined): a reader of
   * millions of entries reuses a few objects instead of making one per entry. (Made one at a
   * time, V8 saw them live through the collections of the young generation and began
   * allocating them in the old one: catchup-storm's checkers put 170 MB of dead entries there.)
   */
  readInto(i: number, e: HistoryEntry): void {
    const c = this.chunks[i >> CHUNK_SHIFT];
    const k = i & MASK;
    const small = this.small.list;
    const client = small[c.client[k]];
    const v = c.value[k];
    const tf = c.tf[k];
    if (e instanceof HistoryEntrySlot) {
      e.opNum = c.opNum[k];
      e.opText = undefined;
    } else e.op = `${client}#${c.opNum[k]}`;
    e.client = client;
    e.type = TYPES[tf & 3];
    e.f = FS[tf >> 2];
    e.key = this.keys.list[c.key[k]];
    e.value = Number.isNaN(v) ? null : v;
    e.atUs = c.atUs[k];
    e.node = c.node[k] >= 0 ? small[c.node[k]] : undefined;
    e.error = c.error[k] >= 0 ? small[c.error[k]] : undefined;
    e.lsn = c.lsn[k] !== NONE32 ? c.lsn[k] : undefined;
    e.epoch = c.epoch[k] >= 0 ? c.epoch[k] : undefined;
    const inv = this.invokedUsAt(i);
    e.invokedUs = inv >= 0 ? inv : undefined;
  }

  /** Entries from `start` on, at most `max` of them, as objects. */
  since(start: number, max = Infinity): HistoryEntry[] {
    const end = Math.min(this.len, start + max);
    const out: HistoryEntry[] = [];
    for (let i = start; i < end; i++) out.push(this.get(i));
    return out;
  }

  /** Every entry, as objects (for checkers, summaries and export). */
  get items(): HistoryEntry[] {
    return this.since(0);
  }

  /** Cheap per-entry reads for counting without materialising objects. */
  typeAt(i: number): HistoryEntry['type'] {
    return TYPES[this.chunks[i >> CHUNK_SHIFT].tf[i & MASK] & 3];
  }
  isWrite(i: number): boolean {
    return this.chunks[i >> CHUNK_SHIFT].tf[i & MASK] >> 2 === 1;
  }
  atUsAt(i: number): number {
    return this.chunks[i >> CHUNK_SHIFT].atUs[i & MASK];
  }
  /** On a completion: when its operation was invoked (-1 if not recorded). */
  invokedUsAt(i: number): number {
    const c = this.chunks[i >> CHUNK_SHIFT];
    const k = i & MASK;
    const lat = c.latencyUs[k];
    if (lat !== NONE32) return c.atUs[k] - lat;
    return this.longLatency.get(i) ?? -1;
  }
  /** The error of entry i, if any (without building the entry). */
  errorAt(i: number): string | undefined {
    const e = this.chunks[i >> CHUNK_SHIFT].error[i & MASK];
    return e >= 0 ? this.small.list[e] : undefined;
  }
}
