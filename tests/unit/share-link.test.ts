import { afterEach, describe, expect, it, vi } from 'vitest';
import { BUILT_INS, builtIn } from '../../src/scenario/library';
import { decodeShareLink, encodeShareLink, fingerprint, fromBase64Url, inflateCapped, INFLATE_STEP_BYTES, LINK_PREFIX, SHARE_LIMITS, toBase64Url, unpackShareLink } from '../../src/scenario/share-link';
import { validateScenario } from '../../src/scenario/validate';
import type { Scenario } from '../../src/scenario/types';

// Share links: what a learner sends must open as the same scenario, at the same moment, with
// the same node selected; what is not a good link must be refused with a sentence naming
// what is wrong, never thrown, never half-loaded.

afterEach(() => vi.unstubAllGlobals());

function valid(doc: unknown): Scenario {
  const r = validateScenario(doc);
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
  return r.scenario;
}

const splitBrain = valid(builtIn('split-brain')!.document);

function withTwoFaults(s: Scenario): Scenario {
  return valid({
    ...s,
    faults: [
      ...s.faults,
      { id: 'f1', atMs: 10_000, kind: 'crash', target: s.nodes[0].id },
      { id: 'f2', atMs: 12_000, untilMs: 20_000, kind: 'pause', target: s.nodes[1].id },
    ],
  });
}

/** A scenario that starts from no built-in: every node and fault written out. */
function custom(): Scenario {
  return valid({
    format: 'faultline/1',
    title: 'Three regions, one primary',
    seed: 42,
    durationMs: 90_000,
    sites: [{ id: 'eu' }, { id: 'us' }, { id: 'ap' }],
    links: [
      { between: ['eu', 'us'], latencyMs: 70 },
      { between: ['eu', 'ap'], latencyMs: 120 },
      { between: ['us', 'ap'], latencyMs: 110 },
    ],
    nodes: [
      { id: 'pg-eu', kind: 'database', site: 'eu', role: 'primary' },
      { id: 'pg-us', kind: 'database', site: 'us', role: 'replica', replicateFrom: 'pg-eu', replication: 'semi-sync' },
      { id: 'pg-ap', kind: 'database', site: 'ap', role: 'replica', replicateFrom: 'pg-eu' },
      { id: 'patroni', kind: 'orchestrator', site: 'us', watches: ['pg-eu', 'pg-us', 'pg-ap'], detector: 'phi', promotion: 'auto', fencing: true },
      { id: 'rw', kind: 'endpoint', resolvesTo: 'role:primary', ttlMs: 3000 },
      { id: 'api-eu', kind: 'client', site: 'eu', target: 'rw', writesPerSec: 40, readsPerSec: 200, readTarget: 'pg-eu' },
      { id: 'api-us', kind: 'client', site: 'us', target: 'rw', writesPerSec: 30, readsPerSec: 150, readTarget: 'pg-us' },
    ],
    faults: [
      { id: 'cut-eu', atMs: 30_000, untilMs: 50_000, kind: 'partition', sides: [['eu'], ['us', 'ap']] },
      { id: 'slow', atMs: 60_000, untilMs: 70_000, kind: 'degrade-link', between: ['us', 'ap'], addLatencyMs: 300 },
    ],
    narration: [{ atMs: 30_000, text: 'The EU region is cut off.', focus: ['pg-eu'], question: 'What will the EU API see?', choices: ['errors', 'nothing'], answer: 0 }],
    whatIf: [{ id: 'no-fencing', title: 'Without fencing', changes: [{ node: 'patroni', set: { fencing: false } }] }],
  });
}

