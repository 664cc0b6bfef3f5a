// Property tests for the share-link decoder's promises about *every* input: it never throws,
// it answers ok or a list of errors that name what is wrong, in bounded time, and it never
// touches Object.prototype, whatever the link: mutated real links (flipped, cut, inserted,
// deleted, swapped characters), random strings, and random bytes behind a valid prefix.

import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { BUILT_INS, builtIn } from '../../src/scenario/library';
import { decodeShareLink, encodeShareLink, toBase64Url, LINK_PREFIX } from '../../src/scenario/share-link';
import { validateScenario } from '../../src/scenario/validate';
import type { Scenario } from '../../src/scenario/types';

async function expectWellFormed(text: string): Promise<void> {
  let d: Awaited<ReturnType<typeof decodeShareLink>>;
  try {
    d = await decodeShareLink(text, builtIn);
  } catch (e) {
    throw new Error(`decodeShareLink threw on ${JSON.stringify(text.slice(0, 200))}: ${String(e)}`);
  }
  if (d.ok) {
    expect(d.scenario.format).toBe('faultline/1');
    return;
  }
  expect(d.errors.length).toBeGreaterThan(0);
  expect(d.errors.length).toBeLessThanOrEqual(100);
  for (const e of d.errors) {
    expect(typeof e.message).toBe('string');
    expect(e.message.length).toBeGreaterThan(10);
    // A sentence, or the field it is about first (`__proto__ is not allowed as a key...`).
    expect(e.message).toMatch(/^(the share link |the scenario |[A-Za-z_$])/);
  }
}

afterEach(() => {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

let seeds: string[] = [];
async function seedLinks(): Promise<string[]> {
  if (seeds.length) return seeds;
  const out: string[] = [];
  for (const b of BUILT_INS.slice(0, 6)) {
    const r = validateScenario(b.document);
    if (!r.ok) continue;
    const s: Scenario = r.scenario;
    out.push(await encodeShareLink(s, { atMs: 1234 }, BUILT_INS));
    out.push(await encodeShareLink({ ...s, faults: [...s.faults, { id: 'zz', atMs: 1000, kind: 'crash', target: s.nodes[0].id }] }, { selected: s.nodes[0].id }, BUILT_INS));
    out.push(await encodeShareLink(s, {}));
  }
  seeds = out;
  return out;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

type Mutation =
  | { op: 'flip'; at: number; ch: number }
  | { op: 'cut'; at: number }
  | { op: 'insert'; at: number; text: string }
  | { op: 'delete'; at: number; n: number }
  | { op: 'swap'; at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), ch: fc.nat(63) }),
  fc.record({ op: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom('%', '#', '.', ' ', '=', '+', '/')) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ op: fc.constant('swap' as const), at: fc.nat() }),
);

function mutate(link: string, ms: Mutation[]): string {
  let s = link;
  for (const m of ms) {
    const at = s.length ? m.at % s.length : 0;
    if (m.op === 'flip') s = s.slice(0, at) + B64[m.ch] + s.slice(at + 1);
    else if (m.op === 'cut') s = s.slice(0, at);
    else if (m.op === 'insert') s = s.slice(0, at) + m.text + s.slice(at);
    else if (m.op === 'delete') s = s.slice(0, at) + s.slice(at + m.n);
    else if (at + 1 < s.length) s = s.slice(0, at) + s[at + 1] + s[at] + s.slice(at + 2);
  }
  return s;
}

describe('the share-link decoder, on any input', () => {
  it('thousands of mutated real links: never throws, always ok or errors, in bounded time', async () => {
    const links = await seedLinks();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...links), fc.array(mutation, { minLength: 1, maxLength: 4 }), async (link, ms) => expectWellFormed(mutate(link, ms))),
      { numRuns: 3000 },
    );
  });

  it('random strings, with and without the prefix: never throws', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ maxLength: 300 }).map((s) => `${LINK_PREFIX}${s}`), fc.stringMatching(/^fl[0-9]{1,3}\.[A-Za-z0-9_-]{0,200}$/)), async (s) => expectWellFormed(s)),
      { numRuns: 3000 },
    );
  });

  it('random bytes and random JSON behind a valid prefix and checksum: never throws', async () => {
    const deflate = async (bytes: Uint8Array) => {
      const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('deflate'));
      return LINK_PREFIX + toBase64Url(new Uint8Array(await new Response(stream).arrayBuffer()));
    };
    const enc = new TextEncoder();
    const h = `{"b":"split-brain","h":"${(await import('../../src/scenario/share-link')).fingerprint(builtIn('split-brain')!.document)}"}`;
    const payload = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc.jsonValue().map((v) => enc.encode(`{}\n${JSON.stringify(v)}`)),
      fc.jsonValue().map((v) => enc.encode(`${JSON.stringify(v)}\n{}`)),
      // Random change lists against a real built-in.
      fc.array(fc.tuple(fc.constantFrom('s', 'd', 'l', 'x'), fc.array(fc.oneof(fc.constantFrom('nodes', 'faults', 'sites', 'seed', '__proto__', 'prototype'), fc.nat(12)), { maxLength: 4 }), fc.jsonValue()), { maxLength: 6 }).map((c) => enc.encode(`${h}\n${JSON.stringify(c)}`)),
    );
    await fc.assert(fc.asyncProperty(payload, async (bytes) => expectWellFormed(await deflate(bytes))), { numRuns: 2000 });
  });
});
