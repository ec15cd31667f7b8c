/** Issue 11: schema v10 — images kept per conversation, attachments of queued input, archived lanes. */
import { describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../../electron/core/sessions/migrations.ts';
import { TRASH_DAYS } from '../../../electron/core/sessions/trash.ts';
import { fakeClock, useTempStores } from '../../support/temp-store.ts';

const temp = useTempStores();
const DAY = 24 * 60 * 60 * 1000;
const SHA = 'a'.repeat(64);

describe('attachments and archive in the store (issue 11)', () => {
  it('issue 11: a v9 store migrates to v10 keeping its lanes and queued input; lanes start unarchived', async () => {
    const dir = temp.dataDir();
    const old = await temp.open(dir, { migrations: MIGRATIONS.filter((m) => m.version <= 9) });
    old.ensureLane('a', { title: 'Kept' });
    old.enqueueInput('a', 'waiting', { duringDrain: true });
    old.close();
    const store = await temp.open(dir);
    expect(store.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
    expect(store.getLane('a')).toMatchObject({ title: 'Kept', archivedAt: null });
    expect(store.listQueuedInputs('a')).toMatchObject([{ text: 'waiting', attachments: null }]);
  });

  it('issue 11: an image is kept once per conversation under its hash and survives a reopen', async () => {
    const dir = temp.dataDir();
    const store = await temp.open(dir);
    store.ensureLane('a');
    store.attachments.put('a', SHA, 'image/png', Buffer.from([1, 2, 3]));
    store.attachments.put('a', SHA, 'image/png', Buffer.from([1, 2, 3]));
    const count = store.withConnection((db) => (db.prepare('SELECT count(*) AS n FROM attachment_blobs').get() as { n: number }).n);
    expect(count).toBe(1);
    store.close();
    const again = await temp.open(dir);
    expect(again.attachments.get('a', SHA)).toEqual({ mimeType: 'image/png', data: Buffer.from([1, 2, 3]) });
    expect(again.attachments.get('b', SHA)).toBeNull();
  });

  it('issue 11: queued input keeps its attachments until its turn writes them into the user message', async () => {
    const store = await temp.open(temp.dataDir());
    store.ensureLane('a');
    const attachments = [{ kind: 'image' as const, name: 'x.png', size: 3, mimeType: 'image/png', sha256: SHA }];
    const queued = store.enqueueInput('a', 'look', { attachments });
    expect(store.nextQueuedInput('a')!.attachments).toEqual(attachments);
    const begun = store.beginTurn({ laneKey: 'a', turnId: 'turn_1', trigger: 'message', userText: 'look', queuedInputId: queued.id, attachments });
    expect(begun.userEvent!.payload).toEqual({ text: 'look', attachments });
  });

  it('issue 11: the trash purge removes a conversation\'s images with it', async () => {
    const clock = fakeClock();
    const store = await temp.open(temp.dataDir(), { now: clock.now });
    store.ensureLane('a');
    store.ensureLane('b');
    store.attachments.put('a', SHA, 'image/png', Buffer.from([1]));
    store.attachments.put('b', SHA, 'image/png', Buffer.from([1]));
    store.trash.moveToTrash('a');
    clock.advance((TRASH_DAYS + 1) * DAY);
    expect(store.trash.purgeExpired().laneKeys).toEqual(['a']);
    expect(store.attachments.get('a', SHA)).toBeNull();
    expect(store.attachments.get('b', SHA)).not.toBeNull();
  });

  it('issue 11: archived conversations leave the main list for their own view, newest archived first', async () => {
    const clock = fakeClock();
    const store = await temp.open(temp.dataDir(), { now: clock.now });
    for (const key of ['a', 'b', 'c']) {
      store.ensureLane(key);
      clock.advance(1_000);
    }
    expect(store.lanes.setArchived('a', true)).toBe(true);
    clock.advance(1_000);
    store.lanes.setArchived('c', true);
    expect(store.listLaneSummaries().map((s) => s.lane.laneKey)).toEqual(['b']);
    expect(store.listLaneSummaries('archived').map((s) => s.lane.laneKey)).toEqual(['c', 'a']);
    store.trash.moveToTrash('c');
    expect(store.listLaneSummaries('archived').map((s) => s.lane.laneKey)).toEqual(['a']);
    store.lanes.setArchived('a', false);
    expect(store.listLaneSummaries().map((s) => s.lane.laneKey).sort()).toEqual(['a', 'b']);
    expect(store.lanes.setArchived('nobody', true)).toBe(false);
  });
});
