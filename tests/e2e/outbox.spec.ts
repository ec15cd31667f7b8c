/**
 * Baton down, window open: what the person sees and what happens to what they type. A hard kill
 * says "stopped unexpectedly", a quit says "has quit"; running indicators and actions that cannot
 * work go away; a message typed meanwhile waits in the window's outbox, survives a reload of the
 * page and is sent exactly once when Baton is back. SPEC L32, L33 (the window's part), L30.
 */
import { BatonWindow, expect, screenshot, test } from './support/fixtures.ts';
import { slowReply, stalledReply } from './support/scripts.ts';
import { lastUserText } from './support/supervisor.ts';

test('L32: typed while Baton is down, kept when the page is closed, sent exactly once when it is back', async ({ page, baton }) => {
  const supervisor = await baton();
  const { model } = supervisor;
  const window = await BatonWindow.open(page, supervisor);
  const laneKey = await window.newChat();
  model.enqueue(slowReply('Hello there.'));
  await window.send('Hello');
  await expect(window.assistantMessages.last()).toHaveText('Hello there.');

  expect(await supervisor.crash()).toMatchObject({ signal: 'SIGKILL' });
  await expect(window.connection).toHaveAttribute('data-lost', 'crash');
  await expect(window.connection).toContainText('Baton stopped unexpectedly');

  // The composer clears: the message is safe in the window, and says so.
  await window.send('Typed while Baton was down');
  const outbox = page.getByTestId('outbox');
  await expect(outbox).toContainText('1 message waiting for Baton');
  await expect(outbox).toContainText('Typed while Baton was down');
  await screenshot(page, 'outbox-waiting');

  // The page goes away before Baton is back (the tab is closed; a reload cannot even load the
  // page while its host is down). The message lives in the browser's IndexedDB, not in the page.
  const context = page.context();
  await page.close();
  expect(model.requests).toHaveLength(1);

  model.enqueue(slowReply('Got it, even though Baton was down when you sent it.'));
  await supervisor.start();
  const reopened = await context.newPage();
  const again = await BatonWindow.open(reopened, supervisor);
  await again.openLane(laneKey);
  await expect(again.assistantMessages.last()).toHaveText('Got it, even though Baton was down when you sent it.');
  await expect(reopened.getByTestId('outbox')).toHaveCount(0);
  await expect(again.userMessages).toHaveText(['Hello', 'Typed while Baton was down']);
  // A reload now (Baton is up) sends nothing again.
  await reopened.reload();
  await expect(again.connection).toHaveAttribute('data-state', 'open');
  await expect(again.userMessages).toHaveText(['Hello', 'Typed while Baton was down']);
  // Exactly once: one more model request, carrying the message once.
  expect(model.requests).toHaveLength(2);
  expect(lastUserText(model.requests[1]!)).toBe('Typed while Baton was down');
  const stored = await supervisor.call('transcript.get', { laneKey });
  expect(stored.events.filter((e) => e.kind === 'user_message').map((e) => (e.payload as { text: string }).text)).toEqual(['Hello', 'Typed while Baton was down']);
});

test('L30/L33: after a quit the window says Baton has quit, and nothing looks like it still runs', async ({ page, baton }) => {
  const supervisor = await baton({ settings: { drainTimeoutSeconds: 1, graceSeconds: 1 } });
  const { model } = supervisor;
  const window = await BatonWindow.open(page, supervisor);
  await window.newChat();
  model.enqueue(stalledReply('Working on it'));
  await window.send('A long task');
  await expect(window.assistantMessages.first()).toContainText('Working on it');
  await expect(page.getByTestId('lane-activity')).toHaveAttribute('data-activity', 'running');

  await supervisor.quit();
  await expect(window.connection).toHaveAttribute('data-lost', 'quit');
  await expect(window.connection).toContainText('Baton has quit');
  // No frozen drain countdown, no "Working…", no Stop that would fail.
  await expect(page.getByTestId('banner-drain')).toHaveCount(0);
  await expect(page.getByTestId('lane-activity')).toHaveAttribute('data-activity', 'idle');
  await expect(page.getByTestId('stop-button')).toHaveCount(0);
  await expect(page.getByTestId('resume-button')).toBeDisabled();
  await screenshot(page, 'baton-has-quit');
});