describe('encoding and decoding', () => {
  it('round-trips a built-in, a built-in with added faults and a custom scenario, with the moment and the selection', async () => {
    for (const doc of [splitBrain, withTwoFaults(splitBrain), custom()]) {
      const link = await encodeShareLink(doc, { atMs: 42_123.5, selected: doc.nodes[1].id }, BUILT_INS);
      expect(link.startsWith(LINK_PREFIX)).toBe(true);
      expect(link).toMatch(/^fl1\.[A-Za-z0-9_-]+$/);
      const d = await decodeShareLink(link, builtIn);
      expect(d.ok ? [] : d.errors).toEqual([]);
      if (!d.ok) continue;
      expect(d.scenario).toEqual(doc);
      expect(d.view).toEqual({ atMs: 42_123.5, selected: doc.nodes[1].id });
    }
  });

  it('every built-in round-trips, alone and with two added faults, as a short link', async () => {
    const lengths: Record<string, [number, number]> = {};
    for (const b of BUILT_INS) {
      const doc = valid(b.document);
      const plain = await encodeShareLink(doc, {}, BUILT_INS);
      const changed = withTwoFaults(doc);
      const two = await encodeShareLink(changed, { atMs: 12_000 }, BUILT_INS);
      lengths[b.id] = [plain.length, two.length];
      const d = await decodeShareLink(two, builtIn);
      expect(d.ok && d.scenario).toEqual(changed);
      expect(d.ok && d.base).toBe(b.id);
      // The measured lengths (in the report): a plain built-in is about 70-100 characters,
      // with two faults about 220-240, whatever the size of the built-in.
      expect(plain.length).toBeLessThan(140);
      expect(two.length).toBeLessThan(300);
    }
    console.log('share link lengths (plain, +2 faults):', JSON.stringify(lengths));
  });

  it('a custom scenario is carried whole, and is still a few hundred characters', async () => {
    const doc = custom();
    const link = await encodeShareLink(doc, {}, BUILT_INS);
    const d = await unpackShareLink(link, builtIn);
    expect(d.ok && d.base).toBeUndefined();
    console.log('custom scenario link length:', link.length, 'JSON length:', JSON.stringify(doc).length);
    expect(link.length).toBeLessThan(JSON.stringify(doc).length);
  });

  it('accepts the link inside a whole address, as pasted from the address bar', async () => {
    const link = await encodeShareLink(splitBrain, { atMs: 5000 }, BUILT_INS);
    for (const text of [`https://example.org/some/sub/path/#${link}`, `  ${link}\n`, `http://localhost:4173/embed.html?autoplay=1#${link}`]) {
      const d = await decodeShareLink(text, builtIn);
      expect(d.ok && d.view.atMs).toBe(5000);
    }
  });

  it('base64url is exact for every length', () => {
    for (let n = 0; n < 50; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 97 + n * 31) & 255);
      const text = toBase64Url(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64url'));
      expect([...fromBase64Url(text)]).toEqual([...bytes]);
    }
  });
});

async function errorOf(text: string): Promise<string> {
  const d = await decodeShareLink(text, builtIn);
  expect(d.ok).toBe(false);
  if (d.ok) return '';
  expect(d.errors.length).toBeGreaterThan(0);
  return d.errors.map((e) => e.message).join('\n');
}

/** A link whose compressed body is exactly `text`. */
async function rawLink(text: string, prefix = LINK_PREFIX): Promise<string> {
  const stream = new Blob([new TextEncoder().encode(text)]).stream().pipeThrough(new CompressionStream('deflate'));
  return prefix + toBase64Url(new Uint8Array(await new Response(stream).arrayBuffer()));
}

