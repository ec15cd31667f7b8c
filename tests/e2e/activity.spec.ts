/**
 * Issue 10, the activity view (SPEC L31, L18, L20), as a person lives it in the headless window:
 * an approval waiting in a background conversation shows its badge and the title count, and is
 * approved from the activity view, where the turn's steps, tool and ticking time are in view and
 * another running turn can be stopped; after a restart while an approval waits, the conversation
 * is resumed and approved from the activity view, and its card comes after the Interrupted and
 * Resumed dividers, in the order things happened.
 */
import { BatonWindow, expect, screenshot, test } from './support/fixtures.ts';
import { shellCallAfter, stalledReply } from './support/scripts.ts';
import { createGate, textReply, toolCallReply } from '../fixtures/scripted-openai-server.ts';

test('L31, issue 10: an approval waiting in a background conversation — badge, title count, approved from the activity view; the turn finishes', async ({ page, baton }) => {
  const supervisor = await baton();
  const { model } = supervisor;
  const window = await BatonWindow.open(page, supervisor);
  const activityButton = page.getByTestId('activity-button');
  await expect(activityButton).toHaveAttribute('data-count', '0');

  const asking = await window.newChat();
  const gate = createGate();
  model.enqueue(shellCallAfter('Let me check the disk first.', gate, 'call_df', 'echo 42% used'));
  await window.send('How full is the disk?');
  await expect(window.assistantMessages.first()).toContainText('Let me check the disk first.');

  // Another conversation runs a long turn; the person looks at a third one.
  const busy = await window.newChat();
  model.enqueue(stalledReply('Reading every file…'));
  await window.send('Index the project');
  await expect(window.assistantMessages.first()).toContainText('Reading every file…');
  await window.newChat();
  model.enqueue(textReply('The disk is 42% used.'));
  gate.open();

  // Needs you: the badge and the title count, while the conversation is in the background.
  await expect(window.laneItem(asking).getByTestId('badge-awaiting-approval')).toHaveText('Needs you');
  await expect(page).toHaveTitle('Baton — 1 needs you');
  await expect(activityButton).toHaveAttribute('data-count', '2');

  // The activity view, from the keyboard: every live turn, who needs you first.
  await activityButton.focus();
  await page.keyboard.press('Enter');
  const view = page.getByTestId('activity-view');
  await expect(view).toBeVisible();
  const items = view.getByTestId('activity-item');
  await expect(items).toHaveCount(2);
  await expect(items.first()).toHaveAttribute('data-lane-key', asking);
  // Escape closes it and the button opens it again.
  await page.keyboard.press('Escape');
  await expect(view).toHaveCount(0);
  await activityButton.click();
  await expect(items).toHaveCount(2);
  const waiting = view.locator(`[data-testid="activity-item"][data-lane-key="${asking}"]`);
  const running = view.locator(`[data-testid="activity-item"][data-lane-key="${busy}"]`);
  await expect(waiting.getByTestId('activity-kind')).toHaveText('Needs you');
  await expect(waiting.getByTestId('activity-progress')).toHaveText('1 step · shell');
  await expect(waiting.getByTestId('activity-open')).toHaveText('How full is the disk?');
  await expect(running.getByTestId('activity-kind')).toHaveText('Running');
  // The elapsed time ticks.
  const elapsed = running.getByTestId('activity-elapsed');
  await expect(elapsed).toHaveText(/^\d+:\d\d$/);
  const first = await elapsed.textContent();
  await expect(elapsed).not.toHaveText(first ?? '');
  await screenshot(page, 'activity-view');

  // Approve from the view: the turn finishes there and then.
  await waiting.getByTestId('activity-approval').getByTestId('approve-button').click();
  await expect(waiting).toHaveCount(0);
  await expect(page).toHaveTitle('Baton');
  await expect(window.laneItem(asking)).toHaveAttribute('data-condition', 'idle');

  // Stop the other turn from the view too: nothing is left.
  await running.getByTestId('activity-stop').click();
  await expect(view.getByTestId('activity-empty')).toBeVisible();
  await expect(activityButton).toHaveAttribute('data-count', '0');
  await screenshot(page, 'activity-view-empty');

  // The focus stayed in the view (its rows went away): Escape closes it.
  await page.keyboard.press('Escape');
  await expect(view).toHaveCount(0);
  await window.openLane(asking);
  await expect(window.assistantMessages.last()).toHaveText('The disk is 42% used.');
  await expect(page.getByTestId('tool-card')).toHaveAttribute('data-status', 'done');
});

test('L18, L20, L31, issue 10: a restart while an approval waits — resumed and approved from the activity view; the card comes after the Interrupted and Resumed dividers', async ({ page, baton }) => {
  const supervisor = await baton({ settings: { drainTimeoutSeconds: 1, graceSeconds: 1 } });
  const { model } = supervisor;
  const window = await BatonWindow.open(page, supervisor);

  const asking = await window.newChat();
  model.enqueue(toolCallReply([{ id: 'call_rm', name: 'shell', args: { command: 'echo cleaned' } }], { text: 'I will clean the build folder.' }));
  await window.send('Clean the build folder');
  await expect(page.getByTestId('tool-card')).toHaveAttribute('data-status', 'approval');

  const exited = supervisor.restartBySignal();
  expect((await exited).code).toBe(75);
  await supervisor.waitForLaunch(2);
  await window.expectReconnected();
  await expect(page).toHaveTitle('Baton — 1 interrupted');

  // The activity view offers the decision.
  await page.getByTestId('activity-button').click();
  const item = page.locator(`[data-testid="activity-item"][data-lane-key="${asking}"]`);
  await expect(item.getByTestId('activity-kind')).toHaveText('Interrupted');
  await screenshot(page, 'activity-interrupted');
  await item.getByTestId('activity-resume').click();
  // Asked again after the resume (L31), answered from the view.
  await expect(item.getByTestId('activity-kind')).toHaveText('Needs you');
  await expect(page).toHaveTitle('Baton — 1 needs you');
  model.enqueue(textReply('Cleaned.'));

  // The card, in the conversation, after both dividers.
  await item.getByTestId('activity-open').click();
  await expect(window.laneItem(asking)).toHaveAttribute('aria-current', 'page');
  const rows = page.locator('[data-testid="interruption-marker"], [data-testid="resumed-divider"], [data-testid="tool-card"]');
  await expect(rows).toHaveCount(3);
  const order = await rows.evaluateAll((elements) => elements.map((element) => (element as unknown as { dataset: { testid?: string } }).dataset.testid));
  expect(order).toEqual(['interruption-marker', 'resumed-divider', 'tool-card']);
  await expect(page.getByTestId('tool-card')).toHaveAttribute('data-status', 'approval');
  await screenshot(page, 'activity-card-after-dividers');

  await page.getByTestId('activity-button').click();
  await item.getByTestId('activity-approval').getByTestId('approve-button').click();
  await expect(page.getByTestId('activity-empty')).toBeVisible();
  await window.openLane(asking);
  await expect(window.assistantMessages.last()).toHaveText('Cleaned.');
});
