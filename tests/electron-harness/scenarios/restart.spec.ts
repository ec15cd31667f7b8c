/**
 * Tray Restart while a turn runs (SPEC L8–L13, L18–L20, L27, L28): the drain banner, the write-ahead
 * mark, the single-instance lock released before the relaunch, the relaunch by Electron's
 * relauncher model, and the same conversation resumed in the new process with exactly one note.
 */
import { batonNotes } from '../../e2e/support/supervisor.ts';
import { slowReply, stalledReply } from '../../e2e/support/scripts.ts';
import { expect, readLanes, sendInNewChat, test } from '../scenario-kit.ts';

test('L8–L13, L18–L20: tray Restart mid-turn drains, releases the lock, relaunches, and the same conversation resumes with one note', async ({ launch, model, windowOf }) => {
  const harness = await launch();
  const first = await harness.start();
  const { userData } = await first.ready();
  const page = await windowOf(first);

  model.enqueue(stalledReply('Working on the long job…'));
  await sendInNewChat(page, 'Run the long job');
  await expect(page.getByTestId('message-assistant').first()).toContainText('Working on the long job…');

  model.enqueue(slowReply('Finished the long job after the restart.'));
  await first.command('tray.clickItem', { label: 'Restart' });
  // L8: the person is told, in the window, before anything stops.
  await expect(page.getByTestId('banner-drain')).toContainText('restarting');
  const exit = await first.waitForExit(20_000);
  expect(exit.code).toBe(0);

  // L13: the lock goes before the relaunch is recorded, so the new process is not turned away.
  const names = first.events.map((event) => event.name);
  expect(names).toContain('single-instance-lock-released');
  expect(names.indexOf('single-instance-lock-released')).toBeLessThan(names.indexOf('relaunch'));
  expect(harness.failedRelaunches).toEqual([]);
  // L9, L11: the interrupted lane is marked for resume with the restart's reason (the store is
  // exclusively locked while the app runs, so it is read between the two processes).
  const [lane] = readLanes(userData);
  expect(lane).toMatchObject({ resume_pending: 1, resume_reason: 'restart_timeout' });

  const second = await harness.next(first);
  await second.ready();
  const again = await windowOf(second);
  await again.getByTestId('lane-item').first().click();
  await expect(again.getByTestId('message-assistant').last()).toHaveText('Finished the long job after the restart.');
  await expect(again.getByTestId('message-user')).toHaveText(['Run the long job']);

  // L19: the model was told once why its turn stopped, never as user text.
  const request = await model.waitForRequest(2);
  const notes = batonNotes(request);
  expect(notes).toHaveLength(1);
  expect(notes[0]).toContain('interrupted by a restart');
  expect(request.body.messages.filter((m) => m.role === 'user' && JSON.stringify(m.content).includes('[Baton]'))).toEqual([]);

  // L18, L22: the same session, and the completed resume cleared the mark.
  await second.command('tray.clickItem', { label: 'Quit' });
  await second.waitForExit(20_000);
  const after = readLanes(userData).find((row) => row.lane_key === lane!.lane_key)!;
  expect(after).toMatchObject({ session_id: lane!.session_id, resume_pending: 0, restart_failure_count: 0 });
});
