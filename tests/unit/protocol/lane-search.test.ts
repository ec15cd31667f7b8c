/** `lanes.search` rests on the store's FTS5 index (schema v3): titles and message text, kept current by triggers. */
import { describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../../electron/core/sessions/migrations.ts';
import { ftsQuery } from '../../../electron/core/sessions/store.ts';
import { useTempStores, withRawDb } from '../../support/temp-store.ts';

describe('lane search (store v3)', () => {
  const temp = useTempStores();

  it('finds lanes by title words and prefixes, ignoring case and accents', async () => {
    const store = await temp.open(temp.dataDir());
    store.ensureLane('a', { title: 'Café in Zürich' });
    store.ensureLane('b', { title: 'Tax return 2025' });
    expect(store.searchLanes('zurich').map((h) => h.laneKey)).toEqual(['a']);
    expect(store.searchLanes('CAFE').map((h) => h.laneKey)).toEqual(['a']);
    expect(store.searchLanes('ret 2025')).toEqual([{ laneKey: 'b', title: 'Tax return 2025', snippet: 'Tax return 2025' }]);
    expect(store.searchLanes('tax zurich')).toEqual([]);
  });

  it('finds lanes by the text of user and assistant messages, also after a rename and as streamed text grows', async () => {
    const store = await temp.open(temp.dataDir());
    const lane = store.ensureLane('a', { title: 'Ops' });
    store.appendEvent(lane.sessionId, null, { kind: 'user_message', payload: { text: 'Why did the nightly backup fail?' } });
    const streaming = store.appendEvent(lane.sessionId, 't1', { kind: 'assistant_text', payload: { text: 'The disk', final: false } });
    store.appendEvent(lane.sessionId, 't1', { kind: 'notice', payload: { code: 'x', text: 'quarantined notice text' } });
    expect(store.searchLanes('nightly').map((h) => h.laneKey)).toEqual(['a']);
    expect(store.searchLanes('quarantined')).toEqual([]); // notices are not conversation text
    expect(store.searchLanes('inodes')).toEqual([]);

    store.updateEventPayload(streaming.seq, { kind: 'assistant_text', payload: { text: 'The disk ran out of inodes.', final: true } });
    const [hit] = store.searchLanes('inodes');
    expect(hit).toMatchObject({ laneKey: 'a', title: 'Ops' });
    expect(hit!.snippet).toContain('inodes');

    store.setTitle('a', 'Storage incident');
    expect(store.searchLanes('ops')).toEqual([]);
    expect(store.searchLanes('storage').map((h) => h.laneKey)).toEqual(['a']);
    // Earlier sessions of the lane stay searchable.
    store.startNewSession('a', 'user');
    expect(store.searchLanes('nightly').map((h) => h.laneKey)).toEqual(['a']);
  });

  it('a title match ranks before message matches, each lane once', async () => {
    const store = await temp.open(temp.dataDir());
    const first = store.ensureLane('by-message');
    store.appendEvent(first.sessionId, null, { kind: 'user_message', payload: { text: 'kubernetes upgrade notes' } });
    store.appendEvent(first.sessionId, null, { kind: 'user_message', payload: { text: 'more kubernetes' } });
    store.ensureLane('by-title', { title: 'Kubernetes' });
    expect(store.searchLanes('kubernetes').map((h) => h.laneKey)).toEqual(['by-title', 'by-message']);
  });

  it('migrating a v2 store indexes what it already holds and skips unreadable payloads', async () => {
    const dir = temp.dataDir();
    const old = await temp.open(dir, { migrations: MIGRATIONS.slice(0, 2) });
    expect(old.schemaVersion).toBe(2);
    const lane = old.ensureLane('legacy', { title: 'Old garden plans' });
    old.appendEvent(lane.sessionId, null, { kind: 'user_message', payload: { text: 'plant tomatoes in May' } });
    old.close();
    withRawDb(dir, (db) => {
      db.prepare("INSERT INTO events (session_id, turn_id, kind, payload, created_at) VALUES (?, NULL, 'user_message', '{broken', 0)").run(lane.sessionId);
    });

    const store = await temp.open(dir);
    expect(store.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
    expect(store.searchLanes('garden').map((h) => h.laneKey)).toEqual(['legacy']);
    expect(store.searchLanes('tomatoes').map((h) => h.laneKey)).toEqual(['legacy']);
    expect(store.backups.list().map((b) => b.label)).toEqual(['pre-migration-v3']);
  });

  it('turns any query into safe FTS5 terms', () => {
    expect(ftsQuery('hello world')).toBe('"hello"* "world"*');
    expect(ftsQuery('"; DROP TABLE lanes; -- NEAR(a b) *')).toBe('"DROP"* "TABLE"* "lanes"* "NEAR"* "a"* "b"*');
    expect(ftsQuery('  !!! ')).toBeNull();
  });
});
