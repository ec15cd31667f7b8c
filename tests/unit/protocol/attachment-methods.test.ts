/**
 * Issue 11 over the protocol: `attachment.put` in chunks, `message.send` naming the uploads, and
 * `lanes.archive` with the Archived view — GatewayClient → in-memory transport → ProtocolServer →
 * GatewayService → the real core (SQLite, real files, scripted agents).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ATTACHMENT_LIMITS, base64Length } from '../../../shared/attachments.ts';
import { rejection, ServiceHarness } from '../../fixtures/host-service-harness.ts';

let harness: ServiceHarness | null = null;
afterEach(() => {
  harness?.cleanup();
  harness = null;
});

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

describe('attachment methods (issue 11)', () => {
  it('issue 11: a file sent in two chunks and an image land in the workspace and the store, named in the user message', async () => {
    harness = await ServiceHarness.start();
    const client = await harness.client();
    const { laneKey } = await client.call('lanes.create', {});
    harness.agents.script(laneKey, { steps: [{ text: 'got them' }] });
    const text = Buffer.from('first half|second half');
    const one = await client.call('attachment.put', { name: 'notes.txt', mimeType: 'text/plain', size: text.length, offset: 0, data: text.subarray(0, 11).toString('base64') });
    expect(one).toMatchObject({ received: 11, complete: false });
    const two = await client.call('attachment.put', { uploadId: one.uploadId, name: 'notes.txt', mimeType: 'text/plain', size: text.length, offset: 11, data: text.subarray(11).toString('base64') });
    expect(two).toMatchObject({ received: text.length, complete: true });
    const img = await client.call('attachment.put', { name: 'dot.png', mimeType: 'image/png', size: PNG.length, offset: 0, data: PNG.toString('base64') });

    const thumbnail = `data:image/png;base64,${PNG.toString('base64')}`;
    expect(await client.call('message.send', { laneKey, text: 'see these', attachments: [{ uploadId: one.uploadId }, { uploadId: img.uploadId, thumbnail }] })).toMatchObject({ status: 'started' });
    await harness.core.gateway.whenIdle();
    expect(fs.readFileSync(path.join(harness.dataDir, 'workspace', 'attachments', 'notes.txt'), 'utf8')).toBe('first half|second half');
    const { events } = await client.call('transcript.get', { laneKey });
    const user = events.find((e) => e.kind === 'user_message')!;
    expect(user.payload).toMatchObject({
      text: 'see these',
      attachments: [
        { kind: 'file', name: 'notes.txt', path: 'attachments/notes.txt' },
        { kind: 'image', name: 'dot.png', thumbnail, sha256: expect.any(String) },
      ],
    });
    // The uploads were taken: naming them again is refused.
    expect((await rejection(client.call('message.send', { laneKey, text: 'again', attachments: [{ uploadId: one.uploadId }] }))).code).toBe('INVALID_INPUT');
  });

  it('issue 11: the wire refuses an oversized chunk or file, a message with neither text nor attachment, and a resend takes nothing twice', async () => {
    harness = await ServiceHarness.start();
    const client = await harness.client();
    const { laneKey } = await client.call('lanes.create', {});
    const tooLong = 'A'.repeat(base64Length(ATTACHMENT_LIMITS.chunkBytes) + 4);
    expect((await rejection(client.call('attachment.put', { name: 'a', mimeType: 'text/plain', size: 10, offset: 0, data: tooLong }))).code).toBe('INVALID_PARAMS');
    expect((await rejection(client.call('attachment.put', { name: 'a', mimeType: 'text/plain', size: ATTACHMENT_LIMITS.maxBytes + 1, offset: 0, data: '' }))).code).toBe('INVALID_PARAMS');
    expect((await rejection(client.call('message.send', { laneKey, text: '' }))).code).toBe('INVALID_PARAMS');
    const heic = await rejection(client.call('attachment.put', { name: 'p.heic', mimeType: 'image/heic', size: 4, offset: 0, data: 'AAAA' }));
    expect(heic).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/HEIC image/) });

    harness.agents.script(laneKey, { steps: [{ text: 'ok' }] });
    const up = await client.call('attachment.put', { name: 'a.txt', mimeType: 'text/plain', size: 1, offset: 0, data: 'eA==' });
    const first = await client.call('message.send', { laneKey, text: '', clientMessageId: 'msg-attach-1', attachments: [{ uploadId: up.uploadId }] });
    // A window resending after a lost answer gets the first answer, not a refusal for the spent upload.
    expect(await client.call('message.send', { laneKey, text: '', clientMessageId: 'msg-attach-1', attachments: [{ uploadId: up.uploadId }] })).toEqual(first);
    await harness.core.gateway.whenIdle();
    expect(fs.readdirSync(path.join(harness.dataDir, 'workspace', 'attachments'))).toEqual(['a.txt']);
  });
});

describe('lanes.archive (issue 11)', () => {
  it('issue 11: an archived conversation leaves the main list for the Archived view, is still found by search, and comes back', async () => {
    harness = await ServiceHarness.start();
    const client = await harness.client();
    const a = await client.call('lanes.create', { title: 'Holiday plans' });
    const b = await client.call('lanes.create', { title: 'Work' });
    expect(await client.call('lanes.archive', { laneKey: a.laneKey, archived: true })).toMatchObject({ laneKey: a.laneKey, archivedAt: expect.any(Number) });
    expect((await client.call('lanes.list', {})).map((l) => l.laneKey)).toEqual([b.laneKey]);
    expect((await client.call('lanes.list', { view: 'archived' })).map((l) => l.laneKey)).toEqual([a.laneKey]);
    expect((await client.call('lanes.search', { query: 'holiday' })).map((hit) => hit.laneKey)).toEqual([a.laneKey]);
    expect(await client.call('lanes.archive', { laneKey: a.laneKey, archived: false })).toMatchObject({ archivedAt: null });
    expect((await client.call('lanes.list', {})).map((l) => l.laneKey).sort()).toEqual([a.laneKey, b.laneKey].sort());
    expect((await rejection(client.call('lanes.archive', { laneKey: 'lane_none', archived: true }))).code).toBe('NOT_FOUND');
    expect((await rejection(client.call('lanes.archive', { laneKey: a.laneKey } as never))).code).toBe('INVALID_PARAMS');
  });
});

describe('sessions.list for the /resume list (issue 11, L24)', () => {
  it('L24: each session comes with its first message, so /resume can show a list instead of raw ids', async () => {
    harness = await ServiceHarness.start();
    const client = await harness.client();
    const { laneKey } = await client.call('lanes.create', {});
    harness.agents.script(laneKey, { steps: [{ text: 'ok' }] }, { steps: [{ text: 'ok' }] });
    await client.call('message.send', { laneKey, text: 'Plan the trip to Lisbon' });
    await harness.core.gateway.whenIdle();
    await client.call('message.send', { laneKey, text: '/new' });
    const sessions = await client.call('sessions.list', { laneKey });
    expect(sessions.map((s) => [s.current, s.firstMessage])).toEqual([
      [false, 'Plan the trip to Lisbon'],
      [true, null],
    ]);
  });
});
