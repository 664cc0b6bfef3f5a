// A learner's answer against the challenge it answers: node by node and fault by fault,
// every change the challenge does not allow, each with its path and a sentence. An answer
// with any of them is not run (CHALLENGE-FORMAT.md, "A learner's answer").
//
// Nodes are matched by id, faults by id (or, for a fault the challenge wrote without one, by
// content: the app gives id-less faults ids of its own). Order is not a change: a list of
// nodes or faults in another order is the same system.

import type { FaultSpec, NodeKind, NodeSpec } from '../../sim/spec';
import type { Scenario } from '../types';
import { sameJson } from '../what-if';
import { fieldFacts } from './fields';
import type { Allow, AllowedField, Disallowed } from './types';

type Rec = Record<string, unknown>;

/** Every change of `answer` from `base` that `allow` does not allow (empty: the answer may be run). */
export function disallowedChanges(base: Scenario, answer: Scenario, allow: Allow): Disallowed[] {
  const out: Disallowed[] = [];
  const add = (path: string, rest: string) => out.push({ path, message: `${path} ${rest}` });
  compareTopLevel(base, answer, add);
  compareNodes(base, answer, allow, add);
  compareFaults(base, answer, allow, add);
  return out;
}

type Add = (path: string, rest: string) => void;

const THIS = 'in this challenge';

// ---------------------------------------------------------------------------------------------
// Everything but nodes and faults is fixed: the seed, the duration, sites, links, narration...

function compareTopLevel(base: Scenario, answer: Scenario, add: Add): void {
  const keys = new Set([...Object.keys(base), ...Object.keys(answer)]);
  for (const key of keys) {
    if (key === 'nodes' || key === 'faults') continue;
    const path = firstDifference(base[key], answer[key], key);
    if (path !== null) add(path, base[key] === undefined ? `may not be added ${THIS}` : answer[key] === undefined ? `may not be removed ${THIS}` : `may not be changed ${THIS}`);
  }
}

/** The path of the first place where two JSON values differ, or null when they are equal. */
function firstDifference(a: unknown, b: unknown, path: string): string | null {
  if (sameJson(a, b)) return null;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return path;
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d !== null) return d;
    }
    return path;
  }
  if (isRec(a) && isRec(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDifference(a[k], b[k], `${path}.${k}`);
      if (d !== null) return d;
    }
  }
  return path;
}

