/**
 * Issue 11 attachments in the real window against the real headless host and the scripted
 * OpenAI-compatible server: a file picked with Attach and an image pasted into the box show as
 * chips, go up in chunks, and the model receives the file's workspace path in the text and the
 * image as an image_url part; the transcript shows the thumbnail and the file chip. Limits and
 * unsupported types are said before Send. The image is sent again with the next message (L26).
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { textReply } from '../fixtures/scripted-openai-server.ts';
import { BatonWindow, expect, screenshot, test } from './support/fixtures.ts';

/** A real PNG (signature, IHDR, IDAT, IEND with their CRCs): a 96×64 blue-to-orange gradient. */
function gradientPng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) rows.set([Math.round((255 * x) / width), 120, Math.round((255 * y) / height)], y * (width * 3 + 1) + 1 + x * 3);
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', zlib.deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

const PNG_BASE64 = gradientPng(96, 64).toString('base64');
const PNG_DATA_URL = `data:image/png;base64,${PNG_BASE64}`;

type Part = { type: string; text?: string; image_url?: { url: string } };
const partsOf = (content: unknown): Part[] => (Array.isArray(content) ? (content as Part[]) : [{ type: 'text', text: String(content) }]);

test('issue 11: attach a file and paste an image; the scripted model receives both, the transcript shows them', async ({ page, baton }) => {
  const supervisor = await baton();
  const { model } = supervisor;
  const window = await BatonWindow.open(page, supervisor);
  await window.newChat();

  // A file through the Attach button's file input.
  await page.getByTestId('attachment-input').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('remember the milk') });
  // An image pasted into the box, as a screenshot tool puts it on the clipboard.
  await window.composer.focus();
  // (A string: the e2e project has no DOM types; this runs in the page.)
  await page.evaluate(`(() => {
    const bytes = Uint8Array.from(atob('${PNG_BASE64}'), (c) => c.charCodeAt(0));
    const data = new DataTransfer();
    data.items.add(new File([bytes], 'image.png', { type: 'image/png' }));
    const target = document.querySelector('[data-testid="composer-input"]');
    target.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  })()`);
  const chips = page.getByTestId('attachment-chip');
  await expect(chips).toHaveCount(2);
  await expect(chips.nth(0)).toContainText('notes.txt');
  await expect(chips.nth(0)).toContainText('17 B');
  await expect(chips.nth(1)).toContainText(/pasted-\d{8}-\d{6}\.png/);
  await expect(chips.nth(1).locator('img')).toBeVisible();
  await window.composer.fill('What is in these?');
  await screenshot(page, 'attachments-chips');

  model.enqueue(textReply('A note about milk and a single dot.'));
  await page.getByTestId('send-button').click();
  await expect(window.assistantMessages.last()).toHaveText('A note about milk and a single dot.');
  await expect(chips).toHaveCount(0);

  // The model saw the file's place in the workspace and the image as an image part.
  const last = model.requests[0]!.body.messages.filter((m) => m.role === 'user').at(-1)!;
  expect(partsOf(last.content)).toEqual([
    { type: 'text', text: 'What is in these?\n\n[Attached file: attachments/notes.txt (17 B) — saved in the workspace]' },
    { type: 'image_url', image_url: { url: PNG_DATA_URL } },
  ]);
  expect(fs.readFileSync(path.join(supervisor.dataDir, 'workspace', 'attachments', 'notes.txt'), 'utf8')).toBe('remember the milk');

  // The transcript shows the thumbnail and the file chip with the message.
  const sent = window.userMessages.last();
  await expect(sent.getByTestId('message-attachment')).toHaveCount(2);
  await expect(sent.getByTestId('message-thumbnail')).toBeVisible();
  await expect(sent).toContainText('notes.txt');
  await screenshot(page, 'attachments-sent');

  // The next message's request carries the image again (it is in the store).
  model.enqueue(textReply('Still the dot.'));
  await window.send('And the image?');
  await expect(window.assistantMessages.last()).toHaveText('Still the dot.');
  const urls = model.requests[1]!.body.messages.flatMap((m) => partsOf(m.content).flatMap((p) => (p.image_url ? [p.image_url.url] : [])));
  expect(urls).toEqual([PNG_DATA_URL]);

  // After a reload the transcript still shows them (they are stored with the message).
  await page.reload();
  await expect(window.userMessages.first().getByTestId('message-thumbnail')).toBeVisible();
});

test('issue 11: an unsupported image type and a file over the limit are refused with words before Send; a dropped file is attached; nothing is uploaded', async ({ page, baton }) => {
  const supervisor = await baton();
  const window = await BatonWindow.open(page, supervisor);
  await window.newChat();
  await page.getByTestId('attachment-input').setInputFiles([
    { name: 'photo.heic', mimeType: 'image/heic', buffer: Buffer.from('not really') },
    { name: 'big.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(20 * 1024 * 1024 + 1) },
    { name: 'ok.csv', mimeType: 'text/csv', buffer: Buffer.from('a,b') },
  ]);
  const problems = page.getByTestId('attachment-problems');
  await expect(problems).toContainText('“photo.heic” is a HEIC image, which models cannot read');
  await expect(problems).toContainText('“big.bin” is 20.0 MB; an attachment can be at most 20.0 MB');
  await expect(page.getByTestId('attachment-chip')).toHaveCount(1);
  await screenshot(page, 'attachments-refused');
  // A file dropped on the message box is attached too.
  await page.evaluate(`(() => {
    const data = new DataTransfer();
    data.items.add(new File(['x,y'], 'dropped.csv', { type: 'text/csv' }));
    const target = document.querySelector('[data-testid="composer-input"]');
    target.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
    target.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
  })()`);
  await expect(page.getByTestId('attachment-chip')).toHaveCount(2);
  await expect(page.getByTestId('attachment-chip').nth(1)).toContainText('dropped.csv');
  await page.getByTestId('attachment-remove').nth(1).click();
  // Removing the one that was kept leaves nothing to send.
  await page.getByTestId('attachment-remove').click();
  await expect(page.getByTestId('attachment-chip')).toHaveCount(0);
  await expect(page.getByTestId('send-button')).toBeDisabled();
  expect(supervisor.model.requests).toHaveLength(0);
});
