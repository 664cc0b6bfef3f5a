// The editor's operations on a scenario document: pure functions from a document to a new
// one (documents are never changed in place, so undo keeps references). No DOM: unit tests
// call them directly. What they produce is still checked by the validator when it loads;
// these only make the common edits easy and say in words why an edit cannot be made.

import type { ScenarioDoc } from './scenario-doc';
import { LINK_PARAMS } from '../sim/params';
import { numberProblem } from '../scenario/validate';

type Rec = Record<string, unknown>;
export type EditResult = { ok: true; doc: ScenarioDoc; id?: string } | { ok: false; error: string };

/** Node kinds the editor can add (each gets working defaults). */
export const ADDABLE_KINDS = ['database', 'client', 'endpoint', 'orchestrator', 'monitor'] as const;
export type AddableKind = (typeof ADDABLE_KINDS)[number];

const PREFIX: Record<AddableKind, string> = { database: 'db', client: 'app', endpoint: 'endpoint', orchestrator: 'orch', monitor: 'monitor' };

function rec(x: unknown): Rec {
  return typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Rec) : {};
}

function nodesOf(doc: ScenarioDoc): Rec[] {
  return doc.nodes as unknown as Rec[];
}

/** An id no node or site has yet: `db4`, `app2`, ... */
export function freeId(doc: ScenarioDoc, prefix: string): string {
  const taken = new Set<string>([...doc.nodes.map((n) => n.id), ...doc.sites.map((s) => s.id)]);
  for (let n = 1; ; n++) if (!taken.has(`${prefix}${n}`)) return `${prefix}${n}`;
}

export function addNode(doc: ScenarioDoc, kind: AddableKind, site: string | null): EditResult {
  const nodes = nodesOf(doc);
  const databases = nodes.filter((n) => n.kind === 'database');
  const id = freeId(doc, PREFIX[kind]);
  const siteId = site ?? doc.sites[0]?.id;
  if (kind !== 'endpoint' && !doc.sites.some((s) => s.id === siteId)) return { ok: false, error: 'Add a site first: every node but an endpoint runs in one.' };
  let node: Rec;
  switch (kind) {
    case 'database': {
      const primary = databases.find((d) => d.role === 'primary');
      node = primary ? { id, kind, site: siteId, role: 'replica', replicateFrom: primary.id, replication: 'async' } : { id, kind, site: siteId, role: 'primary' };
      break;
    }
    case 'client': {
      const ep = nodes.find((n) => n.kind === 'endpoint' && n.resolvesTo === 'role:primary');
      const target = ep?.id ?? databases.find((d) => d.role === 'primary')?.id ?? databases[0]?.id;
      if (!target) return { ok: false, error: 'Add a database (or an endpoint) first: a client needs somewhere to send its requests.' };
      node = { id, kind, site: siteId, target, writesPerSec: 10, readsPerSec: 10 };
      break;
    }
    case 'endpoint':
      node = { id, kind, resolvesTo: 'role:primary', ttlMs: 5000 };
      break;
    case 'orchestrator':
      if (!databases.length) return { ok: false, error: 'Add a database first: an orchestrator watches databases.' };
      node = { id, kind, site: siteId, watches: databases.map((d) => d.id), detector: 'timeout', timeoutMs: 10000, promotion: 'auto', fencing: false };
      break;
    case 'monitor':
      node = { id, kind, site: siteId, scrapeMs: 15000, rules: [{ name: 'node down', metric: 'node-up', forMs: 60000 }] };
      break;
  }
  // Where to draw it: beside the others when they have places, else the default layout.
  // An orchestrator that watches every database watches the new one too.
  let others = doc.nodes;
  if (kind === 'database') {
    const all = databases.map((d) => d.id);
    others = nodes.map((n) => (n.kind === 'orchestrator' && Array.isArray(n.watches) && all.every((d) => (n.watches as unknown[]).includes(d)) ? { ...n, watches: [...(n.watches as string[]), id] } : n)) as never;
  }
  const placed = nodes.map((n) => rec(n.position)).filter((p) => typeof p.x === 'number' && typeof p.y === 'number') as { x: number; y: number }[];
  if (placed.length) node.position = { x: Math.max(...placed.map((p) => p.x)) + 180, y: Math.min(...placed.map((p) => p.y)) };
  return { ok: true, id, doc: { ...doc, nodes: [...others, node as never] } };
}

