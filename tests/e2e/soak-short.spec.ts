/**
 * The kill soak, short enough for every CI run: 3 rounds of SIGKILL at random instants across 3
 * conversations (soak.ts; `npm run soak` runs the long one). Nothing acknowledged may go missing,
 * the store must stay sound, and every interrupted conversation must resume and complete.
 * SPEC L2, L7, L15, L18–L20, L22, L26.
 */
import { expect, test } from '@playwright/test';
import { formatReport, runSoak } from './soak.ts';

test('L2, L15, L20, L26: kill soak (short): 3 rounds × 3 conversations lose nothing and every interrupted turn resumes', async () => {
  const report = await runSoak({ rounds: 3, conversations: 3 });
  console.log(formatReport(report));
  expect(report.problems).toEqual([]);
  expect(report.integrityFailures).toBe(0);
  expect(report.messagesMissing).toBe(0);
  expect(report.kills).toBe(3);
  expect(report.turnsFailed).toBe(0);
  expect(report.resumes).toBeGreaterThanOrEqual(report.recovered);
  expect(report.turnsCompleted).toBeGreaterThan(0);
});
