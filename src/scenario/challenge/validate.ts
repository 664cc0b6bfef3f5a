// The validator for challenge documents (`faultline-challenge/1`). The same rules and voice
// as the scenario validator (../validate.ts, whose helpers it uses): every problem with its
// path and a sentence, nothing thrown past it, nothing half-loaded. The challenge's own
// scenario goes through the scenario validator, and its errors keep their paths under
// `scenario`.

import { FAULT_KIND_NAMES } from '../../sim/world';
import type { NodeKind } from '../../sim/spec';
import { builtIn, BUILT_INS } from '../library';
import type { Scenario, ValidationError } from '../types';
import {
  at, copyJsonData, fmt, get, idField, list, listOf, num, oneOf, parseJsonText, quote, record, Report, show, str, typeName,
  validateScenario, SCENARIO_LIMITS, V1_NODE_KINDS, type DocumentKind, type Rec,
} from '../validate';
import { fieldFacts } from './fields';
import { ANOMALY_KINDS, metricPathProblem } from './metrics';
import { CHALLENGE_FORMAT, type Challenge, type ChallengeResult } from './types';

export const CHALLENGE_LIMITS = {
  briefChars: 5000,
  hints: 20,
  hintChars: 1000,
  requirements: 50,
  runs: 1000,
  setFields: 200,
} as const;

const L = CHALLENGE_LIMITS;

/** A challenge embeds a scenario: one level deeper, and room for its own fields. */
export const CHALLENGE_DOCUMENT: DocumentKind = {
  whole: 'the challenge',
  one: 'a challenge',
  textChars: SCENARIO_LIMITS.textChars + 100_000,
  depth: SCENARIO_LIMITS.depth + 1,
  values: SCENARIO_LIMITS.values + 10_000,
};

const ALLOW_KEYS = ['set', 'setMax', 'addFaults', 'removeFaults', 'addNodes'];

export function parseChallenge(text: string): ChallengeResult {
  try {
    const read = parseJsonText(text, CHALLENGE_DOCUMENT);
    return read.ok ? validateChallenge(read.value) : read;
  } catch (e) {
    return unexpected(e);
  }
}

export function validateChallenge(value: unknown): ChallengeResult {
  try {
    const r = new Report(CHALLENGE_DOCUMENT);
    const copied = copyJsonData(value, r);
    if (!copied.ok) return { ok: false, errors: r.errors };
    const doc = copied.value;
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
      r.add('', `must be an object such as { "format": "${CHALLENGE_FORMAT}", ... }; found ${typeName(doc)}`);
      return { ok: false, errors: r.errors };
    }
    const o = doc as Rec;
    const format = get(o, 'format');
    if (format !== CHALLENGE_FORMAT) {
      const newer = typeof format === 'string' && /^faultline-challenge\/\d+$/.test(format) && Number(format.split('/')[1]) > 1;
      r.add('format', newer
        ? `is ${quote(format)}, made for a newer version of Faultline; this version reads ${CHALLENGE_FORMAT}`
        : format === undefined ? `is missing; it must be "${CHALLENGE_FORMAT}"` : `must be "${CHALLENGE_FORMAT}"; found ${show(format)}`);
      return { ok: false, errors: r.errors };
    }
    idField(r, o, 'id', '', true);
    oneOf(r, o, 'kind', '', ['fix-it', 'break-it'] as const, false);
    str(r, o, 'title', '', { required: true, min: 1, max: SCENARIO_LIMITS.titleChars });
    str(r, o, 'brief', '', { required: true, min: 1, max: L.briefChars });
    const hints = list(r, o, 'hints', '', { max: L.hints, of: 'hints' });
    hints?.forEach((h, i) => {
      const path = at('hints', i);
      if (typeof h !== 'string') r.add(path, `must be a hint in words; found ${typeName(h)}`);
      else if (h.length === 0) r.add(path, 'must not be empty');
      else if (h.length > L.hintChars) r.add(path, `is ${fmt(h.length)} characters long; the limit is ${fmt(L.hintChars)}`);
    });

    const resolved = scenarioOf(r, o);
    const scenario = resolved?.scenario;
    const allow = get(o, 'allow') === undefined ? (o.allow = {}) : get(o, 'allow');
    checkAllow(r, allow, scenario);
    const seeds = checkGoal(r, get(o, 'goal'), scenario);

    for (const path of copied.nonFinite) {
      if (!r.mentions(path)) r.add(path, 'must be a finite number; found a value JSON cannot carry (NaN or Infinity)');
    }
    if (r.errors.length > 0 || !resolved || !seeds) return { ok: false, errors: r.errors };
    const challenge = o as Challenge;
    return { ok: true, loaded: { challenge, scenario: resolved.scenario, seeds, ...(resolved.id !== undefined && { scenarioId: resolved.id }) } };
  } catch (e) {
    return unexpected(e);
  }
}

