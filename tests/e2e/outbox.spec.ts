/**
 * Baton down, window open: what the person sees and what happens to what they type. A hard kill
 * says "stopped unexpectedly", a quit says "has quit"; running indicators and actions that cannot
 * work go away; a message typed meanwhile waits in the window's outbox, survives a reload of the
 * page and is sent exactly once when Baton is back. SPEC L32, L33 (the window's part), L30.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import type { HostReady } from '../fixtures/host-process.ts';
import { Recorder } from '../support/recorder.ts';
import { startScriptedOpenAIServer } from '../fixtures/scripted-openai-server.ts';
import { BatonWindow, expect, screenshot, test } from './support/fixtures.ts';
import { slowReply, stalledReply } from './support/scripts.ts';
import { lastUserText, type Supervisor } from './support/supervisor.ts';

test('L32: typed while Baton is down, kept when the page is closed, sent exactly once when it is back', async ({ page, baton }) => {
  const supervisor = await baton();
  const { model } = supervisor;
  const window = await BatonWindow.open(page, supervisor);
  const laneKey = await window.newChat();
  model.enqueue(slowReply('Hello there.'));
  await window.send('Hello');
  await expect(window.assistantMessages.last()).toHaveText('Hello there.');
  // The turn has ended (not just shown its words), so the crash interrupts nothing.
  await expect(page.getByTestId('lane-activity')).toHaveAttribute('data-activity', 'idle');

  expect(await supervisor.crash()).toMatchObject({ signal: 'SIGKILL' });
  await expect(window.connection).toHaveAttribute('data-lost', 'crash');
  await expect(window.connection).toContainText('Baton stopped unexpectedly');

  // The composer clears: the message is safe in the window, and says so.
  await window.send('Typed while Baton was down');
  const outbox = page.getByTestId('outbox');
  await expect(outbox).toContainText('1 message waiting for Baton');
  await expect(outbox).toContainText('Typed while Baton was down');
  await screenshot(page, 'outbox-waiting');

  // The page goes away before Baton is back (the tab is closed; a reload cannot even load the
  // page while its host is down). The message lives in the browser's IndexedDB, not in the page.
  const context = page.context();
  await page.close();
  expect(model.requests).toHaveLength(1);

  model.enqueue(slowReply('Got it, even though Baton was down when you sent it.'));
  await supervisor.start();
  const reopened = await context.newPage();
  const again = await BatonWindow.open(reopened, supervisor);
  await again.openLane(laneKey);
  await expect(again.assistantMessages.last()).toHaveText('Got it, even though Baton was down when you sent it.');
  await expect(reopened.getByTestId('outbox')).toHaveCount(0);
  await expect(again.userMessages).toHaveText(['Hello', 'Typed while Baton was down']);
  // A reload now (Baton is up) sends nothing again.
  await reopened.reload();
  await expect(again.connection).toHaveAttribute('data-state', 'open');
  await expect(again.userMessages).toHaveText(['Hello', 'Typed while Baton was down']);
  // Exactly once: one more model request, carrying the message once.
  expect(model.requests).toHaveLength(2);
  expect(lastUserText(model.requests[1]!)).toBe('Typed while Baton was down');
  const stored = await supervisor.call('transcript.get', { laneKey });
  expect(stored.events.filter((e) => e.kind === 'user_message').map((e) => (e.payload as { text: string }).text)).toEqual(['Hello', 'Typed while Baton was down']);
});

test('L30/L33: after a quit the window says Baton has quit, and nothing looks like it still runs', async ({ page, baton }) => {
  const supervisor = await baton({ settings: { drainTimeoutSeconds: 1, graceSeconds: 1 } });
  const { model } = supervisor;
  const window = await BatonWindow.open(page, supervisor);
  await window.newChat();
  model.enqueue(stalledReply('Working on it'));
  await window.send('A long task');
  await expect(window.assistantMessages.first()).toContainText('Working on it');
  await expect(page.getByTestId('lane-activity')).toHaveAttribute('data-activity', 'running');

  await supervisor.quit();
  await expect(window.connection).toHaveAttribute('data-lost', 'quit');
  await expect(window.connection).toContainText('Baton has quit');
  // No frozen drain countdown, no "Working…", no Stop that would fail.
  await expect(page.getByTestId('banner-drain')).toHaveCount(0);
  await expect(page.getByTestId('lane-activity')).toHaveAttribute('data-activity', 'idle');
  await expect(page.getByTestId('stop-button')).toHaveCount(0);
  await expect(page.getByTestId('resume-button')).toBeDisabled();
  await screenshot(page, 'baton-has-quit');
});

test('L32/L33: under the real supervisor script, a SIGKILLed host comes back at the same address by itself; the open window reconnects and sends what was typed meanwhile, once', async ({ page }) => {
  const model = await startScriptedOpenAIServer();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-e2e-supervised-'));
  const supervisor = spawn('bash', ['scripts/supervise-host.sh', '--data-dir', dataDir, '--port', '0'], {
    stdio: 'pipe',
    env: {
      PATH: `${path.dirname(process.execPath)}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      HOME: process.env.HOME,
      OPENAI_BASE_URL: model.url,
      OPENAI_API_KEY: 'sk-e2e-scripted',
      OPENAI_MODEL: 'scripted-env-model',
    },
  });
  const exited = new Promise<number | null>((resolve) => supervisor.on('exit', (code) => resolve(code)));
  const ready = new Recorder<HostReady>();
  const stderr: string[] = [];
  readline.createInterface({ input: supervisor.stdout }).on('line', (line) => {
    if (line.startsWith('BATON_READY ')) ready.push(JSON.parse(line.slice('BATON_READY '.length)) as HostReady);
  });
  readline.createInterface({ input: supervisor.stderr }).on('line', (line) => stderr.push(line));
  try {
    const first = await ready.waitFor(() => true);
    const window = await BatonWindow.open(page, { url: first.url } as Supervisor);
    await window.newChat();
    model.enqueue(slowReply('Hello from the first launch.'));
    await window.send('Hello');
    await expect(window.assistantMessages.last()).toHaveText('Hello from the first launch.');
    await expect(page.getByTestId('lane-activity')).toHaveAttribute('data-activity', 'idle');

    // Hold the supervisor for a moment so the person can type while Baton is down, then kill the host.
    process.kill(supervisor.pid!, 'SIGSTOP');
    process.kill(first.pid, 'SIGKILL');
    await expect(window.connection).toHaveAttribute('data-lost', 'crash');
    await window.send('Typed while Baton was being brought back');
    await expect(page.getByTestId('outbox')).toContainText('waiting for Baton');

    model.enqueue(slowReply('Got it after the supervisor brought Baton back.'));
    process.kill(supervisor.pid!, 'SIGCONT');
    const second = await ready.waitFor(() => true, 1);
    expect(second.pid).not.toBe(first.pid);
    expect({ url: second.url, token: second.token }).toEqual({ url: first.url, token: first.token });
    // The same page, never reloaded, is back and has sent its outbox.
    await expect(window.assistantMessages.last()).toHaveText('Got it after the supervisor brought Baton back.');
    await expect(page.getByTestId('outbox')).toHaveCount(0);
    await expect(window.userMessages).toHaveText(['Hello', 'Typed while Baton was being brought back']);
    expect(model.requests).toHaveLength(2);
    expect(lastUserText(model.requests[1]!)).toBe('Typed while Baton was being brought back');
    expect(stderr.join('\n')).toContain('Baton stopped unexpectedly (exit status 137); starting it again');

    supervisor.kill('SIGTERM');
    expect(await exited).toBe(0);
  } finally {
    if (supervisor.exitCode === null && supervisor.signalCode === null) supervisor.kill('SIGKILL');
    for (const host of ready.items) {
      try {
        process.kill(host.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await model.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
