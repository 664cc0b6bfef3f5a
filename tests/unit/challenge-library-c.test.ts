// Built-in challenges, part c (the parts run in parallel test threads): see helpers/challenge-suite.ts.
import { challengeSuite } from './helpers/challenge-suite';

challengeSuite(['pool-survives-slow-queries', 'alert-the-pinned-app']);
