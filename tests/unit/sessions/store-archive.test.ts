/**
 * Issue 11 (SPEC L36): the whole store exports as a JSON Lines archive or a SQLite copy and
 * imports into a running store — every lane, session, turn and event, lossless; a newer schema and
 * a damaged archive are refused whole; colliding conversations get new keys, never overwrite.
 * Real SQLite stores in temp data dirs.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION } from '../../../electron/core/sessions/migrations.ts';
import { ArchiveRefusedError, exportArchive, importArchive, parseArchive, validateStoreCopy } from '../../../electron/core/sessions/store-archive.ts';
import type { SessionStore } from '../../../electron/core/sessions/store.ts';
import { fakeClock, useTempStores } from '../../support/temp-store.ts';

const temp = useTempStores();

/** Two conversations with two sessions, turns of every outcome and every common event kind, one pinned, one in the trash. */
async function filledStore(): Promise<SessionStore> {
  const clock = fakeClock();
  const store = await temp.open(temp.dataDir(), { now: clock.now });
  const a = store.ensureLane('lane_a', { title: 'Garden plans' });
  store.beginTurn({ laneKey: 'lane_a', turnId: 'turn_a1', trigger: 'message', userText: 'What should I plant?' });
  clock.advance(1000);
  const text = store.appendEvent(a.sessionId, 'turn_a1', { kind: 'assistant_text', payload: { text: 'Tomatoes', final: false } });
  store.updateEventPayload(text.seq, { kind: 'assistant_text', payload: { text: 'Tomatoes and beans.', final: true } });
  store.appendEvent(a.sessionId, 'turn_a1', { kind: 'tool_call', payload: { callId: 'c1', name: 'read_file', args: { path: 'beds.md', nested: [1, { x: null }] }, effect: 'read-only' } });
  store.appendEvent(a.sessionId, 'turn_a1', { kind: 'tool_result', payload: { callId: 'c1', output: 'bed 1: 2 m²\nbed 2: ünïcödé ✓', isError: false } });
  store.endTurn({ laneKey: 'lane_a', turnId: 'turn_a1', outcome: 'completed' });
  clock.advance(1000);
  store.startNewSession('lane_a', 'user');
  const a2 = store.getLane('lane_a')!.sessionId;
  store.beginTurn({ laneKey: 'lane_a', turnId: 'turn_a2', trigger: 'message', userText: 'And in winter?' });
  store.endTurn({ laneKey: 'lane_a', turnId: 'turn_a2', outcome: 'failed', error: 'provider down' });
  store.appendEvent(a2, null, { kind: 'notice', payload: { code: 'x', text: 'a notice', data: { n: 1 } } });
  store.lanes.setPinned('lane_a', true);

  clock.advance(1000);
  const b = store.ensureLane('lane_b', { title: 'Taxes' });
  store.beginTurn({ laneKey: 'lane_b', turnId: 'turn_b1', trigger: 'message', userText: 'Deadline?' });
  store.endTurn({ laneKey: 'lane_b', turnId: 'turn_b1', outcome: 'interrupted', cause: 'stop', reason: null });
  store.appendEvent(b.sessionId, null, { kind: 'user_message', payload: { text: 'second' } });
  store.trash.moveToTrash('lane_b');
  return store;
}

type Rows = Record<string, unknown>[];
function rows(store: SessionStore, sql: string): Rows {
  return store.withConnection((db) => db.prepare(sql).all() as Rows);
}

/** Everything of a store that an import must carry, without the target's own sequence numbers. */
function snapshot(store: SessionStore) {
  return {
    lanes: rows(store, 'SELECT lane_key, session_id, created_at, updated_at, origin_platform, title, suspended, input_tokens, output_tokens, pinned, deleted_at FROM lanes ORDER BY lane_key'),
    sessions: rows(store, 'SELECT * FROM sessions ORDER BY session_id'),
    turns: rows(store, 'SELECT * FROM turns ORDER BY turn_id'),
    events: rows(store, 'SELECT session_id, turn_id, kind, payload, created_at, updated_at FROM events ORDER BY seq'),
  };
}

function archiveOf(store: SessionStore): string {
  return store.withConnection((db) => exportArchive(db, Date.UTC(2025, 5, 1))).text;
}

