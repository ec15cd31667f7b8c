/**
 * Issue 10: the price table as the Settings form edits it — rows of text fields — and back. Pure,
 * so the rules (what is a valid row, what an empty cache field means) are tested without a DOM.
 */
import type { ModelPrice } from '../../../shared/model-prices.ts';

export interface PriceRow {
  model: string;
  input: string;
  output: string;
  cacheRead: string;
  cacheWrite: string;
}

export function rowsOf(prices: Readonly<Record<string, ModelPrice>>): PriceRow[] {
  return Object.entries(prices).map(([model, price]) => ({
    model,
    input: String(price.input),
    output: String(price.output),
    cacheRead: price.cacheRead === undefined ? '' : String(price.cacheRead),
    cacheWrite: price.cacheWrite === undefined ? '' : String(price.cacheWrite),
  }));
}

export const EMPTY_ROW: PriceRow = { model: '', input: '', output: '', cacheRead: '', cacheWrite: '' };

function amount(text: string): number | null {
  if (text.trim() === '') return null;
  const value = Number(text);
  return Number.isFinite(value) && value >= 0 ? value : NaN;
}

/** The table to save, or the first problem in words. Fully empty rows are dropped; cache prices are optional. */
export function pricesOf(rows: readonly PriceRow[]): { ok: true; prices: Record<string, ModelPrice> } | { ok: false; message: string } {
  const prices: Record<string, ModelPrice> = {};
  for (const row of rows) {
    const model = row.model.trim();
    if (model === '' && [row.input, row.output, row.cacheRead, row.cacheWrite].every((t) => t.trim() === '')) continue;
    if (model === '') return { ok: false, message: 'Every price needs a model id or pattern.' };
    if (Object.hasOwn(prices, model)) return { ok: false, message: `"${model}" is listed twice.` };
    const input = amount(row.input);
    const output = amount(row.output);
    const cacheRead = amount(row.cacheRead);
    const cacheWrite = amount(row.cacheWrite);
    if (input === null || output === null) return { ok: false, message: `"${model}" needs an input and an output price.` };
    if ([input, output, cacheRead, cacheWrite].some((n) => Number.isNaN(n))) return { ok: false, message: `The prices of "${model}" must be numbers, 0 or more.` };
    prices[model] = { input, output, ...(cacheRead !== null ? { cacheRead } : {}), ...(cacheWrite !== null ? { cacheWrite } : {}) };
  }
  return { ok: true, prices };
}
