// The inspector's fields, read off the parameter tables (src/sim/params): a parameter added
// to a table shows up here with its label, unit, bounds and default, and nothing else needs
// to know about it. No DOM: unit tests call these directly.

import { NODE_BASE_PARAMS, nodeParams, type NumberParam, type Param, type ParamTable } from '../sim/params';
import type { FaultSpec, NodeKind, NodeSpec } from '../sim/spec';
import { FAULT_PARAMS, type FaultKind } from '../sim/params/faults';
import { numberProblem } from '../scenario/validate';

interface FieldBase {
  /** The field's path in the node: `writesPerSec`, or `diurnal.periodMs` inside an object. */
  key: string;
  label: string;
  help: string;
  /** What leaving it empty means: the default, in words. */
  placeholder: string;
}

export type InspectorField =
  | (FieldBase & { type: 'number'; param: NumberParam; min?: number; max?: number; step: number | 'any'; unit: string })
  | (FieldBase & { type: 'select'; options: readonly string[] })
  | (FieldBase & { type: 'checkbox' })
  | (FieldBase & { type: 'text' })
  | (FieldBase & { type: 'site' });

function placeholder(p: Param): string {
  if ('default' in p && p.default !== undefined) return `default ${String(p.default)}`;
  if (p.defaultText) return `default: ${p.defaultText.replaceAll('`', '')}`;
  return '';
}

function fieldOf(key: string, label: string, p: Param): InspectorField | null {
  const base = { key, label, help: p.help.replaceAll('`', ''), placeholder: placeholder(p) };
  switch (p.type) {
    case 'number': {
      // An allowed "off" value below the range (0: no throttle) must stay reachable with the arrows.
      const low = p.min ?? p.above;
      const min = p.off && low !== undefined ? Math.min(p.off.value, low) : low;
      // "Keys (keys)" says nothing twice.
      const unit = label.toLowerCase().includes(p.unit) ? '' : p.unit;
      return { ...base, type: 'number', param: p, min, max: p.max, step: p.step ?? 'any', unit };
    }
    case 'enum':
      return { ...base, type: 'select', options: p.values };
    case 'boolean':
      return { ...base, type: 'checkbox' };
    case 'text':
    case 'ref':
    case 'address':
      return { ...base, type: 'text' };
    case 'site':
      return { ...base, type: 'site' };
    default:
      // Lists and pairs are edited on the stage and in the JSON, not in a one-line field.
      return null;
  }
}

/**
 * The fields the inspector shows for a node: those marked for the player, or in editor mode
 * every field a person sets by hand (an object's fields one by one: "Daily cycle: Cycle length").
 */
export function inspectorFields(kind: NodeKind, extended: boolean): InspectorField[] {
  const table: ParamTable = { ...NODE_BASE_PARAMS, ...nodeParams(kind) };
  const out: InspectorField[] = [];
  for (const [key, p] of Object.entries(table)) {
    const ui = p.ui ?? 'editor';
    if (ui === 'none' || (ui === 'editor' && !extended)) continue;
    if (p.type === 'object') {
      for (const [inner, q] of Object.entries(p.fields)) {
        const f = fieldOf(`${key}.${inner}`, `${p.label}: ${q.label}`, q);
        if (f) out.push(f);
      }
      continue;
    }
    const f = fieldOf(key, p.label, p);
    if (f) out.push(f);
  }
  return out;
}

/**
 * A fault's own fields the fault editor offers, from the fault table (src/sim/params/faults):
 * numbers, switches and names. Lists and pairs (a partition's sides) stay in the JSON.
 */
export function faultFields(kind: FaultKind): InspectorField[] {
  const table: ParamTable = FAULT_PARAMS[kind].fields;
  return Object.entries(table).flatMap(([key, p]) => {
    const f = fieldOf(key, p.label, p);
    return f && f.type !== 'site' ? [f] : [];
  });
}

/** A field's value in a node or a fault (`diurnal.periodMs` reads inside `diurnal`). */
export function fieldValue(spec: NodeSpec | FaultSpec, key: string): unknown {
  let v: unknown = spec;
  for (const part of key.split('.')) {
    if (typeof v !== 'object' || v === null || !Object.hasOwn(v, part)) return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

/**
 * The change to send for a new value (undefined: back to the default). A field inside an
 * object changes that object, which disappears when nothing is left in it.
 */
export function fieldPatch(spec: NodeSpec, key: string, value: unknown): Record<string, unknown> {
  const [outer, inner] = key.split('.');
  if (inner === undefined) return { [outer]: value };
  const current = fieldValue(spec, outer);
  const next: Record<string, unknown> = typeof current === 'object' && current !== null ? { ...(current as Record<string, unknown>) } : {};
  if (value === undefined) delete next[inner];
  else next[inner] = value;
  return { [outer]: Object.keys(next).length ? next : undefined };
}

/** Why a typed number cannot be used, in the validator's words, or null when it can. */
export function fieldProblem(f: InspectorField, value: unknown): string | null {
  if (f.type !== 'number' || value === undefined) return null;
  return numberProblem(f.param, value, f.key);
}

/** A list of objects (a monitor's alert rules), edited as JSON text where a one-line field cannot hold it. */
export interface JsonField {
  key: string;
  label: string;
  help: string;
  /** One element, as the format page shows it. */
  example: string;
}

/** The node's fields that are lists of objects: the inspector offers them as JSON where a challenge allows them. */
export function jsonFields(kind: NodeKind): JsonField[] {
  const table: ParamTable = { ...NODE_BASE_PARAMS, ...nodeParams(kind) };
  return Object.entries(table).flatMap(([key, p]) => (p.type === 'objects' ? [{ key, label: p.label, help: p.help.replaceAll('`', ''), example: p.example }] : []));
}

/** The value typed into a JSON field, or why it cannot be read. */
export function parseJsonField(f: JsonField, text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  if (text.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, error: `${f.key} must be JSON, a list like [${f.example}]; ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** What a challenge lets the learner change (challenge/attempt.svelte.ts): the inspector shows the rest read-only, saying why. */
export interface FieldLock {
  /** Why the field is read-only, or null when the learner may change it. */
  fieldLock(node: NodeSpec, key: string): string | null;
  /** Whether to show the field for the learner to change (fields the player hides included). */
  fieldAllowed(node: NodeSpec, key: string): boolean;
  /** What the inspector says above the node's fields. */
  nodeNote(node: NodeSpec): string | null;
}
