/**
 * The desktop window end to end (SPEC L26, R1, R4; ENGINEERING.md §2): the built main process
 * opens its window on app://, the real preload in its isolated world hands the page a gateway
 * MessagePort through ipcMain's sender check, and a person types, sends and watches the answer
 * stream in — every byte through the real renderer, the real preload and the real gateway.
 */
import { createGate } from '../../fixtures/scripted-openai-server.ts';
import { expect, sendInNewChat, test } from '../scenario-kit.ts';

test('L26, R1: launch → the window shows the real UI over app:// → send → the answer streams in and is kept', async ({ launch, model, windowOf }) => {
  const harness = await launch();
  const app = await harness.start();
  await app.ready();
  const page = await windowOf(app);

  // The page is the app's own, connected through the preload's MessagePort.
  await expect(page.getByTestId('connection-status')).toContainText('Connected');
  expect(await page.evaluate(() => typeof (window as unknown as { baton?: unknown }).baton)).toBe('object');
  const window = async () => (await app.command<{ windows: Array<{ url: string; visible: boolean }> }>('windows.info')).windows[0]!;
  expect((await window()).url).toBe('app://baton/index.html');
  // Shown at ready-to-show (the first paint), which may come a moment after the page connected.
  await expect.poll(async () => (await window()).visible).toBe(true);

  const gate = createGate();
  model.enqueue({
    kind: 'stream',
    steps: [{ type: 'text', text: 'The first half' }, { type: 'wait', until: gate.promise }, { type: 'text', text: ', and the rest.' }, { type: 'finish', reason: 'stop' }],
  });
  await sendInNewChat(page, 'Tell me something in two parts');
  await expect(page.getByTestId('message-user')).toHaveText(['Tell me something in two parts']);

  // Streaming: the first half is on screen while the turn still runs.
  const answer = page.getByTestId('message-assistant').last();
  await expect(answer).toHaveText('The first half');
  await expect(page.getByTestId('stop-button')).toBeVisible();

  gate.open();
  await expect(answer).toHaveText('The first half, and the rest.');
  await expect(page.getByTestId('stop-button')).toBeHidden();

  // The request the model got carried what was typed (the gateway really ran the turn).
  const request = await model.waitForRequest(1);
  expect(JSON.stringify(request.body.messages)).toContain('Tell me something in two parts');

  // L26: the conversation survives a reload of the window (a new document, a new gateway port).
  await page.reload();
  await page.getByTestId('lane-item').first().click();
  await expect(page.getByTestId('message-assistant').last()).toHaveText('The first half, and the rest.');
});
