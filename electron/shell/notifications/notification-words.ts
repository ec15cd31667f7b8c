/** Words of the OS notifications the shell shows (L20, L29, L31); pure so they are tested. */
import { relaunchSummary } from '../../../shared/lane-condition.ts';

export interface Notice {
  title: string;
  body: string;
}

/**
 * After a relaunch: "Updated to vX — N conversations resumed.", in the words the window's banner
 * uses (shared/lane-condition.ts). `updatedFrom` is the version that ran before (the store records
 * it), so an update whose drain had to interrupt a turn — and so left no clean-exit marker — still
 * says it was updated.
 */
export function relaunchNotice(updatedFrom: string | null, version: string, resumed: number, needsDecision = 0): Notice | null {
  const summary = relaunchSummary({ updatedFrom, version, resumed, needsDecision });
  return summary && { title: summary.title, body: summary.text };
}

/** A turn finished while the window was hidden. */
export function turnFinishedNotice(title: string, outcome: string): Notice | null {
  const name = title.trim() || 'A conversation';
  switch (outcome) {
    case 'completed':
      return { title: name, body: 'The agent finished its turn.' };
    case 'failed':
      return { title: name, body: 'The turn failed; open Baton to see why.' };
    default:
      return null;
  }
}
