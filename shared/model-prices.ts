/**
 * Issue 10: what a model call costs. The `modelPrices` setting maps a model id, or a glob over ids
 * (`*` matches any run of characters), to US dollars per million tokens. A model with no entry
 * shows its tokens only: Baton never guesses a price. Environment-neutral (the window and the
 * gateway both use it).
 */
import * as z from './zod.ts';

export interface ModelPrice {
  /** USD per 1M uncached input tokens. */
  input: number;
  /** USD per 1M output tokens (thinking included: vendors bill it as output). */
  output: number;
  /** USD per 1M input tokens read from the prompt cache; absent: billed as input. */
  cacheRead?: number;
  /** USD per 1M input tokens written to the prompt cache; absent: billed as input. */
  cacheWrite?: number;
}

const perMillion = z.number().check(z.nonnegative());
export const modelPriceSchema = z.object({
  input: perMillion,
  output: perMillion,
  cacheRead: z.optional(perMillion),
  cacheWrite: z.optional(perMillion),
}) satisfies z.ZodMiniType<ModelPrice>;

export const modelPricesSchema = z.record(z.string().check(z.trim(), z.minLength(1)), modelPriceSchema);

/**
 * A small table of well-known models, as their vendors published the prices in November 2025
 * (USD per 1M tokens). Prices change: the table is a starting point the person edits in Settings.
 * Globs cover dated snapshots (`claude-haiku-4-5-20251001`) and OpenRouter's `vendor/` prefix.
 */
export const DEFAULT_MODEL_PRICES: Readonly<Record<string, ModelPrice>> = Object.freeze({
  '*claude-opus-4-5*': { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 },
  '*claude-sonnet-4*': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
  '*claude-haiku-4-5*': { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 },
  '*gpt-5': { input: 1.25, output: 10, cacheRead: 0.125 },
  '*gpt-5-mini': { input: 0.25, output: 2, cacheRead: 0.025 },
  '*gpt-4.1': { input: 2, output: 8, cacheRead: 0.5 },
  '*gpt-4o': { input: 2.5, output: 10, cacheRead: 1.25 },
  '*gpt-4o-mini': { input: 0.15, output: 0.6, cacheRead: 0.075 },
  '*deepseek-chat': { input: 0.28, output: 0.42, cacheRead: 0.028 },
  '*deepseek-reasoner': { input: 0.28, output: 0.42, cacheRead: 0.028 },
});

function globToRegExp(glob: string): RegExp {
  const escaped = glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`, 'i');
}

/**
 * The price of `model`: its exact entry, else the most specific glob that matches it (the one
 * with the most characters that are not `*`), so `*gpt-4o-mini` wins over `*gpt-4o*`.
 */
export function priceFor(model: string, table: Readonly<Record<string, ModelPrice>>): ModelPrice | null {
  const exact = table[model];
  if (exact) return exact;
  let best: { price: ModelPrice; weight: number } | null = null;
  for (const [pattern, price] of Object.entries(table)) {
    if (!pattern.includes('*') || !globToRegExp(pattern).test(model)) continue;
    const weight = pattern.replaceAll('*', '').length;
    if (!best || weight > best.weight) best = { price, weight };
  }
  return best?.price ?? null;
}

export interface TokenCounts {
  inputTokens: number;
  outputTokens: number;
  cacheRead?: number | undefined;
  cacheWrite?: number | undefined;
}

/** USD for these tokens at this price; cache tokens without a cache price are billed as input. */
export function costOf(tokens: TokenCounts, price: ModelPrice): number {
  const cacheRead = tokens.cacheRead ?? 0;
  const cacheWrite = tokens.cacheWrite ?? 0;
  return (
    (tokens.inputTokens * price.input +
      tokens.outputTokens * price.output +
      cacheRead * (price.cacheRead ?? price.input) +
      cacheWrite * (price.cacheWrite ?? price.input)) /
    1_000_000
  );
}

/** Usage of several calls: the tokens summed, and the cost when every call's model has a price. */
export interface UsageTotals {
  inputTokens: number;
  outputTokens: number;
  cacheRead: number;
  cacheWrite: number;
  /** Null when a call's model has no price: a partial sum would understate the cost. */
  cost: number | null;
  calls: number;
}

export const EMPTY_USAGE: UsageTotals = Object.freeze({ inputTokens: 0, outputTokens: 0, cacheRead: 0, cacheWrite: 0, cost: 0, calls: 0 });

export function addUsage(totals: UsageTotals, call: TokenCounts & { model: string }, table: Readonly<Record<string, ModelPrice>>): UsageTotals {
  const price = priceFor(call.model, table);
  return {
    inputTokens: totals.inputTokens + call.inputTokens,
    outputTokens: totals.outputTokens + call.outputTokens,
    cacheRead: totals.cacheRead + (call.cacheRead ?? 0),
    cacheWrite: totals.cacheWrite + (call.cacheWrite ?? 0),
    cost: totals.cost === null || price === null ? null : totals.cost + costOf(call, price),
    calls: totals.calls + 1,
  };
}
