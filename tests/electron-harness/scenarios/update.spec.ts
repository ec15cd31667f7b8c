/**
 * Updates with the real electron-updater against a loopback feed (SPEC L29, L37, D1, D7, D12):
 * check → download → sha512 verify → ready, then each way an update gets installed — or must not.
 * AppImage mode: APPIMAGE points at a fake AppImage whose mount vanishes with the process. deb mode:
 * stub dpkg/pkexec/apt-get first on an absolute PATH.
 */
import { slowReply, stalledReply } from '../../e2e/support/scripts.ts';
import { backups, downloadUpdate, expect, notifications, readCleanExit, sendInNewChat, test } from '../scenario-kit.ts';
import { startUpdateFeed, type UpdateFeed } from '../update-feed.ts';
import type { Harness, InstallMode } from '../launcher.ts';

let feed: UpdateFeed | null = null;
test.afterEach(async () => {
  await feed?.close();
  feed = null;
});

async function withFeed(harness: Harness, options: { corrupt?: boolean } = {}): Promise<UpdateFeed> {
  feed = await startUpdateFeed({ version: '0.2.0', install: harness.install, ...options });
  harness.useFeed(feed.url);
  return feed;
}

for (const mode of ['appimage', 'deb'] as const satisfies readonly InstallMode[]) {
  test(`L37, D1 (${mode}): tray Restart with an update downloaded installs it through the update route — backup first, "Updated to v0.2.0" after — never silently on the way out`, async ({ launch }) => {
    const harness = await launch({ mode });
    await withFeed(harness);
    const first = await harness.start();
    const { userData, version } = await first.ready();
    expect(version).toBe('0.1.0');
    await downloadUpdate(first);

    await first.command('tray.clickItem', { label: 'Restart' });
    await first.waitForExit(20_000);
    expect(harness.appLog(), 'electron-updater must not run its silent install-on-quit').not.toMatch(/isSilent: true/);
    expect(backups(userData, 'pre-update'), 'the pre-update backup comes before any install (L29)').not.toEqual([]);
    expect(readCleanExit(userData)?.reason, 'the exit was the update route').toBe('update');

    const second = await harness.next(first, 20_000);
    expect((await second.ready()).version).toBe('0.2.0');
    await second.waitForEvent('notification.shown', (data) => String(data.title).includes('Updated to v0.2.0'));
    if (mode === 'deb') expect(harness.packageToolLog().some((line) => line.startsWith('dpkg -i'))).toBe(true);
  });
}

test('L29, L13, D12 (appimage): Restart to update mid-turn drains, backs up, installs, and the new version says "Updated to v0.2.0 — 1 conversation resumed"', async ({ launch, model, windowOf }) => {
  // Known defect (found by this scenario, not in the audit): "Updated to vX" is derived from the
  // clean-exit marker (electron/shell/main.ts relaunchNotice(core.previousExit, …)), which L12
  // forbids after a drain that had to interrupt a turn — exactly the mid-turn update. The new
  // version then says only "1 conversation resumed". Remove this line once the update is recorded
  // apart from the clean marker (e.g. the version that last ran, or an update marker written
  // before quitAndInstall).
  const harness = await launch({ mode: 'appimage' });
  await withFeed(harness);
  const first = await harness.start();
  const { userData } = await first.ready();
  const page = await windowOf(first);
  await downloadUpdate(first);

  model.enqueue(stalledReply('Working on the long job…'));
  await sendInNewChat(page, 'Run the long job');
  await expect(page.getByTestId('message-assistant').first()).toContainText('Working on the long job…');
  await first.waitForEvent('tray.menu', (data) => (data.items as Array<{ label: string }>).some((item) => item.label === 'Restart to update (drains 1 running turn)'));

  model.enqueue(slowReply('Finished the long job on the new version.'));
  await first.command('tray.clickItem', { label: 'Restart to update (drains 1 running turn)' });
  await expect(page.getByTestId('banner-drain')).toContainText('updat');
  await first.waitForExit(20_000);
  expect(backups(userData, 'pre-update')).not.toEqual([]);
  // D12: the lock is released before quitAndInstall starts the new image.
  const names = first.events.map((event) => event.name);
  expect(names.indexOf('single-instance-lock-released'), 'lock released before the installer runs').toBeGreaterThanOrEqual(0);

  const second = await harness.next(first, 20_000);
  expect((await second.ready()).version).toBe('0.2.0');
  const again = await windowOf(second);
  await again.getByTestId('lane-item').first().click();
  await expect(again.getByTestId('message-assistant').last()).toHaveText('Finished the long job on the new version.');
  await second.waitForEvent('notification.shown', (data) => String(data.body).includes('Updated to v0.2.0 — 1 conversation resumed'), 10_000);
});

test('L29: Install when idle waits for the running turn to finish, then installs without interrupting it (deb)', async ({ launch, model, windowOf }) => {
  const harness = await launch({ mode: 'deb' });
  await withFeed(harness);
  const first = await harness.start();
  const page = await windowOf(first);
  await downloadUpdate(first);

  const gate = { open: (): void => undefined };
  const opened = new Promise<void>((resolve) => (gate.open = resolve));
  model.enqueue({ kind: 'stream', steps: [{ type: 'text', text: 'Halfway… ' }, { type: 'wait', until: opened }, { type: 'text', text: 'done.' }, { type: 'finish', reason: 'stop' }] });
  await sendInNewChat(page, 'Finish this first');
  await expect(page.getByTestId('message-assistant').first()).toContainText('Halfway…');
  await first.command('tray.clickItem', { label: 'Install when idle' });
  // Armed: the tray's "Install when idle" is greyed out and its tooltip says so.
  await first.waitForEvent('tray.tooltip', (data) => String(data.text).includes('installs when idle'));
  expect(first.alive, 'nothing installs while the turn runs').toBe(true);

  gate.open();
  await expect(page.getByTestId('message-assistant').first()).toHaveText('Halfway… done.');
  await first.waitForExit(20_000);
  const second = await harness.next(first, 20_000);
  expect((await second.ready()).version).toBe('0.2.0');
  await second.waitForEvent('notification.shown', (data) => String(data.title).includes('Updated to v0.2.0'));
});

test('L29: a failed install returns to ready, tells the person, and the gateway comes back in the same process (deb)', async ({ launch, model, windowOf }) => {
  const harness = await launch({ mode: 'deb' });
  await withFeed(harness);
  const first = await harness.start();
  const page = await windowOf(first);
  await downloadUpdate(first);
  harness.failPackageInstalls();

  await first.command('tray.clickItem', { pattern: '^Restart to update' });
  await first.waitForEvent('notification.shown', (data) => String(data.title) === 'Update not installed', 20_000);
  await first.waitForEvent('tray.menu', (data) => (data.items as Array<{ label: string; enabled: boolean }>).some((item) => /^Restart to update/.test(item.label) && item.enabled));
  expect(first.alive).toBe(true);
  expect(notifications(first).join('\n')).toMatch(/could not be installed/);

  // The gateway is back: a new message gets its answer in a window.
  const again = await windowOf(first);
  model.enqueue(slowReply('Still here after the failed install.'));
  await sendInNewChat(again === page ? page : again, 'Are you there?');
  await expect(again.getByTestId('message-assistant').last()).toHaveText('Still here after the failed install.');
});
