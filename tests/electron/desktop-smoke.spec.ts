/**
 * Smoke test of the real desktop app (issue 5): launch, send a message, Restart from the tray's
 * handler while a turn runs, launch again, and find the conversation resumed. SPEC L13, L20, L27.
 *
 * Needs node_modules/electron/dist/electron, a display and `npm run build:desktop`; otherwise it
 * skips with the reason printed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test, type ElectronApplication } from '@playwright/test';
import { startScriptedOpenAIServer, textReply, type ScriptedOpenAIServer } from '../fixtures/scripted-openai-server.ts';

const repo = path.resolve(import.meta.dirname, '../..');
const binary = path.join(repo, 'node_modules/electron/dist/electron');

function whyItCannotRun(): string | null {
  if (!fs.existsSync(binary)) return `no Electron binary (${path.relative(repo, binary)} is missing; installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1?)`;
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return 'no display (DISPLAY / WAYLAND_DISPLAY unset; try xvfb-run)';
  if (!fs.existsSync(path.join(repo, 'out/main/index.js'))) return 'the desktop app is not built (run `npm run build:desktop`)';
  return null;
}

const reason = whyItCannotRun();
if (reason) console.log(`[electron smoke] skipped: ${reason}`);

test.describe('desktop app', () => {
  test.skip(reason !== null, reason ?? '');

  let model: ScriptedOpenAIServer;
  let dataDir: string;
  let app: ElectronApplication | null = null;

  test.beforeEach(async () => {
    model = await startScriptedOpenAIServer();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-electron-'));
  });

  test.afterEach(async () => {
    await app?.close().catch(() => {});
    await model.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  function launch(): Promise<ElectronApplication> {
    return electron.launch({
      executablePath: binary,
      args: [repo, ...(process.platform === 'linux' ? ['--no-sandbox'] : [])],
      env: {
        ...process.env,
        BATON_USER_DATA_DIR: dataDir,
        BATON_TEST_HOOKS: '1',
        BATON_NO_RELAUNCH: '1',
        OPENAI_API_KEY: 'test-key',
        OPENAI_BASE_URL: model.url,
      },
    });
  }

  test('launch, send a message, Restart from the tray handler, resume', async () => {
    app = await launch();
    let page = await app.firstWindow();
    await expect(page).toHaveURL(/^app:\/\/baton\//);

    await page.getByTestId('new-chat').click();
    model.enqueue(textReply('Hello from the model.'));
    await page.getByTestId('composer-input').fill('Hello');
    await page.getByTestId('send-button').click();
    await expect(page.getByTestId('transcript')).toContainText('Hello from the model.');

    // A long turn is running when the tray's Restart is chosen: it drains, then exits to relaunch.
    model.enqueue(textReply('A long answer that will not finish before the drain ends. '.repeat(20), { chunks: 200, chunkDelayMs: 100 }));
    await page.getByTestId('composer-input').fill('Do the long job');
    await page.getByTestId('send-button').click();
    await model.waitForRequest(2);
    const exited = new Promise<void>((resolve) => app!.process().once('exit', () => resolve()));
    await app.evaluate(() => {
      const hooks = (globalThis as { __batonTest?: { trayAction(action: string): void } }).__batonTest;
      hooks?.trayAction('restart');
    });
    await exited;

    // The relaunch (done here, as the app's own relaunch is off in tests) resumes the conversation.
    model.enqueue(textReply('Resumed and finished the long job.'));
    app = await launch();
    page = await app.firstWindow();
    await page.getByTestId('lane-item').first().click();
    await expect(page.getByTestId('transcript')).toContainText('Resumed and finished the long job.', { timeout: 20_000 });
  });
});
