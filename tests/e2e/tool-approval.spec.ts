/**
 * A tool with side effects asks first: the model calls `shell`, the card asks for approval, the
 * person approves, the command runs in the workspace, the card shows its output, and the model's
 * final answer follows (README "Approval", L26).
 */
import fs from 'node:fs';
import path from 'node:path';
import { BatonWindow, expect, screenshot, test } from './support/fixtures.ts';
import { textReply, toolCallReply } from '../fixtures/scripted-openai-server.ts';

test('L26, L31: a shell call waits for approval (the conversation needs you), runs once approved, and the answer follows', async ({ page, baton }) => {
  const supervisor = await baton();
  const { model } = supervisor;
  const window = await BatonWindow.open(page, supervisor);
  await window.newChat();

  model.enqueue(
    toolCallReply([{ id: 'call_write', name: 'shell', args: { command: 'echo hi > f.txt && cat f.txt' } }], { text: 'I will write the file.' }),
    textReply('Wrote f.txt; it says "hi".', { chunks: 4, chunkDelayMs: 40 }),
  );
  await window.send('Please write hi into f.txt');

  const card = page.getByTestId('tool-card');
  await expect(card).toHaveAttribute('data-status', 'approval');
  await expect(card).toContainText('shell');
  await expect(card).toContainText('echo hi > f.txt');
  await expect(page.getByTestId('approve-button')).toBeVisible();
  // L31: waiting for a person is the conversation's condition, not "Running".
  const lane = page.getByTestId('lane-item').first();
  await expect(lane).toHaveAttribute('data-condition', 'awaiting-approval');
  await expect(lane.getByTestId('badge-awaiting-approval')).toHaveText('Needs you');
  await screenshot(page, 'tool-approval-asked');
  // Nothing ran before the answer.
  const file = path.join(supervisor.dataDir, 'workspace', 'f.txt');
  expect(fs.existsSync(file)).toBe(false);

  await page.getByTestId('approve-button').click();
  await expect(card).toHaveAttribute('data-status', 'done');
  await expect(lane).not.toHaveAttribute('data-condition', 'awaiting-approval');
  await expect(page.getByTestId('approve-button')).toHaveCount(0);
  await card.getByText('Output').click();
  await expect(card.locator('.tool-output pre')).toHaveText(/^hi\b/);
  await expect(window.assistantMessages.last()).toHaveText('Wrote f.txt; it says "hi".');
  await expect(page.getByTestId('lane-activity')).toHaveAttribute('data-activity', 'idle');
  await screenshot(page, 'tool-approval-done');

  expect(fs.readFileSync(file, 'utf8')).toBe('hi\n');
  // The model got the command's output back as the tool result.
  const followUp = await model.waitForRequest(2);
  const toolResult = followUp.body.messages.find((m) => m.role === 'tool' && m.tool_call_id === 'call_write');
  expect(String(toolResult?.content)).toContain('hi');
  expect(model.requests).toHaveLength(2);
});

test('issue 10: "Allow in this conversation" runs the next shell call without asking; Deny with a typed reason (keyboard only) reaches the model; a reload shows both decisions', async ({ page, baton }) => {
  const supervisor = await baton();
  const { model } = supervisor;
  const window = await BatonWindow.open(page, supervisor);
  const first = await window.newChat();

  model.enqueue(
    toolCallReply([{ id: 'call_one', name: 'shell', args: { command: 'echo one >> log.txt' } }]),
    toolCallReply([{ id: 'call_two', name: 'shell', args: { command: 'echo two >> log.txt' } }]),
    textReply('Both ran.'),
  );
  await window.send('Append two lines to log.txt');
  const cards = page.getByTestId('tool-card');
  await expect(cards.first()).toHaveAttribute('data-status', 'approval');
  await expect(cards.first().getByTestId('approve-always-button')).toHaveText('Always allow shell');
  await cards.first().getByTestId('approve-conversation-button').click();
  await expect(window.assistantMessages.last()).toHaveText('Both ran.');
  // The second call ran without a question.
  await expect(cards).toHaveCount(2);
  await expect(cards.nth(1)).toHaveAttribute('data-status', 'done');
  expect(fs.readFileSync(path.join(supervisor.dataDir, 'workspace', 'log.txt'), 'utf8')).toBe('one\ntwo\n');
  await expect(cards.first().getByTestId('tool-decision')).toHaveText('Approved for this conversation');

  // Another conversation still asks; Deny opens the reason field, typed and sent from the keyboard.
  const second = await window.newChat();
  model.enqueue(toolCallReply([{ id: 'call_rm', name: 'shell', args: { command: 'echo gone > gone.txt' } }]), textReply('I will not touch it.'));
  await window.send('Clean up');
  const card = page.getByTestId('tool-card');
  await expect(card).toHaveAttribute('data-status', 'approval');
  await card.getByTestId('deny-button').focus();
  await page.keyboard.press('Enter');
  await expect(card.getByTestId('deny-reason')).toBeFocused();
  await page.keyboard.type('Keep gone.txt, we need it');
  await page.keyboard.press('Enter');
  await expect(card).toHaveAttribute('data-status', 'denied');
  await expect(window.assistantMessages.last()).toHaveText('I will not touch it.');
  const followUp = await model.waitForRequest(5);
  const toolResult = followUp.body.messages.find((m) => m.role === 'tool' && m.tool_call_id === 'call_rm');
  expect(String(toolResult?.content)).toContain('"Keep gone.txt, we need it"');
  expect(fs.existsSync(path.join(supervisor.dataDir, 'workspace', 'gone.txt'))).toBe(false);
  await screenshot(page, 'tool-approval-denied-with-reason');

  // Stored as events: a reload says what was chosen.
  await page.reload();
  await expect(window.connection).toHaveAttribute('data-state', 'open');
  await window.openLane(first);
  await expect(page.getByTestId('tool-card').first().getByTestId('tool-decision')).toHaveText('Approved for this conversation');
  await window.openLane(second);
  await expect(page.getByTestId('tool-card').getByTestId('tool-decision')).toHaveText('Denied: Keep gone.txt, we need it');
});