function unexpected(e: unknown): ChallengeResult {
  let text: string;
  try {
    text = e instanceof Error ? e.message : String(e);
  } catch {
    text = 'an unreadable error';
  }
  return { ok: false, errors: [{ path: '', message: `the challenge could not be checked because of an unexpected error: ${text}` }] };
}

// ---------------------------------------------------------------------------------------------
// The scenario: a built-in id, or a whole document checked by the scenario validator

function scenarioOf(r: Report, o: Rec): { scenario: Scenario; id?: string } | undefined {
  const value = get(o, 'scenario');
  if (value === undefined) {
    r.add('scenario', 'is missing; it must be a built-in scenario id or a whole scenario document');
    return undefined;
  }
  if (typeof value === 'string') {
    const b = builtIn(value);
    if (!b) {
      r.add('scenario', `names ${quote(value)}, which is not a built-in scenario (they are ${BUILT_INS.map((x) => x.id).join(', ')})`);
      return undefined;
    }
    const res = validateScenario(b.document);
    if (!res.ok) {
      for (const e of res.errors) pushScenarioError(r, e);
      return undefined;
    }
    return { scenario: res.scenario, id: value };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    r.add('scenario', `must be a built-in scenario id or a whole scenario document; found ${typeName(value)}`);
    return undefined;
  }
  const res = validateScenario(value);
  if (!res.ok) {
    for (const e of res.errors) pushScenarioError(r, e);
    return undefined;
  }
  o.scenario = res.scenario;
  return { scenario: res.scenario };
}

/** A scenario error, with its path under `scenario` (its message starts with that path). */
function pushScenarioError(r: Report, e: ValidationError): void {
  if (e.path === '') {
    r.push({ path: 'scenario', message: `scenario: ${e.message}` });
    return;
  }
  const rest = e.message.startsWith(e.path) ? e.message.slice(e.path.length) : `: ${e.message}`;
  const path = e.path.startsWith('[') ? `scenario${e.path}` : `scenario.${e.path}`;
  r.push({ path, message: `${path}${rest}` });
}

// ---------------------------------------------------------------------------------------------
// allow

function checkAllow(r: Report, value: unknown, scenario: Scenario | undefined): void {
  const a = record(r, value, 'allow', 'an object such as { "set": { "db2": ["replication"] } }');
  if (!a) return;
  for (const key of Object.keys(a)) {
    if (!ALLOW_KEYS.includes(key)) r.add(at('allow', key), `is not something a challenge can allow; it can allow ${listOf(ALLOW_KEYS)}`);
  }
  const set = get(a, 'set');
  if (set !== undefined) checkSet(r, set, scenario);
  num(r, a, 'setMax', 'allow', { integer: true, min: 1, max: L.setFields });

  const faults = get(a, 'addFaults');
  if (faults !== undefined) {
    const f = record(r, faults, 'allow.addFaults', 'an object such as { "kinds": ["partition"], "max": 1 }');
    if (f) {
      const kinds = list(r, f, 'kinds', 'allow.addFaults', { required: true, min: 1, max: FAULT_KIND_NAMES.length, of: 'fault kinds' });
      kinds?.forEach((k, i) => {
        const path = at(at('allow.addFaults', 'kinds'), i);
        if (typeof k !== 'string' || !FAULT_KIND_NAMES.includes(k)) r.add(path, `must be a fault kind (${FAULT_KIND_NAMES.join(', ')}); found ${show(k)}`);
      });
      num(r, f, 'max', 'allow.addFaults', { required: true, integer: true, min: 1, max: SCENARIO_LIMITS.faults });
      num(r, f, 'fromMs', 'allow.addFaults', { min: 0, ...(scenario && { max: scenario.durationMs, note: "(the scenario's durationMs)" }) });
    }
  }

  const remove = get(a, 'removeFaults');
  if (remove !== undefined && typeof remove !== 'boolean') {
    if (!Array.isArray(remove)) r.add('allow.removeFaults', `must be true, false, or a list of the ids of the scenario's faults that may be removed; found ${typeName(remove)}`);
    else {
      remove.forEach((id, i) => {
        const path = at('allow.removeFaults', i);
        if (typeof id !== 'string') r.add(path, `must be the id of one of the scenario's faults; found ${typeName(id)}`);
        else if (scenario && !scenario.faults.some((f) => f.id === id)) r.add(path, `names ${quote(id)}, which is not the id of one of the scenario's faults`);
      });
    }
  }

  const nodes = get(a, 'addNodes');
  if (nodes !== undefined) {
    const n = record(r, nodes, 'allow.addNodes', 'an object such as { "kinds": ["monitor"], "max": 1 }');
    if (n) {
      oneOfList(r, n, 'kinds', 'allow.addNodes', V1_NODE_KINDS, 'node kinds');
      num(r, n, 'max', 'allow.addNodes', { required: true, integer: true, min: 1, max: SCENARIO_LIMITS.nodes });
    }
  }
}

