// Upgrades documents written by older versions, so a link made today still opens next year.
// A format change that breaks v1 names adds one entry here (old format -> next format) and
// never edits an existing one: a chain of small steps stays testable and each step only has
// to know its neighbour.

import { SCENARIO_FORMAT, type ValidationError } from './types';

export type ScenarioDoc = Record<string, unknown>;

export interface Migration {
  /** The format the document has after this step. */
  to: string;
  /** Rewrites the fields that changed; `format` is stamped by `migrate`. May mutate `doc`. */
  up(doc: ScenarioDoc): ScenarioDoc;
}

export type MigrationResult = { ok: true; doc: ScenarioDoc } | { ok: false; errors: ValidationError[] };

/** Keyed by the format a step reads. Empty: v1 is the first format. */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {};

// A chain longer than this is a loop in the table, not history.
const MAX_STEPS = 1000;

/**
 * Applies the chain of migrations from `doc.format` up to the current format. `doc` may be
 * changed in place (validateScenario hands over its own copy).
 */
export function migrate(doc: unknown, migrations: Readonly<Record<string, Migration>> = MIGRATIONS): MigrationResult {
  if (!isRecord(doc)) {
    return fail('', `the scenario must be a JSON object ({ "format": "${SCENARIO_FORMAT}", ... }); found ${kindOf(doc)}`);
  }
  let current = doc;
  for (let steps = 0; ; steps++) {
    const format = current.format;
    if (format === SCENARIO_FORMAT) return { ok: true, doc: current };
    if (format === undefined) {
      return fail('format', `format is missing; a scenario starts with "format": "${SCENARIO_FORMAT}" so that later versions know how to read it`);
    }
    if (typeof format !== 'string') {
      return fail('format', `format must be a string such as '${SCENARIO_FORMAT}'; found ${kindOf(format)}`);
    }
    // Own properties only: a format named 'constructor' or 'toString' must not find
    // Object.prototype's members.
    const step = Object.hasOwn(migrations, format) ? migrations[format] : undefined;
    if (!step) return fail('format', unreadable(format));
    if (steps >= MAX_STEPS) {
      return fail('format', `format '${format}' could not be upgraded: the migrations go round in a loop`);
    }
    let next: unknown;
    try {
      next = step.up(current);
    } catch (e) {
      return fail('', `the scenario could not be upgraded from '${format}' to '${step.to}': ${errorText(e)}`);
    }
    if (!isRecord(next)) {
      return fail('', `the scenario could not be upgraded from '${format}' to '${step.to}': the migration returned ${kindOf(next)}`);
    }
    next.format = step.to;
    current = next;
  }
}

function unreadable(format: string): string {
  const shown = quote(format);
  const version = /^faultline\/(\d+(?:\.\d+)?)$/.exec(format);
  const current = Number(SCENARIO_FORMAT.slice('faultline/'.length));
  if (version && Number(version[1]) > current) {
    return `format is ${shown}, made by a newer version of Faultline; this version reads ${SCENARIO_FORMAT}`;
  }
  if (version) return `format is ${shown}, an old format this version has no upgrade for; it reads ${SCENARIO_FORMAT}`;
  return `format is ${shown}, which is not a Faultline scenario format; this version reads ${SCENARIO_FORMAT}`;
}

function fail(path: string, message: string): MigrationResult {
  return { ok: false, errors: [{ path, message }] };
}

function isRecord(v: unknown): v is ScenarioDoc {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'undefined') return 'nothing';
  return `a ${typeof v}`;
}

function quote(s: string): string {
  const cut = s.length > 60 ? `${s.slice(0, 60)}…` : s;
  return `'${cut}'`;
}

// A migration may throw anything, including values whose toString throws.
function errorText(e: unknown): string {
  try {
    return e instanceof Error ? e.message : String(e);
  } catch {
    return 'an unreadable error';
  }
}