function isRec(v: unknown): v is Rec {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// ---------------------------------------------------------------------------------------------
// Nodes

/** The fields `allow.set` lets the learner change on a node, with any bounds. */
function allowedFields(allow: Allow, id: string): Map<string, Exclude<AllowedField, string> | null> {
  const out = new Map<string, Exclude<AllowedField, string> | null>();
  for (const key of [id, '*']) {
    for (const f of allow.set?.[key] ?? []) {
      if (typeof f === 'string') {
        if (!out.has(f)) out.set(f, null);
      } else out.set(f.field, f);
    }
  }
  return out;
}

function whatIsAllowed(id: string, allowed: Map<string, unknown>): string {
  const names = [...allowed.keys()];
  if (names.length === 0) return `nothing on ${id} may change`;
  return `it allows ${id}'s ${listWords(names)}`;
}

function compareNodes(base: Scenario, answer: Scenario, allow: Allow, add: Add): void {
  const answerById = new Map(answer.nodes.map((n) => [n.id, n]));
  const baseIds = new Set(base.nodes.map((n) => n.id));
  const changed: string[] = [];
  for (const b of base.nodes) {
    const path = `nodes[${b.id}]`;
    const a = answerById.get(b.id);
    if (!a) {
      add(path, `(${article(b.kind)}) was removed; no challenge allows removing the scenario's nodes`);
      continue;
    }
    if (a.kind !== b.kind) {
      add(`${path}.kind`, `may not be changed: it is ${article(b.kind)} in this challenge`);
      continue;
    }
    const allowed = allowedFields(allow, b.id);
    const br = b as unknown as Rec;
    const ar = a as unknown as Rec;
    for (const field of new Set([...Object.keys(br), ...Object.keys(ar)])) {
      if (sameJson(br[field], ar[field])) continue;
      const facts = fieldFacts(b.kind, field);
      if (facts.learner === 'always') continue;
      const fpath = `${path}.${field}`;
      const rule = allowed.get(field);
      if (facts.learner === 'never' || rule === undefined) {
        const what = facts.label ? `(${facts.label}) ` : '';
        add(fpath, `${what}may not be ${ar[field] === undefined ? 'removed' : br[field] === undefined ? 'set' : 'changed'} ${THIS} (${whatIsAllowed(b.id, allowed)})`);
        continue;
      }
      changed.push(fpath);
      if (rule) checkBounds(b.kind, fpath, field, ar[field], br[field] !== undefined, rule, add);
    }
  }
  if (allow.setMax !== undefined && changed.length > allow.setMax) {
    add('nodes', `have ${changed.length} fields changed (${changed.join(', ')}); this challenge allows changing at most ${allow.setMax}`);
  }

  const added = answer.nodes.filter((n) => !baseIds.has(n.id));
  const kinds = allow.addNodes?.kinds ?? [];
  for (const n of added) {
    if (!kinds.includes(n.kind)) {
      add(`nodes[${n.id}]`, `is a new ${n.kind}; this challenge ${kinds.length ? `allows adding only ${listWords(kinds.map((k) => `${k} nodes`))}` : 'does not allow adding nodes'}`);
    }
  }
  const max = allow.addNodes?.max ?? 0;
  if (kinds.length > 0 && added.length > max) {
    add('nodes', `include ${added.length} new nodes (${added.map((n) => n.id).join(', ')}); this challenge allows adding at most ${max}`);
  }
}

function checkBounds(kind: NodeKind, path: string, field: string, value: unknown, wasSet: boolean, rule: Exclude<AllowedField, string>, add: Add): void {
  const range = rangeWords(rule);
  if (value === undefined) {
    // Back to the default, which the bounds may not include: only what was never set may stay unset.
    if (wasSet) add(path, `may not be removed ${THIS}; it may be set ${range}`);
    return;
  }
  const inValues = rule.values === undefined || rule.values.some((v) => v === value);
  const n = typeof value === 'number' ? value : NaN;
  const inRange = (rule.min === undefined || n >= rule.min) && (rule.max === undefined || n <= rule.max);
  const numeric = rule.min !== undefined || rule.max !== undefined;
  if (!inValues || (numeric && !inRange)) {
    const { unit, label } = fieldFacts(kind, field);
    add(path, `${label ? `(${label}) ` : ''}may be set ${range} ${THIS}; found ${JSON.stringify(value)}${unit && typeof value === 'number' ? ` ${unit}` : ''}`);
  }
}

function rangeWords(rule: Exclude<AllowedField, string>): string {
  const parts: string[] = [];
  if (rule.values) parts.push(`to ${listWords(rule.values.map((v) => JSON.stringify(v)), 'or')}`);
  if (rule.min !== undefined && rule.max !== undefined) parts.push(`from ${rule.min} to ${rule.max}`);
  else if (rule.min !== undefined) parts.push(`to at least ${rule.min}`);
  else if (rule.max !== undefined) parts.push(`to at most ${rule.max}`);
  return parts.join(' and ');
}

// ---------------------------------------------------------------------------------------------
// Faults

function faultWords(f: FaultSpec): string {
  const target = (f as { target?: string }).target;
  return `${article(f.kind)}${target ? ` of ${target}` : ''} at ${seconds(f.atMs)}`;
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

function withoutId(f: FaultSpec): Rec {
  const { id: _id, ...rest } = f as FaultSpec & Rec;
  return rest;
}

function compareFaults(base: Scenario, answer: Scenario, allow: Allow, add: Add): void {
  const unmatched = new Set(answer.faults.map((_, i) => i));
  const byId = new Map<string, number>();
  answer.faults.forEach((f, i) => {
    if (f.id !== undefined) byId.set(f.id, i);
  });
  const removable = (id: string | undefined) => allow.removeFaults === true || (Array.isArray(allow.removeFaults) && id !== undefined && allow.removeFaults.includes(id));

  base.faults.forEach((b, bi) => {
    const path = b.id !== undefined ? `faults[${b.id}]` : `faults[${bi}]`;
    let match: number | undefined;
    if (b.id !== undefined) match = byId.get(b.id);
    if (match === undefined) {
      // The same fault under another id (the app names faults that had none), or none at all.
      const content = withoutId(b);
      match = [...unmatched].find((i) => (b.id === undefined || answer.faults[i].id === undefined) && sameJson(withoutId(answer.faults[i]), content));
    }
    if (match === undefined) {
      if (!removable(b.id)) add(path, `(${faultWords(b)}) was removed or changed; ${removeWords(allow)}`);
      return;
    }
    unmatched.delete(match);
    const a = answer.faults[match];
    const ar = a as unknown as Rec;
    const br = b as unknown as Rec;
    for (const field of new Set([...Object.keys(br), ...Object.keys(ar)])) {
      if (field === 'id' || sameJson(br[field], ar[field])) continue;
      add(`${path}.${field}`, `may not be changed ${THIS} (${faultWords(b)} is part of the scenario)`);
    }
  });

  const added = [...unmatched].sort((x, y) => x - y);
  const kinds = allow.addFaults?.kinds ?? [];
  const fromMs = allow.addFaults?.fromMs;
  for (const i of added) {
    const f = answer.faults[i];
    const path = f.id !== undefined ? `faults[${f.id}]` : `faults[${i}]`;
    if (!kinds.includes(f.kind)) {
      add(path, `adds ${faultWords(f)}; this challenge ${kinds.length ? `allows adding only ${listWords(kinds)}` : 'does not allow adding faults or actions'}`);
    } else if (fromMs !== undefined && f.atMs < fromMs) {
      add(`${path}.atMs`, `is ${seconds(f.atMs)}; this challenge allows adding faults and actions only from ${seconds(fromMs)} on`);
    }
  }
  const max = allow.addFaults?.max ?? 0;
  if (kinds.length > 0 && added.length > max) {
    add('faults', `include ${added.length} added faults or actions; this challenge allows adding at most ${max}`);
  }
}

function removeWords(allow: Allow): string {
  if (Array.isArray(allow.removeFaults) && allow.removeFaults.length > 0) return `this challenge allows removing only ${listWords(allow.removeFaults)}`;
  return "this challenge does not allow removing or changing the scenario's faults";
}

// ---------------------------------------------------------------------------------------------
// Words

function article(word: string): string {
  return `${/^[aeiou]/.test(word) ? 'an' : 'a'} ${word}`;
}

function listWords(items: readonly string[], last = 'and'): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} ${last} ${items[items.length - 1]}`;
}

/** For the app: may the learner change this field of this node at all, and if not, why not. */
export function fieldPermission(base: Scenario, allow: Allow, node: NodeSpec | undefined, field: string): { ok: true } | { ok: false; why: string } {
  if (!node) return { ok: true };
  if (!base.nodes.some((n) => n.id === node.id)) return { ok: true }; // a node the learner added: its fields are free
  const facts = fieldFacts(node.kind, field);
  if (facts.learner === 'always') return { ok: true };
  const allowed = allowedFields(allow, node.id);
  if (facts.learner !== 'never' && allowed.has(field)) return { ok: true };
  return { ok: false, why: `${field} may not be changed in this challenge (${whatIsAllowed(node.id, allowed)})` };
}
