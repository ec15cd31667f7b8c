/**
 * Exits mid-turn, as a person lives them in the window: a restart (from the window and by
 * SIGUSR1), a quit (SIGTERM), a hard kill (SIGKILL), and a message typed while Baton drains. The
 * host runs under the test's supervisor, which relaunches it on exit 75 like scripts/start.sh; the
 * window stays open throughout and must find its way back by itself.
 * SPEC L7, L8, L9, L11, L15, L18, L19, L20, L26, L30.
 */
import { BatonWindow, expect, screenshot, test } from './support/fixtures.ts';
import { replyByLastUserMessage, slowReply, stalledReply } from './support/scripts.ts';
import { allTexts, batonNotes, lastUserText, type Supervisor } from './support/supervisor.ts';
import { createGate, type ChatScript } from '../fixtures/scripted-openai-server.ts';

async function sessionOf(supervisor: Supervisor, laneKey: string): Promise<string> {
  const lanes = await supervisor.call('lanes.list', {});
  const lane = lanes.find((l) => l.laneKey === laneKey);
  if (!lane) throw new Error(`No conversation ${laneKey}`);
  return lane.sessionId;
}

/** L19: the resume request carries exactly one "[Baton]" system note, naming why the turn stopped. */
async function expectResumeNote(supervisor: Supervisor, requestNumber: number, why: string): Promise<void> {
  const request = await supervisor.model.waitForRequest(requestNumber);
  const notes = batonNotes(request);
  expect(notes, `request #${requestNumber} has one Baton note`).toHaveLength(1);
  expect(notes[0]).toContain(`interrupted by ${why}`);
  // Never stored as if the user typed it.
  expect(request.body.messages.filter((m) => m.role === 'user' && String(m.content).includes('[Baton]'))).toEqual([]);
}

test('L8, L18–L20, L30: restart mid-turn twice, from the window and by SIGUSR1: drain banners, relaunch, reconnect, the same conversation resumes', async ({ page, baton }) => {
  const supervisor = await baton({ settings: { drainTimeoutSeconds: 2, graceSeconds: 1 } });
  const { model } = supervisor;
  const window = await BatonWindow.open(page, supervisor);

  const laneKey = await window.newChat();
  model.enqueue(stalledReply('Working on the long job…'));
  await window.send('Run the long job');
  await expect(window.assistantMessages.first()).toContainText('Working on the long job…');
  const sessionId = await sessionOf(supervisor, laneKey);

  // (a) "/restart" typed in another conversation.
  const other = await window.newChat();
  model.enqueue(slowReply('Finished the long job after the restart.'));
  await window.send('/restart');
  await expect(page.getByTestId('banner-drain')).toContainText('Baton is restarting');
  await expect(page.getByTestId('drain-countdown')).toBeVisible();
  await window.openLane(laneKey);
  await expect(page.getByTestId('banner-drain-lane')).toContainText('will try to resume');
  await screenshot(page, 'restart-ui-drain');
  expect((await supervisor.waitForExit(1)).code).toBe(75);
  await expect(window.connection).toHaveAttribute('data-state', 'reconnecting');
  await supervisor.waitForLaunch(2);
  await window.expectReconnected();
  await expect(page.getByTestId('banner-drain')).toHaveCount(0);

  await expect(window.laneItem(laneKey)).toHaveAttribute('aria-current', 'page');
  await expect(page.getByTestId('interruption-marker')).toHaveText(['Interrupted — by a restart']);
  await expect(page.getByTestId('resumed-divider')).toHaveText(['Resumed after a restart']);
  await expect(window.assistantMessages.last()).toHaveText('Finished the long job after the restart.');
  await expect(window.userMessages).toHaveText(['Run the long job']);
  await expect(window.assistantMessages.first()).toContainText('Working on the long job…');
  await expect(page.getByTestId('lane-activity')).toHaveAttribute('data-activity', 'idle');
  await expect(page.getByTestId('banner-interrupted')).toHaveCount(0);
  await screenshot(page, 'restart-ui-resumed');
  await expectResumeNote(supervisor, 2, 'a restart');
  expect(allTexts(await model.waitForRequest(2))).toEqual(expect.arrayContaining(['Run the long job', 'Working on the long job…']));
  expect(await sessionOf(supervisor, laneKey)).toBe(sessionId);

  // (b) SIGUSR1, with the conversation in view.
  model.enqueue(stalledReply('Second job under way…'));
  await window.send('Now the second long job');
  await expect(window.assistantMessages.last()).toContainText('Second job under way…');
  model.enqueue(slowReply('Finished the second job after another restart.'));
  const exited = supervisor.restartBySignal();
  await expect(page.getByTestId('banner-drain-lane')).toContainText('Baton is restarting');
  await expect(page.getByTestId('banner-drain')).toContainText('1 running turn');
  await screenshot(page, 'restart-signal-drain');
  expect((await exited).code).toBe(75);
  await supervisor.waitForLaunch(3);
  await window.expectReconnected();

  await expect(page.getByTestId('resumed-divider')).toHaveText(['Resumed after a restart', 'Resumed after a restart']);
  await expect(page.getByTestId('interruption-marker')).toHaveText(['Interrupted — by a restart', 'Interrupted — by a restart']);
  await expect(window.assistantMessages.last()).toHaveText('Finished the second job after another restart.');
  await expect(window.userMessages).toHaveText(['Run the long job', 'Now the second long job']);
  await expect(page.getByTestId('lane-activity')).toHaveAttribute('data-activity', 'idle');
  await screenshot(page, 'restart-signal-resumed');
  await expectResumeNote(supervisor, 4, 'a restart');
  expect(await sessionOf(supervisor, laneKey)).toBe(sessionId);
  // The other conversation only saw its command; no turn ran there.
  await window.openLane(other);
  await expect(page.getByTestId('notice')).toContainText('Restarting Baton');
  await expect(window.userMessages).toHaveCount(0);
  expect(model.requests).toHaveLength(4);
});

