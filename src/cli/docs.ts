// `npm run docs`: rewrites the generated parameter tables of docs/scenario-format.md from
// the tables in src/sim/params (tests/unit/docs.test.ts fails until this has been run).

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderFormatDoc } from '../scenario/param-docs';

// npm runs scripts from the package's root; the command runs from a bundle elsewhere.
const PAGE = join(process.cwd(), 'docs/scenario-format.md');
const before = readFileSync(PAGE, 'utf8');
const after = renderFormatDoc(before);
if (after === before) console.log('docs/scenario-format.md is up to date');
else {
  writeFileSync(PAGE, after);
  console.log('docs/scenario-format.md: parameter tables rewritten from src/sim/params');
}
