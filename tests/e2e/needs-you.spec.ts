/**
 * "Needs you" everywhere (issue 10, SPEC L31, L8, L20, L29), as a person lives it in the headless
 * window: an approval waiting in a background conversation (its badge, first in the list, the
 * filter, the window title, a Web Notification that opens it), and a restart while an approval
 * waits (the drain's words, the relaunch summary naming each conversation, a dismissal that stays).
 *
 * Headless Chromium shows Web Notifications once permitted (their `show` event fires); Playwright
 * cannot see or click an OS notification, so a page init script *records* each one the page creates
 * (a pass-through subclass: the real notification is still shown) and clicks it by dispatching the
 * notification's own `click` event.
 */
import type { Page } from '@playwright/test';
import { BatonWindow, expect, screenshot, test } from './support/fixtures.ts';
import { shellCallAfter, stalledReply, slowReply } from './support/scripts.ts';
import { createGate, textReply, toolCallReply } from '../fixtures/scripted-openai-server.ts';

interface Recorded {
  title: string;
  body: string;
  shown: boolean;
}

/** Page script (no DOM types in the tests' build): each Notification the page makes, recorded, still shown. */
const RECORD_NOTIFICATIONS = `(() => {
  const Real = window.Notification;
  const notices = { entries: [], objects: [] };
  window.__notices = notices;
  window.Notification = class extends Real {
    constructor(title, options) {
      super(title, options);
      const entry = { title, body: (options && options.body) || '', shown: false };
      notices.entries.push(entry);
      notices.objects.push(this);
      this.addEventListener('show', () => { entry.shown = true; });
    }
  };
})();`;

async function recordNotifications(page: Page): Promise<void> {
  await page.addInitScript({ content: RECORD_NOTIFICATIONS });
}

function shownNotifications(page: Page): Promise<Recorded[]> {
  return page.evaluate('window.__notices.entries') as Promise<Recorded[]>;
}

/** What a person's click on the notification does: its own click event. */
async function clickNotification(page: Page, index: number): Promise<void> {
  await page.evaluate(`window.__notices.objects[${index}].dispatchEvent(new Event('click'))`);
}

/** Puts another tab in front, so this window really is not focused (no focus emulation). */
async function sendToBackground(page: Page): Promise<Page> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setFocusEmulationEnabled', { enabled: false });
  const other = await page.context().newPage();
  await other.bringToFront();
  await expect.poll(() => page.evaluate('document.hasFocus()')).toBe(false);
  return other;
}

test('L31: an approval waiting in a background conversation: badge, first in the list, filter, title count, a notification that opens it', async ({ page, baton }) => {
  const supervisor = await baton();
  const { model } = supervisor;
  await page.context().grantPermissions(['notifications'], { origin: supervisor.url });
  await recordNotifications(page);
  const window = await BatonWindow.open(page, supervisor);
  await expect(page).toHaveTitle('Baton');
  // Already permitted: nothing to offer.
  await expect(page.getByTestId('notifications-offer')).toHaveCount(0);

  const asking = await window.newChat();
  const gate = createGate();
  model.enqueue(shellCallAfter('Let me check the disk first.', gate, 'call_df', 'echo 42% used'));
  await window.send('How full is the disk?');
  await expect(window.assistantMessages.first()).toContainText('Let me check the disk first.');

  // The person moves on to another conversation, then to another tab.
  await window.newChat();
  model.enqueue(textReply('Hello there.'));
  await window.send('Say hello');
  await expect(window.assistantMessages.last()).toHaveText('Hello there.');
  model.enqueue(textReply('The disk is 42% used.'));
  const elsewhere = await sendToBackground(page);
  gate.open();

  // Badge, sorted first, the filter's count, the window title.
  await expect(window.laneItem(asking)).toHaveAttribute('data-condition', 'awaiting-approval');
  await expect(window.laneItem(asking).getByTestId('badge-awaiting-approval')).toHaveText('Needs you');
  await expect(page.getByTestId('lane-item').first()).toHaveAttribute('data-lane-key', asking);
  await expect(page).toHaveTitle('Baton — 1 needs you');
  await expect(page.locator('[data-testid="lane-filter"][data-filter="needs-you"]')).toHaveAttribute('data-count', '1');

  // One notification, really shown, naming the conversation.
  await expect.poll(() => shownNotifications(page)).toEqual([{ title: 'How full is the disk? needs you', body: 'A tool call is waiting for your approval.', shown: true }]);

  await page.bringToFront();
  await elsewhere.close();
  await screenshot(page, 'needs-you-background');

  // The filter shows only who needs you.
  await page.locator('[data-testid="lane-filter"][data-filter="needs-you"]').click();
  await expect(page.getByTestId('lane-item')).toHaveCount(1);
  await expect(page.getByTestId('lane-item')).toHaveAttribute('data-lane-key', asking);
  await screenshot(page, 'needs-you-filter');
  await page.locator('[data-testid="lane-filter"][data-filter="running"]').click();
  await expect(page.getByTestId('lane-filter-empty')).toHaveText('No conversation is running.');
  await page.locator('[data-testid="lane-filter"][data-filter="interrupted"]').click();
  await expect(page.getByTestId('lane-item')).toHaveCount(0);

  // Clicking the notification opens that conversation, where the card asks (the filter steps aside).
  await clickNotification(page, 0);
  await expect(page.locator('[data-testid="lane-filter"][data-filter="all"]')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('lane-item')).toHaveCount(2);
  await expect(window.laneItem(asking)).toHaveAttribute('aria-current', 'page');
  await expect(page.getByTestId('tool-card')).toHaveAttribute('data-status', 'approval');
  await page.getByTestId('approve-button').click();
  await expect(window.assistantMessages.last()).toHaveText('The disk is 42% used.');
  await expect(page).toHaveTitle('Baton');
  await expect(window.laneItem(asking)).toHaveAttribute('data-condition', 'idle');
});

