// The built-in scenarios: what `npm run sim -- --list` prints and the app offers. Each is a
// plain v1 document (the same JSON a course author writes by hand), validated like any other
// input; a test checks that every one of them passes the validator.

import firstFailover from './first-failover.json';
import asyncFailover from './async-failover.json';
import syncStandby from './sync-standby.json';
import splitBrain from './split-brain.json';
import splitBrainFenced from './split-brain-fenced.json';
import falsePositive from './false-positive.json';
import jitteryDetector from './jittery-detector.json';
import replicaResumes from './replica-resumes.json';
import endpointMisconfig from './endpoint-misconfig.json';
import staleRead from './stale-read.json';
import catchupStorm from './catchup-storm.json';
import poolExhaustion from './pool-exhaustion.json';
import surgeLag from './surge-lag.json';

export interface BuiltIn {
  id: string;
  title: string;
  teaser: string;
  document: unknown;
}

function entry(id: string, doc: { title: string; teaser: string }): BuiltIn {
  return { id, title: doc.title, teaser: doc.teaser, document: doc };
}

export const BUILT_INS: readonly BuiltIn[] = [
  entry('first-failover', firstFailover),
  entry('async-failover', asyncFailover),
  entry('sync-standby', syncStandby),
  entry('split-brain', splitBrain),
  entry('split-brain-fenced', splitBrainFenced),
  entry('false-positive', falsePositive),
  entry('jittery-detector', jitteryDetector),
  entry('replica-resumes', replicaResumes),
  entry('endpoint-misconfig', endpointMisconfig),
  entry('stale-read', staleRead),
  entry('catchup-storm', catchupStorm),
  entry('pool-exhaustion', poolExhaustion),
  entry('surge-lag', surgeLag),
];

export function builtIn(id: string): BuiltIn | undefined {
  return BUILT_INS.find((b) => b.id === id);
}
