/**
 * Nothing acknowledged is lost and a damaged file is never written (L2, L7, R2): a full disk turns
 * every write into a clear StoreFullError (never a "saved" row that is missing later), and damage
 * found at any read after open puts the store in a state where nothing touches the file again.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { StoreConnection } from '../../../electron/core/sessions/store-connection.ts';
import { StoreCorruptError, StoreFullError } from '../../../electron/core/sessions/store-errors.ts';
import { SessionStore } from '../../../electron/core/sessions/store.ts';
import { mountTmpfs, type Tmpfs } from '../../support/tmpfs.ts';
import { storeFile, useTempStores, withDbFile } from '../../support/temp-store.ts';

const temp = useTempStores();

function caught(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    return error;
  }
  return null;
}

describe('a full disk never loses an acknowledged write (L2, L7)', () => {
  const tmpfs = mountTmpfs(2048);
  const unavailable = 'unavailable' in tmpfs ? tmpfs.unavailable : null;
  if (unavailable) console.log(`skipped: the real full-disk store test needs a tmpfs (${unavailable})`);
  let fs1: Tmpfs | null = 'unavailable' in tmpfs ? null : tmpfs;

  it.skipIf(unavailable !== null)('L2/L7: on a real full filesystem, every queued message and event is either stored or refused with StoreFullError', async () => {
    const disk = fs1!;
    fs1 = null;
    try {
      let store = await SessionStore.open({ dataDir: disk.dir });
      const { sessionId } = store.ensureLane('chat');
      disk.fill();
      const acknowledgedInputs: number[] = [];
      const acknowledgedEvents: number[] = [];
      const refusals: unknown[] = [];
      for (let i = 0; i < 40; i++) {
        try {
          acknowledgedInputs.push(store.enqueueInput('chat', `message ${i} `.padEnd(3_000, 'm')).id);
        } catch (error) {
          refusals.push(error);
        }
        try {
          acknowledgedEvents.push(store.appendEvent(sessionId, null, { kind: 'assistant_text', payload: { text: `answer ${i} `.padEnd(3_000, 'a'), final: true } }).seq);
        } catch (error) {
          refusals.push(error);
        }
      }
      // The disk really was full, and each refusal says so in words a person understands.
      expect(refusals.length).toBeGreaterThan(0);
      for (const refusal of refusals) {
        expect(refusal).toBeInstanceOf(StoreFullError);
        expect((refusal as Error).message).toContain('the disk is full');
      }
      store.close();
      disk.free();

      // Reopened with space again: everything that was acknowledged is there, nothing else is.
      store = await SessionStore.open({ dataDir: disk.dir, verifyIntegrity: true });
      expect(store.listQueuedInputs('chat').map((input) => input.id)).toEqual(acknowledgedInputs);
      expect(store.listEvents(sessionId).map((event) => event.seq)).toEqual(acknowledgedEvents);
      // And the store works again once there is room.
      expect(store.enqueueInput('chat', 'after').text).toBe('after');
      store.close();
    } finally {
      disk.unmount();
    }
  });
});

describe('the store never asks SQLite for a row of an unchecked commit (L2)', () => {
  it('L2: RETURNING is refused by the store connection, so no insert can hand out an id before its commit succeeded', async () => {
    const dir = temp.dataDir();
    const store = await temp.open(dir);
    const connection = (store as unknown as { db: StoreConnection }).db;
    expect(() => connection.prepare('INSERT INTO queued_inputs (lane_key, text, created_at, during_drain) VALUES (?, ?, ?, 0) RETURNING id')).toThrow(/RETURNING/);
  });

  it('L2: a page limit reached mid-write is a StoreFullError and the store stays usable', async () => {
    const dir = temp.dataDir();
    const store = await temp.open(dir);
    store.ensureLane('chat');
    const connection = (store as unknown as { db: StoreConnection }).db;
    const pages = Number(connection.pragma('page_count', { simple: true }));
    connection.pragma(`max_page_count = ${pages}`);
    const refusal = caught(() => store.enqueueInput('chat', 'x'.repeat(200_000)));
    expect(refusal).toBeInstanceOf(StoreFullError);
    expect(store.listQueuedInputs('chat')).toEqual([]);
    connection.pragma('max_page_count = 1073741823');
    expect(store.enqueueInput('chat', 'fits now').text).toBe('fits now');
  });
});

describe('a store found damaged after open is never written again (R2)', () => {
  /** A closed store with enough rows to span many pages. */
  async function populated(dir: string): Promise<void> {
    const store = await SessionStore.open({ dataDir: dir });
    for (let lane = 0; lane < 8; lane++) {
      const { sessionId } = store.ensureLane(`chat-${lane}`);
      for (let i = 0; i < 8; i++) {
        store.appendEvent(sessionId, null, { kind: 'assistant_text', payload: { text: `${lane}:${i}:`.padEnd(8_000, 'x'), final: true } });
      }
    }
    store.close();
  }

  function digest(file: string): string {
    return fs.existsSync(file) ? crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex') : 'absent';
  }

  it('R2: 4 KiB of garbage after a clean quit is found at the first read, named with the newest backup, and the file is never written again', async () => {
    const dir = temp.dataDir();
    await populated(dir);
    const file = storeFile(dir);
    // Garbage over the root page of the events table: the page every transcript read starts from.
    const { rootpage, pageSize } = withDbFile(file, (db) => ({
      rootpage: Number((db.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'events'").get() as { rootpage: number }).rootpage),
      pageSize: Number(db.pragma('page_size', { simple: true })),
    }));
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, crypto.randomBytes(pageSize), 0, pageSize, (rootpage - 1) * pageSize);
    fs.closeSync(fd);

    // As after a clean exit: no full check at open.
    const store = await temp.open(dir);
    const damagedSeen: StoreCorruptError[] = [];
    store.onDamaged((error) => damagedSeen.push(error));
    const lanes = store.listLanes();
    expect(lanes).toHaveLength(8);
    const found = caught(() => store.listEvents(lanes[0]!.sessionId));
    expect(found).toBeInstanceOf(StoreCorruptError);
    expect((found as StoreCorruptError).message).toContain(file);
    expect((found as StoreCorruptError).foundWhileRunning).toBe(true);
    expect(store.damaged).toBe(found);
    expect(damagedSeen).toEqual([found]);

    const before = { db: digest(file), wal: digest(`${file}-wal`) };
    // Every later read or write is refused with the same error, without running SQL.
    expect(caught(() => store.ensureLane('new-chat'))).toBe(found);
    expect(caught(() => store.enqueueInput('chat-0', 'hello'))).toBe(found);
    expect(caught(() => store.listLanes())).toBe(found);
    await expect(store.backupNow('daily')).rejects.toBe(found);
    store.close();
    expect({ db: digest(file), wal: digest(`${file}-wal`) }).toEqual(before);
  });
});
