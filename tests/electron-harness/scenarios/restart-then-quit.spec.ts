/**
 * SPEC §4, L13, L27: the person asks for a restart from the tray, then quits while its drain runs.
 * The drains join (one drain) and the later quit wins (shared/lifecycle.ts joinExit): Baton exits
 * without relaunching, and the interrupted turn stays marked so the next launch resumes it.
 */
import { stalledReply } from '../../e2e/support/scripts.ts';
import { expect, FAST_DRAIN, readLanes, sendInNewChat, test } from '../scenario-kit.ts';

test('L13, L27: tray Restart mid-turn, then tray Quit during the drain: no relaunch, the turn stays marked for the next launch', async ({ launch, model, windowOf }) => {
  const harness = await launch({ settings: { ...FAST_DRAIN, drainTimeoutSeconds: 4 } });
  const app = await harness.start();
  const { userData } = await app.ready();
  const page = await windowOf(app);
  model.enqueue(stalledReply('Working on the long job…'));
  await sendInNewChat(page, 'Run the long job');
  await expect(page.getByTestId('message-assistant').first()).toContainText('Working on the long job…');

  await app.command('tray.clickItem', { label: 'Restart' });
  await expect(page.getByTestId('banner-drain')).toContainText('restarting');
  await app.command('tray.clickItem', { label: 'Quit' });
  expect((await app.waitForExit(20_000)).code).toBe(0);

  expect(app.eventsNamed('relaunch')).toEqual([]);
  expect(readLanes(userData)[0]).toMatchObject({ resume_pending: 1 });
});
