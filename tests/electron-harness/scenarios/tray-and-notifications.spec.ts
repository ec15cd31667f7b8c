/**
 * L27: closing the last window while a turn runs hides Baton to the tray and the work goes on;
 * when it finishes, an OS notification says so, and clicking it opens the window — even after a
 * garbage collection (D10: Electron does not keep a shown Notification alive for the app).
 */
import { expect, readLanes, sendInNewChat, test } from '../scenario-kit.ts';
import type { WindowsInfo } from '../windows-client.ts';

test('L27, D10: close while a turn runs hides to the tray, the turn finishes, and its notification click (after gc) opens the window', async ({ launch, model, windowOf }) => {
  const harness = await launch();
  const app = await harness.start();
  const { userData } = await app.ready();
  const page = await windowOf(app);

  const release = { go: (): void => undefined };
  const gate = new Promise<void>((resolve) => (release.go = resolve));
  model.enqueue({ kind: 'stream', steps: [{ type: 'text', text: 'Halfway… ' }, { type: 'wait', until: gate }, { type: 'text', text: 'done.' }, { type: 'finish', reason: 'stop' }] });
  await sendInNewChat(page, 'Keep working while I close the window');
  await expect(page.getByTestId('message-assistant').first()).toContainText('Halfway…');

  const { closed } = await app.command<{ closed: boolean }>('window.close');
  expect(closed, 'the close is turned into a hide while the turn runs').toBe(false);
  await expect.poll(async () => (await app.command<WindowsInfo>('windows.info')).windows[0]?.visible).toBe(false);
  expect(app.alive).toBe(true);

  release.go();
  const shown = await app.waitForEvent('notification.shown', (data) => String(data.body).includes('finished'));
  const { delivered } = await app.command<{ delivered: boolean }>('notification.click', { id: shown.data.id, gc: true });
  expect(delivered, 'the notification was still there to be clicked').toBe(true);
  await expect.poll(async () => (await app.command<WindowsInfo>('windows.info')).windows[0]?.visible).toBe(true);

  // Idle now: closing the window quits on Linux (window-all-closed), through the drain.
  await app.command('window.close');
  expect((await app.waitForExit(20_000)).code).toBe(0);
  expect(readLanes(userData)[0]).toMatchObject({ resume_pending: 0 });
});
