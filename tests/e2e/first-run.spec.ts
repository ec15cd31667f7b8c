/**
 * First run: no model configured anywhere, so the window asks for a provider; the person points
 * it at a (scripted) OpenAI-compatible server, chats, watches the answer stream in, and finds the
 * conversation still there after reloading the page (L26, L30).
 */
import { BatonWindow, expect, screenshot, test } from './support/fixtures.ts';
import { textReply } from '../fixtures/scripted-openai-server.ts';

const ANSWER =
  'Baton keeps every step of a turn on disk as it happens, so quitting, restarting or updating never loses a running agent turn. ' +
  'Streamed text is saved at least every quarter of a second.';

test('L26, L30: first run: set up a provider, chat with a streamed answer, reload and find it all there', async ({ page, baton }) => {
  const supervisor = await baton({ modelFromEnv: false });
  const window = await BatonWindow.open(page, supervisor);

  const setup = page.getByTestId('provider-setup');
  await expect(setup).toBeVisible();
  await expect(setup.getByRole('heading', { name: 'Set up a model provider' })).toBeVisible();
  await screenshot(page, 'first-run-setup');

  await setup.getByTestId('provider-preset').selectOption({ label: 'Other OpenAI-compatible' });
  await setup.getByTestId('provider-name').fill('Scripted');
  await setup.getByTestId('provider-base-url').fill(supervisor.model.url);
  await setup.getByTestId('provider-model').fill('scripted-model');
  await screenshot(page, 'first-run-setup-filled');
  await setup.getByTestId('provider-save').click();
  // With a provider saved, the first-run form gives way to the welcome.
  await expect(page.getByRole('heading', { name: 'Welcome to Baton' })).toBeVisible();

  const laneKey = await window.newChat();
  supervisor.model.enqueue(textReply(ANSWER, { chunks: 14, chunkDelayMs: 120 }));
  await window.send('What does Baton promise?');
  await expect(window.userMessages).toHaveText(['What does Baton promise?']);

  // The answer arrives piece by piece.
  const answer = window.assistantMessages.first();
  await expect(answer).toHaveAttribute('data-streaming', 'true');
  await expect(answer).toContainText('Baton keeps');
  await screenshot(page, 'first-run-streaming');
  await expect(answer).toHaveAttribute('data-streaming', 'false');
  await expect(answer).toHaveText(ANSWER);
  await expect(page.getByTestId('lane-activity')).toHaveAttribute('data-activity', 'idle');
  await screenshot(page, 'first-run-answered');

  // The request went to the provider the person set up, with their model.
  const request = await supervisor.model.waitForRequest(1);
  expect(request.body.model).toBe('scripted-model');
  expect(request.body.stream).toBe(true);

  await page.reload();
  await expect(window.connection).toHaveAttribute('data-state', 'open');
  await expect(window.laneItem(laneKey)).toHaveAttribute('aria-current', 'page');
  await expect(window.userMessages).toHaveText(['What does Baton promise?']);
  await expect(window.assistantMessages).toHaveText([ANSWER]);
  await expect(page.getByTestId('provider-setup')).toHaveCount(0);
  await screenshot(page, 'first-run-after-reload');
  expect(supervisor.model.requests).toHaveLength(1);
});
