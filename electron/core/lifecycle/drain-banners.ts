/** L8: the words people read while Baton drains. Hedged on purpose: Baton *tries* to resume. */
import { drainTurns } from '../../../shared/lane-condition.ts';
import { describeExitInProgress, type ExitReason } from '../../../shared/lifecycle.ts';
import type { Banner } from '../../../shared/gateway-events.ts';

function seconds(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s === 1 ? '1 second' : `${s} seconds`;
}

/**
 * L8, L31: a turn blocked on an approval is not promised it may finish by itself: only the person's
 * answer lets it go on, and if none comes the approval is asked again after the resume.
 */
export function laneDrainBanner(laneKey: string, reason: ExitReason, deadline: number, budgetMs: number, awaitingApproval = false): Banner {
  const text = awaitingApproval
    ? `Baton is ${describeExitInProgress(reason)}. This turn is waiting for your approval: answer within ${seconds(budgetMs)} and it goes on; ` +
      'otherwise it is interrupted, and the approval will be asked again when Baton resumes it.'
    : `Baton is ${describeExitInProgress(reason)}. The current task will be interrupted if it does not finish within ${seconds(budgetMs)}; ` +
      'Baton will try to resume where it left off.';
  return { kind: 'drain', scope: 'lane', laneKey, reason, deadline, text };
}

export function globalDrainBanner(reason: ExitReason, deadline: number, budgetMs: number, runningCount: number, awaitingCount = 0): Banner {
  const turns = drainTurns(runningCount, awaitingCount);
  const verb = awaitingCount > 0 ? '' : ' to finish';
  const text =
    runningCount === 0
      ? `Baton is ${describeExitInProgress(reason)}.`
      : `Baton is ${describeExitInProgress(reason)}: waiting up to ${seconds(budgetMs)} for ${turns}${verb}.`;
  return { kind: 'drain', scope: 'global', reason, deadline, runningCount, awaitingCount, text };
}
