// The app's production build, for what drives it in a browser (`npm run export`, the browser
// benchmark): `dist/`, rebuilt first when it is missing or older than the sources.

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project's root: this file is src/cli/browser/app-build.ts, or a bundle of it two levels below the root's node_modules. */
export function projectRoot(): string {
  let dir = fileURLToPath(new URL('.', import.meta.url));
  for (let i = 0; i < 8 && !existsSync(join(dir, 'package.json')); i++) dir = join(dir, '..');
  return dir;
}

function newestMtimeMs(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const e of readdirSync(path)) newest = Math.max(newest, newestMtimeMs(join(path, e)));
  return newest;
}

/** Build `dist/` unless it is newer than everything it is built from. */
export function buildAppIfNeeded(root: string = projectRoot()): 'up to date' | 'rebuilt' {
  const built = join(root, 'dist/index.html');
  const inputs = ['src', 'workers', 'public', 'index.html', 'embed.html', 'vite.config.ts', 'package-lock.json'].map((p) => newestMtimeMs(join(root, p)));
  if (existsSync(built) && statSync(built).mtimeMs >= Math.max(...inputs)) return 'up to date';
  const r = spawnSync('npx', ['vite', 'build'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`vite build failed:\n${r.stderr}`);
  return 'rebuilt';
}
