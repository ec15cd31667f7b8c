/**
 * The words of the per-conversation banners after a relaunch (L16, L20, L21), in one place: startup
 * emits them, and a window that connects later is shown the same ones.
 */
import { describeResumeReason } from '../../../shared/lifecycle.ts';
import type { Banner } from '../../../shared/gateway-events.ts';

const HOUR_MS = 60 * 60 * 1000;

/** L21: a mark older than the freshness limit is offered, never resumed automatically. */
export function isFreshMark(markedAt: number | null, freshnessHours: number, now: number): boolean {
  return markedAt !== null && now - markedAt <= freshnessHours * HOUR_MS;
}

export function suspendedBanner(laneKey: string, failures: number): Extract<Banner, { kind: 'suspended' }> {
  const text =
    `This conversation was interrupted ${failures} times in a row without finishing a turn, ` +
    'so Baton will not resume it automatically. Your next message starts a fresh session; the previous one can be restored.';
  return { kind: 'suspended', laneKey, failures, text };
}

export function interruptedBanner(
  laneKey: string,
  reason: string | null,
  fresh: boolean,
  freshnessHours: number,
): Extract<Banner, { kind: 'interrupted' }> {
  const why = describeResumeReason(reason);
  const text = fresh
    ? `Interrupted by ${why}. Resume where it left off, or discard.`
    : `Interrupted by ${why} more than ${freshnessHours} hours ago. Resume it, or start fresh.`;
  return { kind: 'interrupted', laneKey, reason, stale: !fresh, text };
}
