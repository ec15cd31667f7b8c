/**
 * Issue 10: every word the window says about thinking, tokens and cost, in one place. Pure.
 */
import { addUsage, EMPTY_USAGE, type ModelPrice, type UsageTotals } from '../../../shared/model-prices.ts';
import type { UsageCall } from '../state/transcript-model.ts';

export const THINKING_WORDS = {
  streaming: 'Thinking…',
  done: 'Thought',
  redacted: 'The provider hid this thinking (redacted); it is kept and sent back to the model as is.',
  /** A signed block whose words the provider left out (Anthropic's "omitted" display). */
  hidden: 'The provider did not show this thinking.',
  cutShort: 'Thinking was cut short.',
  show: 'Show thinking',
  hide: 'Hide thinking',
} as const;

const counts = new Intl.NumberFormat('en-US');
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

/** "$0.0123" for small sums (the cents alone would read $0.00), "$1.23" from a dollar up. */
export function formatCost(usd: number): string {
  if (usd === 0) return '$0';
  if (usd < 0.01) return `$${usd.toPrecision(2)}`;
  if (usd < 1) return `$${usd.toFixed(3)}`;
  return `$${usd.toFixed(2)}`;
}

export function sumCalls(calls: readonly UsageCall[], prices: Readonly<Record<string, ModelPrice>> | null): UsageTotals {
  const totals = calls.reduce((sum, call) => addUsage(sum, call, prices ?? {}), EMPTY_USAGE);
  return prices === null ? { ...totals, cost: null } : totals;
}

/** Under an answer: "1,234 in · 56 out · 2,000 cached tokens · $0.0061"; no price known: tokens only. */
export function turnUsageText(totals: UsageTotals): string {
  const parts = [`${counts.format(totals.inputTokens)} in`, `${counts.format(totals.outputTokens)} out`];
  const cached = totals.cacheRead + totals.cacheWrite;
  if (cached > 0) parts.push(`${counts.format(cached)} cached`);
  const tokens = `${parts.join(' · ')} tokens`;
  return totals.cost === null ? tokens : `${tokens} · ${formatCost(totals.cost)}`;
}

/** In the header: "12.3K tokens · $0.04" for the whole conversation as loaded. */
export function conversationUsageText(totals: UsageTotals): string {
  const tokens = totals.inputTokens + totals.outputTokens + totals.cacheRead + totals.cacheWrite;
  const cost = totals.cost !== null ? ` · ${formatCost(totals.cost)}` : '';
  return `${compact.format(tokens)} tokens${cost}`;
}

/** The longer account, for a tooltip: each part of the sum, and why a cost may be missing. */
export function usageTitle(totals: UsageTotals, calls: number): string {
  const lines = [
    `${counts.format(totals.inputTokens)} input tokens`,
    `${counts.format(totals.outputTokens)} output tokens (thinking included)`,
    ...(totals.cacheRead > 0 ? [`${counts.format(totals.cacheRead)} read from the prompt cache`] : []),
    ...(totals.cacheWrite > 0 ? [`${counts.format(totals.cacheWrite)} written to the prompt cache`] : []),
    `${calls} model call${calls === 1 ? '' : 's'}`,
    totals.cost === null ? 'No cost: a model has no price in Settings → Model prices.' : `Cost ${formatCost(totals.cost)} at the prices in Settings.`,
  ];
  return lines.join('\n');
}
