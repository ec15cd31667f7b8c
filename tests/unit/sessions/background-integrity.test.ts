/**
 * L14/R2 and issue 13: after an unclean exit the store is checked in the background, not before
 * ready. Real SQLite files with real damage on disk, the real core (openBatonCore) and the real
 * worker thread: damage found by the background check is reported like damage found by a
 * statement (file and newest backup named, every later write refused, the file never changed
 * again), and until the check has found the file sound no backup and no clean-exit marker is written.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CleanExitMarker } from '../../../electron/core/lifecycle/clean-exit-marker.ts';
import { startBackgroundIntegrityCheck } from '../../../electron/core/sessions/background-integrity.ts';
import { StoreCorruptError } from '../../../electron/core/sessions/store-errors.ts';
import type { SessionStore } from '../../../electron/core/sessions/store.ts';
import { CoreHarness } from '../../support/core-harness.ts';
import { storeFile, useTempStores } from '../../support/temp-store.ts';

const temp = useTempStores();
const harnesses: CoreHarness[] = [];

afterEach(() => {
  for (const harness of harnesses.splice(0)) harness.cleanup();
});

function digest(file: string): string {
  return fs.existsSync(file) ? crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex') : 'absent';
}

/** Enough transcript to span many pages; lanes and turns (what startup reads) come first in the file. */
function populate(store: SessionStore): void {
  for (let lane = 0; lane < 8; lane++) {
    const { sessionId } = store.ensureLane(`chat-${lane}`);
    for (let i = 0; i < 8; i++) {
      store.appendEvent(sessionId, null, { kind: 'assistant_text', payload: { text: `${lane}:${i}:`.padEnd(8_000, 'x'), final: true } });
    }
  }
}

/** Random bytes over the middle third of the file's pages: transcript pages, found only by a full check or a transcript read. */
function damageMiddle(file: string): void {
  const bytes = fs.readFileSync(file);
  const pageSize = bytes.readUInt16BE(16);
  const pages = bytes.length / pageSize;
  expect(pages).toBeGreaterThan(20);
  for (let page = Math.floor(pages / 3); page < Math.floor((2 * pages) / 3); page++) crypto.randomFillSync(bytes, page * pageSize, pageSize);
  fs.writeFileSync(file, bytes);
}

function damageSeen(store: SessionStore): Promise<StoreCorruptError> {
  return store.damaged ? Promise.resolve(store.damaged) : new Promise((resolve) => store.onDamaged(resolve));
}

describe('the integrity check after an unclean exit runs in the background (L14, R2, issue 13)', () => {
  it('L14/R2: a store damaged on disk still opens after a crash; the background check reports the damage with the newest backup, and nothing is written to it again', async () => {
    const harness = await CoreHarness.start();
    harnesses.push(harness);
    populate(harness.core.store);
    const backup = await harness.core.store.backupNow('daily');
    harness.crash();
    const file = storeFile(harness.dataDir);
    damageMiddle(file);
    const backupsDir = path.dirname(backup);
    const backupsBefore = fs.readdirSync(backupsDir).sort();

    // Before issue 13 the open itself ran quick_check and refused to start.
    const core = await harness.launch();
    const found = await damageSeen(core.store);

    expect(found).toBeInstanceOf(StoreCorruptError);
    expect(found.foundWhileRunning).toBe(true);
    expect(found.message).toContain(file);
    expect(found.newestBackup).toBe(backup);
    expect(found.message).toContain(backup);
    expect(harness.logs).toContain(found.message);
    const after = { db: digest(file), wal: digest(`${file}-wal`) };
    // Every later write is refused with the same error, without running SQL.
    expect(() => core.store.ensureLane('new-chat')).toThrow(found);
    expect(() => core.store.enqueueInput('chat-0', 'hello')).toThrow(found);
    await expect(core.store.backupNow('daily')).rejects.toBe(found);
    // A quit: no clean-exit marker, so the next start checks the file again.
    const drained = await core.requestExit('quit');
    expect(drained.cleanMarkerWritten).toBe(false);
    expect(new CleanExitMarker(harness.dataDir).exists()).toBe(false);
    harness.crash();
    expect({ db: digest(file), wal: digest(`${file}-wal`) }).toEqual(after);
    // No backup of the damaged file joined (or pushed out) the good ones.
    expect(fs.readdirSync(backupsDir).sort()).toEqual(backupsBefore);
  });

  it('L14/R2: until the check has found the store sound, the clean-exit marker is refused; once it has, it is written and automatic checkpoints are back', async () => {
    const dir = temp.dataDir();
    const first = await temp.open(dir);
    populate(first);
    first.close();
    const store = await temp.open(dir);
    const marker = new CleanExitMarker(dir);
    const check = startBackgroundIntegrityCheck(store, () => {});
    const guarded = check.guardMarker(marker);
    // The worker cannot have answered yet: its answer comes through the event loop.
    expect(check.verified).toBe(false);
    expect(() => guarded.write({ reason: 'quit', at: 1, version: 'test' })).toThrow(/has not found the store sound/);
    expect(marker.exists()).toBe(false);
    expect(store.withConnection((db) => db.pragma('wal_autocheckpoint', { simple: true }))).toBe(0);
    // Writes go on meanwhile (into the WAL).
    store.ensureLane('while-checking');

    expect(await check.result).toBe('sound');
    expect(check.verified).toBe(true);
    expect(store.damaged).toBeNull();
    expect(store.withConnection((db) => db.pragma('wal_autocheckpoint', { simple: true }))).toBe(1000);
    guarded.write({ reason: 'quit', at: 1, version: 'test' });
    expect(marker.exists()).toBe(true);
    expect(store.listLanes().map((lane) => lane.laneKey)).toContain('while-checking');
  });

  it('issue 13: a sound store after a crash opens, the check finds it sound, and the daily backup follows it', async () => {
    const harness = await CoreHarness.start();
    harnesses.push(harness);
    populate(harness.core.store);
    harness.crash();
    const backups = path.join(harness.dataDir, 'backups');
    fs.rmSync(backups, { recursive: true, force: true });

    const core = await harness.launch();
    // Nothing copied before the check has read the file.
    expect(fs.existsSync(backups) ? fs.readdirSync(backups) : []).toEqual([]);
    await waitForFileIn(backups);
    expect(core.store.damaged).toBeNull();
    expect(harness.logs.filter((line) => /damaged|integrity/i.test(line))).toEqual([expect.stringMatching(/^The conversation store passed its integrity check after the unclean exit \(\d+ ms, in the background\)\.$/)]);
  });
});

/** Resolves when `dir` has a file in it (fs.watch on its parent, then on it). */
async function waitForFileIn(dir: string): Promise<void> {
  const parent = path.dirname(dir);
  const has = () => fs.existsSync(dir) && fs.readdirSync(dir).some((name) => !name.endsWith('.partial') && !name.startsWith('.'));
  if (has()) return;
  await new Promise<void>((resolve) => {
    const watcher = fs.watch(parent, { recursive: true }, () => {
      if (has()) {
        watcher.close();
        resolve();
      }
    });
    if (has()) {
      watcher.close();
      resolve();
    }
  });
}
