/**
 * Issue 10, live tools: the model calls `shell` with a command that prints, waits, prints; its card
 * shows the output while the command runs, the elapsed time, then the exit badge, and copies the
 * output. A SIGKILL of Baton mid-command keeps what was flushed (L26): after the relaunch the card
 * shows it and the turn is interrupted (L18). A long output offers its full download; `write_file`
 * shows a diff.
 */
import fs from 'node:fs';
import path from 'node:path';
import { BatonWindow, expect, screenshot, test } from './support/fixtures.ts';
import { textReply, toolCallReply } from '../fixtures/scripted-openai-server.ts';

/** The command waits (its own loop) while this folder exists: the test decides when it goes on. */
function gate(dataDir: string): { path: string; open: () => void } {
  const dir = path.join(dataDir, 'workspace', 'gate');
  fs.mkdirSync(dir, { recursive: true });
  return { path: dir, open: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

test('issue 10, L26, L18: shell output streams into its card while the command runs; exit badge; copy; a kill keeps the output', async ({ page, baton }) => {
  const supervisor = await baton({ settings: { toolApproval: { shell: 'auto' }, autoResume: false } });
  const { model } = supervisor;
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(supervisor.url).origin });
  const window = await BatonWindow.open(page, supervisor);
  await window.newChat();

  const first = gate(supervisor.dataDir);
  model.enqueue(
    toolCallReply([{ id: 'call_build', name: 'shell', args: { command: 'echo step 1 of 2; echo warning: slow disk >&2; while [ -d gate ]; do sleep 0.05; done; echo step 2 of 2; exit 3' } }]),
    textReply('The build failed with exit code 3.'),
  );
  await window.send('Run the build');
  const card = page.getByTestId('tool-card');
  const output = card.getByTestId('tool-output');
  await expect(card).toHaveAttribute('data-status', 'running');
  await expect(output).toHaveText('step 1 of 2\nwarning: slow disk\n');
  await expect(output).toHaveAttribute('data-live', 'true');
  await expect(card.getByTestId('tool-elapsed')).toHaveText(/^\d+\.\d s$/);
  await expect(card.getByTestId('tool-exit')).toHaveCount(0);
  await screenshot(page, 'live-tools-streaming');

  first.open();
  await expect(card).toHaveAttribute('data-status', 'error');
  await expect(output).toHaveText('step 1 of 2\nwarning: slow disk\nstep 2 of 2\n');
  await expect(card.getByTestId('tool-exit')).toHaveText('exit 3');
  await expect(card.getByTestId('tool-exit')).toHaveAttribute('data-exit', '3');
  await expect(window.assistantMessages.last()).toHaveText('The build failed with exit code 3.');
  await card.getByTestId('tool-copy-output').click();
  await expect(card.getByTestId('tool-copy-output')).toHaveText('Copied');
  expect(await page.evaluate('navigator.clipboard.readText()')).toBe('step 1 of 2\nwarning: slow disk\nstep 2 of 2\n');
  await screenshot(page, 'live-tools-exit-badge');

  // A kill survives: the first piece of a call's output is saved with its row at once (L26).
  const second = gate(supervisor.dataDir);
  model.enqueue(toolCallReply([{ id: 'call_long', name: 'shell', args: { command: 'echo migrating 1 of 3; while [ -d gate ]; do sleep 0.05; done; echo never printed' } }]));
  await window.send('Now the long migration');
  const longCard = page.locator('[data-testid="tool-card"][data-call-id="call_long"]');
  await expect(longCard.getByTestId('tool-output')).toHaveText('migrating 1 of 3\n');
  expect(await supervisor.crash()).toMatchObject({ signal: 'SIGKILL' });
  second.open(); // the orphaned command ends by itself
  await supervisor.start();
  await window.expectReconnected();
  await page.reload();
  await expect(window.connection).toHaveAttribute('data-state', 'open');
  await expect(longCard).toHaveAttribute('data-status', 'unknown');
  await expect(longCard.getByTestId('tool-output')).toHaveText('migrating 1 of 3\n');
  await expect(longCard.getByTestId('tool-output')).toHaveAttribute('data-live', 'false');
  await expect(page.getByTestId('interruption-marker')).toHaveText(['Interrupted — by a crash']);
  // The finished call keeps its badge and output from the store.
  await expect(card.first().getByTestId('tool-exit')).toHaveText('exit 3');
  await screenshot(page, 'live-tools-after-kill');
});

test('issue 10: a long output shows its head and tail and downloads in full; write_file shows a diff', async ({ page, baton }) => {
  const supervisor = await baton({ settings: { toolApproval: { shell: 'auto', write_file: 'auto' } } });
  const { model } = supervisor;
  const window = await BatonWindow.open(page, supervisor);
  await window.newChat();
  const workspace = path.join(supervisor.dataDir, 'workspace');
  fs.mkdirSync(workspace, { recursive: true });
  fs.writeFileSync(path.join(workspace, 'config.ini'), 'name = baton\nport = 8080\ndebug = false\n');

  model.enqueue(
    toolCallReply([{ id: 'call_count', name: 'shell', args: { command: 'seq 1 40000' } }]),
    toolCallReply([{ id: 'call_write', name: 'write_file', args: { path: 'config.ini', content: 'name = baton\nport = 9090\ndebug = false\nlog = info\n' } }]),
    textReply('Counted and updated the port.'),
  );
  await window.send('Count to 40000, then move the port to 9090');
  await expect(window.assistantMessages.last()).toHaveText('Counted and updated the port.');

  const counted = page.locator('[data-testid="tool-card"][data-call-id="call_count"]');
  await expect(counted.getByTestId('tool-exit')).toHaveText('exit 0');
  await expect(counted.getByTestId('tool-output')).toContainText(/^1\n2\n3\n/);
  await expect(counted.getByTestId('tool-output')).toContainText(/39999\n40000\n$/);
  await expect(counted.getByTestId('tool-output-truncated')).toBeVisible();
  const [download] = await Promise.all([page.waitForEvent('download'), counted.getByTestId('tool-download-output').click()]);
  const saved = fs.readFileSync((await download.path())!, 'utf8');
  expect(saved).toBe(Array.from({ length: 40_000 }, (_, i) => `${i + 1}\n`).join(''));
  await screenshot(page, 'live-tools-truncated');

  const written = page.locator('[data-testid="tool-card"][data-call-id="call_write"]');
  const diff = written.getByTestId('tool-diff');
  await expect(diff).toContainText('Changed config.ini');
  await expect(diff.locator('.diff-del')).toHaveText(['-port = 8080']);
  await expect(diff.locator('.diff-add')).toHaveText(['+port = 9090', '+log = info']);
  await written.scrollIntoViewIfNeeded();
  await screenshot(page, 'live-tools-write-diff');
});
