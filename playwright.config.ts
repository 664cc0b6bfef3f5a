import { defineConfig } from '@playwright/test';
import { CHROMIUM_FLAGS, findChromium } from './tests/e2e/browser';

// E2E_PORT lets two checkouts run their browser tests side by side on one machine.
const PORT = Number(process.env.E2E_PORT ?? 4173);

export default defineConfig({
  testDir: 'tests/e2e',
  // Two cores: one for the browser and its worker, one for the preview server.
  workers: 1,
  // Timeouts end a hang; they judge no speed. CI runs beside other work (and the suite must
  // pass with CPU hogs beside it), where a step that takes a second alone can take twenty:
  // every wait is on a state, with room to reach it.
  timeout: 300_000,
  expect: { timeout: 60_000 },
  reporter: [['list']],
  // The tests run against the production build (npm test builds first).
  webServer: {
    command: `npx vite preview --port ${PORT} --strictPort`,
    url: `http://localhost:${PORT}`,
    reuseExistingServer: false,
    timeout: 180_000,
  },
  use: {
    baseURL: `http://localhost:${PORT}`,
    browserName: 'chromium',
    launchOptions: { executablePath: findChromium(), args: CHROMIUM_FLAGS },
    trace: 'off',
  },
});
