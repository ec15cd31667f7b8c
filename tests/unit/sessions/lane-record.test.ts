import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { laneFromRow, parseMarkTime } from '../../../electron/core/sessions/lane-record.ts';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../../electron/core/sessions/migrations.ts';
import { fakeClock, START, useTempStores, withDbFile, withRawDb } from '../../support/temp-store.ts';

const temp = useTempStores();

describe('lane record (L1)', () => {
  it('L1: a new lane starts with every restart-safety field at its default', async () => {
    const clock = fakeClock();
    const store = await temp.open(temp.dataDir(), { now: clock.now });

    const lane = store.ensureLane('chat-1', { title: 'First chat' });

    expect(lane).toEqual({
      laneKey: 'chat-1',
      sessionId: expect.stringMatching(/^ses_/),
      createdAt: START,
      updatedAt: START,
      origin: { platform: 'desktop' },
      title: 'First chat',
      suspended: false,
      resumePending: false,
      resumeReason: null,
      lastResumeMarkedAt: null,
      restartFailureCount: 0,
      activeTurn: null,
      autoResumedTurnId: null,
      inputTokens: 0,
      outputTokens: 0,
      pinned: false,
      deletedAt: null,
      archivedAt: null,
      provider: null,
      model: null,
      profile: null,
      instructions: null,
      workspaceDir: null,
    });
    expect(store.getSession(lane.sessionId)).toMatchObject({ laneKey: 'chat-1', endedAt: null, title: 'First chat' });
  });

  it('L1: ensureLane returns the existing lane unchanged instead of creating a second session', async () => {
    const store = await temp.open(temp.dataDir());
    const first = store.ensureLane('chat-1', { title: 'kept' });
    const again = store.ensureLane('chat-1', { title: 'ignored', platform: 'other' });
    expect(again).toEqual(first);
    expect(store.listSessions('chat-1')).toHaveLength(1);
  });

  it('L1/L2: resumePending, resumeReason and lastResumeMarkedAt survive close and reopen', async () => {
    const dir = temp.dataDir();
    const clock = fakeClock();
    const store = await temp.open(dir, { now: clock.now });
    store.ensureLane('chat-1');
    clock.advance(5_000);
    expect(store.markResumePending('chat-1', 'update_timeout')).toBe(true);
    const before = store.getLane('chat-1');
    store.close();

    const reopened = await temp.open(dir, { now: clock.now });
    const after = reopened.getLane('chat-1');

    expect(after).toEqual(before);
    expect(after).toMatchObject({ resumePending: true, resumeReason: 'update_timeout', lastResumeMarkedAt: START + 5_000 });
  });

  it('L1: a lane written by schema v1 loads after migration with defaults, and a pre-migration-v2 backup is kept', async () => {
    const dir = temp.dataDir();
    const clock = fakeClock();
    const old = await temp.open(dir, { now: clock.now, migrations: MIGRATIONS.slice(0, 1) });
    expect(old.schemaVersion).toBe(1);
    const written = old.ensureLane('legacy', { title: 'From v1' });
    old.close();
    withRawDb(dir, (db) => {
      const columns = (db.prepare('PRAGMA table_info(lanes)').all() as Array<{ name: string }>).map((c) => c.name);
      expect(columns).not.toContain('resume_pending');
    });

    clock.advance(60_000);
    const store = await temp.open(dir, { now: clock.now });

    expect(store.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
    expect(store.getLane('legacy')).toEqual({
      ...written,
      suspended: false,
      resumePending: false,
      resumeReason: null,
      lastResumeMarkedAt: null,
      restartFailureCount: 0,
      activeTurn: null,
      autoResumedTurnId: null,
      inputTokens: 0,
      outputTokens: 0,
      pinned: false,
      deletedAt: null,
      provider: null,
      model: null,
      profile: null,
      instructions: null,
      workspaceDir: null,
    });
    const backups = fs.readdirSync(path.join(dir, 'backups'));
    expect(backups).toHaveLength(1);
    expect(backups[0]).toMatch(/^baton-\d{8}T\d{9}Z-pre-migration-v2\.db$/);
    // The backup is the v1 database as it was, not the migrated one.
    const backupFile = path.join(dir, 'backups', backups[0]!);
    expect(store.backups.list()[0]).toMatchObject({ file: backupFile, label: 'pre-migration-v2', createdAt: START + 60_000 });
    // The migrated lane behaves like any other: it can be marked.
    expect(store.markResumePending('legacy')).toBe(true);
  });

  it('L1: the pre-migration backup holds the old schema and the old rows', async () => {
    const dir = temp.dataDir();
    const old = await temp.open(dir, { migrations: MIGRATIONS.slice(0, 1) });
    old.ensureLane('legacy');
    old.close();
    const store = await temp.open(dir);
    const backup = store.backups.newest();
    expect(backup).not.toBeNull();
    withDbFile(backup!, (db) => {
      expect(db.pragma('user_version', { simple: true })).toBe(1);
      expect(db.prepare('SELECT lane_key FROM lanes').all()).toEqual([{ lane_key: 'legacy' }]);
    });
  });

  it('L1: a malformed lastResumeMarkedAt loads as null while resumePending and resumeReason are kept', async () => {
    const dir = temp.dataDir();
    const store = await temp.open(dir);
    store.ensureLane('chat-1');
    store.markResumePending('chat-1', 'shutdown_timeout');
    store.close();
    withRawDb(dir, (db) => {
      db.prepare("UPDATE lanes SET last_resume_marked_at = 'not-a-time' WHERE lane_key = 'chat-1'").run();
      expect(db.prepare("SELECT typeof(last_resume_marked_at) AS t FROM lanes").get()).toEqual({ t: 'text' });
    });

    const reopened = await temp.open(dir);

    expect(reopened.getLane('chat-1')).toMatchObject({
      resumePending: true,
      resumeReason: 'shutdown_timeout',
      lastResumeMarkedAt: null,
    });
    expect(reopened.listLanes()[0]).toMatchObject({ laneKey: 'chat-1', lastResumeMarkedAt: null, resumePending: true });
  });
});

describe('laneFromRow (L1)', () => {
  it('L1: an empty row loads with a default for every field', () => {
    expect(laneFromRow({})).toEqual({
      laneKey: '',
      sessionId: '',
      createdAt: 0,
      updatedAt: 0,
      origin: { platform: 'desktop' },
      title: '',
      suspended: false,
      resumePending: false,
      resumeReason: null,
      lastResumeMarkedAt: null,
      restartFailureCount: 0,
      activeTurn: null,
      autoResumedTurnId: null,
      inputTokens: 0,
      outputTokens: 0,
      pinned: false,
      deletedAt: null,
      archivedAt: null,
      provider: null,
      model: null,
      profile: null,
      instructions: null,
      workspaceDir: null,
    });
  });

  it('L1: a v1 row (no restart-safety columns) takes defaults and updatedAt falls back to createdAt', () => {
    const lane = laneFromRow({ lane_key: 'a', session_id: 'ses_1', created_at: 10, origin_platform: 'desktop', title: 't' });
    expect(lane).toMatchObject({ laneKey: 'a', sessionId: 'ses_1', createdAt: 10, updatedAt: 10, title: 't', resumePending: false, resumeReason: null });
  });

  it('L1: a full current row maps every column', () => {
    const lane = laneFromRow({
      lane_key: 'a',
      session_id: 'ses_1',
      created_at: 10,
      updated_at: 20,
      origin_platform: 'cli',
      title: 't',
      suspended: 1,
      resume_pending: 1,
      resume_reason: 'crash',
      last_resume_marked_at: 30,
      restart_failure_count: 2,
      active_turn_id: 'turn_1',
      active_turn_started_at: 25,
      auto_resumed_turn_id: 'turn_0',
      input_tokens: 100n,
      output_tokens: 7,
      pinned: 1,
      deleted_at: 40,
      archived_at: 50,
      provider: 'Local',
      model: 'llama3',
      profile: 'Reviewer',
      instructions: '',
      workspace_dir: '/tmp/w',
    });
    expect(lane).toEqual({
      laneKey: 'a',
      sessionId: 'ses_1',
      createdAt: 10,
      updatedAt: 20,
      origin: { platform: 'cli' },
      title: 't',
      suspended: true,
      resumePending: true,
      resumeReason: 'crash',
      lastResumeMarkedAt: 30,
      restartFailureCount: 2,
      activeTurn: { turnId: 'turn_1', startedAt: 25 },
      autoResumedTurnId: 'turn_0',
      inputTokens: 100,
      outputTokens: 7,
      pinned: true,
      deletedAt: 40,
      archivedAt: 50,
      provider: 'Local',
      model: 'llama3',
      profile: 'Reviewer',
      // An empty override is kept (instructions replaced by none); an empty name is no choice.
      instructions: '',
      workspaceDir: '/tmp/w',
    });
  });

  it('L1: a malformed mark time becomes null while the flag and reason are kept', () => {
    const lane = laneFromRow({ lane_key: 'a', resume_pending: 1, resume_reason: 'restart_timeout', last_resume_marked_at: 'not-a-time' });
    expect(lane).toMatchObject({ resumePending: true, resumeReason: 'restart_timeout', lastResumeMarkedAt: null });
  });

  it('L1: an unknown resume reason from another build is kept verbatim; an empty one is null', () => {
    expect(laneFromRow({ resume_pending: 1, resume_reason: 'future_reason' }).resumeReason).toBe('future_reason');
    expect(laneFromRow({ resume_pending: 1, resume_reason: '' }).resumeReason).toBeNull();
    expect(laneFromRow({ resume_pending: 1, resume_reason: 42 }).resumeReason).toBeNull();
  });

  it('L1: nonsense numbers fall back to defaults and a negative failure count reads as 0', () => {
    const lane = laneFromRow({ created_at: 'yesterday', restart_failure_count: -3, input_tokens: Number.NaN, suspended: 'yes' });
    expect(lane).toMatchObject({ createdAt: 0, restartFailureCount: 0, inputTokens: 0, suspended: false });
  });

  it('L1: an empty active turn id means no running turn', () => {
    expect(laneFromRow({ active_turn_id: '', active_turn_started_at: 5 }).activeTurn).toBeNull();
    expect(laneFromRow({ active_turn_id: 'turn_1' }).activeTurn).toEqual({ turnId: 'turn_1', startedAt: 0 });
  });
});

describe('parseMarkTime (L1)', () => {
  it('L1: a millisecond epoch number, bigint or digit string is a mark time', () => {
    expect(parseMarkTime(1_736_942_400_000)).toBe(1_736_942_400_000);
    expect(parseMarkTime(1_736_942_400_000.7)).toBe(1_736_942_400_000);
    expect(parseMarkTime(1_736_942_400_000n)).toBe(1_736_942_400_000);
    expect(parseMarkTime(' 1736942400000 ')).toBe(1_736_942_400_000);
  });

  it('L1: an ISO 8601 time written by an older build is read', () => {
    expect(parseMarkTime('2025-01-15T12:00:00.000Z')).toBe(Date.UTC(2025, 0, 15, 12));
    expect(parseMarkTime('2025-01-15T13:00:00+01:00')).toBe(Date.UTC(2025, 0, 15, 12));
  });

  it('L1: missing or empty values are null', () => {
    expect(parseMarkTime(null)).toBeNull();
    expect(parseMarkTime(undefined)).toBeNull();
    expect(parseMarkTime('')).toBeNull();
    expect(parseMarkTime('   ')).toBeNull();
  });

  it('L1: malformed values are null, never a made-up time', () => {
    for (const value of ['not-a-time', 'garbage 2020', 'x 12', '-5', 'Infinity', '1e3', '99999999999999999999']) {
      expect(parseMarkTime(value), JSON.stringify(value)).toBeNull();
    }
    for (const value of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, 1e300, 0n, -5n, true, {}, []]) {
      expect(parseMarkTime(value), String(value)).toBeNull();
    }
    expect(parseMarkTime('0')).toBeNull();
  });
});
