// Prints the plain closing line CI reads ("N passed, N failed") over every runner. Lint, type-check
// and build failures, and test files that failed to load, count as failed checks so a red step
// never hides behind green tests; a run that ran no test at all is not green either.
import fs from 'node:fs';

interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  testResults: Array<{ name: string; status: string; message?: string; assertionResults: Array<{ status: string }> }>;
}

interface PlaywrightSuite {
  specs?: Array<{ tests: Array<{ status: string; annotations?: Array<{ type: string; description?: string }> }> }>;
  suites?: PlaywrightSuite[];
}

interface PlaywrightReport {
  stats: { expected: number; unexpected: number; flaky: number; skipped: number };
  errors?: Array<{ message?: string }>;
  suites?: PlaywrightSuite[];
}

const [failedSteps = '0', vitestStatus = '0', playwrightStatus = '0', harnessStatus = '0'] = process.argv.slice(2);
let passed = 0;
let failed = Number(failedSteps);
let skipped = 0;
/** Tests that need the real Electron binary and could not get one: their own count, never a pass. */
let noBinary = 0;

/** Skipped tests whose skip reason says no Electron binary could be had. */
function countNoBinarySkips(suites: PlaywrightSuite[] = []): number {
  let count = 0;
  for (const suite of suites) {
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests) {
        if (test.status === 'skipped' && (test.annotations ?? []).some((a) => a.type === 'skip' && (a.description ?? '').startsWith('no Electron binary'))) count += 1;
      }
    }
    count += countNoBinarySkips(suite.suites);
  }
  return count;
}

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

const vitest = readJson<VitestReport>('test-results/vitest.json');
if (vitest) {
  passed += vitest.numPassedTests;
  failed += vitest.numFailedTests;
  skipped += vitest.numPendingTests + vitest.numTodoTests;
  for (const file of vitest.testResults) {
    if (file.status === 'failed' && !file.assertionResults.some((a) => a.status === 'failed')) {
      console.error(`Test file failed outside any test: ${file.name}${file.message ? `\n${file.message}` : ''}`);
      failed += 1;
    }
  }
  if (vitest.numFailedTests === 0 && Number(vitestStatus) !== 0) failed += 1; // e.g. unhandled errors
} else {
  console.error('No Vitest report: the test runner did not finish.');
  failed += 1;
}

function countPlaywright(config: string, report: string, exitStatus: number): void {
  if (!fs.existsSync(config)) return;
  const playwright = readJson<PlaywrightReport>(report);
  if (!playwright) {
    console.error(`No Playwright report at ${report}: that run did not finish.`);
    failed += 1;
    return;
  }
  passed += playwright.stats.expected + playwright.stats.flaky;
  failed += playwright.stats.unexpected + (playwright.errors?.length ?? 0);
  const withoutBinary = countNoBinarySkips(playwright.suites);
  noBinary += withoutBinary;
  skipped += playwright.stats.skipped - withoutBinary;
  if (playwright.stats.unexpected === 0 && exitStatus !== 0) failed += 1;
}

countPlaywright('playwright.config.ts', 'test-results/playwright.json', Number(playwrightStatus));
countPlaywright('tests/electron-harness/playwright.harness.config.ts', 'test-results/electron-harness.json', Number(harnessStatus));
// Its exit status already counts among the failed steps.
countPlaywright('tests/electron/playwright.electron.config.ts', 'test-results/electron.json', 0);

if (passed === 0 && failed === 0) failed = 1;
if (noBinary > 0) console.log(`${noBinary} desktop smoke test(s) skipped: no Electron binary (the Electron contract harness ran the desktop scenarios instead)`);
if (skipped > 0) console.log(`${skipped} other test(s) skipped (each printed its reason above)`);
// The last line stays in the plain form CI reads: "N passed, N failed[, N skipped]"; the line(s)
// above say which of the skipped ones had no Electron binary.
const totalSkipped = skipped + noBinary;
console.log(`${passed} passed, ${failed} failed${totalSkipped ? `, ${totalSkipped} skipped` : ''}`);
process.exit(failed === 0 ? 0 : 1);
