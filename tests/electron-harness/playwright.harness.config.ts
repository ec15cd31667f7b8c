/**
 * The Electron contract harness scenarios (tests/electron-harness/README.md): the built desktop
 * main process under Node 24 with a faithful fake `electron`, real Chromium windows, real
 * electron-updater against a loopback feed, real signals. Needs `npx electron-vite build` first
 * (scripts/test.sh does it):
 *
 *   npx electron-vite build && npx playwright test -c tests/electron-harness/playwright.harness.config.ts
 *
 * One app process (one Chromium) at a time: a 2-core machine has no room for more.
 */
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'scenarios',
  testMatch: /.*\.spec\.ts$/,
  outputDir: '../../test-results/electron-harness',
  workers: 1,
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  // A scenario may run up to three generations of the app, each with its drain.
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [['list'], ['json', { outputFile: '../../test-results/electron-harness.json' }]],
});
