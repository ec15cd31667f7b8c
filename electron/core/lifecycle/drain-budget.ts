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

export function drainBudgetMs(reason: ExitReason, settings: DrainSettings): number {
  if (reason === 'os-shutdown') return seconds(settings.osShutdownBudgetSeconds, 3) * 1000;
  return seconds(settings.drainTimeoutSeconds, 60) * 1000;
}

export function graceMs(settings: DrainSettings): number {
  return seconds(settings.graceSeconds, 5) * 1000;
}

/** L12: the watchdog ends the process this long after the grace period, whatever happens. */
export const WATCHDOG_MARGIN_MS = 2000;
