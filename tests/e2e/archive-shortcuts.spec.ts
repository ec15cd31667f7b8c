/**
 * Issue 11 in the real window against the real headless host: archive from the context menu and
 * from the keyboard, the Archived view, search still finding an archived conversation (also after a
 * reload); the shortcut table (new chat, search, settings, next conversation that needs you, the
 * help); and `/resume` as a list of earlier sessions with their time and first message.
 */
import { textReply, toolCallReply } from '../fixtures/scripted-openai-server.ts';
import { BatonWindow, expect, screenshot, test } from './support/fixtures.ts';

test('issue 11: archive from the menu and with Ctrl+Shift+A; the Archived view; search finds it, also after a reload', async ({ page, baton }) => {
  const supervisor = await baton();
  const { model } = supervisor;
  const window = await BatonWindow.open(page, supervisor);
  const trip = await window.newChat();
  model.enqueue(textReply('Lisbon in May is lovely.'));
  await window.send('Plan the trip to Lisbon');
  await expect(window.assistantMessages.last()).toHaveText('Lisbon in May is lovely.');
  const other = await window.newChat();

  // Archive from the context menu: out of the main list.
  await window.laneItem(trip).click({ button: 'right' });
  await expect(page.getByTestId('lane-menu-archive')).toContainText('Archive');
  await screenshot(page, 'archive-menu');
  await page.getByTestId('lane-menu-archive').click();
  await expect(window.laneItem(trip)).toHaveCount(0);

  // The Archived view lists it; Unarchive brings it back.
  await page.getByTestId('archive-button').click();
  const archived = page.getByTestId('archived-item');
  await expect(archived).toHaveCount(1);
  await expect(archived).toContainText('Plan the trip to Lisbon');
  await screenshot(page, 'archive-view');
  await page.getByTestId('archive-unarchive').click();
  await expect(archived).toHaveCount(0);
  await page.getByTestId('archive-close').click();
  await expect(window.laneItem(trip)).toBeVisible();

  // From the keyboard: the open conversation is archived with Ctrl+Shift+A.
  await window.openLane(trip);
  await page.locator('body').press('Control+Shift+A');
  await expect(window.laneItem(trip)).toHaveCount(0);
  await expect(window.laneItem(other)).toBeVisible();

  // Search still finds it; after a reload too, and choosing it opens it.
  await page.reload();
  await expect(window.connection).toHaveAttribute('data-state', 'open');
  await expect(window.laneItem(trip)).toHaveCount(0);
  await page.getByTestId('search-input').fill('Lisbon');
  await page.locator(`[data-testid="search-result"][data-lane-key="${trip}"]`).click();
  await expect(page.locator('#conversation-title')).toHaveText('Plan the trip to Lisbon');
  await expect(window.assistantMessages.last()).toHaveText('Lisbon in May is lovely.');
});

test('issue 11: shortcuts — Ctrl+N new chat, Ctrl+K search, Ctrl+, settings, Ctrl+J the conversation that needs you, ? the help', async ({ page, baton }) => {
  const supervisor = await baton();
  const { model } = supervisor;
  const window = await BatonWindow.open(page, supervisor);
  const asking = await window.newChat();
  model.enqueue(toolCallReply([{ id: 'call_1', name: 'shell', args: { command: 'echo hi' } }], { text: 'I will run a command.' }));
  await window.send('Run something');
  await expect(window.laneItem(asking)).toHaveAttribute('data-condition', 'awaiting-approval');

  // Ctrl+N: a new conversation opens (the composer has the focus; the shortcut still works).
  const items = page.getByTestId('lane-item');
  await window.composer.press('Control+n');
  await expect(items).toHaveCount(2);
  // The new lane's push can list it a moment before the window opens it: wait for the open one to change.
  await expect.poll(() => window.openLaneKey()).not.toBe(asking);
  const fresh = await window.openLaneKey();
  expect(fresh).not.toBe(asking);

  // Ctrl+J: to the conversation that waits for an approval.
  await page.locator('body').press('Control+j');
  await expect(window.laneItem(asking)).toHaveAttribute('aria-current', 'page');
  await expect(page.getByTestId('tool-card').last()).toHaveAttribute('data-status', 'approval');

  // Ctrl+K: the search box.
  await page.locator('body').press('Control+k');
  await expect(page.getByTestId('search-input')).toBeFocused();
  await page.getByTestId('search-input').press('Escape');

  // Ctrl+, : Settings.
  await page.locator('body').press('Control+,');
  await expect(page.getByTestId('settings-panel')).toBeVisible();
  await page.getByTestId('settings-close').click();
  await expect(page.getByTestId('settings-panel')).toHaveCount(0);

  // ? outside a text field: the help, from the one table; typed in the box it is just a question mark.
  await window.composer.fill('');
  await window.composer.press('Shift+?');
  await expect(window.composer).toHaveValue('?');
  await expect(page.getByTestId('shortcuts-help')).toHaveCount(0);
  await page.locator('body').click({ position: { x: 700, y: 300 } });
  await page.keyboard.press('Shift+?');
  const help = page.getByTestId('shortcuts-help');
  await expect(help).toBeVisible();
  await expect(help.getByTestId('shortcut-row')).toHaveText([/New chat\s*Ctrl\+N/, /Search conversations\s*Ctrl\+K or Ctrl\+F/, /Settings\s*Ctrl\+,/, /Next conversation that needs you\s*Ctrl\+J/, /Archive or unarchive.*Ctrl\+Shift\+A/, /Keyboard shortcuts\s*Ctrl\+\/ or \?/]);
  await screenshot(page, 'shortcuts-help');
  await page.keyboard.press('Escape');
  await expect(help).toHaveCount(0);
});

test('L24, issue 11: /resume shows the earlier sessions with their local time and first message, and Restore brings one back', async ({ page, baton }) => {
  const supervisor = await baton();
  const { model } = supervisor;
  const window = await BatonWindow.open(page, supervisor);
  await window.newChat();
  model.enqueue(textReply('Start with the budget.'));
  await window.send('Plan the kitchen renovation');
  await expect(window.assistantMessages.last()).toHaveText('Start with the budget.');
  await window.send('/new');
  await expect(window.userMessages).toHaveCount(0);

  await window.composer.fill('/resume');
  await window.composer.press('Enter');
  const dialog = page.getByTestId('resume-dialog');
  await expect(dialog).toBeVisible();
  const item = dialog.getByTestId('resume-item');
  await expect(item).toHaveCount(1);
  await expect(item).toContainText('Plan the kitchen renovation');
  // Local time, not a raw id.
  await expect(item.locator('time')).toHaveText(/\d{1,2}:\d{2}/);
  await expect(item).not.toContainText('ses_');
  await screenshot(page, 'resume-list');
  await item.getByTestId('resume-restore').click();
  await expect(dialog).toHaveCount(0);
  await expect(window.userMessages).toHaveText(['Plan the kitchen renovation']);
});
