/**
 * Issue 11 in the real window against the real headless host and a scripted OpenAI-compatible
 * server: Retry after a failure sends the user's message once (L35), and conversations can be
 * renamed, pinned, deleted (with Undo), found in the Trash and restored.
 */
import type { ChatScript } from '../fixtures/scripted-openai-server.ts';
import { textReply } from '../fixtures/scripted-openai-server.ts';
import { BatonWindow, expect, screenshot, test } from './support/fixtures.ts';
import { stalledReply } from './support/scripts.ts';
import { lastUserText } from './support/supervisor.ts';

/** Fails after the first piece of text, so no automatic retry hides it. */
const failingReply = (text: string): ChatScript => ({ kind: 'stream', steps: [{ type: 'text', text }, { type: 'error_event', message: 'the model is overloaded' }] });

test('L35: Retry after a failed turn runs it again without a second copy of the message, even on a double click', async ({ page, baton }) => {
  const supervisor = await baton();
  const { model } = supervisor;
  const window = await BatonWindow.open(page, supervisor);
  await window.newChat();

  model.enqueue(failingReply('Monday: '));
  await window.send('Plan my week');
  const error = page.getByTestId('error-message');
  await expect(error).toContainText('This turn failed.');
  await screenshot(page, 'retry-failed-turn');

  model.enqueue(textReply('Monday: rest. Tuesday: work.', { chunks: 3, chunkDelayMs: 20 }));
  await page.getByTestId('retry-button').dblclick();
  await expect(window.assistantMessages.last()).toHaveText('Monday: rest. Tuesday: work.');
  await expect(page.getByTestId('lane-activity')).toHaveAttribute('data-activity', 'idle');
  await expect(window.userMessages).toHaveText(['Plan my week']);
  await expect(page.getByTestId('retry-button')).toHaveCount(0);
  await screenshot(page, 'retry-succeeded');

  expect(model.requests).toHaveLength(2);
  const retried = model.requests[1]!;
  expect(lastUserText(retried)).toBe('Plan my week');
  expect(retried.body.messages.filter((m) => m.role === 'user')).toHaveLength(1);
  expect(JSON.stringify(retried.body.messages)).not.toContain('Monday: ');
});

test('issue 11: rename inline, pin, delete with Undo, then delete → Trash → Restore', async ({ page, baton }) => {
  const supervisor = await baton();
  const window = await BatonWindow.open(page, supervisor);
  const first = await window.newChat();
  const second = await window.newChat();

  // Rename by double-click; a long title is shown in full as a tooltip.
  const longTitle = 'Quarterly taxes, receipts, and the letter from the accountant about last year';
  await window.laneItem(first).dblclick();
  await page.getByTestId('lane-rename').fill(longTitle);
  await page.getByTestId('lane-rename').press('Enter');
  await expect(window.laneItem(first)).toContainText(longTitle);
  await expect(window.laneItem(first)).toHaveAttribute('title', longTitle);

  // Rename from the keyboard: F2 on the focused conversation.
  await window.laneItem(second).focus();
  await page.keyboard.press('F2');
  await page.getByTestId('lane-rename').fill('Groceries');
  await page.keyboard.press('Enter');
  await expect(window.laneItem(second)).toContainText('Groceries');
  await expect(window.laneItem(second)).toBeFocused();

  // Pin from the context menu: the pinned conversation goes first.
  await window.laneItem(first).click({ button: 'right' });
  await page.getByTestId('lane-menu-pin').click();
  await expect(page.getByTestId('lane-item').first()).toHaveAttribute('data-lane-key', first);
  await expect(window.laneItem(first).getByTestId('lane-pinned')).toBeVisible();
  await screenshot(page, 'conversations-renamed-pinned');

  // Delete with the keyboard, then Undo from the toast.
  await window.laneItem(second).focus();
  await page.keyboard.press('Delete');
  await expect(window.laneItem(second)).toHaveCount(0);
  await expect(page.getByTestId('undo-toast')).toContainText('Deleted “Groceries”');
  await screenshot(page, 'conversations-deleted-undo');
  await page.getByTestId('undo-delete').click();
  await expect(window.laneItem(second)).toHaveAttribute('aria-current', 'page');
  await expect(page.getByTestId('undo-toast')).toHaveCount(0);

  // Delete from the menu; the Trash lists it, and Restore brings it back.
  await window.laneItem(second).click({ button: 'right' });
  await page.getByTestId('lane-menu-delete').click();
  await expect(window.laneItem(second)).toHaveCount(0);
  await page.getByTestId('trash-button').click();
  const item = page.getByTestId('trash-item');
  await expect(item).toHaveCount(1);
  await expect(item).toContainText('Groceries');
  await expect(item).toContainText('30 days left');
  await screenshot(page, 'conversations-trash');
  expect((await supervisor.call('lanes.list', { view: 'trash' })).map((lane) => lane.laneKey)).toEqual([second]);
  await page.getByTestId('trash-restore').click();
  await expect(page.getByTestId('trash-item')).toHaveCount(0);
  await page.getByTestId('trash-close').click();
  await expect(window.laneItem(second)).toHaveAttribute('aria-current', 'page');
  await expect(page.getByTestId('lane-item')).toHaveCount(2);
  expect(await supervisor.call('lanes.list', { view: 'trash' })).toEqual([]);
  expect((await supervisor.call('lanes.list', {})).map((lane) => [lane.laneKey, lane.title, lane.pinned])).toEqual([
    [first, longTitle, true],
    [second, 'Groceries', false],
  ]);
});

test('issue 11, L23, L24: keyboard — Esc stops the running turn; Enter runs a command typed in full, and completes one that needs more', async ({ page, baton }) => {
  const supervisor = await baton();
  const { model } = supervisor;
  const window = await BatonWindow.open(page, supervisor);
  await window.newChat();

  model.enqueue(stalledReply('Working on it…'));
  await window.send('A long job');
  await expect(window.assistantMessages.last()).toContainText('Working on it…');
  await window.composer.press('Escape');
  await expect(page.getByTestId('interruption-marker')).toBeVisible();
  await expect(page.getByTestId('lane-activity')).toHaveAttribute('data-activity', 'idle');

  // "/resume" takes an optional argument: Enter runs it as typed instead of adding a space; alone,
  // it shows the earlier sessions as a list (issue 11), here none.
  await window.composer.fill('/resume');
  await window.composer.press('Enter');
  await expect(page.getByTestId('resume-empty')).toContainText('no earlier sessions');
  await expect(window.composer).toHaveValue('');
  await page.getByTestId('resume-dialog-close').click();

  // "/title" needs its text: Enter completes it and sends nothing.
  await window.composer.fill('/title');
  await window.composer.press('Enter');
  await expect(window.composer).toHaveValue('/title ');
});
