/** Issue 10: a turn's tokens (and cost, where every model's price is known) under its answer. */
import { useMemo } from 'react';
import type { ModelPrice } from '../../../shared/model-prices.ts';
import { useAppState } from '../state/hooks.ts';
import type { TranscriptItem, UsageCall, UsageItem } from '../state/transcript-model.ts';
import { conversationUsageText, sumCalls, turnUsageText, usageTitle } from '../lib/usage-words.ts';

function usePrices(): Readonly<Record<string, ModelPrice>> | null {
  return useAppState((state) => state.settings?.settings.modelPrices ?? null);
}

export function UsageLine({ item }: { item: UsageItem }) {
  const prices = usePrices();
  const totals = sumCalls(item.calls, prices);
  return (
    <p className="usage-line" data-testid="turn-usage" title={usageTitle(totals, item.calls.length)}>
      {turnUsageText(totals)}
    </p>
  );
}

/** The whole conversation as loaded (this session), for its header; nothing before the first call. */
export function ConversationUsage({ items }: { items: readonly TranscriptItem[] }) {
  const prices = usePrices();
  const calls = useMemo(() => items.flatMap((item): readonly UsageCall[] => (item.type === 'usage' ? item.calls : [])), [items]);
  if (calls.length === 0) return null;
  const totals = sumCalls(calls, prices);
  return (
    <span className="conversation-usage" data-testid="conversation-usage" title={usageTitle(totals, calls.length)}>
      {conversationUsageText(totals)}
    </span>
  );
}
