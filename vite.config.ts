import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  plugins: [svelte()],
  // Relative asset paths: the built site works from any sub-path of a static host.
  base: './',
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    sourcemap: true,
    // Two pages: the app, and the embeddable player (a bundle of its own, kept small).
    rollupOptions: {
      input: {
        index: fileURLToPath(new URL('./index.html', import.meta.url)),
        embed: fileURLToPath(new URL('./embed.html', import.meta.url)),
      },
    },
  },
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
    setupFiles: ['tests/unit/setup.ts'],
    globalSetup: ['tests/unit/global-setup.ts'],
    // Property tests and many-seed runs are CPU-bound; the machine has two cores.
    pool: 'threads',
    // A timeout is there to end a hang, not to judge speed: on a machine shared with other work
    // (as CI is), a many-seed test that takes 20 s alone takes minutes. Speed is measured by
    // `npm run bench`, never by a test's timeout.
    testTimeout: 900_000,
    hookTimeout: 900_000,
  },
});