test('L9, L11, L19, L20: quit mid-turn (SIGTERM), start again: the conversation resumes with the shutdown wording', async ({ page, baton }) => {
  const supervisor = await baton({ settings: { drainTimeoutSeconds: 2, graceSeconds: 1 } });
  const { model } = supervisor;
  const window = await BatonWindow.open(page, supervisor);
  const laneKey = await window.newChat();
  model.enqueue(stalledReply('Drafting the report…'));
  await window.send('Draft the quarterly report');
  await expect(window.assistantMessages.first()).toContainText('Drafting the report…');

  const exited = supervisor.quit();
  await expect(page.getByTestId('banner-drain')).toContainText('Baton is quitting');
  await expect(page.getByTestId('banner-drain-lane')).toContainText('will try to resume');
  await screenshot(page, 'quit-drain');
  expect(await exited).toMatchObject({ code: 0, signal: null });
  await expect(window.connection).toHaveAttribute('data-state', 'reconnecting');
  await screenshot(page, 'quit-host-down');
  // Quit is final: the supervisor does not bring it back; the person starts Baton again.
  expect(supervisor.running).toBe(false);

  model.enqueue(slowReply('Here is the finished report.'));
  await supervisor.start();
  await window.expectReconnected();
  await expect(window.laneItem(laneKey)).toHaveAttribute('aria-current', 'page');
  await expect(page.getByTestId('interruption-marker')).toHaveText(['Interrupted — by a shutdown']);
  await expect(page.getByTestId('resumed-divider')).toHaveText(['Resumed after a shutdown']);
  await expect(window.assistantMessages.last()).toHaveText('Here is the finished report.');
  await expect(page.getByTestId('banner-startup')).toContainText('1 conversation resumed');
  await screenshot(page, 'quit-resumed');
  await expectResumeNote(supervisor, 2, 'a shutdown');
  expect(model.requests).toHaveLength(2);
});

