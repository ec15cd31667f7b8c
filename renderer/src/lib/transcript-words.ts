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

export function resumedText(note: 'resume' | 'tool-tail' | 'continue', reason: string | null): string {
  if (note === 'continue') return 'Continued after the stop';
  return note === 'resume' ? `Resumed after ${describeResumeReason(reason)}` : 'Continued with unanswered tool results';
}

/** Issue 11: the words of the message actions, the version switcher and the code block header. */
export const ACTION_WORDS = {
  copy: 'Copy',
  copied: 'Copied',
  copyFailed: 'Copy failed',
  copyMessage: 'Copy this message as plain text',
  edit: 'Edit',
  editMessage: 'Edit this message and send it again',
  editBox: 'Edit your message',
  editHint: 'Enter sends · Shift+Enter adds a line · Esc cancels',
  send: 'Send',
  cancel: 'Cancel',
  regenerate: 'Regenerate',
  regenerateAnswer: 'Answer this message again (the current answer is kept as a version)',
  continue: 'Continue',
  continueAnswer: 'Continue the answer from where it stopped',
  previousVersion: 'Previous version',
  nextVersion: 'Next version',
  /** Who is busy: an action waits for the running turn (the gateway says BUSY otherwise). */
  busy: 'Stop the running turn first',
} as const;

/** "2/3" in the switcher; "Version 2 of 3" for screen readers. */
export function versionText(index: number, count: number): { short: string; label: string } {
  return { short: `${index + 1}/${count}`, label: `Version ${index + 1} of ${count}` };
}

/** A code block's header: its language as fenced, or "text" when it names none. */
export function codeLanguageLabel(language: string | null): string {
  return language === null || language === '' ? 'text' : language;
}

export function copyCodeLabel(language: string | null): string {
  return `Copy the ${codeLanguageLabel(language)} code`;
}
