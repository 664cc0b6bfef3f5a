// Turning the CLI's scenario argument (a built-in id or a file path) into a validated
// scenario, through the one validator every input goes through.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { builtIn } from '../scenario/library';
import { parseScenario, validateScenario, SCENARIO_LIMITS } from '../scenario/validate';
import type { ValidationResult } from '../scenario/types';

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
