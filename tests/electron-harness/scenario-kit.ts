/**
 * What every harness scenario shares: a Playwright fixture that starts the scripted model server
 * and hands out Harness instances (closed, with their transcript and the app's log attached when a
 * test fails), default short drain settings, and readers for what the app left on disk (the real
 * SQLite store, the clean-exit marker, backups).
 *
 * A scenario in a few lines:
 *
 *   test('L27: SIGTERM drains', async ({ launch }) => {
 *     const harness = await launch();
 *     const app = await harness.start();
 *     await app.ready();
 *     app.kill('SIGTERM');
 *     expect((await app.waitForExit()).code).toBe(0);
 *   });
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { test as base, expect, type Page } from '@playwright/test';
import { startScriptedOpenAIServer, type ScriptedOpenAIServer } from '../fixtures/scripted-openai-server.ts';
import { Harness, type Generation, type HarnessOptions } from './launcher.ts';
import { WindowsClient, type WindowsInfo } from './windows-client.ts';

export { expect };

/** Short drains so scenarios stay fast; a scenario that needs the defaults says so. */
export const FAST_DRAIN = { drainTimeoutSeconds: 2, graceSeconds: 2, osShutdownBudgetSeconds: 1 };

interface Fixtures {
  model: ScriptedOpenAIServer;
  launch: (options?: HarnessOptions) => Promise<Harness>;
  /** The window of a generation as a real Page (a person's view of the app). */
  windowOf: (generation: Generation) => Promise<Page>;
}

export const test = base.extend<Fixtures>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads fixture dependencies from this pattern
  model: async ({}, use) => {
    const model = await startScriptedOpenAIServer();
    await use(model);
    await model.close();
  },
  launch: async ({ model }, use, testInfo) => {
    const made: Harness[] = [];
    await use(async (options = {}) => {
      const harness = await Harness.create({
        settings: { ...FAST_DRAIN, ...options.settings },
        ...options,
        env: { OPENAI_API_KEY: 'test-key', OPENAI_BASE_URL: model.url, ...options.env },
      });
      made.push(harness);
      return harness;
    });
    // L39: a synchronous box in main stalls the gateway and any drain; no scenario may see one.
    const boxes = made.flatMap((harness) => harness.generations.flatMap((generation) => generation.eventsNamed('dialog').filter((event) => event.data.blocking === true)));
    for (const harness of made) {
      if (testInfo.status !== testInfo.expectedStatus) {
        await testInfo.attach('harness-transcript', { body: harness.transcript(), contentType: 'text/plain' });
        await testInfo.attach('app-log', { body: harness.appLog(), contentType: 'text/plain' });
        await testInfo.attach('failed-relaunches', { body: JSON.stringify(harness.failedRelaunches, null, 2), contentType: 'application/json' });
      }
      await harness.close();
    }
    expect(boxes.map((event) => event.data), 'no synchronous dialog in the main process (L39)').toEqual([]);
  },
  // eslint-disable-next-line no-empty-pattern -- as above
  windowOf: async ({}, use) => {
    const clients: WindowsClient[] = [];
    await use((generation) => openWindow(generation, clients));
    // A test that failed may leave the app (and its Chromium) in any state: never hang on teardown.
    for (const client of clients) await Promise.race([client.close(), new Promise((resolve) => setTimeout(resolve, 5000))]);
  },
});

export interface LaneRow {
  lane_key: string;
  session_id: string;
  title: string;
  suspended: number;
  resume_pending: number;
  resume_reason: string | null;
  active_turn_id: string | null;
  restart_failure_count: number;
}

/** The lanes as the store has them (read-only; safe while the app runs, thanks to WAL). */
export function readLanes(dataDir: string): LaneRow[] {
  const db = new Database(path.join(dataDir, 'baton.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT * FROM lanes ORDER BY created_at').all() as LaneRow[];
  } finally {
    db.close();
  }
}

/** Event kinds of a session, in order (user/assistant messages, interruptions, …). */
export function readEvents(dataDir: string, sessionId: string): Array<{ kind: string; payload: Record<string, unknown> }> {
  const db = new Database(path.join(dataDir, 'baton.db'), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT kind, payload FROM events WHERE session_id = ? ORDER BY seq').all(sessionId) as Array<{ kind: string; payload: string }>).map((row) => ({
      kind: row.kind,
      payload: JSON.parse(row.payload) as Record<string, unknown>,
    }));
  } finally {
    db.close();
  }
}

/** The clean-exit marker (L12), or null when the last exit was not clean. */
export function readCleanExit(dataDir: string): { reason: string; version: string } | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(dataDir, 'clean-exit.json'), 'utf8')) as { reason: string; version: string };
  } catch {
    return null;
  }
}

/** Backup files whose name carries `label` (e.g. 'pre-update'). */
export function backups(dataDir: string, label: string): string[] {
  try {
    return fs.readdirSync(path.join(dataDir, 'backups')).filter((name) => name.includes(label));
  } catch {
    return [];
  }
}

/** A real Playwright Page for the app's (first) window, over the harness's CDP endpoint. */
export async function openWindow(generation: Generation, clients: WindowsClient[]): Promise<Page> {
  const client = new WindowsClient({ info: () => generation.command<WindowsInfo>('windows.info'), timeoutMs: 30_000 });
  clients.push(client);
  return client.page();
}

/** In the window: a new conversation, `text` sent in it. */
export async function sendInNewChat(page: Page, text: string): Promise<void> {
  await page.getByTestId('new-chat').click();
  await page.getByTestId('composer-input').fill(text);
  await page.getByTestId('send-button').click();
}

/** Tray "Check for updates", then waits until the tray offers "Restart to update" (downloaded and verified). */
export async function downloadUpdate(generation: Generation): Promise<void> {
  await generation.waitForEvent('tray.menu', (data) => hasItem(data, /^Check for updates$/));
  await generation.command('tray.clickItem', { label: 'Check for updates' });
  await generation.waitForEvent('tray.menu', (data) => hasItem(data, /^Restart to update/), 30_000);
}

export function hasItem(data: Record<string, unknown>, label: RegExp): boolean {
  const items = (data.items ?? []) as Array<{ label: string; enabled: boolean }>;
  return items.some((item) => label.test(item.label) && item.enabled);
}

/** The titles and bodies of the OS notifications a process showed. */
export function notifications(generation: Generation): string[] {
  return generation.eventsNamed('notification.shown').map((event) => `${String(event.data.title)}: ${String(event.data.body)}`);
}