function oneOfList(r: Report, o: Rec, key: string, base: string, allowed: readonly string[], of: string): void {
  const items = list(r, o, key, base, { required: true, min: 1, max: allowed.length, of });
  items?.forEach((k, i) => {
    if (typeof k !== 'string' || !allowed.includes(k)) r.add(at(at(base, key), i), `must be one of ${allowed.join(', ')}; found ${show(k)}`);
  });
}

function checkSet(r: Report, value: unknown, scenario: Scenario | undefined): void {
  const set = record(r, value, 'allow.set', 'an object of node id -> fields, such as { "db2": ["replication"] }');
  if (!set) return;
  let count = 0;
  for (const [id, fields] of Object.entries(set)) {
    const base = at('allow.set', id);
    const node = scenario?.nodes.find((n) => n.id === id);
    if (scenario && id !== '*' && !node) {
      r.add(base, `names ${quote(id)}, which is not a node of the scenario ('*' means every node)`);
      continue;
    }
    if (!Array.isArray(fields)) {
      r.add(base, `must be a list of field names (or { "field": ..., "min": ..., "max": ... }); found ${typeName(fields)}`);
      continue;
    }
    const seen = new Set<string>();
    fields.forEach((f, i) => {
      const path = at(base, i);
      if (++count > L.setFields) {
        if (count === L.setFields + 1) r.add('allow.set', `names more than ${L.setFields} fields`);
        return;
      }
      const name = typeof f === 'string' ? f : typeof f === 'object' && f !== null && !Array.isArray(f) ? get(f as Rec, 'field') : undefined;
      if (typeof name !== 'string' || name.length === 0) {
        r.add(path, `must be a field name, or an object such as { "field": "poolSize", "min": 1, "max": 50 }; found ${show(f)}`);
        return;
      }
      if (seen.has(name)) r.add(path, `repeats ${quote(name)}`);
      seen.add(name);
      const kinds: NodeKind[] = node ? [node.kind] : [...new Set((scenario?.nodes ?? []).map((n) => n.kind))];
      const facts = kinds.map((k) => fieldFacts(k, name));
      if (facts.some((x) => x.known && x.learner === 'never')) r.add(path, `names ${quote(name)}, which says which node this is: no learner may change it`);
      else if (facts.length > 0 && facts.every((x) => !x.known)) r.add(path, `names ${quote(name)}, which is not a field of ${node ? `${id} (${node.kind})` : 'any node of the scenario'}`);
      if (typeof f === 'object') checkBoundsRule(r, f as Rec, path);
    });
  }
}

function checkBoundsRule(r: Report, f: Rec, path: string): void {
  for (const key of Object.keys(f)) {
    if (!['field', 'min', 'max', 'values'].includes(key)) r.add(at(path, key), 'is not a bound a challenge knows; use min, max or values');
  }
  const min = num(r, f, 'min', path, {});
  const max = num(r, f, 'max', path, {});
  if (min !== undefined && max !== undefined && min > max) r.add(at(path, 'max'), `must not be below min (${fmt(min)}); found ${fmt(max)}`);
  const values = list(r, f, 'values', path, { min: 1, max: 100, of: 'values' });
  values?.forEach((v, i) => {
    if (!['string', 'number', 'boolean'].includes(typeof v)) r.add(at(at(path, 'values'), i), `must be a string, a number or true/false; found ${typeName(v)}`);
  });
  if (get(f, 'min') === undefined && get(f, 'max') === undefined && values === undefined) {
    r.add(path, 'bounds nothing; write the field name alone, or give min, max or values');
  }
}

