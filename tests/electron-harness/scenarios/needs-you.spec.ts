/**
 * L31 (issue 10), the desktop app: a turn that starts waiting for an approval while the window is
 * hidden shows an OS notification naming the conversation; on Linux Electron shows no notification
 * buttons, so it has none and a click brings the window, where the card asks. (Approve / Deny on
 * the notification itself, macOS only, is covered by tests/integration/approval-notices.test.ts.)
 */
import { expect, sendInNewChat, test } from '../scenario-kit.ts';
import type { WindowsInfo } from '../windows-client.ts';

test('L31, issue 10: an approval asked while the window is hidden shows "needs you"; its click opens the window on that conversation, where the card asks', async ({ launch, model, windowOf }) => {
  const harness = await launch();
  const app = await harness.start();
  await app.ready();
  const page = await windowOf(app);

  const release = { go: (): void => undefined };
  const gate = new Promise<void>((resolve) => (release.go = resolve));
  model.enqueue({
    kind: 'stream',
    steps: [
      { type: 'text', text: 'Checking first… ' },
      { type: 'wait', until: gate },
      { type: 'tool_call', id: 'call_ls', name: 'shell', args: { command: 'echo listed' }, fragments: 2 },
      { type: 'finish', reason: 'tool_calls' },
    ],
  });
  await sendInNewChat(page, 'List the workspace');
  await expect(page.getByTestId('message-assistant').first()).toContainText('Checking first…');
  // Issue 10: another conversation is open when the window goes away; the notification's click selects the waiting one.
  await page.getByTestId('new-chat').click();
  await expect(page.locator('#conversation-title')).not.toHaveText('List the workspace');

  const { closed } = await app.command<{ closed: boolean }>('window.close');
  expect(closed, 'the close is turned into a hide while the turn runs').toBe(false);
  await expect.poll(async () => (await app.command<WindowsInfo>('windows.info')).windows[0]?.visible).toBe(false);

  model.enqueue({ kind: 'stream', steps: [{ type: 'text', text: 'Listed.' }, { type: 'finish', reason: 'stop' }] });
  release.go();
  const shown = await app.waitForEvent('notification.shown', (data) => String(data.title).endsWith('needs you'));
  expect(shown.data).toMatchObject({ title: 'List the workspace needs you', body: 'A tool call is waiting for your approval.', actions: [] });

  const { delivered } = await app.command<{ delivered: boolean }>('notification.click', { id: shown.data.id, gc: true });
  expect(delivered).toBe(true);
  await expect.poll(async () => (await app.command<WindowsInfo>('windows.info')).windows[0]?.visible).toBe(true);
  await expect(page).toHaveTitle('Baton — 1 needs you');
  await expect(page.locator('#conversation-title')).toHaveText('List the workspace');
  await page.getByTestId('approve-button').click();
  await expect(page.getByTestId('message-assistant').last()).toHaveText('Listed.');
  await expect(page).toHaveTitle('Baton');
});
