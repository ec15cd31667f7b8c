/** L10: how long each kind of exit may wait for running turns, from the settings. */
import type { ExitReason } from '../../../shared/lifecycle.ts';

export interface DrainSettings {
  drainTimeoutSeconds: number;
  osShutdownBudgetSeconds: number;
  graceSeconds: number;
}

/** A day: longer waits are not a drain but a hang, and timers cannot count past ~24.8 days anyway. */
export const MAX_BUDGET_SECONDS = 24 * 60 * 60;

/** Budgets are already normalised by the settings store; this guards against NaN, negatives and huge values again. */
function seconds(value: number, fallback: number): number {
  if (!Number.isFinite(value)) return fallback;
  return Math.min(MAX_BUDGET_SECONDS, Math.max(0, value));
}

/**
 * The OS is ending Baton: logoff/shutdown, or a signal from a session or service manager that
 * follows up with SIGKILL. Both get the short OS budget (L10).
 */
export function isShortExit(reason: ExitReason): boolean {
  return reason === 'os-shutdown' || reason === 'signal';
}

/**
 * Grace after a short exit's deadline. logind holds a delay inhibitor lock only for
 * InhibitDelayMaxSec (default 5 s) and Windows/macOS give similar few seconds, so budget (3 s) +
 * grace must leave room for stopping the gateway and quitting: the grace is capped at 1 s there
 * (4 s in all by default). Interrupting is synchronous (streams aborted, process groups signalled);
 * the grace only lets turns record the interruption, which the write-ahead marks already cover.
 */
export const SHORT_EXIT_GRACE_MAX_SECONDS = 1;

export function drainBudgetMs(reason: ExitReason, settings: DrainSettings): number {
  if (isShortExit(reason)) return seconds(settings.osShutdownBudgetSeconds, 3) * 1000;
  return seconds(settings.drainTimeoutSeconds, 60) * 1000;
}

export function graceMs(settings: DrainSettings, reason?: ExitReason): number {
  const grace = seconds(settings.graceSeconds, 5);
  return (reason !== undefined && isShortExit(reason) ? Math.min(grace, SHORT_EXIT_GRACE_MAX_SECONDS) : grace) * 1000;
}

/** L12: the watchdog ends the process this long after the grace period, whatever happens. */
export const WATCHDOG_MARGIN_MS = 2000;