// ---------------------------------------------------------------------------------------------
// goal

/** The seeds of `A..B`, or a problem. */
export function parseSeeds(text: string): number[] | string {
  const m = /^(-?\d{1,16})\.\.(-?\d{1,16})$/.exec(text);
  if (!m) return `must be a range of seeds such as "1..20"; found ${quote(text)}`;
  const from = Number(m[1]);
  const to = Number(m[2]);
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to)) return 'must have seeds that are safe integers';
  if (to < from) return `is ${quote(text)}, which is empty: the first seed must not be after the last`;
  if (to - from + 1 > L.runs) return `is ${fmt(to - from + 1)} runs; a goal may ask for at most ${fmt(L.runs)}`;
  const out: number[] = [];
  for (let s = from; s <= to; s++) out.push(s);
  return out;
}

function checkGoal(r: Report, value: unknown, scenario: Scenario | undefined): number[] | undefined {
  if (value === undefined) {
    r.add('goal', 'is missing; it must say which seeds to run and what every run must show');
    return undefined;
  }
  const g = record(r, value, 'goal', 'an object such as { "seeds": "1..20", "require": [...] }');
  if (!g) return undefined;
  let seeds: number[] | undefined;
  const s = get(g, 'seeds');
  if (s === undefined) r.add('goal.seeds', 'is missing; it must be a range of seeds such as "1..20"');
  else if (typeof s !== 'string') r.add('goal.seeds', `must be a range of seeds such as "1..20"; found ${typeName(s)}`);
  else {
    const parsed = parseSeeds(s);
    if (typeof parsed === 'string') r.add('goal.seeds', parsed);
    else seeds = parsed;
  }
  const reqs = list(r, g, 'require', 'goal', { required: true, min: 1, max: L.requirements, of: 'requirements' });
  reqs?.forEach((value, i) => checkRequirement(r, value, at('goal.require', i), scenario));
  const inAtLeast = num(r, g, 'inAtLeast', 'goal', { integer: true, min: 1 });
  if (inAtLeast !== undefined && seeds && inAtLeast > seeds.length) {
    r.add('goal.inAtLeast', `is ${fmt(inAtLeast)}, more than the ${fmt(seeds.length)} runs goal.seeds asks for`);
  }
  return seeds;
}

const REQUIREMENT = '{ "anomaly": "lost-write", "atMost": 0 } or { "metric": "writes.latency.p99Ms", "atMost": 100 }';

function checkRequirement(r: Report, value: unknown, path: string, scenario: Scenario | undefined): void {
  const q = record(r, value, path, `a requirement such as ${REQUIREMENT}`);
  if (!q) return;
  const has = (k: string) => get(q, k) !== undefined;
  if (has('anomaly') === has('metric')) {
    r.add(path, `${has('anomaly') ? 'names both an anomaly and a metric' : 'names neither an anomaly nor a metric'}; a requirement is ${REQUIREMENT}`);
  } else if (has('anomaly')) {
    oneOf(r, q, 'anomaly', path, ANOMALY_KINDS, true);
  } else {
    const metric = str(r, q, 'metric', path, { required: true, min: 1, max: 200 });
    if (metric !== undefined && scenario) {
      const problem = metricPathProblem(metric, scenario);
      if (problem) r.add(at(path, 'metric'), problem);
    }
  }
  const atMost = num(r, q, 'atMost', path, {});
  const atLeast = num(r, q, 'atLeast', path, {});
  if (!has('atMost') && !has('atLeast')) r.add(path, 'sets no bound; give atMost, atLeast or both');
  if (atMost !== undefined && atLeast !== undefined && atLeast > atMost) r.add(at(path, 'atLeast'), `is more than atMost (${fmt(atMost)}): no run could pass`);
  for (const key of Object.keys(q)) {
    if (!['anomaly', 'metric', 'atMost', 'atLeast'].includes(key)) r.add(at(path, key), 'is not part of a requirement; use anomaly or metric, and atMost and/or atLeast');
  }
}
