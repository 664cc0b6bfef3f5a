// Loaded into the CLI's process by the benchmark (`node --import bench/cli-probe.mjs …`): at
// exit it writes when the process ended (ms since it started) and its peak resident memory,
// so the benchmark measures the CLI a user runs without changing what the CLI prints.
//
// The peak is the process's own high-water mark (VmHWM in /proc/self/status), not
// getrusage's maxRSS: on Linux a child's maxRSS starts at its parent's peak when it was
// forked (the high-water mark of the copied address space is kept through exec), so every
// CLI run the benchmark spawned after its own heap reached 600 MB reported 600 MB.
import { readFileSync, writeFileSync } from 'node:fs';

const out = process.env.FAULTLINE_BENCH_PROBE;

/** Peak resident bytes of this process alone, or null where /proc is not there. */
function ownPeakRssBytes() {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    return kb === undefined ? null : Number(kb) * 1024;
  } catch {
    return null;
  }
}

if (out) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(out, JSON.stringify({ endMs: performance.now(), cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000, maxRssBytes: ownPeakRssBytes() ?? usage.maxRSS * 1024 }));
  });
}
