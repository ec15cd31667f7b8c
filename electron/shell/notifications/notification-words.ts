/** Words of the OS notifications the shell shows (L20, L29); pure so they are tested. */

export interface Notice {
  title: string;
  body: string;
}

function conversations(count: number): string {
  return `${count} conversation${count === 1 ? '' : 's'}`;
}

/**
 * After a relaunch: "Updated to vX — N conversations resumed", or "N conversations resumed".
 * `updatedFrom` is the version that ran before (the store records it), so an update whose drain
 * had to interrupt a turn — and so left no clean-exit marker — still says it was updated.
 */
export function relaunchNotice(updatedFrom: string | null, version: string, resumed: number): Notice | null {
  if (updatedFrom !== null && updatedFrom !== version) {
    return { title: `Updated to v${version}`, body: resumed > 0 ? `Updated to v${version} — ${conversations(resumed)} resumed.` : `Baton was updated to v${version}.` };
  }
  if (resumed > 0) return { title: 'Baton', body: `${conversations(resumed)} resumed.` };
  return null;
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
