import crypto from 'node:crypto';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION } from '../../../electron/core/sessions/migrations.ts';
import { DataDirInUseError, StoreCorruptError, StoreTooNewError } from '../../../electron/core/sessions/store-errors.ts';
import { SessionStore } from '../../../electron/core/sessions/store.ts';
import { startStoreChild, type StoreChild } from './child-process.ts';
import { storeFile, useTempStores, withRawDb } from '../../support/temp-store.ts';

const temp = useTempStores();

/** The rejection of `promise`, failing the test if it resolves. */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  expect.unreachable('expected the store to refuse to open');
}

/** A closed store with enough rows to span many pages. */
async function populatedStore(dir: string): Promise<void> {
  const store = await temp.open(dir);
  for (let lane = 0; lane < 5; lane++) {
    const { sessionId } = store.ensureLane(`chat-${lane}`);
    for (let i = 0; i < 6; i++) {
      store.appendEvent(sessionId, null, { kind: 'assistant_text', payload: { text: `${lane}:${i}:`.padEnd(8_000, 'x'), final: true } });
    }
  }
  store.close();
}

describe('a corrupt or unreadable store is never overwritten (R2)', () => {
  it('R2: random bytes in baton.db fail with StoreCorruptError naming the file, and the bytes stay as they were', async () => {
    const dir = temp.dataDir();
    const file = storeFile(dir);
    const garbage = crypto.randomBytes(16_384);
    fs.writeFileSync(file, garbage);

    const error = await rejectionOf(SessionStore.open({ dataDir: dir }));

    expect(error).toBeInstanceOf(StoreCorruptError);
    const corrupt = error as StoreCorruptError;
    expect(corrupt.code).toBe('STORE_CORRUPT');
    expect(corrupt.file).toBe(file);
    expect(corrupt.message).toContain(file);
    expect(corrupt.newestBackup).toBeNull();
    expect(corrupt.message).toContain('No backup is available yet');
    expect(fs.readFileSync(file).equals(garbage)).toBe(true);
    expect(fs.readdirSync(dir)).toEqual(['baton.db']); // no journal or backup written beside it
  });

  it('R2: a corrupt store offers the newest backup, and the backup is left intact', async () => {
    const dir = temp.dataDir();
    const store = await temp.open(dir);
    store.ensureLane('chat-1');
    const backup = await store.backupNow('daily');
    store.close();
    const backupBytes = fs.readFileSync(backup);
    const garbage = crypto.randomBytes(16_384);
    fs.writeFileSync(storeFile(dir), garbage);

    const error = await rejectionOf(SessionStore.open({ dataDir: dir }));

    expect(error).toBeInstanceOf(StoreCorruptError);
    expect((error as StoreCorruptError).newestBackup).toBe(backup);
    expect((error as StoreCorruptError).message).toContain(backup);
    expect(fs.readFileSync(storeFile(dir)).equals(garbage)).toBe(true);
    expect(fs.readFileSync(backup).equals(backupBytes)).toBe(true);
  });

  it('R2: a store with garbage pages in the middle fails the integrity check with StoreCorruptError and is left unchanged', async () => {
    const dir = temp.dataDir();
    await populatedStore(dir);
    const file = storeFile(dir);
    const bytes = fs.readFileSync(file);
    const pageSize = bytes.readUInt16BE(16);
    const pages = bytes.length / pageSize;
    expect(pages).toBeGreaterThan(20);
    for (let page = Math.floor(pages / 3); page < Math.floor((2 * pages) / 3); page++) {
      crypto.randomFillSync(bytes, page * pageSize, pageSize);
    }
    fs.writeFileSync(file, bytes);

    const error = await rejectionOf(SessionStore.open({ dataDir: dir, verifyIntegrity: true }));

    expect(error).toBeInstanceOf(StoreCorruptError);
    expect((error as StoreCorruptError).file).toBe(file);
    expect(fs.readFileSync(file).equals(bytes)).toBe(true);
  });

  it('R2: a truncated store fails the integrity check with StoreCorruptError and is left unchanged', async () => {
    const dir = temp.dataDir();
    await populatedStore(dir);
    const file = storeFile(dir);
    const whole = fs.readFileSync(file);
    const half = whole.subarray(0, Math.floor(whole.length / whole.readUInt16BE(16) / 2) * whole.readUInt16BE(16));
    fs.writeFileSync(file, half);

    const error = await rejectionOf(SessionStore.open({ dataDir: dir, verifyIntegrity: true }));

    expect(error).toBeInstanceOf(StoreCorruptError);
    expect(fs.readFileSync(file).equals(half)).toBe(true);
  });

  it('R2: a sound store passes the integrity check and keeps its rows', async () => {
    const dir = temp.dataDir();
    await populatedStore(dir);
    const store = await temp.open(dir, { verifyIntegrity: true });
    expect(store.integrityProblems()).toBeNull();
    expect(store.listLanes()).toHaveLength(5);
    expect(store.countEvents()).toBe(30);
  });

  it('R2: a store written by a newer schema fails with StoreTooNewError and is byte-for-byte untouched', async () => {
    const dir = temp.dataDir();
    const store = await temp.open(dir);
    store.ensureLane('from-the-future');
    store.close();
    withRawDb(dir, (db) => db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`));
    const file = storeFile(dir);
    const bytes = fs.readFileSync(file);
    const entries = fs.readdirSync(dir).sort();

    const error = await rejectionOf(SessionStore.open({ dataDir: dir }));

    expect(error).toBeInstanceOf(StoreTooNewError);
    expect(error).toMatchObject({ code: 'STORE_TOO_NEW', file, fileVersion: LATEST_SCHEMA_VERSION + 1, supportedVersion: LATEST_SCHEMA_VERSION });
    expect(fs.readFileSync(file).equals(bytes)).toBe(true);
    expect(fs.readdirSync(dir).sort()).toEqual(entries); // no backup, no journal left behind
  });
});

describe('one Baton per data directory (R2)', () => {
  it('R2: a second opener in the same process fails with DataDirInUseError and the first store keeps working', async () => {
    const dir = temp.dataDir();
    const first = await temp.open(dir);
    first.ensureLane('chat-1');

    const error = await rejectionOf(SessionStore.open({ dataDir: dir }));

    expect(error).toBeInstanceOf(DataDirInUseError);
    expect((error as DataDirInUseError).message).toContain('Baton is already running with this data directory');
    expect((error as DataDirInUseError).dataDir).toBe(dir);
    expect(first.markResumePending('chat-1', 'crash')).toBe(true);
    expect(first.getLane('chat-1')?.resumePending).toBe(true);
    // The refused opener did not take the lock with it: still refused while the first is open.
    expect(await rejectionOf(SessionStore.open({ dataDir: dir }))).toBeInstanceOf(DataDirInUseError);

    first.close();
    const second = await temp.open(dir);
    expect(second.getLane('chat-1')).toMatchObject({ resumePending: true, resumeReason: 'crash' });
  });

  it("R2: a second opener while another process holds the store fails with DataDirInUseError; after SIGKILL the store opens with the dead process's writes", async () => {
    const dir = temp.dataDir();
    let held: StoreChild | null = await startStoreChild(dir);
    try {
      expect(held.state).toBe('ready');
      const error = await rejectionOf(SessionStore.open({ dataDir: dir }));
      expect(error).toBeInstanceOf(DataDirInUseError);
      expect((error as DataDirInUseError).message).toContain('Baton is already running with this data directory');

      await held.kill();
      held = null;

      const store = await temp.open(dir);
      expect(store.getLane('held-by-child')).toMatchObject({ resumePending: true, resumeReason: 'crash' });
      expect(store.integrityProblems()).toBeNull();
    } finally {
      await held?.kill();
    }
  });

  it('R2: a refused opener in this process does not drop the OS lock: another process is still refused', async () => {
    const dir = temp.dataDir();
    const first = await temp.open(dir);
    first.ensureLane('chat-1');
    expect(await rejectionOf(SessionStore.open({ dataDir: dir }))).toBeInstanceOf(DataDirInUseError);

    const other = await startStoreChild(dir);
    try {
      expect(other.state).toBe('in-use');
    } finally {
      await other.kill();
    }
    expect(first.getLane('held-by-child')).toBeNull();
  });
});