describe('bad links are refused with a sentence that says what is wrong', () => {
  it('truncated', async () => {
    const link = await encodeShareLink(custom(), {}, BUILT_INS);
    expect(await errorOf(link.slice(0, link.length - 10))).toMatch(/damaged or incomplete|cut short/);
    expect(await errorOf(link.slice(0, 6))).toMatch(/damaged or incomplete|cut short/);
    expect(await errorOf('fl1.')).toMatch(/cut short: nothing follows/);
  });

  it('tampered: a changed character fails the checksum or the validator, an added one is named', async () => {
    const link = await encodeShareLink(custom(), {}, BUILT_INS);
    const mid = Math.floor(link.length / 2);
    const flipped = link.slice(0, mid) + (link[mid] === 'A' ? 'B' : 'A') + link.slice(mid + 1);
    expect(await errorOf(flipped)).toMatch(/damaged|the scenario|nodes|faults/);
    expect(await errorOf(`${link.slice(0, mid)}<script>${link.slice(mid)}`)).toMatch(/contains '<' at character \d+, which a share link never has/);
  });

  it('another program, an unknown or a future link format', async () => {
    expect(await errorOf('https://example.org/#hello')).toMatch(/is not a Faultline share link: it should start with 'fl1\.'/);
    expect(await errorOf('fl2.eJyrVkpSslIqLsjJ')).toMatch(/made by a newer version of Faultline \(link format 2\); this version opens format 1/);
    expect(await errorOf('fl0.abc')).toMatch(/link format 0, which no version of Faultline wrote/);
    expect(await errorOf('')).toMatch(/is empty/);
  });

  it('a document from a future scenario format is refused by the validator, saying so', async () => {
    const link = await rawLink(`{}\n${JSON.stringify({ ...custom(), format: 'faultline/9' })}`);
    expect(await errorOf(link)).toMatch(/format is 'faultline\/9', made by a newer version of Faultline/);
  });

  it('an invalid document lists its errors with their fields', async () => {
    const link = await encodeShareLink({ ...custom(), seed: 'seven' } as object);
    expect(await errorOf(link)).toMatch(/^seed must be an integer/m);
  });

  it('a decompression bomb stops at the cap, having read a few kilobytes of it', async () => {
    // 200 MB of spaces compresses to about 200 kB.
    const chunk = new Uint8Array(1 << 20).fill(0x20);
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 200; i++) c.enqueue(chunk);
        c.close();
      },
    }).pipeThrough(new CompressionStream('deflate') as unknown as TransformStream<Uint8Array, Uint8Array>);
    const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
    const bomb = LINK_PREFIX + toBase64Url(bytes);
    expect(bomb.length).toBeLessThan(SHARE_LIMITS.linkChars);
    expect(await errorOf(bomb)).toMatch(/unpacks to more than 5 MB, more than any scenario may be/);

    // What the decoder read and wrote: the cap and one step's worth of output past it (deflate
    // expands a byte to at most 1,032), from a small part of the compressed bytes.
    const count = { consumedBytes: 0, producedBytes: 0 };
    expect(await inflateCapped(bytes, SHARE_LIMITS.decompressedBytes, count)).toBe('too-big');
    expect(count.producedBytes).toBeGreaterThan(SHARE_LIMITS.decompressedBytes);
    expect(count.producedBytes).toBeLessThanOrEqual(SHARE_LIMITS.decompressedBytes + 1032 * INFLATE_STEP_BYTES + 65_536);
    expect(count.consumedBytes).toBeLessThan(64 * 1024);
    expect(count.consumedBytes).toBeLessThan(bytes.length / 3);
  });

  it('a large document unpacks exactly, step by step', async () => {
    // Varied text, so that it compresses to many steps' worth of bytes.
    let x = 1;
    const letter = () => String.fromCharCode(97 + ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 16) % 26);
    const narration = Array.from({ length: 900 }, (_, i) => ({ atMs: i * 10, text: Array.from({ length: 120 }, letter).join('') }));
    const doc = valid({ ...custom(), narration });
    const link = await encodeShareLink(doc);
    const bytes = fromBase64Url(link.slice(LINK_PREFIX.length));
    expect(bytes.length).toBeGreaterThan(20 * INFLATE_STEP_BYTES);
    const count = { consumedBytes: 0, producedBytes: 0 };
    const out = await inflateCapped(bytes, SHARE_LIMITS.decompressedBytes, count);
    expect(count.consumedBytes).toBe(bytes.length);
    const text = new TextDecoder().decode(out as Uint8Array);
    expect(JSON.parse(text.slice(text.indexOf('\n') + 1))).toEqual(doc);
  });

  it('a huge document (within the link cap) is refused by size', async () => {
    const big = { ...custom(), narration: Array.from({ length: 3000 }, (_, i) => ({ atMs: i, text: 'x'.repeat(1999) + String(i % 10) })) };
    const link = await encodeShareLink(big);
    expect(link.length).toBeLessThan(SHARE_LIMITS.linkChars);
    expect(await errorOf(link)).toMatch(/unpacks to more than 5 MB|is \d+(\.\d)? MB|narration/);
  });

  it('a link longer than the cap is refused before anything is decoded', async () => {
    vi.stubGlobal('DecompressionStream', function NotToBeUsed() {
      throw new Error('a link over the cap was decompressed');
    });
    expect(await errorOf(`fl1.${'A'.repeat(SHARE_LIMITS.linkChars + 20_000)}`)).toMatch(/characters long; a share link may have at most 2,000,000/);
  });

  it('a link that builds on a built-in this version has changed, or does not have', async () => {
    const link = await rawLink(`{"b":"split-brain","h":"00000000"}\n[]`);
    expect(await errorOf(link)).toMatch(/builds on the built-in scenario 'split-brain' as another version of Faultline had it/);
    const missing = await rawLink(`{"b":"no-such","h":"${fingerprint({})}"}\n[]`);
    expect(await errorOf(missing)).toMatch(/builds on the built-in scenario 'no-such', which this version of Faultline does not have/);
  });

  it('changes that do not fit the built-in, or that reach for the prototype, are refused', async () => {
    const h = fingerprint(builtIn('split-brain')!.document);
    const cases: [string, RegExp][] = [
      [`[["s",["nodes",99,"x"],1]]`, /change 1 \(at nodes\[99\]\.x\) does not fit the built-in scenario 'split-brain'/],
      [`[["s",["__proto__","polluted"],1]]`, /change 1 names a place that cannot be in/],
      [`[["s",["nodes",0,"constructor"],1]]`, /change 1 names a place that cannot be in/],
      [`[["l",["nodes"],-1]]`, /change 1 \(at nodes\) does not fit/],
      [`[["x",[]]]`, /change 1 is not a change to/],
      [`{"not":"a list"}`, /its changes are not a list/],
      [`${'['.repeat(40)}${']'.repeat(40)}`, /nest deeper than 32 levels/],
      [`[["s",["nodes"],[]]]`, /nodes must not be empty/],
    ];
    for (const [changes, re] of cases) expect(await errorOf(await rawLink(`{"b":"split-brain","h":"${h}"}\n${changes}`))).toMatch(re);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a damaged header or time is named', async () => {
    expect(await errorOf(await rawLink('no newline at all'))).toMatch(/does not have the parts a share link has/);
    expect(await errorOf(await rawLink('{oops\n{}'))).toMatch(/its header is not readable/);
    expect(await errorOf(await rawLink('{"t":-5}\n{}'))).toMatch(/says to open at -5, which is not a time/);
  });
});
