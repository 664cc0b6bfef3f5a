import { describe, expect, it } from 'vitest';
import { builtIn } from '../../src/scenario/library';
import { validateScenario } from '../../src/scenario/validate';
import { addLink, addNarration, addNode, addSite, removeLink, removeNode, removeSite, setLinkLatency, setSeed, setTitle, ADDABLE_KINDS } from '../../src/app/edit-doc';
import type { ScenarioDoc } from '../../src/app/scenario-doc';
import { AUTOSAVE_KEY, AUTOSAVE_MAX_CHARS, readWork, writeWork } from '../../src/app/autosave';

// The editor's operations: each gives a document the validator accepts, or says in words why
// the edit cannot be made; none changes the document it was given.

function doc(id = 'first-failover'): ScenarioDoc {
  const r = validateScenario(builtIn(id)!.document);
  if (!r.ok) throw new Error('built-in invalid');
  return r.scenario as unknown as ScenarioDoc;
}

function expectValid(d: ScenarioDoc): void {
  const r = validateScenario(d);
  expect(r.ok ? [] : r.errors.map((e) => e.message)).toEqual([]);
}

describe('editing a scenario', () => {
  it('adds every kind of node with working defaults, and removes it again', () => {
    for (const kind of ADDABLE_KINDS) {
      const before = doc();
      const frozen = JSON.stringify(before);
      const r = addNode(before, kind, 'dc-b');
      expect(r.ok).toBe(true);
      if (!r.ok) continue;
      expectValid(r.doc);
      expect(JSON.stringify(before)).toBe(frozen);
      expect(r.doc.nodes.at(-1)!.id).toBe(r.id);
      const back = removeNode(r.doc, r.id!);
      expect(back.ok && back.doc.nodes.map((n) => n.id)).toEqual(before.nodes.map((n) => n.id));
    }
    const d = addNode(doc(), 'database', 'dc-a');
    expect(d.ok && d.doc.nodes.at(-1)).toMatchObject({ id: 'db4', role: 'replica', replicateFrom: 'db1' });
  });

  it('removing a node takes its faults and mentions along, or says what still needs it', () => {
    const d = doc();
    const r = removeNode(d, 'db3');
    expect(r.ok).toBe(true);
    if (r.ok) {
      expectValid(r.doc);
      expect(r.doc.nodes.find((n) => n.kind === 'orchestrator')).toMatchObject({ watches: ['db1', 'db2'] });
      expect(r.doc.narration!.every((n) => !n.focus?.includes('db3'))).toBe(true);
    }
    const crashGone = removeNode(d, 'db1');
    expect(crashGone).toEqual({ ok: false, error: 'db1 cannot be removed while db2 replicates from it, db3 replicates from it. Change that first.' });
    const sb = removeNode(doc('split-brain'), 'batch');
    expect(sb.ok).toBe(true);
    const web = removeNode(doc('split-brain'), 'db1');
    expect(!web.ok && web.error).toMatch(/batch sends its requests to it/);
  });

  it('sites and links', () => {
    let d = doc();
    const s = addSite(d);
    expect(s.ok && s.id).toBe('site1');
    if (!s.ok) return;
    d = s.doc;
    const l = addLink(d, 'dc-a', 'site1', 80);
    expect(l.ok).toBe(true);
    if (!l.ok) return;
    expectValid(l.doc);
    expect(addLink(l.doc, 'site1', 'dc-a', 5)).toEqual({ ok: false, error: 'site1 and dc-a are already linked.' });
    expect(addLink(l.doc, 'dc-a', 'dc-a', 5).ok).toBe(false);
    const lat = setLinkLatency(l.doc, 1, 200);
    expect(lat.ok && lat.doc.links[1].latencyMs).toBe(200);
    const rl = removeLink(l.doc, 1);
    expect(rl.ok && rl.doc.links.length).toBe(1);
    expect(removeSite(l.doc, 'dc-a')).toEqual({ ok: false, error: 'Site dc-a still has db1, db2, orch, app: remove or move them first.' });
    const rs = removeSite(l.doc, 'site1');
    expect(rs.ok && rs.doc.links.length).toBe(1);
  });

  it('seed, title and captions at a moment, in time order, with an optional question', () => {
    const d = doc();
    expect(setSeed(d, 1.5).ok).toBe(false);
    const s = setSeed(d, 99);
    expect(s.ok && s.doc.seed).toBe(99);
    const t = setTitle(d, '  Mine  ');
    expect(t.ok && t.doc.title).toBe('Mine');
    const n = addNarration(d, { atMs: 35_000.4, text: ' Look at db2 ', focus: ['db2'], question: 'Who wins?', choices: ['db2', 'db3', ''], answer: 1 });
    expect(n.ok).toBe(true);
    if (!n.ok) return;
    expectValid(n.doc);
    expect(n.doc.narration!.map((x) => x.atMs)).toEqual([0, 30_000, 35_000, 40_000]);
    expect(n.doc.narration![2]).toEqual({ atMs: 35_000, text: 'Look at db2', focus: ['db2'], question: 'Who wins?', choices: ['db2', 'db3'], answer: 1 });
    expect(addNarration(d, { atMs: 0, text: '   ' }).ok).toBe(false);
  });
});

describe('autosave', () => {
  function memory() {
    const m = new Map<string, string>();
    return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), m };
  }

  it('keeps one bounded slot and reads back what it wrote', () => {
    const s = memory();
    expect(readWork(s)).toBeNull();
    expect(writeWork({ link: 'fl1.abc', title: 'x'.repeat(500) }, new Date('2030-01-02T03:04:05Z'), s)).toBeNull();
    expect(readWork(s)).toEqual({ v: 1, link: 'fl1.abc', title: 'x'.repeat(200), savedAt: '2030-01-02T03:04:05.000Z' });
    expect(writeWork({ link: `fl1.${'A'.repeat(AUTOSAVE_MAX_CHARS)}`, title: 't' }, new Date(), s)).toMatch(/too large to save in the browser/);
    // The slot still holds the last work that fitted.
    expect(readWork(s)!.link).toBe('fl1.abc');
  });

  it('says so when storage is full or missing, and ignores unreadable slots', () => {
    const full = { getItem: () => null, setItem: () => { throw new Error('QuotaExceededError'); } };
    expect(writeWork({ link: 'fl1.a', title: 't' }, new Date(), full)).toMatch(/storage is full/);
    expect(writeWork({ link: 'fl1.a', title: 't' }, new Date(), null)).toMatch(/cannot be saved/);
    const s = memory();
    s.setItem(AUTOSAVE_KEY, '{not json');
    expect(readWork(s)).toBeNull();
  });
});
