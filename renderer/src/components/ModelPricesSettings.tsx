/**
 * Issue 10: Settings for cost and thinking — the price table (model id or glob → USD per million
 * tokens; a model without a row shows tokens only) and Anthropic's thinking budget.
 */
import { useEffect, useId, useState } from 'react';
import { DEFAULT_MODEL_PRICES } from '../../../shared/model-prices.ts';
import type { SettingsView } from '../../../shared/settings.ts';
import { EMPTY_ROW, pricesOf, rowsOf, type PriceRow } from '../lib/price-form.ts';
import { parseNumberField } from '../lib/settings-form.ts';
import { useStore } from '../state/hooks.ts';

type Status = { kind: 'idle' } | { kind: 'saved' } | { kind: 'error'; message: string };

function StatusLine({ status }: { status: Status }) {
  if (status.kind === 'error') {
    return (
      <p className="form-error" role="alert">
        {status.message}
      </p>
    );
  }
  return status.kind === 'saved' ? (
    <p className="form-ok" role="status">
      Saved.
    </p>
  ) : null;
}

const COLUMNS: { field: keyof PriceRow; label: string }[] = [
  { field: 'model', label: 'Model id or pattern' },
  { field: 'input', label: 'Input' },
  { field: 'output', label: 'Output' },
  { field: 'cacheRead', label: 'Cache read' },
  { field: 'cacheWrite', label: 'Cache write' },
];

export function ModelPricesSettings({ settings }: { settings: SettingsView }) {
  const store = useStore();
  const budgetId = useId();
  const [rows, setRows] = useState<PriceRow[]>(() => rowsOf(settings.modelPrices));
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  const [budget, setBudget] = useState(String(settings.anthropicThinkingBudget));
  const [budgetStatus, setBudgetStatus] = useState<Status>({ kind: 'idle' });
  useEffect(() => setRows(rowsOf(settings.modelPrices)), [settings.modelPrices]);
  useEffect(() => setBudget(String(settings.anthropicThinkingBudget)), [settings.anthropicThinkingBudget]);

  const change = (index: number, field: keyof PriceRow, value: string) => setRows((current) => current.map((row, i) => (i === index ? { ...row, [field]: value } : row)));
  const savePrices = async (next: readonly PriceRow[]) => {
    const parsed = pricesOf(next);
    if (!parsed.ok) {
      setStatus({ kind: 'error', message: parsed.message });
      return;
    }
    const outcome = await store.setSetting('modelPrices', parsed.prices);
    setStatus(outcome.ok ? { kind: 'saved' } : { kind: 'error', message: outcome.message });
  };
  const commitBudget = async () => {
    const value = parseNumberField(budget);
    if (value === null) {
      setBudgetStatus({ kind: 'error', message: 'Enter a number of tokens, or 0 for off.' });
      return;
    }
    if (value === settings.anthropicThinkingBudget) return;
    const outcome = await store.setSetting('anthropicThinkingBudget', value);
    setBudgetStatus(outcome.ok ? { kind: 'saved' } : { kind: 'error', message: outcome.message });
  };

  return (
    <section className="settings-section" aria-labelledby="prices-heading" data-testid="model-prices">
      <h3 id="prices-heading">Thinking and cost</h3>
      <div className="field">
        <label htmlFor={budgetId}>Anthropic thinking budget (tokens)</label>
        <input
          id={budgetId}
          type="number"
          min={0}
          step={1024}
          value={budget}
          onChange={(event) => setBudget(event.target.value)}
          onBlur={() => void commitBudget()}
          onKeyDown={(event) => {
            if (event.key === 'Enter') {
              event.preventDefault();
              void commitBudget();
            }
          }}
          data-testid="setting-anthropicThinkingBudget"
        />
        <p className="field-hint">0: off. 1024 or more lets Claude think before answering; thinking tokens are billed as output. Other providers’ reasoning models think on their own.</p>
        <StatusLine status={budgetStatus} />
      </div>
      <p className="field-hint">
        Model prices in US dollars per million tokens. A pattern may use <code>*</code> (<code>*gpt-4o*</code>); the most specific match wins. A model without a price shows its tokens only.
      </p>
      <table className="approval-table prices-table">
        <thead>
          <tr>
            {COLUMNS.map((column) => (
              <th key={column.field} scope="col">
                {column.label}
              </th>
            ))}
            <th scope="col">
              <span className="visually-hidden">Remove</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, index) => (
            <tr key={index} data-testid="price-row">
              {COLUMNS.map((column) => (
                <td key={column.field}>
                  <input
                    className={column.field === 'model' ? 'price-model' : undefined}
                    aria-label={`${column.label}${row.model ? ` of ${row.model}` : ''}`}
                    inputMode={column.field === 'model' ? 'text' : 'decimal'}
                    value={row[column.field]}
                    onChange={(event) => change(index, column.field, event.target.value)}
                    data-testid={`price-${column.field}`}
                    autoComplete="off"
                  />
                </td>
              ))}
              <td>
                <button type="button" className="icon-button" aria-label={`Remove the price of ${row.model || 'this row'}`} onClick={() => setRows((current) => current.filter((_, i) => i !== index))}>
                  ×
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="provider-actions">
        <button type="button" className="button" onClick={() => setRows((current) => [...current, { ...EMPTY_ROW }])} data-testid="price-add">
          Add a price
        </button>
        <button type="button" className="button primary" onClick={() => void savePrices(rows)} data-testid="price-save">
          Save prices
        </button>
        <button type="button" className="button" onClick={() => setRows(rowsOf(DEFAULT_MODEL_PRICES))}>
          Restore the default table
        </button>
      </div>
      <StatusLine status={status} />
    </section>
  );
}
