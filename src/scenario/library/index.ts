// The built-in scenarios: what `npm run sim -- --list` prints and the app offers. Each is a
// plain v1 document (the same JSON a course author writes by hand), validated like any other
// input; a test checks that every one of them passes the validator.

import firstFailover from './first-failover.json';

export interface BuiltIn {
  id: string;
  title: string;
  teaser: string;
  document: unknown;
}

function entry(id: string, doc: { title: string; teaser: string }): BuiltIn {
  return { id, title: doc.title, teaser: doc.teaser, document: doc };
}

export const BUILT_INS: readonly BuiltIn[] = [entry('first-failover', firstFailover)];

export function builtIn(id: string): BuiltIn | undefined {
  return BUILT_INS.find((b) => b.id === id);
}
