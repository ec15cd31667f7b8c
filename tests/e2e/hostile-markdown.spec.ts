/**
 * R4 (issue 14, item 3): no model answer can blank the window. An answer of `>` × 3,000 (3 KB)
 * overflowed the stack in the markdown pipeline; React unmounted the whole UI, and because the
 * window reopens the last conversation every reload was blank again. Now the answer shows as
 * plain text with a note, the window stays usable, a reload shows the conversation, and the next
 * answer is formatted as usual. The page fixture also fails the test on any uncaught page error.
 */
import { BatonWindow, expect, screenshot, test } from './support/fixtures.ts';
import { textReply } from '../fixtures/scripted-openai-server.ts';

const HOSTILE = '>'.repeat(3000);
const PLAIN_NOTE = 'This message could not be formatted; shown as plain text';

test('R4: a `>` × 3,000 answer shows as plain text; the window, a reload and the next answer all survive', async ({ page, baton }) => {
  const supervisor = await baton();
  const window = await BatonWindow.open(page, supervisor);
  await window.newChat();

  // Streamed in pieces, so the partial text goes through the same guards as the final one.
  supervisor.model.enqueue(textReply(HOSTILE, { chunks: 6, chunkDelayMs: 20 }));
  await window.send('Quote this a few thousand times');

  const hostile = window.assistantMessages.first();
  await expect(hostile).toHaveAttribute('data-streaming', 'false');
  await expect(hostile.getByRole('note')).toContainText(PLAIN_NOTE);
  // All of it is there, as selectable text, and none of it became nested quotes.
  const plain = hostile.getByTestId('plain-message');
  await expect(plain).toHaveText(HOSTILE);
  await expect(hostile.locator('blockquote')).toHaveCount(0);
  await expect(plain).toHaveCSS('white-space', 'pre-wrap');
  await expect(plain).not.toHaveCSS('user-select', 'none');

  // The rest of the window is alive: the sidebar, the composer, and the next answer is formatted.
  await expect(page.getByTestId('new-chat')).toBeVisible();
  supervisor.model.enqueue(textReply('Back to **normal**:\n\n- one\n- two', { chunks: 3 }));
  await window.send('And now something ordinary');
  const normal = window.assistantMessages.nth(1);
  await expect(normal).toHaveAttribute('data-streaming', 'false');
  await expect(normal.locator('strong')).toHaveText('normal');
  await expect(normal.locator('li')).toHaveCount(2);
  await expect(normal.getByRole('note')).toHaveCount(0);
  await screenshot(page, 'hostile-markdown-plain');

  // The window reopens this conversation: it must come back, not blank again.
  await page.reload();
  await expect(window.connection).toHaveAttribute('data-state', 'open');
  await expect(window.assistantMessages).toHaveCount(2);
  await expect(window.assistantMessages.first().getByTestId('plain-message')).toHaveText(HOSTILE);
  await expect(window.assistantMessages.nth(1).locator('strong')).toHaveText('normal');
  await expect(window.composer).toBeEditable();

  // And it still works after the reload.
  supervisor.model.enqueue(textReply('Still *here*.'));
  await window.send('Are you still there?');
  await expect(window.assistantMessages.nth(2).locator('em')).toHaveText('here');
});
