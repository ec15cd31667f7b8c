/**
 * The desktop smoke spec, apart from the browser flows in tests/e2e (playwright.config.ts does not
 * look here). It needs the real Electron binary, a display and the desktop build:
 *
 *   npm run build:desktop && npx playwright test -c tests/electron/playwright.electron.config.ts
 *
 * Where any of those is missing (this machine: ELECTRON_SKIP_BINARY_DOWNLOAD=1) the spec skips
 * itself and prints why.
 */
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: '.',
  testMatch: /.*\.spec\.ts$/,
  outputDir: '../../test-results/electron',
  workers: 1,
  retries: 0,
  timeout: 60_000,
  reporter: [['list'], ['json', { outputFile: '../../test-results/electron.json' }]],
});
