/**
 * Issue 10, L26: thinking and usage in the window. The real gateway streams a turn with thinking,
 * an answer and two model calls' usage; the window's fold of those pushes ends in the same rows a
 * reload builds, the Thinking block is open while it streams and closed once the answer starts,
 * and the turn's token/cost line reads as the price table says.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterEach, describe, expect, it } from 'vitest';
import { ReasoningBlock } from '../../../renderer/src/components/ReasoningBlock.tsx';
import { pricesOf, rowsOf } from '../../../renderer/src/lib/price-form.ts';
import { chooseOpen } from '../../../renderer/src/lib/reasoning-open.ts';
import { conversationUsageText, sumCalls, turnUsageText } from '../../../renderer/src/lib/usage-words.ts';
import { reduce } from '../../../renderer/src/state/app-state.ts';
import { applyTextDelta, applyTranscriptEvents, buildTranscript, emptyTranscript, type ReasoningItem, type TranscriptItem, type UsageItem } from '../../../renderer/src/state/transcript-model.ts';
import { CoreHarness } from '../../support/core-harness.ts';
import { EventLog, SESSION } from './events.ts';
import { windowOnNewLane } from './live-window.ts';

let harness: CoreHarness | undefined;
afterEach(() => harness?.cleanup());

const comparable = (items: readonly TranscriptItem[]) => items.map(({ key: _key, ...rest }) => rest);
const PRICES = { 'claude-*': { input: 3, output: 15, cacheRead: 0.3 } };

describe('thinking and usage in the window (issue 10)', () => {
  it('L26: live pushes of thinking, answer and usage fold into the rows a reload builds', async () => {
    const h = (harness = await CoreHarness.start());
    const { state: before, sessionId, seen } = windowOnNewLane(h, 'a');
    h.agents.script('a', {
      steps: [
        { reasoning: 'The user wants a haiku. Five, seven, five.', chunks: 4, end: { signature: 'sig' } },
        { usage: { inputTokens: 1000, outputTokens: 200, cacheRead: 5000, model: 'claude-x', provider: 'Anthropic' } },
        { text: 'Quiet morning light', chunks: 2 },
        { usage: { inputTokens: 50, outputTokens: 10, model: 'claude-x', provider: 'Anthropic' } },
      ],
    });
    await h.core.gateway.send('a', 'a haiku please');
    await h.core.gateway.whenIdle();

    const state = h.sink.events.slice(seen).reduce((folded, event) => reduce(folded, { type: 'push', event: { channel: 'gateway', event } }), before);
    if (state.transcript.status !== 'ready') throw new Error('no transcript');
    const live = state.transcript.model;
    const reloaded = buildTranscript('a', sessionId, h.core.store.listEvents(sessionId));
    expect(comparable(live.items)).toEqual(comparable(reloaded.items));

    expect(reloaded.items.map((item) => item.type)).toEqual(['user', 'reasoning', 'assistant', 'usage']);
    const thought = reloaded.items[1] as ReasoningItem;
    expect(thought).toMatchObject({ text: 'The user wants a haiku. Five, seven, five.', final: true, streaming: false, redacted: false });
    const usage = reloaded.items[3] as UsageItem;
    expect(usage.calls).toHaveLength(2); // one line per turn, under the answer
    const totals = sumCalls(usage.calls, PRICES);
    expect(totals.cost).toBeCloseTo((1050 * 3 + 210 * 15 + 5000 * 0.3) / 1e6);
    expect(turnUsageText(totals)).toBe('1,050 in · 210 out · 5,000 cached tokens · $0.0078');
    expect(turnUsageText(sumCalls(usage.calls, {}))).toBe('1,050 in · 210 out · 5,000 cached tokens'); // unknown model: tokens only
    expect(conversationUsageText(totals)).toBe('6.3K tokens · $0.0078');
  });

  it('a thinking row streams by deltas like an answer and a gap in it asks for a reload', () => {
    const log = new EventLog();
    const row = log.next('reasoning', { text: 'Let', final: false });
    let model = applyTranscriptEvents(emptyTranscript('lane', SESSION), [row]);
    model = applyTextDelta(model, { type: 'text-delta', laneKey: 'lane', turnId: 'turn-1', seq: row.seq, offset: 3, delta: ' me see' });
    expect(model.items[0]).toMatchObject({ type: 'reasoning', text: 'Let me see', streaming: true });
    expect(model.live).toEqual({ turnId: 'turn-1', seq: row.seq });
    model = applyTextDelta(model, { type: 'text-delta', laneKey: 'lane', turnId: 'turn-1', seq: row.seq, offset: 40, delta: 'x' });
    expect(model.missingText).toBe(row.seq);
  });

  it('the Thinking block is open while it streams, closed once done, and a person’s choice is kept per message', () => {
    const base = { key: 'e7', seq: 7, turnId: 't', createdAt: 0, text: 'Pondering the question', redacted: false };
    const render = (item: ReasoningItem) => renderToStaticMarkup(createElement(ReasoningBlock, { item, cutShort: false, memoryKey: item.key }));
    const streaming = render({ ...base, type: 'reasoning', final: false, streaming: true });
    expect(streaming).toContain('data-open="true"');
    expect(streaming).toContain('Thinking…');
    expect(streaming).toContain('Pondering the question');
    const done = render({ ...base, type: 'reasoning', final: true, streaming: false });
    expect(done).toContain('data-open="false"');
    expect(done).toContain('Thought');
    expect(done).not.toContain('Pondering the question');
    chooseOpen('e7', true);
    expect(render({ ...base, type: 'reasoning', final: true, streaming: false })).toContain('Pondering the question');
    const redacted = render({ ...base, key: 'e8', text: '', redacted: true, type: 'reasoning', final: true, streaming: true });
    expect(redacted).toContain('redacted');
  });

  it('the price form reads the table back and refuses a row without prices', () => {
    const rows = rowsOf(PRICES);
    expect(rows).toEqual([{ model: 'claude-*', input: '3', output: '15', cacheRead: '0.3', cacheWrite: '' }]);
    expect(pricesOf(rows)).toEqual({ ok: true, prices: PRICES });
    expect(pricesOf([...rows, { model: 'gpt-x', input: '1', output: '', cacheRead: '', cacheWrite: '' }])).toMatchObject({ ok: false, message: expect.stringContaining('gpt-x') });
    expect(pricesOf([{ model: 'm', input: '-1', output: '2', cacheRead: '', cacheWrite: '' }])).toMatchObject({ ok: false });
    expect(pricesOf([{ model: '', input: '', output: '', cacheRead: '', cacheWrite: '' }])).toEqual({ ok: true, prices: {} });
  });
});
