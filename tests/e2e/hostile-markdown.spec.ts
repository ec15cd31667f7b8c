/**
 * R4 (issue 14, item 3): no model answer can blank the window. An answer of `>` × 3,000 (3 KB)
 * overflowed the stack in the markdown pipeline; React unmounted the whole UI, and because the
 * window reopens the last conversation every reload was blank again. Now the answer shows as
 * plain text with a note, the window stays usable, a reload shows the conversation, and the next
 * answer is formatted as usual. The page fixture also fails the test on any uncaught page error.
 *
 * The second test checks the safety net behind the limits: the renderer's real error boundaries,
 * in a page built from tests/e2e/harness, when rendering throws anyway.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import react from '@vitejs/plugin-react';
import { build } from 'vite';
import { BatonWindow, expect, screenshot, test } from './support/fixtures.ts';
import { textReply } from '../fixtures/scripted-openai-server.ts';

const HOSTILE = '>'.repeat(3000);
const PLAIN_NOTE = 'This message could not be formatted; shown as plain text';

test('R4: a `>` × 3,000 answer shows as plain text; the window, a reload and the next answer all survive', async ({ page, baton }) => {
  const supervisor = await baton();
  const window = await BatonWindow.open(page, supervisor);
  await window.newChat();

  // Streamed in pieces, so the partial text goes through the same guards as the final one.
  supervisor.model.enqueue(textReply(HOSTILE, { chunks: 6, chunkDelayMs: 20 }));
  await window.send('Quote this a few thousand times');

  const hostile = window.assistantMessages.first();
  await expect(hostile).toHaveAttribute('data-streaming', 'false');
  await expect(hostile.getByRole('note')).toContainText(PLAIN_NOTE);
  // All of it is there, as selectable text, and none of it became nested quotes.
  const plain = hostile.getByTestId('plain-message');
  await expect(plain).toHaveText(HOSTILE);
  await expect(hostile.locator('blockquote')).toHaveCount(0);
  await expect(plain).toHaveCSS('white-space', 'pre-wrap');
  await expect(plain).not.toHaveCSS('user-select', 'none');

  // The rest of the window is alive: the sidebar, the composer, and the next answer is formatted.
  await expect(page.getByTestId('new-chat')).toBeVisible();
  supervisor.model.enqueue(textReply('Back to **normal**:\n\n- one\n- two', { chunks: 3 }));
  await window.send('And now something ordinary');
  const normal = window.assistantMessages.nth(1);
  await expect(normal).toHaveAttribute('data-streaming', 'false');
  await expect(normal.locator('strong')).toHaveText('normal');
  await expect(normal.locator('li')).toHaveCount(2);
  await expect(normal.getByRole('note')).toHaveCount(0);
  await screenshot(page, 'hostile-markdown-plain');

  // The window reopens this conversation: it must come back, not blank again.
  await page.reload();
  await expect(window.connection).toHaveAttribute('data-state', 'open');
  await expect(window.assistantMessages).toHaveCount(2);
  await expect(window.assistantMessages.first().getByTestId('plain-message')).toHaveText(HOSTILE);
  await expect(window.assistantMessages.nth(1).locator('strong')).toHaveText('normal');
  await expect(window.composer).toBeEditable();

  // And it still works after the reload.
  supervisor.model.enqueue(textReply('Still *here*.'));
  await window.send('Are you still there?');
  await expect(window.assistantMessages.nth(2).locator('em')).toHaveText('here');
});

/** Builds the boundary harness (the renderer's real components) into a temporary folder. */
async function buildHarness(): Promise<string> {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-boundary-harness-'));
  await build({
    configFile: false,
    root: path.resolve('tests/e2e/harness'),
    base: './',
    logLevel: 'warn',
    plugins: [react()],
    build: { outDir, emptyOutDir: true, assetsInlineLimit: 0, chunkSizeWarningLimit: 5000 },
  });
  return outDir;
}

/** What tests/e2e/harness/boundary-harness.tsx puts on its window. */
interface HarnessGlobals {
  harnessAnswers: Array<{ callId: string; decision: string; reason?: string }>;
  harnessBroken: boolean;
}

const CONTENT_TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

test('R4: when rendering throws anyway, only that message, tool card or region falls back; the rest keeps working', async ({ page }) => {
  const outDir = await buildHarness();
  try {
    // The built files, served to the page as if from a loopback server.
    const origin = 'http://127.0.0.1:9';
    await page.route(`${origin}/**`, async (route) => {
      const file = path.join(outDir, new URL(route.request().url()).pathname);
      if (!file.startsWith(outDir) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) return route.fulfill({ status: 404 });
      await route.fulfill({ body: fs.readFileSync(file), contentType: CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream' });
    });
    const caught: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') caught.push(message.text());
    });
    await page.goto(`${origin}/index.html`);

    // Without the limits, `>` × 3,000 really overflows the stack in Chromium: that message alone
    // shows as plain text, with the note; its neighbours are formatted.
    const hostile = page.getByTestId('row-hostile');
    await expect(hostile.getByRole('note')).toContainText(PLAIN_NOTE);
    await expect(hostile.getByTestId('plain-message')).toHaveText(HOSTILE);
    await expect(page.getByTestId('row-before').locator('strong')).toHaveText('fine');
    await expect(page.getByTestId('row-after').locator('em')).toHaveText('fine');
    expect(caught.some((text) => text.includes('Maximum call stack size exceeded'))).toBe(true);

    // A tool card that throws still shows its call as text, and still asks its question.
    const card = page.getByTestId('tool-card');
    await expect(card.getByRole('note')).toContainText('This tool call could not be formatted');
    await expect(card.getByTestId('plain-message')).toContainText('/tmp/x');
    await card.getByTestId('deny-button').click();
    await card.getByTestId('deny-send-button').click();
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as HarnessGlobals).harnessAnswers)).toEqual([{ callId: 'call-1', decision: 'deny' }]);

    // A broken shell region shows a panel; the composer beside it works; "Try again" recovers it.
    const panel = page.getByTestId('region-error');
    await expect(panel).toContainText('The conversation list could not be shown.');
    await page.getByTestId('harness-composer').fill('still typing');
    await expect(page.getByTestId('harness-echo')).toHaveText('still typing');
    await page.evaluate(() => {
      (globalThis as unknown as HarnessGlobals).harnessBroken = false;
    });
    await panel.getByRole('button', { name: 'Try again' }).click();
    await expect(page.getByTestId('flaky-ok')).toBeVisible();
    await expect(panel).toHaveCount(0);
    await screenshot(page, 'hostile-markdown-boundaries');
  } finally {
    fs.rmSync(outDir, { recursive: true, force: true });
  }
});
