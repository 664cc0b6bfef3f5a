import { describe, expect, it } from 'vitest';
import { BUILT_INS, builtIn } from '../../src/scenario/library';
import { decodeShareLink, encodeShareLink } from '../../src/scenario/share-link';
import { validateComparison, validateScenario } from '../../src/scenario/validate';
import type { Scenario } from '../../src/scenario/types';

// A share link may carry a comparison: the scenario, and the changes that make the second
// run. Links made before comparisons existed keep opening as they did; the comparison's
// changes are checked by the one validator against the document they change.

function valid(doc: unknown): Scenario {
  const r = validateScenario(doc);
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
  return r.scenario;
}

const splitBrain = valid(builtIn('split-brain')!.document);
const fencing = { title: 'Turn fencing on', changes: [{ node: 'orch', set: { fencing: true } }] };

describe('a comparison in a share link', () => {
  it('round-trips with the scenario, the moment and the selection, and its changes give the second run', async () => {
    const link = await encodeShareLink(splitBrain, { atMs: 30_000, selected: 'db1', compare: fencing }, BUILT_INS);
    // Still a short link: a built-in and one change.
    expect(link.length).toBeLessThan(220);
    const d = await decodeShareLink(link, builtIn);
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(d.scenario).toEqual(splitBrain);
    expect(d.view).toEqual({ atMs: 30_000, selected: 'db1', compare: fencing });
    const c = validateComparison(d.scenario, d.view.compare);
    expect(c.ok).toBe(true);
    if (!c.ok) return;
    expect(c.title).toBe('Turn fencing on');
    expect(c.scenario.nodes.find((n) => n.id === 'orch')).toMatchObject({ fencing: true });
  });

  it('links made before comparisons existed open as they did, with no comparison', async () => {
    // Made by the version before this change (`npm run sim -- split-brain --link`, and a
    // first-failover with an added crash at 42 s with db2 selected).
    const plain = await decodeShareLink('fl1.eJyrVkpSslIqLsjJLNFNKkrMzFPSUcpQslIysrC0TDNNTVKq5YqOVipW0olWysnMyy5WitWJjo2NBQDK0RB0', builtIn);
    expect(plain.ok && plain.scenario).toEqual(splitBrain);
    expect(plain.ok && plain.view).toEqual({});
    const edited = await decodeShareLink('fl1.eJw1zEEKwjAQQNG9x_jrEWKNm9zBE4Qupk1jg0UhE4tQvLtUcPvhv42BQC7V2jFrWZ7rVBFmAqPPF03nhNAIvnPOCUYgDR2fQ4wYEsn6Wpohp142SiLwRtB2NYJ3v-leHnsfq9q8a1pvU_tDff8F0EAl0A', builtIn);
    expect(edited.ok).toBe(true);
    if (!edited.ok) return;
    expect(edited.view).toEqual({ atMs: 42_000, selected: 'db2' });
    expect(edited.scenario.faults.at(-1)).toMatchObject({ id: 'x', atMs: 40_000, kind: 'crash', target: 'db2' });
  });

  it('a comparison that is not one is refused with a sentence, before anything runs', async () => {
    for (const bad of [{ changes: [] }, { title: 'x' }, 'fencing', [fencing]]) {
      const link = await encodeShareLink(splitBrain, { compare: bad as never }, BUILT_INS);
      const d = await decodeShareLink(link, builtIn);
      expect(d.ok).toBe(false);
      if (!d.ok) expect(d.errors[0].message).toBe('the share link holds a comparison that cannot be one: it needs a title and a list of changes');
    }
  });

  it('the validator names the change that does not fit the document, at its place', async () => {
    const link = await encodeShareLink(splitBrain, { compare: { title: 'Fence db9', changes: [{ node: 'db9', set: { fencing: true } }, { removeFault: 'no such id!' }] } }, BUILT_INS);
    const d = await decodeShareLink(link, builtIn);
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    const c = validateComparison(d.scenario, d.view.compare);
    expect(c.ok).toBe(false);
    if (c.ok) return;
    expect(c.errors.map((e) => e.message)).toEqual([
      "compare.changes[0].node names 'db9', which is not a node",
      expect.stringMatching(/^compare\.changes\[1\]\.removeFault must be the id of a fault .*; found 'no such id!'$/),
    ]);
    // Changes that fit but give an invalid scenario are refused whole.
    const invalid = validateComparison(splitBrain, { title: 'x', changes: [{ node: 'web', set: { writesPerSec: -1 } }] });
    expect(invalid.ok).toBe(false);
    if (!invalid.ok) expect(invalid.errors[0].message).toMatch(/^compare\.changes give an invalid scenario when applied: nodes\[4\]\.writesPerSec must be/);
    const untitled = validateComparison(splitBrain, { title: '', changes: fencing.changes });
    expect(untitled.ok).toBe(false);
    const forbidden = validateComparison(splitBrain, JSON.parse('{"title":"x","changes":[{"node":"orch","set":{"__proto__":{"polluted":true}}}]}'));
    expect(forbidden.ok).toBe(false);
    if (!forbidden.ok) expect(forbidden.errors[0].message).toMatch(/^compare\.changes\[0\]\.set\.__proto__ is not allowed as a key/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