function importInto(store: SessionStore, text: string) {
  return store.withConnection((db) => importArchive(db, parseArchive(text, LATEST_SCHEMA_VERSION)));
}

function lineIndex(lines: string[], match: (record: { type: string; row: Record<string, unknown> }) => boolean): number {
  return lines.findIndex((line, i) => i > 0 && match(JSON.parse(line) as { type: string; row: Record<string, unknown> }));
}

describe('store archive (issue 11, L36)', () => {
  it('L36: export → import into a fresh data dir carries every lane, session, turn and event unchanged', async () => {
    const source = await filledStore();
    const text = archiveOf(source);
    const header = JSON.parse(text.split('\n')[0]!) as Record<string, unknown>;
    expect(header).toMatchObject({ format: 'baton-store-archive', archiveVersion: 1, schemaVersion: LATEST_SCHEMA_VERSION, counts: { lanes: 2, sessions: 3, turns: 3, events: 10 } });

    const target = await temp.open(temp.dataDir());
    const report = importInto(target, text);

    expect(report).toMatchObject({ lanes: 2, sessions: 3, turns: 3, events: 10, renamed: [] });
    expect(snapshot(target)).toEqual(snapshot(source));
    // The imported store works as a store: events read back through the transcript, search finds them.
    const a = target.getLane('lane_a')!;
    expect(a.pinned).toBe(true);
    expect(target.getLane('lane_b')!.deletedAt).not.toBeNull();
    expect(target.listSessions('lane_a').map((s) => target.listEvents(s.sessionId))).toEqual(source.listSessions('lane_a').map((s) => source.listEvents(s.sessionId)).map((events) => events.map((e) => ({ ...e, seq: expect.any(Number) }))));
    expect(target.searchLanes('beans').map((hit) => hit.laneKey)).toEqual(['lane_a']);
  });

  it('L36: a SQLite copy (online backup) imports through the same validation, unchanged', async () => {
    const source = await filledStore();
    const file = path.join(temp.dataDir(), 'copy.db');
    await source.withConnection((db) => db.backup(file));
    const copy = new Database(file, { readonly: true });
    const archive = validateStoreCopy(copy, LATEST_SCHEMA_VERSION);
    copy.close();

    const target = await temp.open(temp.dataDir());
    target.withConnection((db) => importArchive(db, archive));
    expect(snapshot(target)).toEqual(snapshot(source));
  });

  it('L36: an archive written by a newer schema is refused whole with a clear error; nothing is imported', async () => {
    const source = await filledStore();
    const lines = archiveOf(source).split('\n');
    lines[0] = JSON.stringify({ ...JSON.parse(lines[0]!), schemaVersion: LATEST_SCHEMA_VERSION + 1 });
    const target = await temp.open(temp.dataDir());

    expect(() => importInto(target, lines.join('\n'))).toThrow(ArchiveRefusedError);
    expect(() => importInto(target, lines.join('\n'))).toThrow(`written by a newer Baton (store schema ${LATEST_SCHEMA_VERSION + 1}; this Baton knows up to ${LATEST_SCHEMA_VERSION})`);
    expect(target.listLanes()).toEqual([]);

    // The same for a SQLite copy whose user_version is newer.
    const file = path.join(temp.dataDir(), 'newer.db');
    await source.withConnection((db) => db.backup(file));
    const copy = new Database(file);
    copy.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    expect(() => validateStoreCopy(copy, LATEST_SCHEMA_VERSION)).toThrow('written by a newer Baton');
    copy.close();
  });

  it('L36/R1: a damaged archive is refused as a whole, naming the line and the conversation it failed at', async () => {
    const source = await filledStore();
    const lines = archiveOf(source).split('\n');
    // A bad payload in the SECOND conversation: the first one, valid, must not be imported either.
    const bad = lineIndex(lines, (r) => r.type === 'event' && r.row.kind === 'user_message' && String(r.row.payload).includes('second'));
    const record = JSON.parse(lines[bad]!) as { row: Record<string, unknown> };
    lines[bad] = JSON.stringify({ ...record, row: { ...record.row, payload: JSON.stringify({ text: 42 }) } });
    const target = await temp.open(temp.dataDir());

    expect(() => importInto(target, lines.join('\n'))).toThrow(new RegExp(`damaged at line ${bad + 1} \\(conversation “Taxes”, lane_b\\): event \\d+ \\(user_message\\) has an invalid payload`));
    expect(target.listLanes()).toEqual([]);
    expect(target.countEvents()).toBe(0);

    // A line cut short (a truncated download) is refused the same way.
    const cut = archiveOf(source).split('\n');
    cut[3] = cut[3]!.slice(0, 20);
    expect(() => importInto(target, cut.join('\n'))).toThrow('damaged at line 4: it is not JSON');
    // An event of a kind this build does not know.
    const unknown = archiveOf(source).split('\n');
    const ev = lineIndex(unknown, (r) => r.type === 'event');
    const evRecord = JSON.parse(unknown[ev]!) as { row: Record<string, unknown> };
    unknown[ev] = JSON.stringify({ ...evRecord, row: { ...evRecord.row, kind: 'mystery' } });
    expect(() => importInto(target, unknown.join('\n'))).toThrow(`damaged at line ${ev + 1} (conversation “Garden plans”, lane_a): event`);
    expect(() => importInto(target, 'not an archive')).toThrow('not a Baton store archive');
    expect(target.listLanes()).toEqual([]);
  });

  it('L36: importing into a store that has the same conversations never overwrites: they come in under new keys, titled "(imported)"', async () => {
    const store = await filledStore();
    const before = snapshot(store);
    const text = archiveOf(store);

    const report = importInto(store, text);

    expect(report.renamed.map((r) => r.from)).toEqual(['lane_a', 'lane_b']);
    const keys = report.renamed.map((r) => r.to);
    expect(new Set(keys).size).toBe(2);
    for (const key of keys) expect(key).toMatch(/^lane_/);
    // The originals are exactly as they were.
    const after = snapshot(store);
    expect(after.lanes.filter((l) => l.lane_key === 'lane_a' || l.lane_key === 'lane_b')).toEqual(before.lanes);
    expect(after.events.slice(0, before.events.length)).toEqual(before.events);
    // The copies: new keys, new session and turn ids, "(imported)" titles, the same events.
    const copyA = store.getLane(keys[0]!)!;
    expect(copyA.title).toBe('Garden plans (imported)');
    expect(store.getLane(keys[1]!)!.title).toBe('Taxes (imported)');
    expect(copyA.sessionId).not.toBe(store.getLane('lane_a')!.sessionId);
    const strip = (events: ReturnType<SessionStore['listEvents']>) => events.map(({ kind, payload, createdAt }) => ({ kind, payload, createdAt }));
    expect(store.listSessions(keys[0]!).map((s) => strip(store.listEvents(s.sessionId)))).toEqual(store.listSessions('lane_a').map((s) => strip(store.listEvents(s.sessionId))));
    expect(after.events).toHaveLength(before.events.length * 2);
    expect(after.turns).toHaveLength(before.turns.length * 2);
  });

  it('L36: an imported conversation does not carry the exporting run\'s live state: never resume pending or mid-turn', async () => {
    const clock = fakeClock();
    const source = await temp.open(temp.dataDir(), { now: clock.now });
    source.ensureLane('lane_live', { title: 'Mid-turn' });
    source.beginTurn({ laneKey: 'lane_live', turnId: 'turn_open', trigger: 'message', userText: 'running when exported' });
    source.markResumePending('lane_live', 'restart_timeout');

    const target = await temp.open(temp.dataDir());
    importInto(target, archiveOf(source));

    expect(target.getLane('lane_live')).toMatchObject({ resumePending: false, resumeReason: null, activeTurn: null, restartFailureCount: 0 });
    expect(target.getTurn('turn_open')).toMatchObject({ outcome: 'interrupted' });
    expect(target.recoverOpenTurns()).toEqual([]);
    expect(target.listEvents(target.getLane('lane_live')!.sessionId).map((e) => e.kind)).toEqual(['user_message']);
  });

  it('L36: a file that is no Baton store is refused as a copy', () => {
    const file = path.join(temp.dataDir(), 'other.db');
    const db = new Database(file);
    db.exec('CREATE TABLE notes (x)');
    expect(() => validateStoreCopy(db, LATEST_SCHEMA_VERSION)).toThrow('not a Baton store');
    db.close();
    fs.rmSync(file);
  });
});
