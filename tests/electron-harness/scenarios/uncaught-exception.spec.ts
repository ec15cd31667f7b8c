/**
 * D8, L39: an uncaught exception in the main process is logged and never opens a synchronous error
 * box — Electron's (or electron-log's) box would hold the main thread, and with it the gateway, the
 * drain and its watchdog, until a person clicks.
 */
import { stalledReply } from '../../e2e/support/scripts.ts';
import { expect, readLanes, sendInNewChat, test } from '../scenario-kit.ts';

test('D8, L39: an uncaught exception while a turn runs is logged, no dialog blocks, and the quit drain still finishes on time', async ({ launch, model, windowOf }) => {
  // A person takes a while to read a box: 8 s, longer than drain + grace, so a box shows as a stall.
  const harness = await launch({ dialogBlockMs: 8000 });
  const app = await harness.start();
  const { userData } = await app.ready();
  const page = await windowOf(app);
  model.enqueue(stalledReply('Working…'));
  await sendInNewChat(page, 'Run the long job');
  await expect(page.getByTestId('message-assistant').first()).toContainText('Working…');

  await app.command('main.throw', { message: 'boom from a timer in main' });
  await app.waitForEvent('uncaught-exception');
  const started = Date.now();
  await app.command('tray.clickItem', { label: 'Quit' }).catch(() => undefined);
  await app.waitForExit(20_000);
  expect(app.eventsNamed('dialog').map((event) => event.data), 'no synchronous dialog in main').toEqual([]);
  // drainTimeoutSeconds 2 + grace 2 + the quit itself: well under the 8 s a box would add.
  expect(Date.now() - started).toBeLessThan(7000);
  expect(harness.appLog()).toContain('boom from a timer in main');
  expect(readLanes(userData)[0]).toMatchObject({ resume_pending: 1, resume_reason: 'shutdown_timeout' });
});