test('L8, L20, L29, L31: a restart while an approval waits: the drain says so, the relaunch names who resumed and who needs a decision, a dismissal stays', async ({ page, baton }) => {
  const supervisor = await baton({ settings: { drainTimeoutSeconds: 2, graceSeconds: 1 } });
  const { model } = supervisor;
  const window = await BatonWindow.open(page, supervisor);
  // Notifications are offered on a click, never asked for at load.
  await expect(page.getByTestId('notifications-offer')).toBeVisible();
  expect(await page.evaluate('Notification.permission')).toBe('default');

  const working = await window.newChat();
  model.enqueue(stalledReply('Compiling the project…'));
  await window.send('Build the project');
  await expect(window.assistantMessages.first()).toContainText('Compiling the project…');

  const asking = await window.newChat();
  model.enqueue(toolCallReply([{ id: 'call_rm', name: 'shell', args: { command: 'echo cleaned' } }], { text: 'I will clean the build folder.' }));
  await window.send('Clean the build folder');
  await expect(page.getByTestId('tool-card')).toHaveAttribute('data-status', 'approval');
  await expect(page).toHaveTitle('Baton — 1 needs you');

  model.enqueue(slowReply('The build finished after the restart.'));
  const exited = supervisor.restartBySignal();
  await expect(page.getByTestId('banner-drain')).toContainText('1 running turn, 1 waiting for your approval');
  await expect(page.getByTestId('banner-drain-lane')).toContainText('This turn is waiting for your approval');
  await expect(page.getByTestId('banner-drain-lane')).toContainText('the approval will be asked again when Baton resumes it');
  await screenshot(page, 'needs-you-restart-drain');
  expect((await exited).code).toBe(75);
  await supervisor.waitForLaunch(2);
  await window.expectReconnected();

  // After the relaunch: one resumed, one needs a decision, each named and one click away.
  const banner = page.getByTestId('banner-startup');
  await expect(banner.getByTestId('relaunch-summary')).toHaveText('1 conversation resumed · 1 needs your decision.');
  await expect(banner.getByTestId('relaunch-item')).toHaveText(['Clean the build folder', 'Build the project']);
  await expect(banner.locator('[data-kind="decision"]')).toHaveAttribute('data-lane-key', asking);
  await expect(banner.locator('[data-kind="resumed"]')).toHaveAttribute('data-lane-key', working);
  await expect(page).toHaveTitle('Baton — 1 interrupted');
  await expect(page.getByTestId('lane-item').first()).toHaveAttribute('data-lane-key', asking);
  await screenshot(page, 'needs-you-relaunch-summary');

  await banner.locator('[data-kind="resumed"]').click();
  await expect(window.laneItem(working)).toHaveAttribute('aria-current', 'page');
  await expect(window.assistantMessages.last()).toHaveText('The build finished after the restart.');
  await banner.locator('[data-kind="decision"]').click();
  await expect(window.laneItem(asking)).toHaveAttribute('aria-current', 'page');

  // Dismissed, it stays dismissed across a reload of the window.
  await banner.getByRole('button', { name: 'Dismiss' }).click();
  await expect(banner).toHaveCount(0);
  await page.reload();
  await expect(window.connection).toHaveAttribute('data-state', 'open');
  await expect(page.getByTestId('lane-item')).toHaveCount(2);
  await expect(page.getByTestId('banner-startup')).toHaveCount(0);

  // The decision: Resume asks the approval again (as before issue 10).
  await window.openLane(asking);
  await expect(page.getByTestId('banner-interrupted')).toBeVisible();
  await page.getByTestId('resume-button').click();
  await expect(page.getByTestId('tool-card').last()).toHaveAttribute('data-status', 'approval');
  await expect(page).toHaveTitle('Baton — 1 needs you');
  await screenshot(page, 'needs-you-asked-again');
});
