// Property tests draw their cases from one seed, so CI runs the same cases every time and a
// failure is a bug, not bad luck. fast-check prints the seed and path of any failure; set
// FC_SEED to explore other cases (FC_SEED=$RANDOM npm test) or to replay a reported one.
import fc from 'fast-check';
import { seqChecks } from '../../src/sim/kernel/seq';

const seed = Number(process.env.FC_SEED ?? 20261122);
if (!Number.isInteger(seed)) throw new Error(`FC_SEED must be an integer, not ${process.env.FC_SEED}`);
fc.configureGlobal({ seed });

// Items pushed into the kernel's sequences are shared by checkpoints and must never change:
// freeze them in tests, so a component that changes one fails where it does.
seqChecks.freeze = true;
