/**
 * Issue 11 (SPEC L36, R1, R2): the whole-store and backup methods over the protocol (the real
 * core, real SQLite, an in-memory transport): validated params, typed refusals, a SQLite copy that
 * round-trips through store.export / store.import, a restore that writes its pending file and
 * drains with reason `restore`, and no import or restore once Baton is leaving.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pendingRestore } from '../../../electron/core/sessions/restore-pending.ts';
import { rejection, ServiceHarness } from '../../fixtures/host-service-harness.ts';

let harness: ServiceHarness | null = null;
afterEach(() => {
  harness?.cleanup();
  harness = null;
});

describe('store and backup methods (issue 11, L36)', () => {
  it('R1: bad params are INVALID_PARAMS; an unknown or path-like backup name is NOT_FOUND and nothing is pending', async () => {
    harness = await ServiceHarness.start();
    const client = await harness.client();
    expect((await rejection(client.call('store.export', { format: 'zip' } as never))).code).toBe('INVALID_PARAMS');
    expect((await rejection(client.call('store.import', { format: 'json', data: '' }))).code).toBe('INVALID_PARAMS');
    for (const name of ['baton-20200101T000000000Z-daily.db', '../baton.db', '/etc/passwd']) {
      expect((await rejection(client.call('backups.restore', { name }))).code).toBe('NOT_FOUND');
    }
    expect(pendingRestore(harness.dataDir)).toBeNull();
    expect(harness.app.actions).toEqual([]);
  });

  it('L36: a refused import is INVALID_INPUT with the reason; garbage as a SQLite copy is refused the same way', async () => {
    harness = await ServiceHarness.start();
    const client = await harness.client();
    const refused = await rejection(client.call('store.import', { format: 'json', data: '{"type":"lane"}\n' }));
    expect(refused).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('not a Baton store archive') });
    const garbage = await rejection(client.call('store.import', { format: 'sqlite', data: Buffer.from('definitely not sqlite, but long enough to look like a header').toString('base64') }));
    expect(garbage.code).toBe('INVALID_INPUT');
    expect(fs.readdirSync(harness.dataDir).filter((name) => name.includes('.import.'))).toEqual([]);
  });

  it('L36: a SQLite copy exported over the protocol imports back (as "(imported)" copies: the originals are here)', async () => {
    harness = await ServiceHarness.start();
    const client = await harness.client();
    const lane = await client.call('lanes.create', { title: 'Notes' });
    const exported = await client.call('store.export', { format: 'sqlite' });
    expect(exported).toMatchObject({ format: 'sqlite', encoding: 'base64', fileName: expect.stringMatching(/^baton-store-\d{8}-\d{6}\.db$/), counts: { lanes: 1, sessions: 1 } });
    expect(Buffer.from(exported.data, 'base64').subarray(0, 15).toString('latin1')).toBe('SQLite format 3');
    const report = await client.call('store.import', { format: 'sqlite', data: exported.data });
    expect(report).toMatchObject({ lanes: 1, renamed: [{ from: lane.laneKey, to: expect.stringMatching(/^lane_/) }] });
    expect((await client.call('lanes.list', {})).map((l) => l.title).sort()).toEqual(['Notes', 'Notes (imported)']);
  });

  it('L36: an archive sent in chunks (store.importChunk, then store.import { uploadId }) imports; its staged file is in the data dir until then and gone after', async () => {
    harness = await ServiceHarness.start();
    const client = await harness.client();
    await client.call('lanes.create', { title: 'Chunked' });
    const archive = Buffer.from((await client.call('store.export', { format: 'json' })).data);
    const size = archive.length;
    let put = await client.call('store.importChunk', { size, offset: 0, data: archive.subarray(0, 100).toString('base64') });
    const staged = () => fs.readdirSync(harness!.dataDir).filter((name) => name.startsWith('.upload-'));
    expect(staged()).toHaveLength(1);
    put = await client.call('store.importChunk', { uploadId: put.uploadId, size, offset: 100, data: archive.subarray(100).toString('base64') });
    expect(put).toMatchObject({ received: size, complete: true });
    expect(await client.call('store.import', { format: 'json', uploadId: put.uploadId })).toMatchObject({ lanes: 1, renamed: [expect.anything()] });
    expect(staged()).toEqual([]);
    expect((await client.call('lanes.list', {})).map((l) => l.title).sort()).toEqual(['Chunked', 'Chunked (imported)']);
    expect((await rejection(client.call('store.import', { format: 'json', uploadId: put.uploadId }))).message).toMatch(/unknown or expired/);
  });

  it('L36/R1: chunk validation — out of order, past the declared size, over 1 MiB, unknown upload, unfinished import, data and uploadId both or neither', async () => {
    harness = await ServiceHarness.start();
    const client = await harness.client();
    const chunk = (text: string) => Buffer.from(text).toString('base64');
    const { uploadId } = await client.call('store.importChunk', { size: 10, offset: 0, data: chunk('abcde') });
    expect(await rejection(client.call('store.importChunk', { uploadId, size: 10, offset: 0, data: chunk('abcde') }))).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('out of order (at 0, expected 5)') });
    expect(await rejection(client.call('store.import', { format: 'json', uploadId }))).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('not finished uploading') });
    expect(await rejection(client.call('store.importChunk', { uploadId, size: 10, offset: 5, data: chunk('fghijk') }))).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('larger than the 10 B') });
    // Past its size the upload is dropped whole, its staged file too.
    expect((await rejection(client.call('store.importChunk', { uploadId, size: 10, offset: 5, data: chunk('fghij') }))).message).toMatch(/unknown or expired/);
    expect(fs.readdirSync(harness.dataDir).filter((name) => name.startsWith('.upload-'))).toEqual([]);
    expect((await rejection(client.call('store.importChunk', { uploadId: 'no-such-upload', size: 10, offset: 0, data: chunk('a') }))).message).toMatch(/unknown or expired/);
    const tooBig = Buffer.alloc(1024 * 1024 + 3).toString('base64');
    expect((await rejection(client.call('store.importChunk', { size: 2 * 1024 * 1024, offset: 0, data: tooBig }))).code).toBe('INVALID_PARAMS');
    expect((await rejection(client.call('store.importChunk', { size: 513 * 1024 * 1024, offset: 0, data: chunk('a') }))).code).toBe('INVALID_PARAMS');
    expect((await rejection(client.call('store.import', { format: 'json', data: 'x', uploadId }))).code).toBe('INVALID_PARAMS');
    expect((await rejection(client.call('store.import', { format: 'json' }))).code).toBe('INVALID_PARAMS');
  });

  it('L36/L13: backups.restore writes the pending file and drains with reason restore (a relaunch); then nothing more is accepted', async () => {
    harness = await ServiceHarness.start();
    const client = await harness.client();
    const { backup } = await client.call('backups.create', {});
    expect(path.dirname(path.join(harness.dataDir, 'backups', backup.name))).toBe(harness.core.store.backups.dir);
    expect(await client.call('backups.list', {})).toMatchObject({ backups: expect.arrayContaining([expect.objectContaining({ name: backup.name, kind: 'manual' })]), lastRestore: null, pendingRestore: null });

    expect(await client.call('backups.restore', { name: backup.name })).toEqual({ accepted: true });
    expect(pendingRestore(harness.dataDir)).toBe(backup.name);
    expect(harness.core.drain.draining).toBe(true);
    expect((await client.call('backups.list', {})).pendingRestore).toBe(backup.name);
    const exported = await client.call('store.export', { format: 'json' });
    expect((await rejection(client.call('store.import', { format: 'json', data: exported.data }))).code).toBe('UNAVAILABLE');
    expect((await rejection(client.call('store.importChunk', { size: 4, offset: 0, data: Buffer.from('abcd').toString('base64') }))).code).toBe('UNAVAILABLE');
    expect((await rejection(client.call('backups.restore', { name: backup.name }))).code).toBe('UNAVAILABLE');
  });
});
