/** Words for the markers between turns. Pure. */
import { describeResumeReason } from '../../../shared/lifecycle.ts';
import type { InterruptionCause } from '../../../shared/transcript.ts';

/** "Interrupted — by a restart" and friends. A drain's reason is the resume reason it marked. */
export function interruptionText(cause: InterruptionCause, reason: string | null): string {
  switch (cause) {
    case 'stop':
      return 'Interrupted — stopped by you';
    case 'busy-input':
      return 'Interrupted — by your new message';
    case 'crash':
      return `Interrupted — by ${describeResumeReason(reason ?? 'crash')}`;
    case 'drain':
      return `Interrupted — by ${describeResumeReason(reason)}`;
  }
}

export function resumedText(note: 'resume' | 'tool-tail', reason: string | null): string {
  return note === 'resume' ? `Resumed after ${describeResumeReason(reason)}` : 'Continued with unanswered tool results';
}
