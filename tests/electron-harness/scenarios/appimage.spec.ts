/**
 * D2, L13: tray Restart from an AppImage. Electron's app.relaunch() re-runs argv[0], which inside an
 * AppImage lies under the image's .mount_* directory — gone once the process exits (the relauncher
 * model then finds nothing to start). The relaunch must come from $APPIMAGE, after the old process
 * has exited and released the lock.
 */
import { expect, test } from '../scenario-kit.ts';

test('D2, L13: tray Restart from an AppImage comes back — relaunched from $APPIMAGE once the old process is gone', async ({ launch }) => {
  const harness = await launch({ mode: 'appimage' });
  const first = await harness.start();
  await first.ready();
  expect(first.hello.execPath, 'the executable runs from the image mount').toMatch(/\/\.mount_Baton/);
  await first.waitForEvent('tray.menu');

  await first.command('tray.clickItem', { label: 'Restart' });
  await first.waitForExit(20_000);
  const second = await harness.next(first, 15_000).catch(() => null);
  expect(harness.failedRelaunches, 'no relaunch aimed at the vanished mount').toEqual([]);
  expect(second, 'a new Baton started').not.toBeNull();
  expect(second!.hello.env.APPIMAGE).toBe(harness.appImagePath);
  expect(second!.hello.execPath).not.toBe(first.hello.execPath);
  await second!.ready();
  await second!.waitForEvent('single-instance-lock', (data) => data.held === true);
  // Started after the old process had exited (the waiter), so it was never a second instance.
  expect(first.eventsNamed('second-instance')).toEqual([]);
});
