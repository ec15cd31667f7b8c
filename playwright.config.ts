/**
 * End-to-end flows (ENGINEERING.md §3, §4): Playwright drives Debian's Chromium against the real
 * headless host, which each test starts as a child process with its own data directory and a
 * scripted OpenAI-compatible server. The renderer must be built first (scripts/test.sh does it):
 *
 *   npx vite build --config renderer/vite.config.ts && npx playwright test
 *
 * scripts/test.sh reads test-results/playwright.json for its closing "N passed, N failed" line.
 * Screenshots of the key states land in test-results/e2e/screens/.
 */
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'test-results/e2e',
  // One host, one browser, one scripted model at a time: a 2-core machine has no room for more.
  workers: 1,
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  // A flow restarts the host up to four times (each ~1 s to start, plus the drain it waits for).
  timeout: 60_000,
  // Reconnecting windows back off up to 5 s between attempts (shared/protocol/client.ts).
  expect: { timeout: 10_000 },
  reporter: [['list'], ['json', { outputFile: 'test-results/playwright.json' }]],
  use: {
    browserName: 'chromium',
    viewport: { width: 1280, height: 800 },
    screenshot: 'only-on-failure',
    trace: 'off',
    video: 'off',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
});
