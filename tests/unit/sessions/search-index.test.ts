/**
 * Search indexing off the streaming path (issue 13, L26, store v8): a streamed assistant message
 * enters the FTS5 index once, when it is final, or when its turn ends cut short (stop, failure,
 * crash recovery) — never on each 250 ms flush — and every message that exists stays searchable.
 */
import { describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../../electron/core/sessions/migrations.ts';
import type { SessionStore } from '../../../electron/core/sessions/store.ts';
import { useTempStores, withRawDb } from '../../support/temp-store.ts';

const temp = useTempStores();

/** Rows written so far, trigger writes included (FTS5 index writes count here): the probe for re-indexing. */
function totalChanges(store: SessionStore): number {
  return store.withConnection((db) => Number((db.prepare('SELECT total_changes() AS n').get() as { n: number }).n));
}

function indexed(store: SessionStore, seq: number): string[] {
  return store.withConnection((db) => (db.prepare('SELECT text FROM message_fts WHERE rowid = ?').all(seq) as Array<{ text: string }>).map((r) => r.text));
}

const laneKeys = (store: SessionStore, query: string): string[] => store.searchLanes(query).map((h) => h.laneKey);

describe('search index off the streaming path (issue 13, L26, store v8)', () => {
  it('L26: a streamed answer is not re-indexed on each flush and is searchable once final', async () => {
    const store = await temp.open(temp.dataDir());
    const lane = store.ensureLane('a', { title: 'Ops' });
    store.beginTurn({ laneKey: 'a', turnId: 't1', trigger: 'message', userText: 'why is the disk full?' });
    let text = 'The disk';
    const row = store.appendEvent(lane.sessionId, 't1', { kind: 'assistant_text', payload: { text, final: false } });
    // Each flush is the row's own UPDATE and nothing else: one change, no FTS delete + insert,
    // and a search meanwhile does not index the answer still streaming.
    for (let flush = 0; flush < 20; flush++) {
      text += ` word${flush}`;
      const before = totalChanges(store);
      store.updateEventPayload(row.seq, { kind: 'assistant_text', payload: { text, final: false } });
      expect(totalChanges(store) - before).toBe(1);
    }
    expect(laneKeys(store, 'word19')).toEqual([]);
    expect(indexed(store, row.seq)).toEqual([]);

    text += ' ran out of inodes.';
    store.updateEventPayload(row.seq, { kind: 'assistant_text', payload: { text, final: true } });
    expect(laneKeys(store, 'inodes')).toEqual(['a']);
    expect(indexed(store, row.seq)).toEqual([text]);
    store.endTurn({ laneKey: 'a', turnId: 't1', outcome: 'completed' });
    expect(indexed(store, row.seq)).toEqual([text]);
    expect(laneKeys(store, 'word7 inodes')).toEqual(['a']);
    // The user's message is indexed as it is written, as before.
    expect(laneKeys(store, 'full')).toEqual(['a']);
  });

  it('L26: an append writes no index; the turn’s end indexes its messages in one batch, and a search sees them before', async () => {
    const store = await temp.open(temp.dataDir());
    const lane = store.ensureLane('a');
    store.beginTurn({ laneKey: 'a', turnId: 't1', trigger: 'message', userText: 'ask about airships' });
    const before = totalChanges(store);
    const row = store.appendEvent(lane.sessionId, 't1', { kind: 'assistant_text', payload: { text: 'whole answer about zeppelins', final: true } });
    // The event row and its note in fts_pending: no FTS5 write on the append path.
    expect(totalChanges(store) - before).toBe(2);
    expect(indexed(store, row.seq)).toEqual([]);
    store.endTurn({ laneKey: 'a', turnId: 't1', outcome: 'completed' });
    expect(indexed(store, row.seq)).toEqual(['whole answer about zeppelins']);
    expect(store.withConnection((db) => db.prepare('SELECT count(*) AS n FROM fts_pending').get())).toEqual({ n: 0 });

    // A message outside a finished turn is indexed by the next search.
    store.appendEvent(lane.sessionId, null, { kind: 'user_message', payload: { text: 'blimps too' } });
    expect(laneKeys(store, 'blimps')).toEqual(['a']);
    expect(laneKeys(store, 'zeppelins airships')).toEqual([]);
    expect(laneKeys(store, 'zeppelins')).toEqual(['a']);
  });

  it('L26: an answer stopped mid-stream is searchable once its turn ends interrupted', async () => {
    const store = await temp.open(temp.dataDir());
    const lane = store.ensureLane('a');
    store.beginTurn({ laneKey: 'a', turnId: 't1', trigger: 'message', userText: 'tell me' });
    const row = store.appendEvent(lane.sessionId, 't1', { kind: 'assistant_text', payload: { text: 'The answer begins', final: false } });
    store.updateEventPayload(row.seq, { kind: 'assistant_text', payload: { text: 'The answer begins with marmalade', final: false } });
    expect(laneKeys(store, 'marmalade')).toEqual([]);
    store.endTurn({ laneKey: 'a', turnId: 't1', outcome: 'interrupted', cause: 'stop' });
    expect(laneKeys(store, 'marmalade')).toEqual(['a']);
    // A write after the end (a late flush) keeps the indexed text current.
    store.updateEventPayload(row.seq, { kind: 'assistant_text', payload: { text: 'The answer begins with marmalade and toast', final: false } });
    expect(indexed(store, row.seq)).toEqual(['The answer begins with marmalade and toast']);
  });

  it('L26: a failed turn’s partial answer is searchable after the turn ends', async () => {
    const store = await temp.open(temp.dataDir());
    const lane = store.ensureLane('a');
    store.beginTurn({ laneKey: 'a', turnId: 't1', trigger: 'message', userText: 'tell me' });
    store.appendEvent(lane.sessionId, 't1', { kind: 'assistant_text', payload: { text: 'half of a quokka story', final: false } });
    store.endTurn({ laneKey: 'a', turnId: 't1', outcome: 'failed', error: 'provider went away' });
    expect(laneKeys(store, 'quokka')).toEqual(['a']);
  });

  it('L15, L26: a crashed answer is searchable after crash recovery', async () => {
    const dir = temp.dataDir();
    const store = await temp.open(dir);
    const lane = store.ensureLane('a');
    store.beginTurn({ laneKey: 'a', turnId: 't1', trigger: 'message', userText: 'go' });
    const row = store.appendEvent(lane.sessionId, 't1', { kind: 'assistant_text', payload: { text: 'partial', final: false } });
    store.updateEventPayload(row.seq, { kind: 'assistant_text', payload: { text: 'partial narwhal text', final: false } });
    store.close(); // the process "died" with the turn running

    const reopened = await temp.open(dir);
    expect(laneKeys(reopened, 'narwhal')).toEqual([]);
    reopened.recoverOpenTurns();
    expect(laneKeys(reopened, 'narwhal')).toEqual(['a']);
    expect(indexed(reopened, row.seq)).toEqual(['partial narwhal text']);
  });

  it('L26: deleting an event drops it from the index and from the pending list', async () => {
    const store = await temp.open(temp.dataDir());
    const lane = store.ensureLane('a');
    store.beginTurn({ laneKey: 'a', turnId: 't1', trigger: 'message', userText: 'go' });
    const row = store.appendEvent(lane.sessionId, 't1', { kind: 'assistant_text', payload: { text: 'ephemeral walrus', final: false } });
    store.withConnection((db) => db.prepare('DELETE FROM events WHERE seq = ?').run(row.seq));
    store.endTurn({ laneKey: 'a', turnId: 't1', outcome: 'interrupted', cause: 'stop' });
    expect(laneKeys(store, 'walrus')).toEqual([]);
    expect(store.withConnection((db) => db.prepare('SELECT count(*) AS n FROM fts_pending').get())).toEqual({ n: 0 });
  });

  it('L26: a v7 store migrates to v8 with every message searchable, a running turn’s partial answer included', async () => {
    const dir = temp.dataDir();
    const old = await temp.open(dir, { migrations: MIGRATIONS.filter((m) => m.version <= 7) });
    expect(old.schemaVersion).toBe(7);
    const lane = old.ensureLane('legacy', { title: 'Garden' });
    old.appendEvent(lane.sessionId, 't1', { kind: 'user_message', payload: { text: 'plant tomatoes in May' } });
    old.appendEvent(lane.sessionId, 't1', { kind: 'assistant_text', payload: { text: 'Tomatoes like sun', final: true } });
    old.beginTurn({ laneKey: 'legacy', turnId: 't2', trigger: 'message', userText: 'and beans?' });
    const partial = old.appendEvent(lane.sessionId, 't2', { kind: 'assistant_text', payload: { text: 'Beans climb trellises', final: false } });
    old.close(); // crashed mid-stream under the old build
    // A row an older index missed is indexed by the migration too.
    withRawDb(dir, (db) => db.prepare('DELETE FROM message_fts WHERE rowid = ?').run(partial.seq));

    const store = await temp.open(dir);
    expect(store.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
    expect(laneKeys(store, 'tomatoes')).toEqual(['legacy']);
    expect(laneKeys(store, 'sun')).toEqual(['legacy']);
    expect(laneKeys(store, 'trellises')).toEqual(['legacy']);
    store.recoverOpenTurns();
    expect(indexed(store, partial.seq)).toEqual(['Beans climb trellises']);
    // New streaming after the upgrade follows the v8 rule.
    store.beginTurn({ laneKey: 'legacy', turnId: 't3', trigger: 'message', userText: 'more' });
    const row = store.appendEvent(lane.sessionId, 't3', { kind: 'assistant_text', payload: { text: 'Peas', final: false } });
    expect(indexed(store, row.seq)).toEqual([]);
    store.updateEventPayload(row.seq, { kind: 'assistant_text', payload: { text: 'Peas want cold soil', final: true } });
    expect(laneKeys(store, 'peas cold')).toEqual(['legacy']);
  });
});
