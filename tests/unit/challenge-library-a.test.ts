// Built-in challenges, part a (the parts run in parallel test threads): see helpers/challenge-suite.ts.
import { challengeSuite } from './helpers/challenge-suite';

challengeSuite(['calm-catch-up', 'quiet-but-quick', 'make-stale-reads', 'split-brain-one-fault']);
