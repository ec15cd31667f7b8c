/**
 * Issue 11 (SPEC L36, R2) in the real window against the real headless host: Settings → Backups.
 * The whole store is exported from one data dir and imported into a fresh one, and every
 * conversation compared event by event; a backup is restored after a confirmation — Baton
 * restarts through the drain (exit 75, relaunched by the supervisor) and comes back on the backup.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Supervisor } from './support/supervisor.ts';
import { addLongConversations, FRAME_CAP } from '../fixtures/long-conversations.ts';
import { textReply } from '../fixtures/scripted-openai-server.ts';
import { BatonWindow, expect, screenshot, test } from './support/fixtures.ts';
import type { Page } from '@playwright/test';

/** Every session's events of every conversation, without the store's own sequence numbers. */
async function everything(supervisor: Supervisor) {
  const out: Record<string, unknown> = {};
  for (const lane of await supervisor.call('lanes.list', {})) {
    const sessions = await supervisor.call('sessions.list', { laneKey: lane.laneKey });
    const events = [];
    for (const session of sessions) {
      const transcript = await supervisor.call('transcript.get', { laneKey: lane.laneKey, sessionId: session.sessionId });
      events.push(transcript.events.map(({ seq: _seq, ...rest }) => rest));
    }
    out[lane.laneKey] = { title: lane.title, events };
  }
  return out;
}

async function chat(window: BatonWindow, supervisor: Supervisor, question: string, answer: string): Promise<string> {
  const laneKey = await window.newChat();
  supervisor.model.enqueue(textReply(answer));
  await window.send(question);
  await expect(window.assistantMessages.last()).toHaveText(answer);
  await expect(window.page.getByTestId('lane-activity')).toHaveAttribute('data-activity', 'idle');
  return laneKey;
}

async function openBackups(page: Page) {
  await page.getByTestId('settings-button').click();
  const section = page.getByTestId('backups-settings');
  await section.scrollIntoViewIfNeeded();
  await expect(section).toBeVisible();
  return section;
}

test('issue 11, L36: export the whole store, import it into a fresh data dir: every conversation and event the same', async ({ page, baton }) => {
  const source = await baton();
  const window = await BatonWindow.open(page, source);
  await chat(window, source, 'Plan the garden', 'Beds of beans and tomatoes.');
  await chat(window, source, 'When are taxes due?', 'The 31st — ünïcödé ✓');
  const expected = await everything(source);

  const section = await openBackups(page);
  const [download] = await Promise.all([page.waitForEvent('download'), section.getByTestId('store-export-json').click()]);
  expect(download.suggestedFilename()).toMatch(/^baton-store-\d{8}-\d{6}\.jsonl$/);
  const archive = (await download.path())!;
  expect((await readFile(archive, 'utf8')).split('\n')[0]).toContain('"format":"baton-store-archive"');
  await expect(section.getByTestId('backups-note')).toHaveText(/Exported 2 conversations/);

  const target = await baton();
  const fresh = await BatonWindow.open(page, target);
  await expect(page.getByTestId('lane-item')).toHaveCount(0);
  const importing = await openBackups(page);
  await importing.getByTestId('store-import-file').setInputFiles(archive);
  await expect(importing.getByTestId('backups-note')).toHaveText(/Imported 2 conversations/);
  await screenshot(page, 'backups-imported');
  await page.getByTestId('settings-close').click();
  await expect(page.getByTestId('lane-item')).toHaveCount(2);
  expect(await everything(target)).toEqual(expected);

  // Importing the same archive again never overwrites: the copies come in as "(imported)".
  const again = await openBackups(page);
  await again.getByTestId('store-import-file').setInputFiles(archive);
  await expect(again.getByTestId('backups-note')).toHaveText(/2 already here came in as “… \(imported\)”/);
  await page.getByTestId('settings-close').click();
  await expect(page.getByTestId('lane-item')).toHaveCount(4);
  await expect(page.getByTestId('lane-item').filter({ hasText: '(imported)' })).toHaveCount(2);
  const after = await everything(target);
  for (const [key, value] of Object.entries(expected)) expect(after[key]).toEqual(value);
  void fresh;
});

test('issue 11, L36, R2: restore a backup from Settings — confirmation, restart through the drain, back on the backup', async ({ page, baton }) => {
  const supervisor = await baton({ settings: { drainTimeoutSeconds: 1, graceSeconds: 1 } });
  const window = await BatonWindow.open(page, supervisor);
  const kept = await chat(window, supervisor, 'Keep this one', 'Kept in the backup.');

  let section = await openBackups(page);
  await section.getByTestId('backups-now').click();
  await expect(section.getByTestId('backups-note')).toHaveText(/Backed up \(\d+ KB\)/);
  const manual = section.locator('[data-testid="backup-entry"][data-kind="manual"]');
  await expect(manual).toHaveCount(1);
  await expect(manual).toContainText('Backed up by you');
  await page.getByTestId('settings-close').click();

  const later = await chat(window, supervisor, 'Written after the backup', 'Not in the backup.');
  await expect(window.laneItem(later)).toBeVisible();

  section = await openBackups(page);
  await manual.getByTestId('backup-restore').click();
  await expect(manual.getByTestId('backup-restore-confirm')).toBeVisible();
  await expect(manual).toContainText('Baton backs up the current ones first, then restarts');
  await screenshot(page, 'backups-restore-confirm');
  await manual.getByTestId('backup-restore-confirm').click();
  await expect(section.getByTestId('backups-note')).toHaveText(/restarting to restore the backup/);

  expect((await supervisor.waitForExit(1)).code).toBe(75);
  await supervisor.waitForLaunch(2);
  await window.expectReconnected();
  await page.getByTestId('settings-close').click();
  await expect(window.laneItem(later)).toHaveCount(0);
  await expect(window.laneItem(kept)).toBeVisible();

  section = await openBackups(page);
  await expect(section.getByTestId('backups-last-restore')).toHaveText(/Restored the conversations from the backup .*manual\.db\. The conversations as they were before are in the backup/);
  await expect(section.locator('[data-testid="backup-entry"][data-kind="pre-restore"]')).toHaveCount(1);
  await screenshot(page, 'backups-restored');
});

test('issue 11, L36: the window imports an archive over the host’s 4 MiB frame cap, read and sent in chunks', async ({ page, baton }) => {
  const source = await baton();
  await addLongConversations(await source.client(), source.model);
  const exported = await source.call('store.export', { format: 'json' });
  const archive = path.join(await mkdtemp(path.join(os.tmpdir(), 'baton-e2e-archive-')), exported.fileName);
  await writeFile(archive, exported.data);
  expect(Buffer.byteLength(exported.data)).toBeGreaterThan(FRAME_CAP);
  const expected = await everything(source);

  const target = await baton();
  await BatonWindow.open(page, target);
  const importing = await openBackups(page);
  await importing.getByTestId('store-import-file').setInputFiles(archive);
  await expect(importing.getByTestId('backups-note')).toHaveText(/Imported 24 conversations/);
  await screenshot(page, 'backups-imported-large');
  expect(await everything(target)).toEqual(expected);
  await rm(path.dirname(archive), { recursive: true, force: true });
});
