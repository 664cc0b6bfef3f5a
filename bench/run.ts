// npm run bench: every benchmark, one report. Figures, not pass/fail.
import os from 'node:os';
import { printSection, type BenchSection } from './report';
import { benchKernel } from './kernel';
import { benchLincheck } from './lincheck';
import { benchFailover } from './failover';
import { benchSurge } from './surge';
import { benchBrowser } from './browser';

const sections: (() => Promise<BenchSection>)[] = [benchKernel, benchFailover, benchSurge, benchLincheck, benchBrowser];

console.log(`Faultline benchmarks: node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} x ${os.availableParallelism()}`);
for (const s of sections) printSection(await s());
