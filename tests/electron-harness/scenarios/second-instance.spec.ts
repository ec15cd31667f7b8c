/**
 * A second launch hands over to the first (Electron's single-instance lock, modelled on Chromium's
 * ProcessSingleton with a real lock and socket between two processes): the second process quits,
 * the first emits 'second-instance' and shows its window.
 */
import { expect, test } from '../scenario-kit.ts';
import type { WindowsInfo } from '../windows-client.ts';

test('single instance: a second launch quits and the first shows its window', async ({ launch, windowOf }) => {
  const harness = await launch();
  const first = await harness.start();
  await first.ready();
  await windowOf(first);
  await first.command('window.minimize');

  const second = await harness.start(['--from-second-launch']);
  await second.waitForEvent('single-instance-lock', (data) => data.held === false);
  expect((await second.waitForExit(15_000)).code).toBe(0);

  const event = await first.waitForEvent('second-instance');
  expect(event.data.argv).toContain('--from-second-launch');
  await expect
    .poll(async () => (await first.command<WindowsInfo>('windows.info')).windows[0], { message: 'the first window is shown again' })
    .toMatchObject({ visible: true, minimized: false });
  expect(first.alive).toBe(true);
});
