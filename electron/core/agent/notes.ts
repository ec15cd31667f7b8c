/**
 * L19: exactly one system note, or none, per model request. The note lives in the request only:
 * it is never stored as user text and never replayed on a later turn.
 */
import { describeResumeReason } from '../../../shared/lifecycle.ts';
import { endsWithToolTail, type TranscriptEntry } from './transcript-repair.ts';

export type ModelNote =
  | { kind: 'resume'; reason: string | null; minutesAgo: number | null; text: string }
  | { kind: 'tool-tail'; text: string }
  | { kind: 'continue'; text: string };

export interface ResumeState {
  resumePending: boolean;
  resumeReason: string | null;
  lastResumeMarkedAt: number | null;
}

function howLongAgo(minutes: number | null): string {
  if (minutes === null) return 'recently';
  if (minutes < 1) return 'less than a minute ago';
  if (minutes === 1) return 'about 1 minute ago';
  if (minutes < 120) return `about ${minutes} minutes ago`;
  if (minutes < 48 * 60) return `about ${Math.round(minutes / 60)} hours ago`;
  return `about ${Math.round(minutes / (24 * 60))} days ago`;
}

export function resumeNoteText(reason: string | null, minutesAgo: number | null): string {
  return (
    `[Baton] Your previous turn in this conversation was interrupted by ${describeResumeReason(reason)} ${howLongAgo(minutesAgo)}. ` +
    'The conversation history is intact. First finish processing any tool results you have not answered yet. ' +
    'A tool call marked as interrupted has an unknown outcome: verify the state it would have changed before repeating it. ' +
    'Then continue the task, or answer the new message if there is one.'
  );
}

export const TOOL_TAIL_NOTE =
  '[Baton] The conversation ends with tool results you have not answered yet. Process them first, then answer the new message.';

/**
 * Issue 11 "Continue": the history ends with the answer that was stopped; the model picks it up
 * where it stopped. It subsumes the tool-tail note (one note per request, L19).
 */
export const CONTINUE_NOTE =
  '[Baton] Your previous answer was stopped before it was finished. First process any tool results you have not answered yet. ' +
  'Then continue the answer from exactly where it stopped, without repeating what you already wrote.';

export function decideNote(lane: ResumeState, history: readonly TranscriptEntry[], now: number): ModelNote | null {
  if (lane.resumePending) {
    const minutesAgo = lane.lastResumeMarkedAt === null ? null : Math.max(0, Math.round((now - lane.lastResumeMarkedAt) / 60_000));
    return { kind: 'resume', reason: lane.resumeReason, minutesAgo, text: resumeNoteText(lane.resumeReason, minutesAgo) };
  }
  if (endsWithToolTail(history)) return { kind: 'tool-tail', text: TOOL_TAIL_NOTE };
  return null;
}
