/** L8: the words people read while Baton drains. Hedged on purpose: Baton *tries* to resume. */
import { runningTurns } from '../../../shared/lane-condition.ts';
import { describeExitInProgress, type ExitReason } from '../../../shared/lifecycle.ts';
import type { Banner } from '../../../shared/gateway-events.ts';

function seconds(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s === 1 ? '1 second' : `${s} seconds`;
}

export function laneDrainBanner(laneKey: string, reason: ExitReason, deadline: number, budgetMs: number): Banner {
  const text =
    `Baton is ${describeExitInProgress(reason)}. The current task will be interrupted if it does not finish within ${seconds(budgetMs)}; ` +
    'Baton will try to resume where it left off.';
  return { kind: 'drain', scope: 'lane', laneKey, reason, deadline, text };
}

export function globalDrainBanner(reason: ExitReason, deadline: number, budgetMs: number, runningCount: number): Banner {
  const turns = runningTurns(runningCount);
  const text =
    runningCount === 0
      ? `Baton is ${describeExitInProgress(reason)}.`
      : `Baton is ${describeExitInProgress(reason)}: waiting up to ${seconds(budgetMs)} for ${turns} to finish.`;
  return { kind: 'drain', scope: 'global', reason, deadline, runningCount, text };
}