/** Remove a node and what only it was about (its faults, its place in watch lists and captions). */
export function removeNode(doc: ScenarioDoc, id: string): EditResult {
  const nodes = nodesOf(doc);
  if (!nodes.some((n) => n.id === id)) return { ok: false, error: `There is no node '${id}'.` };
  const refs = (v: unknown) => v === id || v === `node:${id}`;
  const blockers: string[] = [];
  for (const n of nodes) {
    if (n.id === id) continue;
    if (n.replicateFrom === id) blockers.push(`${n.id} replicates from it`);
    if (refs(n.target) || refs(n.readTarget)) blockers.push(`${n.id} sends its requests to it`);
    if (refs(n.resolvesTo)) blockers.push(`endpoint ${n.id} resolves to it`);
    if (refs(n.backend)) blockers.push(`${n.id} is in front of it`);
    if (n.kind === 'orchestrator' && Array.isArray(n.watches) && n.watches.length === 1 && n.watches[0] === id) blockers.push(`${n.id} watches nothing else`);
  }
  if (blockers.length) return { ok: false, error: `${id} cannot be removed while ${blockers.join(', ')}. Change that first.` };

  const without = (xs: unknown) => (Array.isArray(xs) ? xs.filter((x) => x !== id) : xs);
  const nextNodes = nodes
    .filter((n) => n.id !== id)
    .map((n) => {
      const m: Rec = { ...n };
      if (Array.isArray(m.watches)) m.watches = without(m.watches);
      if (Array.isArray(m.databases)) {
        m.databases = without(m.databases);
        if (!(m.databases as unknown[]).length) delete m.databases;
      }
      if (Array.isArray(m.rules)) {
        m.rules = (m.rules as unknown[])
          .map((r) => {
            const rr = rec(r);
            if (!Array.isArray(rr.nodes)) return rr;
            const left = (rr.nodes as unknown[]).filter((x) => x !== id);
            return left.length ? { ...rr, nodes: left } : null;
          })
          .filter((r) => r !== null);
      }
      return m;
    });
  const faults = doc.faults
    .map((f) => {
      const r = f as unknown as Rec;
      if (refs(r.target) || refs(r.to) || refs(r.follow)) return null;
      if (Array.isArray(r.sides)) {
        const sides = (r.sides as unknown[][]).map((s) => (Array.isArray(s) ? s.filter((x) => x !== id) : s));
        if (sides.some((s) => Array.isArray(s) && s.length === 0)) return null;
        return { ...r, sides };
      }
      return r;
    })
    .filter((f) => f !== null);
  const narration = doc.narration?.map((n) => (n.focus ? { ...n, focus: n.focus.filter((x) => x !== id) } : n));
  const out: Rec = { ...doc, nodes: nextNodes, faults };
  if (narration) out.narration = narration;
  if (Array.isArray(doc.whatIf)) out.whatIf = (doc.whatIf as unknown[]).filter((w) => !JSON.stringify(rec(w).changes ?? []).includes(`"${id}"`));
  return { ok: true, doc: out as unknown as ScenarioDoc };
}

export function addSite(doc: ScenarioDoc): EditResult {
  const id = freeId(doc, 'site');
  return { ok: true, id, doc: { ...doc, sites: [...doc.sites, { id }] } };
}

export function removeSite(doc: ScenarioDoc, id: string): EditResult {
  const members = doc.nodes.filter((n) => n.site === id);
  if (members.length) return { ok: false, error: `Site ${id} still has ${members.map((n) => n.id).join(', ')}: remove or move them first.` };
  if (doc.sites.length <= 1) return { ok: false, error: 'A scenario needs at least one site.' };
  const touches = (f: Rec) => (Array.isArray(f.between) && f.between.includes(id)) || (Array.isArray(f.sides) && (f.sides as unknown[][]).some((s) => Array.isArray(s) && s.includes(id)));
  return {
    ok: true,
    doc: {
      ...doc,
      sites: doc.sites.filter((s) => s.id !== id),
      links: doc.links.filter((l) => !l.between.includes(id)),
      faults: doc.faults.filter((f) => !touches(f as unknown as Rec)),
    },
  };
}

