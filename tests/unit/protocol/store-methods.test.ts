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
    expect((await rejection(client.call('backups.restore', { name: backup.name }))).code).toBe('UNAVAILABLE');
  });
});
