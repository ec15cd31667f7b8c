/**
 * macOS updates (Squirrel.Mac under electron-updater's MacUpdater, SPEC L29, L11; D6, D7).
 * electron-updater says "downloaded" before Squirrel has fetched the zip from its local proxy; the
 * harness's Squirrel model lands it later (or reports an error), as the real one does.
 */
import { stalledReply } from '../../e2e/support/scripts.ts';
import { downloadUpdate, expect, readLanes, sendInNewChat, test } from '../scenario-kit.ts';
import { startUpdateFeed, type UpdateFeed } from '../update-feed.ts';

let feed: UpdateFeed | null = null;
test.afterEach(async () => {
  await feed?.close();
  feed = null;
});

test('D7, L11: a Squirrel error during the update drain never restarts the gateway under the drain', async ({ launch, model, windowOf }) => {
  const harness = await launch({ platform: 'darwin', settings: { drainTimeoutSeconds: 4, graceSeconds: 2 }, env: { BATON_HARNESS_SQUIRREL_DELAY_MS: '60000' } });
  feed = await startUpdateFeed({ version: '0.2.0', install: harness.install });
  harness.useFeed(feed.url);
  const app = await harness.start();
  const { userData } = await app.ready();
  const page = await windowOf(app);
  await downloadUpdate(app);

  model.enqueue(stalledReply('Working on the long job…'));
  await sendInNewChat(page, 'Run the long job');
  await expect(page.getByTestId('message-assistant').first()).toContainText('Working on the long job…');
  await app.waitForEvent('tray.menu', (data) => (data.items as Array<{ label: string }>).some((item) => item.label.startsWith('Restart to update (drains 1')));
  const drainStarted = Date.now();
  await app.command('tray.clickItem', { pattern: '^Restart to update' });
  await expect(page.getByTestId('banner-drain')).toBeVisible();
  // Mid-drain, Squirrel fails: MacUpdater relays it as electron-updater's 'error'.
  await app.command('squirrel.error', { message: 'Squirrel: code signature check failed' });
  // L11: the running turn is cut only at the drain's deadline (4 s), not by a gateway restart now.
  await model.waitForAbort(1);
  expect(Date.now() - drainStarted, 'the model stream was cut at the drain deadline, not at the updater error').toBeGreaterThanOrEqual(3500);

  // Whatever the app then decides (install failed → back to ready, or go on), the drain must end
  // as a drain: never forced, the running turn marked for resume with the update's reason.
  const ended = await Promise.race([app.exited.then(() => 'exited' as const), app.waitForEvent('notification.shown', (data) => String(data.title) === 'Update not installed', 20_000).then(() => 'back' as const)]);
  if (ended === 'back') {
    await app.command('tray.clickItem', { label: 'Quit' });
  }
  const exit = await app.waitForExit(20_000);
  const log = harness.appLog();
  expect(log, 'the drain was not forced').not.toMatch(/Forcing the exit|drain failed/i);
  // A gateway restarted under the drain closes the store the drain is writing to. (A clean-exit
  // marker held back because the background integrity check of the restarted gateway has not
  // finished yet is by design, issue 13 — the next start checks again — and is not that.)
  expect(log, 'the store stayed open for the drain (no gateway restart mid-drain)').not.toMatch(
    /database connection is not open|Drain could not write (?!clean-exit marker: the integrity check after the last unclean exit has not found the store sound)/,
  );
  expect(exit.code).toBe(0);
  expect(readLanes(userData)[0]).toMatchObject({ resume_pending: 1, resume_reason: 'update_timeout' });
});

test('D6: when Squirrel lands the update only after the install timed out, its quit still drains the turn that runs by then', async ({ launch, model, windowOf }) => {
  test.setTimeout(120_000);
  const harness = await launch({ platform: 'darwin', env: { BATON_HARNESS_SQUIRREL_DELAY_MS: '26000' } });
  feed = await startUpdateFeed({ version: '0.2.0', install: harness.install });
  harness.useFeed(feed.url);
  const app = await harness.start();
  const { userData } = await app.ready();
  await windowOf(app);
  await downloadUpdate(app);

  // Restart to update right away: Squirrel has not fetched the zip yet; the app's install timeout gives up.
  await app.command('tray.clickItem', { pattern: '^Restart to update' });
  await app.waitForEvent('notification.shown', (data) => String(data.title) === 'Update not installed', 40_000);

  // The person goes on working; then Squirrel finishes and asks to quit for the install.
  const page = await windowOf(app);
  model.enqueue(stalledReply('Working on something new…'));
  await sendInNewChat(page, 'A new long job');
  await expect(page.getByTestId('message-assistant').last()).toContainText('Working on something new…');
  await app.waitForEvent('squirrel.update-downloaded', () => true, 40_000);
  await app.waitForExit(30_000);
  const lanes = readLanes(userData);
  expect(lanes.at(-1), 'the running turn went through a drain before the installer quit the app').toMatchObject({ resume_pending: 1 });
});
