// Prints the plain closing line CI reads ("N passed, N failed"); lint and type-check failures
// count as failed checks so a red step can never hide behind green tests.
import fs from 'node:fs';

const [reportFile = 'test-results/vitest.json', failedSteps = '0', vitestStatus = '0'] = process.argv.slice(2);
let passed = 0;
let failed = Number(failedSteps);
let skipped = 0;
try {
  const report = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
    numFailedTestSuites: number;
  };
  passed = report.numPassedTests;
  failed += report.numFailedTests + (report.numFailedTests === 0 ? report.numFailedTestSuites : 0);
  skipped = report.numPendingTests + report.numTodoTests;
} catch {
  console.error(`No test report at ${reportFile}: the test runner did not finish.`);
  failed += 1;
}
if (failed === 0 && Number(vitestStatus) !== 0) failed = 1;
if (passed === 0 && failed === 0) failed = 1; // a run that ran no test is not green
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed === 0 ? 0 : 1);
