// Turning the CLI's scenario argument (a built-in id, a file path or a share link) and a
// comparison's changes into validated scenarios, through the one validator every input goes
// through.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { builtIn } from '../scenario/library';
import { parseScenario, validateChanges, validateComparison, validateScenario, SCENARIO_LIMITS } from '../scenario/validate';
import { decodeShareLink, looksLikeLink, type LinkView } from '../scenario/share-link';
import { resolveLinkBase } from '../scenario/challenge/library';
import { comparisonOfWhatIf, titleOfChanges, type Comparison } from '../scenario/compare';
import { whatIfsOf } from '../scenario/what-if';
import type { Scenario, ValidationError, ValidationResult } from '../scenario/types';

/** Files larger than the validator accepts are not even read. */
const MAX_FILE_BYTES = SCENARIO_LIMITS.textChars;

export function loadScenarioArg(arg: string): ValidationResult {
  const b = builtIn(arg);
  if (b) return validateScenario(b.document);
  if (!existsSync(arg)) {
    return { ok: false, errors: [{ path: '', message: `'${arg}' is neither a file nor a built-in scenario (npm run sim -- --list shows them)` }] };
  }
  const st = statSync(arg);
  if (!st.isFile()) return { ok: false, errors: [{ path: '', message: `'${arg}' is not a file` }] };
  if (st.size > MAX_FILE_BYTES) {
    return { ok: false, errors: [{ path: '', message: `'${arg}' is ${(st.size / 1e6).toFixed(1)} MB; a scenario may be at most ${MAX_FILE_BYTES / 1e6} MB` }] };
  }
  return parseScenario(readFileSync(arg, 'utf8'));
}

/** A scenario argument of any kind: a built-in id, a file, or a share link (with what it says about the view). */
export async function loadInputArg(arg: string): Promise<{ ok: true; scenario: Scenario; view: LinkView | null } | { ok: false; errors: ValidationError[] }> {
  // A share link (the link itself, or an address whose fragment is one); a file of that name wins.
  if (looksLikeLink(arg) && !existsSync(arg)) {
    // A link may build on a built-in, or on a built-in challenge's scenario (a learner's answer).
    const d = await decodeShareLink(arg, resolveLinkBase);
    return d.ok ? { ok: true, scenario: d.scenario, view: d.view } : d;
  }
  const r = loadScenarioArg(arg);
  return r.ok ? { ok: true, scenario: r.scenario, view: null } : r;
}

/** A changes file is small; a bigger one is a mistake (a scenario given by accident). */
const MAX_CHANGES_FILE_BYTES = 1_000_000;

export type ComparisonArg = { ok: true; comparison: Comparison; b: Scenario } | { ok: false; errors: string[] };

/**
 * What `--compare` names: a what-if of the scenario, `link` (the comparison the share link
 * carries), or a JSON file holding a list of what-if changes (or a what-if entry,
 * `{ "title", "changes" }`); each checked by the validator against the scenario.
 */
export function comparisonArg(scenario: Scenario, arg: string, fromLink: LinkView | null): ComparisonArg {
  const bad = (errors: string[]): ComparisonArg => ({ ok: false, errors });
  const w = comparisonOfWhatIf(scenario, arg);
  if (w) {
    const res = validateChanges(scenario, w.changes, `whatIf '${arg}'`);
    return res.ok ? { ok: true, comparison: w, b: res.scenario } : bad(res.errors.map((e) => e.message));
  }
  if (arg === 'link' && fromLink) {
    if (!fromLink.compare) return bad(['--compare link: the share link holds no comparison; name a what-if or a file of changes']);
    const res = validateComparison(scenario, fromLink.compare, "the link's comparison");
    return res.ok ? { ok: true, comparison: { title: res.title, changes: res.changes }, b: res.scenario } : bad(res.errors.map((e) => e.message));
  }
  if (existsSync(arg) && statSync(arg).isFile()) {
    const size = statSync(arg).size;
    if (size > MAX_CHANGES_FILE_BYTES) return bad([`--compare: ${arg} is ${(size / 1e6).toFixed(1)} MB; a list of changes is far smaller (the limit is 1 MB)`]);
    let value: unknown;
    try {
      value = JSON.parse(readFileSync(arg, 'utf8'));
    } catch (e) {
      return bad([`--compare: ${arg} is not valid JSON: ${(e as Error).message}`]);
    }
    const o = value as { title?: unknown; changes?: unknown } | null;
    const isEntry = typeof o === 'object' && o !== null && !Array.isArray(o) && 'changes' in o;
    const res = validateChanges(scenario, isEntry ? o.changes : value);
    if (!res.ok) return bad(res.errors.map((e) => `${arg}: ${e.message}`));
    const title = isEntry && typeof o.title === 'string' && o.title.trim() ? o.title.trim().slice(0, 200) : titleOfChanges(res.changes);
    return { ok: true, comparison: { title, changes: res.changes }, b: res.scenario };
  }
  const ids = whatIfsOf(scenario).map((x) => x.id);
  return bad([`--compare: '${arg}' is neither a what-if of this scenario (${ids.length ? `it has ${ids.join(', ')}` : 'it has none'}) nor a file of changes`]);
}
