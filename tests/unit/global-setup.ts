// Before any test file runs: bring the CLI's bundle up to date once, so the tests that spawn
// the CLI (as a user runs it) neither race each other to rebuild it nor count a build in
// their time.
import { spawnSync } from 'node:child_process';
import { CLI_LAUNCHER } from '../cli';

export default function setup(): void {
  const r = spawnSync(process.execPath, [CLI_LAUNCHER, '--build'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`building the CLI failed:\n${r.stderr}`);
}
