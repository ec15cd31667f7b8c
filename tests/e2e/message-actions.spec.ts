/**
 * Issue 11 message actions in the real window against the real headless host and the scripted
 * OpenAI-compatible server (L35, L26): Copy a message and a code block, edit and resend,
 * regenerate with versions ‹ 1/2 ›, switch versions (stored: a reload keeps it), and Continue an
 * answer that was stopped. Each model request holds only the current path.
 */
import type { Locator, Page } from '@playwright/test';
import type { ChatRequestBody, RecordedRequest } from '../fixtures/scripted-openai-server.ts';
import { textReply } from '../fixtures/scripted-openai-server.ts';
import { BatonWindow, expect, screenshot, test } from './support/fixtures.ts';
import { stalledReply } from './support/scripts.ts';

/** The conversation a request sent, without the system prompt and notes, as "role: text". */
const conversation = (request: RecordedRequest<ChatRequestBody>) => request.body.messages.filter((m) => m.role !== 'system').map((m) => `${m.role}: ${String(m.content)}`);

const clipboard = (page: Page) => page.evaluate('navigator.clipboard.readText()');

/** A message's row: the message and, beside it, its actions (kept out of the message's own text). */
const rowOf = (message: Locator) => message.locator('xpath=..');

const CODE_ANSWER = 'Here it is:\n\n```python\nprint("hi")\n```\n\nRun it with Python 3.';

test('L35: copy a message and a code block, edit and resend, regenerate with versions ‹ 1/2 ›, switch back (kept after a reload)', async ({ page, baton }) => {
  const supervisor = await baton();
  const { model } = supervisor;
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: supervisor.url });
  const window = await BatonWindow.open(page, supervisor);
  await window.newChat();

  model.enqueue(textReply(CODE_ANSWER));
  await window.send('Show me code');
  const answer = window.assistantMessages.last();
  await expect(answer.getByTestId('code-language')).toHaveText('python');
  await expect(page.getByTestId('lane-activity')).toHaveAttribute('data-activity', 'idle');

  // Copy: the message as plain text, then the code block alone (its text, not the highlighting).
  await answer.hover();
  await rowOf(answer).getByTestId('copy-message').click();
  await expect(rowOf(answer).getByTestId('copy-message')).toHaveText('Copied');
  expect(await clipboard(page)).toBe(CODE_ANSWER);
  await answer.getByTestId('copy-code').click();
  await expect(answer.getByTestId('copy-code')).toHaveText('Copied');
  expect(await clipboard(page)).toBe('print("hi")');
  await screenshot(page, 'message-actions-code-copied');

  // Edit: Esc cancels and changes nothing.
  const question = window.userMessages.last();
  await question.hover();
  await rowOf(question).getByTestId('edit-message').click();
  const editor = page.getByRole('textbox', { name: 'Edit your message' });
  await expect(editor).toBeFocused();
  await editor.fill('never sent');
  await editor.press('Escape');
  await expect(page.getByTestId('message-editor')).toHaveCount(0);
  await expect(window.userMessages).toHaveText(['Show me code']);

  // Edit and resend with Enter: the new version replaces the exchange; the request holds only it.
  model.enqueue(textReply('Python it is.'));
  await question.hover();
  await rowOf(question).getByTestId('edit-message').click();
  await editor.fill('Show me Python code');
  await screenshot(page, 'message-actions-editing');
  await editor.press('Enter');
  await expect(window.userMessages).toHaveText(['Show me Python code']);
  await expect(window.assistantMessages).toHaveCount(1);
  await expect(window.assistantMessages.last()).toContainText('Python it is.');
  await expect(rowOf(window.userMessages.last()).getByTestId('version-label')).toHaveText('2/2');
  expect(conversation(model.requests[1]!)).toEqual(['user: Show me Python code']);
  await screenshot(page, 'message-actions-edited');

  // Regenerate: a second version of the answer; the message is not sent twice.
  model.enqueue(textReply('Here is another answer.'));
  await window.assistantMessages.last().hover();
  await rowOf(window.assistantMessages.last()).getByTestId('regenerate-answer').click();
  await expect(window.assistantMessages).toHaveText(['Here is another answer.']);
  const switcher = rowOf(window.assistantMessages.last()).getByTestId('version-switcher');
  await expect(switcher.getByTestId('version-label')).toHaveText('2/2');
  await expect(switcher).toHaveAttribute('aria-label', 'Version 2 of 2');
  expect(conversation(model.requests[2]!)).toEqual(['user: Show me Python code']);
  await screenshot(page, 'message-actions-regenerated');

  // Switch back to version 1 from the keyboard; it is stored, so a reload shows it too.
  await expect(page.getByTestId('lane-activity')).toHaveAttribute('data-activity', 'idle');
  await switcher.getByTestId('version-previous').focus();
  await page.keyboard.press('Enter');
  await expect(window.assistantMessages).toHaveText(['Python it is.']);
  await expect(rowOf(window.assistantMessages.last()).getByTestId('version-label')).toHaveText('1/2');
  await page.reload();
  await expect(window.connection).toHaveAttribute('data-state', 'open');
  await expect(window.assistantMessages).toHaveText(['Python it is.']);
  await expect(rowOf(window.assistantMessages.last()).getByTestId('version-label')).toHaveText('1/2');
  await screenshot(page, 'message-actions-version-1-of-2');

  // The next message continues version 1: the model sees that path only.
  model.enqueue(textReply('Sure.'));
  await window.send('Thanks');
  await expect(window.assistantMessages.last()).toHaveText('Sure.');
  expect(conversation(model.requests[3]!)).toEqual(['user: Show me Python code', 'assistant: Python it is.', 'user: Thanks']);
});

test('issue 11: Continue after a stop picks the answer up where it stopped, without a second copy of the message', async ({ page, baton }) => {
  const supervisor = await baton();
  const { model } = supervisor;
  const window = await BatonWindow.open(page, supervisor);
  await window.newChat();

  model.enqueue(stalledReply('The first half '));
  await window.send('Write a long answer');
  await expect(window.assistantMessages.last()).toContainText('The first half');
  await page.getByTestId('stop-button').click();
  const marker = page.getByTestId('interruption-marker');
  await expect(marker).toContainText('stopped by you');
  const continueButton = page.getByTestId('continue-answer');
  await expect(continueButton).toBeEnabled();
  await screenshot(page, 'message-actions-stopped');

  model.enqueue(textReply('and the second half.'));
  await continueButton.click();
  await expect(window.assistantMessages.last()).toHaveText('and the second half.');
  await expect(page.getByTestId('resumed-divider')).toHaveText('Continued after the stop');
  await expect(page.getByTestId('continue-answer')).toHaveCount(0);
  await expect(window.userMessages).toHaveText(['Write a long answer']);
  expect(conversation(model.requests[1]!)).toEqual(['user: Write a long answer', 'assistant: The first half']);
  await screenshot(page, 'message-actions-continued');
});
