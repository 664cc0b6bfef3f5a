// The command line's front door: `node src/cli/launch.mjs <command> [args]` runs
// src/cli/<command>.ts from a bundle Vite builds for Node, the way the core reaches a browser:
// one module graph, direct calls, nothing compiled at start. (Through a TypeScript loader
// every call across a module boundary goes through a getter, and a run costs several times
// more.) A new command is a file src/cli/<name>.ts and one line in package.json's scripts:
// every top-level .ts file here is an entry of the bundle.
//
// When it is built: `npm install` / `npm ci` build it (the `prepare` script), so a fresh clone
// is ready after the README's first command; and every start checks the sources the bundle
// was built from (size and mtime of each, recorded at build time: a few stat calls) and
// rebuilds first if any changed, so a developer editing src/sim never runs stale code, and a
// lost or half-written cache is only a slower start. Builds go to a directory of their own
// and the manifest naming the current one is replaced atomically, so processes started at the
// same time (test workers, a sweep) never see a half-built bundle.
//
// `node src/cli/launch.mjs --build` builds if stale and exits (the `prepare` script).

import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI_DIR = join(ROOT, 'src/cli');
const CACHE = join(ROOT, 'node_modules/.cache/faultline-cli');
const MANIFEST = join(CACHE, 'manifest.json');
/** Builds no manifest names any more are removed once this old (a process may still be using one). */
const STALE_BUILD_MS = 10 * 60_000;
/** Besides the modules in the bundle, a change to these rebuilds it. */
const EXTRA_INPUTS = ['src/cli/launch.mjs', 'package-lock.json'];

/** The commands: src/cli/<name>.ts, one entry each. */
function entryNames() {
  return readdirSync(CLI_DIR)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
}

function fingerprint(rel) {
  try {
    const st = statSync(join(ROOT, rel));
    return `${st.size}:${st.mtimeMs}`;
  } catch {
    return 'missing';
  }
}

/** The current build's directory, or null when there is none or its sources changed since. */
function freshBuild() {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));
  } catch {
    return null;
  }
  const dir = join(CACHE, manifest.dir);
  if (!existsSync(dir)) return null;
  if (manifest.entries.join('\n') !== entryNames().join('\n')) return null;
  for (const [rel, fp] of Object.entries(manifest.inputs)) if (fingerprint(rel) !== fp) return null;
  return dir;
}

async function build() {
  if (process.stderr.isTTY) process.stderr.write('faultline: building the command line from src/ (sources changed)…\n');
  const { build: viteBuild } = await import('vite');
  const entries = entryNames();
  const name = `build-${Date.now().toString(36)}-${process.pid}`;
  const dir = join(CACHE, name);
  const result = await viteBuild({
    root: ROOT,
    configFile: false,
    publicDir: false,
    logLevel: 'warn',
    build: {
      ssr: true,
      outDir: dir,
      emptyOutDir: true,
      target: 'node20',
      minify: false,
      // One flat directory, so a module can find a sibling entry by its name (seed-worker.mjs).
      rollupOptions: {
        input: Object.fromEntries(entries.map((e) => [e, join(CLI_DIR, `${e}.ts`)])),
        output: { format: 'es', entryFileNames: '[name].mjs', chunkFileNames: 'chunk-[name]-[hash].mjs' },
      },
    },
  });
  const inputs = {};
  for (const out of [result].flat()) {
    for (const chunk of out.output) {
      for (const id of Object.keys(chunk.modules ?? {})) {
        if (id.startsWith('\0') || id.includes('/node_modules/')) continue;
        const rel = relative(ROOT, id.split('?')[0]);
        if (!rel.startsWith('..')) inputs[rel] = fingerprint(rel);
      }
    }
  }
  for (const rel of EXTRA_INPUTS) inputs[rel] = fingerprint(rel);
  const tmp = `${MANIFEST}.${process.pid}`;
  writeFileSync(tmp, JSON.stringify({ dir: name, entries, inputs }, null, 1));
  renameSync(tmp, MANIFEST);
  for (const old of readdirSync(CACHE)) {
    const p = join(CACHE, old);
    if (old.startsWith('build-') && old !== name && Date.now() - statSync(p).mtimeMs > STALE_BUILD_MS) rmSync(p, { recursive: true, force: true });
  }
  return dir;
}

async function ensureBuilt() {
  mkdirSync(CACHE, { recursive: true });
  return freshBuild() ?? (await build());
}

/** The commands package.json runs through this file (the other entries are for their use). */
function commandNames() {
  const scripts = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts ?? {};
  return Object.values(scripts).flatMap((s) => /launch\.mjs ([a-z][\w-]*)/.exec(s)?.[1] ?? []);
}

const command = process.argv[2];
if (command === undefined || (command.startsWith('-') && command !== '--build')) {
  process.stderr.write(`usage: node src/cli/launch.mjs <${commandNames().join(' | ')}> [args]\n       node src/cli/launch.mjs --build\n`);
  process.exit(2);
}
const dir = await ensureBuilt();
if (command !== '--build') {
  if (!entryNames().includes(command)) {
    process.stderr.write(`faultline: no command '${command}' (src/cli/${command}.ts)\n`);
    process.exit(2);
  }
  // The command reads its own arguments from process.argv, as if started directly.
  process.argv.splice(2, 1);
  await import(pathToFileURL(join(dir, `${command}.mjs`)).href);
}
