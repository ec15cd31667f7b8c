import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../../../electron/core/sessions/backups.ts';
import { fakeClock, START, useTempStores, withDbFile } from '../../support/temp-store.ts';

const temp = useTempStores();

const BACKUP_NAME = /^baton-\d{8}T\d{9}Z-[a-z0-9-]+\.db$/;

function backupNames(dir: string): string[] {
  return fs.readdirSync(path.join(dir, 'backups')).sort();
}

describe('backups (R2)', () => {
  it('R2: backupNow writes a complete baton-<stamp>-<label>.db that opens with the same rows', async () => {
    const dir = temp.dataDir();
    const clock = fakeClock();
    const store = await temp.open(dir, { now: clock.now });
    const { sessionId } = store.ensureLane('chat-1', { title: 'Backed up' });
    store.markResumePending('chat-1', 'update_timeout');
    store.appendEvent(sessionId, null, { kind: 'user_message', payload: { text: 'keep me' } });

    const file = await store.backupNow('daily');

    expect(path.dirname(file)).toBe(path.join(dir, 'backups'));
    expect(path.basename(file)).toBe('baton-20250115T120000000Z-daily.db');
    expect(backupNames(dir)).toEqual([path.basename(file)]); // no .partial left behind
    expect(store.backups.list()).toEqual([{ file, createdAt: START, label: 'daily' }]);
    withDbFile(file, (db) => {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.prepare('SELECT lane_key, title, resume_pending, resume_reason FROM lanes').all()).toEqual([
        { lane_key: 'chat-1', title: 'Backed up', resume_pending: 1, resume_reason: 'update_timeout' },
      ]);
      expect(db.prepare('SELECT session_id, payload FROM events').all()).toEqual([{ session_id: sessionId, payload: JSON.stringify({ text: 'keep me' }) }]);
    });
    // The live store carries on after the backup.
    store.appendEvent(sessionId, null, { kind: 'user_message', payload: { text: 'after' } });
    expect(store.listEvents(sessionId)).toHaveLength(2);
  });

  it('R2: a restored backup opens as a working store with the same lanes', async () => {
    const dir = temp.dataDir();
    const store = await temp.open(dir);
    store.ensureLane('chat-1');
    store.markResumePending('chat-1', 'crash');
    const file = await store.backupNow('manual');
    const expected = store.getLane('chat-1');

    const restoredDir = temp.dataDir();
    fs.copyFileSync(file, path.join(restoredDir, 'baton.db'));
    const restored = await temp.open(restoredDir, { verifyIntegrity: true });

    expect(restored.getLane('chat-1')).toEqual(expected);
  });

  it('R2: backups beyond the keep limit are pruned oldest first', async () => {
    const dir = temp.dataDir();
    const clock = fakeClock();
    const store = await temp.open(dir, { now: clock.now, backupsToKeep: 2 });
    store.ensureLane('chat-1');

    const first = await store.backupNow('daily');
    clock.advance(60_000);
    const second = await store.backupNow('daily');
    clock.advance(60_000);
    const third = await store.backupNow('manual');

    expect(fs.existsSync(first)).toBe(false);
    expect(store.backups.list().map((b) => b.file)).toEqual([third, second]);
    expect(store.backups.newest()).toBe(third);
    expect(backupNames(dir)).toEqual([path.basename(second), path.basename(third)]);
  });

  it('R2: backupIfDue takes a backup when there is none, then not again until the newest is a day old', async () => {
    const dir = temp.dataDir();
    const clock = fakeClock();
    const store = await temp.open(dir, { now: clock.now });
    store.ensureLane('chat-1');
    expect(store.backups.list()).toEqual([]);

    const first = await store.backupIfDue();
    expect(first).not.toBeNull();
    expect(path.basename(first!)).toMatch(/-daily\.db$/);

    clock.advance(DAY_MS - 1);
    expect(await store.backupIfDue()).toBeNull();

    clock.advance(1);
    const second = await store.backupIfDue();
    expect(second).not.toBeNull();
    expect(second).not.toBe(first);
    expect(store.backups.list().map((b) => b.file)).toEqual([second, first]);
    for (const name of backupNames(dir)) expect(name).toMatch(BACKUP_NAME);
  });

  it('R2: a backup of any label counts for backupIfDue, and files that are not backups are ignored', async () => {
    const dir = temp.dataDir();
    const clock = fakeClock();
    const store = await temp.open(dir, { now: clock.now });
    fs.mkdirSync(path.join(dir, 'backups'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'backups', 'notes.txt'), 'not a backup');
    fs.writeFileSync(path.join(dir, 'backups', 'baton-20990101T000000000Z-daily.db.partial'), 'interrupted copy');
    expect(store.backups.list()).toEqual([]);

    await store.backupNow('pre-migration-v3');
    clock.advance(60 * 60 * 1000);

    expect(await store.backupIfDue()).toBeNull();
    expect(store.backups.list().map((b) => b.label)).toEqual(['pre-migration-v3']);
  });

  it('R2: a store opened at the latest schema takes no pre-migration backup', async () => {
    const dir = temp.dataDir();
    const store = await temp.open(dir);
    store.ensureLane('chat-1');
    store.close();
    const reopened = await temp.open(dir);
    expect(reopened.backups.list()).toEqual([]);
  });
});
