/**
 * Issue 10 (reasoning and cost), L26: a reasoning model's thinking streams into a "Thinking" block
 * that is open while it streams and folds away when the answer starts; the turn's tokens show under
 * the answer and the conversation's total in its header; a price added in Settings turns tokens
 * into cost; after a reload all of it is still there (stored as events).
 */
import { BatonWindow, expect, screenshot, test } from './support/fixtures.ts';
import { createGate, type ChatStep } from '../fixtures/scripted-openai-server.ts';

test('L26, issue 10: thinking streams open, collapses when the answer starts, and the turn shows its tokens, then its cost once priced', async ({ page, baton }) => {
  const supervisor = await baton();
  const { model } = supervisor;
  const window = await BatonWindow.open(page, supervisor);
  await window.newChat();

  const answerMayStart = createGate();
  const thinking = ['The person asks for a colour. ', 'Blue is calm; ', 'green is fresh. ', 'Pick blue.'];
  model.enqueue({
    kind: 'stream',
    steps: [
      ...thinking.map((text): ChatStep => ({ type: 'reasoning', text, field: 'reasoning_content' })),
      { type: 'wait', until: answerMayStart.promise },
      { type: 'text', text: 'Blue — ' },
      { type: 'text', text: 'calm and clear.' },
      { type: 'finish', reason: 'stop' },
      { type: 'usage', promptTokens: 1200, completionTokens: 345 },
    ],
  });
  await window.send('Pick a colour for me');

  // While the model thinks: the block is open and shows the thinking as it arrives.
  const block = page.getByTestId('reasoning');
  await expect(block).toHaveAttribute('data-streaming', 'true');
  await expect(block).toHaveAttribute('data-open', 'true');
  await expect(block.getByTestId('reasoning-text')).toHaveText(thinking.join('').trim());
  await expect(block.getByRole('button')).toHaveText(/Thinking…/);
  await screenshot(page, 'reasoning-streaming');

  // The answer starts: the block folds away by itself, and the answer follows.
  answerMayStart.open();
  await expect(window.assistantMessages.last()).toHaveText('Blue — calm and clear.');
  await expect(block).toHaveAttribute('data-open', 'false');
  await expect(block.getByTestId('reasoning-text')).toHaveCount(0);
  await expect(block.getByRole('button')).toHaveText(/Thought/);

  // Tokens under the answer and for the conversation; this model has no price, so no cost.
  const line = page.getByTestId('turn-usage');
  await expect(line).toHaveText('1,200 in · 345 out tokens');
  await expect(page.getByTestId('conversation-usage')).toHaveText('1.5K tokens');
  await screenshot(page, 'reasoning-collapsed-with-tokens');

  // The person opens it again to read it.
  await block.getByRole('button').click();
  await expect(block).toHaveAttribute('data-open', 'true');
  await expect(block.getByTestId('reasoning-text')).toContainText('Pick blue.');
  await screenshot(page, 'reasoning-reopened');

  // A price for this model in Settings: tokens become cost.
  await page.getByTestId('settings-button').click();
  const prices = page.getByTestId('model-prices');
  await prices.getByTestId('price-add').click();
  const row = prices.getByTestId('price-row').last();
  await row.getByTestId('price-model').fill('scripted-*');
  await row.getByTestId('price-input').fill('2');
  await row.getByTestId('price-output').fill('10');
  await prices.getByTestId('price-save').click();
  await expect(prices.getByRole('status')).toHaveText('Saved.');
  await screenshot(page, 'reasoning-price-table');
  await page.getByTestId('settings-close').click();
  // 1200 × $2 + 345 × $10 per million = $0.00585.
  await expect(line).toHaveText('1,200 in · 345 out tokens · $0.0059');
  await expect(page.getByTestId('conversation-usage')).toHaveText('1.5K tokens · $0.0059');

  // Stored as events: a reload shows the same thinking (folded) and the same line.
  await page.reload();
  await expect(window.connection).toHaveAttribute('data-state', 'open');
  await expect(window.assistantMessages.last()).toHaveText('Blue — calm and clear.');
  // Folded again: a person's open/closed choice is kept per message while the window lives, not across reloads.
  await expect(page.getByTestId('reasoning')).toHaveAttribute('data-open', 'false');
  await expect(page.getByTestId('turn-usage')).toHaveText('1,200 in · 345 out tokens · $0.0059');
  await screenshot(page, 'reasoning-after-reload');

  // The thinking was never sent back as text: the next request carries the answer only.
  model.enqueue({ kind: 'stream', steps: [{ type: 'text', text: 'Sure.' }, { type: 'finish', reason: 'stop' }] });
  await window.send('Thanks');
  const next = await model.waitForRequest(2);
  expect(JSON.stringify(next.body.messages)).not.toContain('Pick blue.');
  expect(next.body.messages.find((m) => m.role === 'assistant')?.content).toBe('Blue — calm and clear.');
});
