// Prints the plain closing line CI reads ("N passed, N failed"). Lint and type-check failures,
// and test files that failed to load, count as failed checks so a red step never hides behind
// green tests; a run that ran no test at all is not green either.
import fs from 'node:fs';

interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  testResults: Array<{ name: string; status: string; message?: string; assertionResults: Array<{ status: string }> }>;
}

const [reportFile = 'test-results/vitest.json', failedSteps = '0', vitestStatus = '0'] = process.argv.slice(2);
let passed = 0;
let failed = Number(failedSteps);
let skipped = 0;
try {
  const report = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as VitestReport;
  passed = report.numPassedTests;
  failed += report.numFailedTests;
  skipped = report.numPendingTests + report.numTodoTests;
  for (const file of report.testResults) {
    if (file.status === 'failed' && !file.assertionResults.some((a) => a.status === 'failed')) {
      console.error(`Test file failed outside any test: ${file.name}${file.message ? `\n${file.message}` : ''}`);
      failed += 1;
    }
  }
} catch {
  console.error(`No test report at ${reportFile}: the test runner did not finish.`);
  failed += 1;
}
if (failed === 0 && Number(vitestStatus) !== 0) failed = 1; // e.g. unhandled errors
if (passed === 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed === 0 ? 0 : 1);