/** A link's latency the validator would refuse, in its words (from the link table's bounds). */
function latencyProblem(latencyMs: number): string | null {
  const problem = numberProblem(LINK_PARAMS.latencyMs, latencyMs, 'latencyMs');
  return problem && `The link's ${problem} ms.`;
}

export function addLink(doc: ScenarioDoc, a: string, b: string, latencyMs: number): EditResult {
  if (a === b) return { ok: false, error: 'A link joins two different sites.' };
  if (!doc.sites.some((s) => s.id === a) || !doc.sites.some((s) => s.id === b)) return { ok: false, error: 'Pick two sites.' };
  if (doc.links.some((l) => l.between.includes(a) && l.between.includes(b))) return { ok: false, error: `${a} and ${b} are already linked.` };
  const problem = latencyProblem(latencyMs);
  if (problem) return { ok: false, error: problem };
  return { ok: true, doc: { ...doc, links: [...doc.links, { between: [a, b], latencyMs }] } };
}

export function removeLink(doc: ScenarioDoc, index: number): EditResult {
  const l = doc.links[index];
  if (!l) return { ok: false, error: 'There is no such link.' };
  const [a, b] = l.between;
  const sameLink = (f: Rec) => Array.isArray(f.between) && f.between.includes(a) && f.between.includes(b) && a !== b;
  return { ok: true, doc: { ...doc, links: doc.links.filter((_, i) => i !== index), faults: doc.faults.filter((f) => !(f.kind === 'degrade-link' && sameLink(f as unknown as Rec))) } };
}

export function setLinkLatency(doc: ScenarioDoc, index: number, latencyMs: number): EditResult {
  if (!doc.links[index]) return { ok: false, error: 'There is no such link.' };
  const problem = latencyProblem(latencyMs);
  if (problem) return { ok: false, error: problem };
  const links = doc.links.map((l, i) => {
    if (i !== index) return l;
    const next = { ...l, latencyMs };
    // The jitter default follows the latency; an explicit one larger than it would surprise.
    if (next.jitterMs !== undefined && next.jitterMs > latencyMs) delete next.jitterMs;
    return next;
  });
  return { ok: true, doc: { ...doc, links } };
}

export function setSeed(doc: ScenarioDoc, seed: number): EditResult {
  if (!Number.isSafeInteger(seed)) return { ok: false, error: 'The seed is a whole number.' };
  return { ok: true, doc: { ...doc, seed } };
}

export function setTitle(doc: ScenarioDoc, title: string): EditResult {
  const t = title.trim();
  if (t.length > 200) return { ok: false, error: 'A title has at most 200 characters.' };
  const next: Rec = { ...doc };
  if (t) next.title = t;
  else delete next.title;
  return { ok: true, doc: next as unknown as ScenarioDoc };
}

export interface NarrationDraft {
  atMs: number;
  text: string;
  focus?: string[];
  question?: string;
  choices?: string[];
  answer?: number;
}

/** A caption at a moment of the run, kept in time order. */
export function addNarration(doc: ScenarioDoc, draft: NarrationDraft): EditResult {
  const text = draft.text.trim();
  if (!text) return { ok: false, error: 'Write the caption first.' };
  const entry: Rec = { atMs: Math.max(0, Math.round(draft.atMs)), text };
  if (draft.focus?.length) entry.focus = draft.focus;
  if (draft.question?.trim()) {
    entry.question = draft.question.trim();
    const choices = (draft.choices ?? []).map((c) => c.trim()).filter(Boolean);
    if (choices.length >= 2) {
      entry.choices = choices;
      if (draft.answer !== undefined && draft.answer >= 0 && draft.answer < choices.length) entry.answer = draft.answer;
    }
  }
  const list = [...(doc.narration ?? []), entry] as unknown as Rec[];
  // Stable: entries at the same moment keep the order they were written in.
  const sorted = list.map((n, i) => ({ n, i })).sort((x, y) => (x.n.atMs as number) - (y.n.atMs as number) || x.i - y.i).map((x) => x.n);
  return { ok: true, doc: { ...doc, narration: sorted as never } };
}

export function removeNarration(doc: ScenarioDoc, index: number): EditResult {
  const list = doc.narration ?? [];
  if (!list[index]) return { ok: false, error: 'There is no such caption.' };
  return { ok: true, doc: { ...doc, narration: list.filter((_, i) => i !== index) } };
}
