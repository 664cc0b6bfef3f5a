// Built-in challenges, part b (the parts run in parallel test threads): see helpers/challenge-suite.ts.
import { challengeSuite } from './helpers/challenge-suite';

challengeSuite(['lag-under-a-minute', 'keep-every-write', 'lose-writes-one-parameter']);