test('L15, L18, L19, L26: SIGKILL mid-turn, start again: nothing saved is missing and the conversation resumes with the crash wording', async ({ page, baton }) => {
  const supervisor = await baton();
  const { model } = supervisor;
  const window = await BatonWindow.open(page, supervisor);
  const laneKey = await window.newChat();
  model.enqueue(stalledReply('Step one is done; now working on step two'));
  await window.send('Migrate the database in three steps');
  await expect(window.assistantMessages.first()).toContainText('now working on step two');
  // L26: the partial answer is on disk within 250 ms; wait until the store has it.
  await expect.poll(() => supervisor.savedAssistantTexts(laneKey)).toEqual(['Step one is done; now working on step two']);

  expect(await supervisor.crash()).toMatchObject({ signal: 'SIGKILL' });
  await expect(window.connection).toHaveAttribute('data-state', 'reconnecting');

  const resumeGate = createGate();
  const resume: ChatScript = {
    kind: 'stream',
    steps: [{ type: 'wait', until: resumeGate.promise }, { type: 'text', text: 'Picked up at step two after the crash; all three steps are done.' }, { type: 'finish', reason: 'stop' }],
  };
  model.enqueue(resume);
  await supervisor.start();
  await window.expectReconnected();
  // What is shown now comes from the relaunched host's store.
  await page.reload();
  await expect(window.connection).toHaveAttribute('data-state', 'open');
  await expect(window.laneItem(laneKey)).toHaveAttribute('aria-current', 'page');
  await expect(window.userMessages).toHaveText(['Migrate the database in three steps']);
  await expect(window.assistantMessages.first()).toContainText('Step one is done; now working on step two');
  await expect(page.getByTestId('interruption-marker')).toHaveText(['Interrupted — by a crash']);
  await expect(page.getByTestId('resumed-divider')).toHaveText(['Resumed after a crash']);
  await expect(page.getByTestId('lane-activity')).toHaveAttribute('data-activity', 'running');
  await screenshot(page, 'crash-resuming');

  await expectResumeNote(supervisor, 2, 'a crash');
  const texts = allTexts(await model.waitForRequest(2));
  expect(texts).toEqual(expect.arrayContaining(['Migrate the database in three steps', 'Step one is done; now working on step two']));

  resumeGate.open();
  await expect(window.assistantMessages.last()).toHaveText('Picked up at step two after the crash; all three steps are done.');
  await expect(page.getByTestId('lane-activity')).toHaveAttribute('data-activity', 'idle');
  await screenshot(page, 'crash-resumed');
  expect(model.requests).toHaveLength(2);
});

test('L7: a message typed during the drain is shown as queued and answered after the relaunch', async ({ page, baton }) => {
  const supervisor = await baton({ settings: { drainTimeoutSeconds: 4, graceSeconds: 1 } });
  const { model } = supervisor;
  const window = await BatonWindow.open(page, supervisor);

  const busyLane = await window.newChat();
  model.enqueue(stalledReply('Crunching the numbers…'));
  await window.send('Crunch the numbers');
  await expect(window.assistantMessages.first()).toContainText('Crunching the numbers…');

  const quietLane = await window.newChat();
  // After the relaunch both lanes call the model, in no fixed order.
  const route = replyByLastUserMessage(
    { 'Sent while Baton restarts': slowReply('Got the message you sent while Baton was restarting.') },
    slowReply('The numbers are crunched.'),
  );
  model.enqueue(route, route);

  const exited = supervisor.restartBySignal();
  await expect(page.getByTestId('banner-drain')).toContainText('Baton is restarting');
  await window.send('Sent while Baton restarts');
  const queued = page.getByTestId('queued-indicator');
  await expect(queued).toContainText('1 message queued — will be sent when Baton is back');
  await expect(queued).toContainText('Sent while Baton restarts');
  await expect(page.getByTestId('send-feedback')).toContainText('Your message is saved and will be sent when it is back');
  await screenshot(page, 'queued-during-drain');
  // Nothing was sent to the model while draining.
  expect(model.requests).toHaveLength(1);

  expect((await exited).code).toBe(75);
  await supervisor.waitForLaunch(2);
  await window.expectReconnected();
  await expect(window.laneItem(quietLane)).toHaveAttribute('aria-current', 'page');
  await expect(window.userMessages).toHaveText(['Sent while Baton restarts']);
  await expect(window.assistantMessages).toHaveText(['Got the message you sent while Baton was restarting.']);
  await expect(queued).toHaveCount(0);
  await screenshot(page, 'queued-answered');

  const [first, second] = [await model.waitForRequest(2), await model.waitForRequest(3)];
  const queuedRequest = lastUserText(first) === 'Sent while Baton restarts' ? first : second;
  const resumeRequest = queuedRequest === first ? second : first;
  expect(lastUserText(queuedRequest)).toBe('Sent while Baton restarts');
  expect(batonNotes(queuedRequest)).toEqual([]);
  expect(batonNotes(resumeRequest)).toHaveLength(1);
  expect(batonNotes(resumeRequest)[0]).toContain('interrupted by a restart');

  await window.openLane(busyLane);
  await expect(page.getByTestId('resumed-divider')).toHaveText(['Resumed after a restart']);
  await expect(window.assistantMessages.last()).toHaveText('The numbers are crunched.');
  expect(model.requests).toHaveLength(3);
});
