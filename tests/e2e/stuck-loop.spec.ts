/**
 * A conversation that takes Baton down with it every time (L16, L25): it is killed mid-turn three
 * times in a row — auto-resume continues it once after the first crash (L20: once per
 * interruption), then the person clicks Resume — so the third relaunch sets it aside instead of
 * offering it again. Its next message starts a fresh session and says so, and one click
 * on "Restore previous session" brings the old transcript back.
 */
import { BatonWindow, expect, screenshot, test } from './support/fixtures.ts';
import { stalledReply } from './support/scripts.ts';
import { batonNotes, lastUserText } from './support/supervisor.ts';
import { textReply } from '../fixtures/scripted-openai-server.ts';

test('L16, L25: killed mid-turn three times in a row: suspended, the next message starts fresh, the old session is one click away', async ({ page, baton }) => {
  const supervisor = await baton();
  const { model } = supervisor;
  const window = await BatonWindow.open(page, supervisor);
  const laneKey = await window.newChat();

  model.enqueue(stalledReply('Attempt 1: reading the huge file…'));
  await window.send('Summarise the huge file');
  await expect(window.assistantMessages.last()).toContainText('Attempt 1');
  // Killed only once the partial answer is saved (L26 allows losing the last 250 ms of it).
  await expect.poll(() => supervisor.savedAssistantTexts(laneKey)).toEqual(['Attempt 1: reading the huge file…']);

  for (const attempt of [2, 3]) {
    expect(await supervisor.crash()).toMatchObject({ signal: 'SIGKILL' });
    model.enqueue(stalledReply(`Attempt ${attempt}: reading the huge file…`));
    await supervisor.start();
    if (attempt === 3) {
      // L20: the automatic attempt did not complete, so it is not repeated: the person decides.
      await window.expectReconnected();
      await expect(page.getByTestId('banner-interrupted')).toContainText('Interrupted by a crash');
      expect(model.requests).toHaveLength(2);
      await page.getByTestId('resume-button').click();
    }
    // Resumed (automatically after the first crash, by the person after the second), with the crash note…
    const resumed = await model.waitForRequest(attempt);
    expect(batonNotes(resumed)).toEqual([expect.stringContaining('interrupted by a crash')]);
    if (attempt === 2) await window.expectReconnected();
    await expect(window.assistantMessages.last()).toContainText(`Attempt ${attempt}`);
    await expect(page.getByTestId('lane-activity')).toHaveAttribute('data-activity', 'running');
    await expect.poll(async () => (await supervisor.savedAssistantTexts(laneKey)).at(-1)).toBe(`Attempt ${attempt}: reading the huge file…`);
  }
  await screenshot(page, 'stuck-loop-third-attempt');

  // …and the third kill in a row is one too many.
  expect(await supervisor.crash()).toMatchObject({ signal: 'SIGKILL' });
  await supervisor.start();
  await window.expectReconnected();
  const suspended = page.getByTestId('banner-suspended');
  await expect(suspended).toContainText('interrupted 3 times in a row');
  await expect(page.getByTestId('interruption-marker')).toHaveText(['Interrupted — by a crash', 'Interrupted — by a crash', 'Interrupted — by a crash']);
  await expect(page.getByTestId('lane-activity')).toHaveAttribute('data-activity', 'idle');
  await expect(page.getByTestId('banner-interrupted')).toHaveCount(0);
  await screenshot(page, 'stuck-loop-suspended');
  expect(model.requests).toHaveLength(3); // not resumed a fourth time

  model.enqueue(textReply('Starting over: here is a short summary.', { chunks: 4, chunkDelayMs: 30 }));
  await window.send('Just give me a short summary');
  const reset = page.getByTestId('banner-session-reset');
  await expect(reset).toContainText('reset after repeated interruptions');
  await expect(page.locator('[data-testid="notice"][data-code="session-reset"]')).toBeVisible();
  await expect(window.userMessages).toHaveText(['Just give me a short summary']);
  await expect(window.assistantMessages).toHaveText(['Starting over: here is a short summary.']);
  await expect(suspended).toHaveCount(0);
  await expect(page.getByTestId('lane-activity')).toHaveAttribute('data-activity', 'idle');
  await screenshot(page, 'stuck-loop-session-reset');
  // The fresh session starts clean: no old history, no resume note.
  const fresh = await model.waitForRequest(4);
  expect(lastUserText(fresh)).toBe('Just give me a short summary');
  expect(fresh.body.messages.filter((m) => m.role === 'user' || m.role === 'assistant')).toHaveLength(1);
  expect(batonNotes(fresh)).toEqual([]);

  await page.getByTestId('restore-session-button').click();
  await expect(reset).toHaveCount(0);
  await expect(window.userMessages).toHaveText(['Summarise the huge file']);
  await expect(window.assistantMessages).toHaveCount(3);
  await expect(window.assistantMessages.last()).toContainText('Attempt 3');
  await expect(page.locator('[data-testid="notice"][data-code="session-restored"]')).toBeVisible();
  await expect(window.laneItem(laneKey)).toHaveAttribute('aria-current', 'page');
  await screenshot(page, 'stuck-loop-restored');
  expect(model.requests).toHaveLength(4);
});
