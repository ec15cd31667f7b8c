/** Words for times and countdowns. Pure. */

/** "1:05" for a drain deadline 65 s away; never negative. */
export function formatCountdown(msLeft: number): string {
  const total = Math.max(0, Math.ceil(msLeft / 1000));
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  return `${minutes}:${seconds.toString().padStart(2, '0')}`;
}

/** "just now", "5 min ago", "3 h ago", "yesterday", else a short date. */
export function formatRelativeTime(at: number, now: number): string {
  const diff = Math.max(0, now - at);
  const minute = 60_000;
  const hour = 60 * minute;
  if (diff < minute) return 'just now';
  if (diff < hour) return `${Math.floor(diff / minute)} min ago`;
  if (diff < 24 * hour) return `${Math.floor(diff / hour)} h ago`;
  if (diff < 48 * hour) return 'yesterday';
  return (diff > 300 * 24 * hour ? shortDateWithYear : shortDate).format(at);
}

// Made once: toLocaleDateString with options builds a new formatter on every call, and the
// sidebar formats a date for every conversation on every render (bench/ui.bench.ts profiles).
const shortDate = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const shortDateWithYear = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', year: 'numeric' });

export function plural(count: number, one: string, many: string = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
