/**
 * A window whose renderer process dies (SPEC L33's "crashes are recovered without a person", R1;
 * Electron: webContents 'render-process-gone', docs/api/web-contents.md). Chromium kills renderers
 * for out-of-memory, GPU resets or a crash in a page; Electron leaves the window blank until the
 * app reloads it. Baton's window manager has no 'render-process-gone' handler (not in the shell
 * audit), so the window stays dead until Baton is restarted.
 */
import { expect, test } from '../scenario-kit.ts';
import type { WindowsInfo } from '../windows-client.ts';
import { WindowsClient } from '../windows-client.ts';

test('L33, R1: after the renderer process crashes, the window comes back and reconnects by itself', async ({ launch, windowOf }) => {
  const app = await (await launch()).start();
  await app.ready();
  const page = await windowOf(app);
  await expect(page.getByTestId('connection-status')).toContainText('Connected');
  const before = (await app.command<WindowsInfo>('windows.info')).windows[0]!;

  await app.command('window.crashRenderer');
  await app.waitForEvent('windows.record', (record) => record.kind === 'webContents.render-process-gone');

  // Once the app reloads the window, its webContents has a new page: attach afresh.
  const client = new WindowsClient({ info: () => app.command<WindowsInfo>('windows.info'), timeoutMs: 10_000 });
  try {
    await client.waitForInfo((info) => info.windows[0]?.targetId !== before.targetId, 'the window to get a new renderer');
    const again = await client.page();
    await expect(again.getByTestId('connection-status')).toContainText('Connected', { timeout: 10_000 });
  } finally {
    await client.close();
  }
});
