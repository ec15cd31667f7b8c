/**
 * Issue 10: whether a person opened or closed a thinking block, per message. Rows are virtualized
 * (a row scrolled away is unmounted), so the choice lives here rather than in the row. Without a
 * choice a block is open while it streams and closed once the answer begins.
 */
const MAX_REMEMBERED = 500;
const chosen = new Map<string, boolean>();

export function chosenOpen(key: string): boolean | undefined {
  return chosen.get(key);
}

export function chooseOpen(key: string, open: boolean): void {
  chosen.delete(key);
  chosen.set(key, open);
  // The oldest choices go first: a long session does not grow this without bound.
  if (chosen.size > MAX_REMEMBERED) chosen.delete(chosen.keys().next().value!);
}
