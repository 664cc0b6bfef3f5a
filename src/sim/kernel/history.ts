// The client history journal, stored in columns of typed arrays rather than as one object
// per entry. A busy run records millions of entries; as objects they all survive young
// collection and the garbage collector spends more time copying them than the simulation
// spends simulating (measured: the kernel ran twice as fast without them). Columns cost
// about 60 bytes an entry and nothing to the collector. Entries are materialised as
// HistoryEntry objects only when read.
//
// Rewinding just lowers `length`: the entries past it stay in the columns, and since the
// run is deterministic, replaying forward writes the same values again; a jump forward to
// a later checkpoint raises `length` back, within what was written on this timeline.

import type { HistoryDetail, HistoryEntry } from './component';
import { SimAbort } from './limits';

const TYPES: HistoryEntry['type'][] = ['invoke', 'ok', 'fail', 'info'];
const FS: HistoryEntry['f'][] = ['read', 'write'];
const TYPE_CODE: Record<string, number> = { invoke: 0, ok: 1, fail: 2, info: 3 };

/** Interns strings (client ids, keys, node ids, errors) as small integers. */
class Names {
  private readonly codes = new Map<string, number>();
  readonly list: string[] = [];
  code(s: string): number {
    let c = this.codes.get(s);
    if (c === undefined) {
      c = this.list.length;
      this.codes.set(s, c);
      this.list.push(s);
    }
    return c;
  }
}

export class HistoryJournal {
  readonly name = 'history';
  private cap = 0;
  private len = 0;
  /** Entries written on this timeline, including those past `len` after a rewind. */
  private written = 0;
  private opNum = new Float64Array(0);
  private client = new Int32Array(0);
  private type = new Uint8Array(0);
  private f = new Uint8Array(0);
  private key = new Int32Array(0);
  private value = new Float64Array(0);
  private atUs = new Float64Array(0);
  private node = new Int32Array(0);
  private error = new Int32Array(0);
  private lsn = new Float64Array(0);
  private epoch = new Int32Array(0);
  private invokedUs = new Float64Array(0);
  private readonly names = new Names();
  // One-entry caches: consecutive entries often name the same client or node, and a string
  // comparison is cheaper than a Map lookup.
  private lastClient = '';
  private lastClientCode = -1;
  private lastNode = '';
  private lastNodeCode = -1;

  constructor(private readonly maxEntries: number) {}

  get length(): number {
    return this.len;
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
  ): void {
    if (this.len >= this.maxEntries) {
      throw new SimAbort('limit', `the history journal reached its limit of ${this.maxEntries.toLocaleString('en-US')} entries`);
    }
    if (this.len === this.cap) this.grow();
    const i = this.len++;
    // Below `written`, a replay is rewriting the same entry it wrote before: the tail stays known.
    if (this.len > this.written) this.written = this.len;
    this.opNum[i] = opNum;
    if (client !== this.lastClient || this.lastClientCode < 0) {
      this.lastClient = client;
      this.lastClientCode = this.names.code(client);
    }
    this.client[i] = this.lastClientCode;
    this.type[i] = TYPE_CODE[type];
    this.f[i] = f === 'write' ? 1 : 0;
    this.key[i] = this.names.code(key);
    this.value[i] = value === null ? NaN : value;
    this.atUs[i] = atUs;
    const node = detail?.node;
    const error = detail?.error;
    if (node === undefined) this.node[i] = -1;
    else {
      if (node !== this.lastNode || this.lastNodeCode < 0) {
        this.lastNode = node;
        this.lastNodeCode = this.names.code(node);
      }
      this.node[i] = this.lastNodeCode;
    }
    this.error[i] = error === undefined ? -1 : this.names.code(error);
    this.lsn[i] = detail?.lsn ?? -1;
    this.epoch[i] = detail?.epoch ?? -1;
    this.invokedUs[i] = detail?.invokedUs ?? -1;
  }

  private grow(): void {
    const cap = Math.min(this.maxEntries, Math.max(1024, this.cap * 2));
    const g = <A extends Float64Array | Int32Array | Uint8Array>(a: A, make: new (n: number) => A): A => {
      const b = new make(cap);
      b.set(a);
      return b;
    };
    this.opNum = g(this.opNum, Float64Array);
    this.client = g(this.client, Int32Array);
    this.type = g(this.type, Uint8Array);
    this.f = g(this.f, Uint8Array);
    this.key = g(this.key, Int32Array);
    this.value = g(this.value, Float64Array);
    this.atUs = g(this.atUs, Float64Array);
    this.node = g(this.node, Int32Array);
    this.error = g(this.error, Int32Array);
    this.lsn = g(this.lsn, Float64Array);
    this.epoch = g(this.epoch, Int32Array);
    this.invokedUs = g(this.invokedUs, Float64Array);
    this.cap = cap;
  }

  /** Set the length to a checkpoint's (lower after a rewind, higher within what was written). */
  resize(length: number): void {
    if (length > this.written) throw new Error(`history: cannot extend to ${length}; only ${this.written} entries are known`);
    this.len = length;
  }

  /** Forget entries past the current length (the timeline changed). */
  dropTail(): void {
    this.written = this.len;
  }

  get(i: number): HistoryEntry {
    const n = this.names.list;
    const client = n[this.client[i]];
    const v = this.value[i];
    const e: HistoryEntry = {
      op: `${client}#${this.opNum[i]}`,
      client,
      type: TYPES[this.type[i]],
      f: FS[this.f[i]],
      key: n[this.key[i]],
      value: Number.isNaN(v) ? null : v,
      atUs: this.atUs[i],
    };
    if (this.node[i] >= 0) e.node = n[this.node[i]];
    if (this.error[i] >= 0) e.error = n[this.error[i]];
    if (this.lsn[i] >= 0) e.lsn = this.lsn[i];
    if (this.epoch[i] >= 0) e.epoch = this.epoch[i];
    if (this.invokedUs[i] >= 0) e.invokedUs = this.invokedUs[i];
    return e;
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
    return TYPES[this.type[i]];
  }
  isWrite(i: number): boolean {
    return this.f[i] === 1;
  }
  atUsAt(i: number): number {
    return this.atUs[i];
  }
  /** On a completion: when its operation was invoked (-1 if not recorded). */
  invokedUsAt(i: number): number {
    return this.invokedUs[i];
  }
}
