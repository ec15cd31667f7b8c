/**
 * Issue 11 attachments, end to end in the core: the real agent loop and provider clients against
 * the scripted OpenAI-compatible and Anthropic HTTP servers, real SQLite, real files. A file lands
 * in the workspace's `attachments/` folder and is named in the text the model reads; an image
 * goes to the model as an image part, and again on every later request of the session — the next
 * message, a retry, and a new launch (L26: it is in the store, not in memory).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StagedAttachment } from '../../electron/core/gateway/attachment-uploads.ts';
import type { ProviderSetting } from '../../shared/settings.ts';
import { startScriptedAnthropicServer, anthropicTextReply, type ScriptedAnthropicServer } from '../fixtures/scripted-anthropic-server.ts';
import { startScriptedOpenAIServer, textReply, type ChatRequestBody, type ScriptedOpenAIServer } from '../fixtures/scripted-openai-server.ts';
import type { CoreHarness } from '../support/core-harness.ts';
import { startModelCore } from '../support/scripted-model-core.ts';

/** The smallest PNG there is (1×1), real bytes with the real signature. */
export const PNG_1X1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const PNG_DATA_URL = `data:image/png;base64,${PNG_1X1.toString('base64')}`;

const image = (name = 'dot.png'): StagedAttachment => ({ name, mimeType: 'image/png', kind: 'image', data: PNG_1X1 });
const file = (name: string, text: string): StagedAttachment => ({ name, mimeType: 'text/plain', kind: 'file', data: Buffer.from(text) });

let harness: CoreHarness | null = null;
let openai: ScriptedOpenAIServer | null = null;
let anthropic: ScriptedAnthropicServer | null = null;

afterEach(async () => {
  harness?.cleanup();
  harness = null;
  await openai?.close();
  await anthropic?.close();
  openai = null;
  anthropic = null;
});

async function start(provider: ProviderSetting): Promise<CoreHarness> {
  harness = await startModelCore({ provider, maxSteps: 5, providerTuning: { timeouts: { requestMs: 2000, idleMs: 2000 }, retry: { retries: 0, baseDelayMs: 5, maxDelayMs: 10 } } });
  return harness;
}

type Part = { type: string; text?: string; image_url?: { url: string } };
const userMessages = (body: ChatRequestBody) => body.messages.filter((m) => m.role === 'user');
const imageUrls = (body: ChatRequestBody) =>
  userMessages(body).flatMap((m) => (Array.isArray(m.content) ? (m.content as Part[]).flatMap((p) => (p.type === 'image_url' ? [p.image_url!.url] : [])) : []));

