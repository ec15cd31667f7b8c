/**
 * L27: every way a person quits goes through the drain — the application menu's Quit, the keyboard
 * (the Quit item's accelerator), the tray's Quit — and a running turn is marked, interrupted at the
 * deadline and resumable.
 */
import { stalledReply } from '../../e2e/support/scripts.ts';
import { expect, readCleanExit, readLanes, sendInNewChat, test } from '../scenario-kit.ts';

const WAYS = {
  'the application menu': { command: 'menu.clickItem', args: { pattern: '^Quit' } },
  'the keyboard (CmdOrCtrl+Q)': { command: 'menu.accelerator', args: { accelerator: 'CmdOrCtrl+Q' } },
  'the tray': { command: 'tray.clickItem', args: { label: 'Quit' } },
} as const;

for (const [way, { command, args }] of Object.entries(WAYS)) {
  test(`L27, L9–L11: quit from ${way} while a turn runs drains it and marks it for resume`, async ({ launch, model, windowOf }) => {
    const harness = await launch();
    const app = await harness.start();
    const { userData } = await app.ready();
    const page = await windowOf(app);
    model.enqueue(stalledReply('Working…'));
    await sendInNewChat(page, 'Run the long job');
    await expect(page.getByTestId('message-assistant').first()).toContainText('Working…');

    await app.command(command, args);
    await expect(page.getByTestId('banner-drain')).toContainText('quitting');
    expect((await app.waitForExit(20_000)).code).toBe(0);
    expect(readLanes(userData)[0]).toMatchObject({ resume_pending: 1, resume_reason: 'shutdown_timeout' });
    expect(readCleanExit(userData), 'the drain timed out, so no clean marker (L12)').toBeNull();
  });
}

test('L27: closing the window when idle quits on Linux (window-all-closed), cleanly', async ({ launch, windowOf }) => {
  const harness = await launch();
  const app = await harness.start();
  const { userData } = await app.ready();
  await windowOf(app);
  await app.command('window.close');
  expect((await app.waitForExit(20_000)).code).toBe(0);
  expect(readCleanExit(userData)?.reason).toBe('quit');
});
