/**
 * Issue 11 export (L36) in the real window against the real headless host: the header's Export
 * menu saves the conversation as Markdown (this session) and as JSON (every session), named after
 * its title made safe for every OS, plus the date; the files hold what the store holds.
 */
import { readFile } from 'node:fs/promises';
import { textReply } from '../fixtures/scripted-openai-server.ts';
import { BatonWindow, expect, screenshot, test } from './support/fixtures.ts';

test('issue 11, L36: Export saves this session as Markdown and all sessions as JSON, named <title> <date>', async ({ page, baton }) => {
  const supervisor = await baton();
  const { model } = supervisor;
  const window = await BatonWindow.open(page, supervisor);
  const laneKey = await window.newChat();

  await window.laneItem(laneKey).dblclick();
  await page.getByTestId('lane-rename').fill('Taxes: receipts/letters?');
  await page.getByTestId('lane-rename').press('Enter');
  await expect(window.laneItem(laneKey)).toContainText('Taxes: receipts/letters?');

  model.enqueue(textReply('First answer.'));
  await window.send('First question');
  await expect(window.assistantMessages.last()).toHaveText('First answer.');
  await window.send('/new');
  await expect(window.userMessages).toHaveCount(0);
  model.enqueue(textReply('Second answer.'));
  await window.send('Second question');
  await expect(window.assistantMessages.last()).toHaveText('Second answer.');
  await expect(page.getByTestId('lane-activity')).toHaveAttribute('data-activity', 'idle');

  await page.getByTestId('export-button').click();
  await expect(page.getByTestId('export-menu')).toBeVisible();
  await expect(page.getByTestId('export-md')).toBeFocused();
  await screenshot(page, 'export-menu');

  const today = new Date().toISOString().slice(0, 10);
  const [markdownDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-md').click()]);
  expect(markdownDownload.suggestedFilename()).toBe(`Taxes receipts letters ${today}.md`);
  const markdown = await readFile((await markdownDownload.path())!, 'utf8');
  expect(markdown).toMatch(/^# Taxes: receipts\/letters\?\n/);
  expect(markdown).toContain('### You\n\nSecond question');
  expect(markdown).toMatch(/### Assistant · [^\n]+\n\nSecond answer\./);
  expect(markdown).not.toContain('First question');
  await expect(page.getByTestId('export-menu')).toHaveCount(0);
  await expect(page.getByTestId('export-button')).toBeFocused();

  // From the keyboard this time: Escape closes, arrows move, Enter chooses.
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('export-menu')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('export-menu')).toHaveCount(0);
  await page.getByTestId('export-button').click();
  for (let i = 0; i < 3; i += 1) await page.keyboard.press('ArrowDown');
  await expect(page.getByTestId('export-json-all')).toBeFocused();
  const [jsonDownload] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  expect(jsonDownload.suggestedFilename()).toBe(`Taxes receipts letters ${today}.json`);
  const json = JSON.parse(await readFile((await jsonDownload.path())!, 'utf8'));
  expect(json).toMatchObject({ format: 'baton.conversation', version: 1, conversation: { laneKey, title: 'Taxes: receipts/letters?' } });
  expect(json.sessions).toHaveLength(2);
  const texts = (events: { kind: string; payload: { text?: string } }[]) => events.filter((e) => e.kind === 'user_message' || e.kind === 'assistant_text').map((e) => e.payload.text);
  expect(texts(json.sessions[0].events)).toEqual(['First question', 'First answer.']);
  expect(texts(json.sessions[1].events)).toEqual(['Second question', 'Second answer.']);
  expect(json.events).toEqual(json.sessions[1].events);
  expect(json.conversation.sessionId).toBe(json.sessions[1].sessionId);
});