describe('attachments reach the model (issue 11, L26)', () => {
  it('issue 11: a file is copied into workspace/attachments and named in the text; an image is an image_url part (OpenAI-compatible)', async () => {
    openai = await startScriptedOpenAIServer();
    const h = await start({ name: 'Scripted', kind: 'openai-compatible', baseUrl: openai.url, model: 'vision-model', keyRef: 'scripted' });
    openai.enqueue(textReply('I see a dot and notes.'));
    await h.core.gateway.send('a', 'What is in these?', { attachments: [file('notes.txt', 'remember the milk'), image()] });
    await h.core.gateway.whenIdle();

    const saved = path.join(h.dataDir, 'workspace', 'attachments', 'notes.txt');
    expect(fs.readFileSync(saved, 'utf8')).toBe('remember the milk');
    const body = openai.requests[0]!.body;
    const last = userMessages(body).at(-1)!;
    expect(last.content).toEqual([
      { type: 'text', text: 'What is in these?\n\n[Attached file: attachments/notes.txt (17 B) — saved in the workspace]' },
      { type: 'image_url', image_url: { url: PNG_DATA_URL } },
    ]);
    // The transcript keeps the person's words and the attachments beside them, the image by hash.
    const user = h.core.store.listEvents(h.core.store.getLane('a')!.sessionId).find((e) => e.kind === 'user_message')!;
    expect(user.payload).toMatchObject({
      text: 'What is in these?',
      attachments: [
        { kind: 'file', name: 'notes.txt', size: 17, path: 'attachments/notes.txt' },
        { kind: 'image', name: 'dot.png', size: PNG_1X1.length, mimeType: 'image/png', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
      ],
    });
  });

  it('issue 11: the image is sent again with the next message, after a retry and after a relaunch (kept in the store)', async () => {
    openai = await startScriptedOpenAIServer();
    const h = await start({ name: 'Scripted', kind: 'openai-compatible', baseUrl: openai.url, model: 'vision-model', keyRef: 'scripted' });
    openai.enqueue(
      textReply('A dot.'),
      { kind: 'stream', steps: [{ type: 'text', text: 'Hal' }, { type: 'error_event', message: 'overloaded' }] },
      textReply('Still a dot.'),
      textReply('Yes, the dot.'),
    );
    await h.core.gateway.send('a', 'Look', { attachments: [image()] });
    await h.core.gateway.whenIdle();
    await h.core.gateway.send('a', 'And now?');
    await h.core.gateway.whenIdle();
    expect(imageUrls(openai.requests[1]!.body)).toEqual([PNG_DATA_URL]);

    h.core.gateway.retry('a');
    await h.core.gateway.whenIdle();
    expect(imageUrls(openai.requests[2]!.body)).toEqual([PNG_DATA_URL]);

    // A new process: nothing is in memory any more, the bytes come from the store.
    await h.relaunch();
    await h.core.gateway.send('a', 'Remember it?');
    await h.core.gateway.whenIdle();
    expect(openai.requests).toHaveLength(4);
    expect(imageUrls(openai.requests[3]!.body)).toEqual([PNG_DATA_URL]);
  });

  it('issue 11: a retried message with an image sends the image again (the message is not appended twice)', async () => {
    openai = await startScriptedOpenAIServer();
    const h = await start({ name: 'Scripted', kind: 'openai-compatible', baseUrl: openai.url, model: 'vision-model', keyRef: 'scripted' });
    openai.enqueue({ kind: 'stream', steps: [{ type: 'error_event', message: 'overloaded' }] }, textReply('A dot.'));
    await h.core.gateway.send('a', 'Look', { attachments: [image()] });
    await h.core.gateway.whenIdle();
    h.core.gateway.retry('a');
    await h.core.gateway.whenIdle();
    const retried = openai.requests[1]!.body;
    expect(userMessages(retried)).toHaveLength(1);
    expect(imageUrls(retried)).toEqual([PNG_DATA_URL]);
  });

  it('issue 11: Anthropic gets a base64 image block before the text', async () => {
    anthropic = await startScriptedAnthropicServer();
    const h = await start({ name: 'Claude', kind: 'anthropic', baseUrl: anthropic.url, model: 'claude-scripted-1', keyRef: 'scripted' });
    anthropic.enqueue(anthropicTextReply('A dot.'), anthropicTextReply('Still.'));
    await h.core.gateway.send('a', 'Look', { attachments: [image(), file('a.csv', 'x,y')] });
    await h.core.gateway.whenIdle();
    await h.core.gateway.send('a', 'Again');
    await h.core.gateway.whenIdle();
    const expected = [
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG_1X1.toString('base64') } },
      { type: 'text', text: 'Look\n\n[Attached file: attachments/a.csv (3 B) — saved in the workspace]' },
    ];
    expect(anthropic.requests[0]!.body.messages.at(-1)).toEqual({ role: 'user', content: expected });
    // The history of the next request carries the image again.
    expect(anthropic.requests[1]!.body.messages[0]).toEqual({ role: 'user', content: expected });
  });

  it('issue 11: an image over Anthropic’s 5 MB limit is left out with a note instead of failing every request of the session', async () => {
    anthropic = await startScriptedAnthropicServer();
    const h = await start({ name: 'Claude', kind: 'anthropic', baseUrl: anthropic.url, model: 'claude-scripted-1', keyRef: 'scripted' });
    anthropic.enqueue(anthropicTextReply('I cannot see it.'));
    const big = Buffer.concat([PNG_1X1, Buffer.alloc(4 * 1024 * 1024)]);
    await h.core.gateway.send('a', 'Look', { attachments: [{ name: 'big.png', mimeType: 'image/png', kind: 'image', data: big }] });
    await h.core.gateway.whenIdle();
    expect(anthropic.requests[0]!.body.messages.at(-1)!.content).toEqual([
      { type: 'text', text: expect.stringMatching(/larger than the 5 MB Anthropic accepts/) },
      { type: 'text', text: 'Look' },
    ]);
  });

  it('issue 11: the gateway refuses what the window should have refused: a renamed file posing as an image, a traversal name, too many', async () => {
    openai = await startScriptedOpenAIServer();
    const h = await start({ name: 'Scripted', kind: 'openai-compatible', baseUrl: openai.url, model: 'm', keyRef: 'scripted' });
    const fake: StagedAttachment = { name: 'x.png', mimeType: 'image/png', kind: 'image', data: Buffer.from('not a png at all') };
    await expect(h.core.gateway.send('a', 'look', { attachments: [fake] })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/not the PNG image/) });
    await expect(h.core.gateway.send('a', 'look', { attachments: [file('../escape.txt', 'x')] })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    const many = Array.from({ length: 11 }, (_, i) => file(`f${i}.txt`, 'x'));
    await expect(h.core.gateway.send('a', 'look', { attachments: many })).rejects.toMatchObject({ message: expect.stringMatching(/at most 10 attachments/) });
    await expect(h.core.gateway.send('a', '/new', { attachments: [file('f.txt', 'x')] })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(fs.existsSync(path.join(h.dataDir, 'workspace', 'escape.txt'))).toBe(false);
    expect(fs.existsSync(path.join(h.dataDir, 'escape.txt'))).toBe(false);
    expect(openai.requests).toHaveLength(0);
    expect(h.core.store.countQueuedInputs('a')).toBe(0);
  });

  it('issue 11: an image alone is a message, and the conversation is titled after it', async () => {
    openai = await startScriptedOpenAIServer();
    const h = await start({ name: 'Scripted', kind: 'openai-compatible', baseUrl: openai.url, model: 'm', keyRef: 'scripted' });
    openai.enqueue(textReply('A dot.'));
    await h.core.gateway.send('a', '', { attachments: [image('screenshot.png')] });
    await h.core.gateway.whenIdle();
    expect(imageUrls(openai.requests[0]!.body)).toEqual([PNG_DATA_URL]);
    expect(h.core.store.getLane('a')!.title).toBe('screenshot.png');
  });
});
