/**
 * L21: when a resume mark is too old to resume automatically. The words a person reads about an
 * interrupted or suspended conversation live with its condition, in shared/lane-condition.ts.
 */
const HOUR_MS = 60 * 60 * 1000;

/** L21: a mark older than the freshness limit is offered, never resumed automatically. */
export function isFreshMark(markedAt: number | null, freshnessHours: number, now: number): boolean {
  return markedAt !== null && now - markedAt <= freshnessHours * HOUR_MS;
}
