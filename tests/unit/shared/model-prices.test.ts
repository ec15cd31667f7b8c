/** Issue 10: cost = tokens × the model's price per million; a model without a price shows tokens only. */
import { describe, expect, it } from 'vitest';
import { addUsage, costOf, DEFAULT_MODEL_PRICES, EMPTY_USAGE, priceFor } from '../../../shared/model-prices.ts';

describe('model prices and cost (issue 10)', () => {
  const table = {
    'gpt-4o': { input: 2.5, output: 10, cacheRead: 1.25 },
    '*gpt-4o*': { input: 99, output: 99 },
    '*gpt-4o-mini*': { input: 0.15, output: 0.6 },
    'claude-*': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
  };

  it.each([
    ['gpt-4o', 2.5, 'an exact id wins over every glob'],
    ['openai/gpt-4o-mini-2024-07-18', 0.15, 'the most specific matching glob wins'],
    ['gpt-4o-2024-08-06', 99, 'a glob matches dated snapshots'],
    ['CLAUDE-opus', 3, 'ids match without regard to case'],
  ])('%s costs %d per million input tokens: %s', (model, input) => {
    expect(priceFor(model, table)?.input).toBe(input);
  });

  it('an unknown model has no price (tokens only)', () => {
    expect(priceFor('llama3.1:8b', table)).toBeNull();
    expect(priceFor('llama3.1:8b', DEFAULT_MODEL_PRICES)).toBeNull();
  });

  it('glob characters other than * are literal', () => {
    expect(priceFor('gpt-4oXmini', { 'gpt-4o.mini': { input: 1, output: 1 } })).toBeNull();
  });

  it('cost = tokens × price per 1M, cache reads and writes at their own prices (input price when none is set)', () => {
    const claude = table['claude-*'];
    expect(costOf({ inputTokens: 1_000_000, outputTokens: 0 }, claude)).toBeCloseTo(3);
    expect(costOf({ inputTokens: 2000, outputTokens: 1000, cacheRead: 10_000, cacheWrite: 4000 }, claude)).toBeCloseTo((2000 * 3 + 1000 * 15 + 10_000 * 0.3 + 4000 * 3.75) / 1e6);
    expect(costOf({ inputTokens: 0, outputTokens: 0, cacheWrite: 1_000_000 }, { input: 2, output: 8 })).toBeCloseTo(2);
  });

  it('totals add tokens per call; one unpriced call makes the cost unknown rather than understated', () => {
    let totals = addUsage(EMPTY_USAGE, { inputTokens: 100, outputTokens: 50, model: 'gpt-4o' }, table);
    totals = addUsage(totals, { inputTokens: 10, outputTokens: 5, cacheRead: 1000, model: 'gpt-4o' }, table);
    expect(totals).toMatchObject({ inputTokens: 110, outputTokens: 55, cacheRead: 1000, calls: 2 });
    expect(totals.cost).toBeCloseTo((110 * 2.5 + 55 * 10 + 1000 * 1.25) / 1e6);
    expect(addUsage(totals, { inputTokens: 1, outputTokens: 1, model: 'local-model' }, table).cost).toBeNull();
  });

  it('the default table prices well-known models, OpenRouter ids and dated snapshots included', () => {
    expect(priceFor('claude-haiku-4-5-20251001', DEFAULT_MODEL_PRICES)).toMatchObject({ input: 1, output: 5 });
    expect(priceFor('anthropic/claude-sonnet-4.5', DEFAULT_MODEL_PRICES)).toMatchObject({ input: 3, output: 15 });
    expect(priceFor('openai/gpt-4o-mini', DEFAULT_MODEL_PRICES)).toMatchObject({ input: 0.15 });
    expect(priceFor('deepseek-reasoner', DEFAULT_MODEL_PRICES)).toMatchObject({ output: 0.42 });
  });
});
