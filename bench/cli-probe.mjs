// Loaded into the CLI's process by the benchmark (`node --import bench/cli-probe.mjs …`): at
// exit it writes when the process ended (ms since it started) and its peak resident memory,
// so the benchmark measures the CLI a user runs without changing what the CLI prints.
import { writeFileSync } from 'node:fs';

const out = process.env.FAULTLINE_BENCH_PROBE;
if (out) {
  process.on('exit', () => {
    writeFileSync(out, JSON.stringify({ endMs: performance.now(), cpuMs: (process.resourceUsage().userCPUTime + process.resourceUsage().systemCPUTime) / 1000, maxRssBytes: process.resourceUsage().maxRSS * 1024 }));
  });
}
