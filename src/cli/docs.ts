// `npm run docs`: rewrites the generated parameter tables of docs/scenario-format.md from
// the tables in src/sim/params (tests/unit/docs.test.ts fails until this has been run).

import { readFileSync, writeFileSync } from 'node:fs';
import { renderFormatDoc } from '../scenario/param-docs';

const PAGE = new URL('../../docs/scenario-format.md', import.meta.url);
const before = readFileSync(PAGE, 'utf8');
const after = renderFormatDoc(before);
if (after === before) console.log('docs/scenario-format.md is up to date');
else {
  writeFileSync(PAGE, after);
  console.log('docs/scenario-format.md: parameter tables rewritten from src/sim/params');
}
