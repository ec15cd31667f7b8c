import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { START, useTempStores } from '../../support/temp-store.ts';

const temp = useTempStores();

describe('markResumePending (L3)', () => {
  it('L3: marking an existing lane sets the flag, the default reason restart_timeout and the time', async () => {
    const { clock, store } = await temp.openWithClock();
    store.ensureLane('chat-1');
    clock.advance(1_000);

    expect(store.markResumePending('chat-1')).toBe(true);

    expect(store.getLane('chat-1')).toMatchObject({
      resumePending: true,
      resumeReason: 'restart_timeout',
      lastResumeMarkedAt: START + 1_000,
    });
  });

  it('L3: a custom reason is stored', async () => {
    const { store } = await temp.openWithClock();
    store.ensureLane('chat-1');
    expect(store.markResumePending('chat-1', 'update_timeout')).toBe(true);
    expect(store.getLane('chat-1')?.resumeReason).toBe('update_timeout');
  });

  it('L3: re-marking a pending lane refreshes both the reason and the time', async () => {
    const { clock, store } = await temp.openWithClock();
    store.ensureLane('chat-1');
    store.markResumePending('chat-1', 'restart_timeout');
    clock.advance(30_000);

    expect(store.markResumePending('chat-1', 'shutdown_timeout')).toBe(true);

    expect(store.getLane('chat-1')).toMatchObject({
      resumePending: true,
      resumeReason: 'shutdown_timeout',
      lastResumeMarkedAt: START + 30_000,
    });
  });

  it('L3: marking an unknown lane returns false and creates nothing', async () => {
    const { store } = await temp.openWithClock();
    expect(store.markResumePending('nope')).toBe(false);
    expect(store.getLane('nope')).toBeNull();
    expect(store.listLanes()).toEqual([]);
  });

  it('L3: marking a suspended lane returns false and leaves it suspended, not pending', async () => {
    const { clock, store } = await temp.openWithClock();
    store.ensureLane('chat-1');
    store.suspend('chat-1');
    const before = store.getLane('chat-1');
    clock.advance(1_000);

    expect(store.markResumePending('chat-1', 'crash')).toBe(false);

    expect(store.getLane('chat-1')).toEqual(before);
    expect(store.getLane('chat-1')).toMatchObject({ suspended: true, resumePending: false, resumeReason: null, lastResumeMarkedAt: null });
  });

  it('L3/L2: a mark survives closing and reopening the store', async () => {
    const { dir, clock, store } = await temp.openWithClock();
    store.ensureLane('chat-1');
    store.markResumePending('chat-1', 'update_timeout');
    store.close();

    const reopened = await temp.open(dir, { now: clock.now });

    expect(reopened.getLane('chat-1')).toMatchObject({ resumePending: true, resumeReason: 'update_timeout', lastResumeMarkedAt: START });
  });

  it('L3/L9: markManyResumePending marks every eligible lane at one time and returns the marked keys, skipping suspended and unknown lanes', async () => {
    const { dir, clock, store } = await temp.openWithClock();
    for (const key of ['a', 'b', 'c', 'd']) store.ensureLane(key);
    store.suspend('c');
    clock.advance(2_000);

    const marked = store.markManyResumePending(['a', 'ghost', 'b', 'c', 'd'], 'shutdown_timeout');

    expect(marked).toEqual(['a', 'b', 'd']);
    for (const key of ['a', 'b', 'd']) {
      expect(store.getLane(key)).toMatchObject({ resumePending: true, resumeReason: 'shutdown_timeout', lastResumeMarkedAt: START + 2_000 });
    }
    expect(store.getLane('c')).toMatchObject({ suspended: true, resumePending: false });
    expect(store.getLane('ghost')).toBeNull();

    store.close();
    const reopened = await temp.open(dir, { now: clock.now });
    expect(reopened.listLanes().filter((l) => l.resumePending).map((l) => l.laneKey).sort()).toEqual(['a', 'b', 'd']);
  });

  it('L3: markManyResumePending with no lanes marks nothing', async () => {
    const { store } = await temp.openWithClock();
    store.ensureLane('a');
    expect(store.markManyResumePending([], 'restart_timeout')).toEqual([]);
    expect(store.getLane('a')?.resumePending).toBe(false);
  });
});

describe('clearResumePending (L4)', () => {
  it('L4: clearing a pending lane clears the flag, the reason and the time, and returns true', async () => {
    const { dir, clock, store } = await temp.openWithClock();
    store.ensureLane('chat-1');
    store.markResumePending('chat-1', 'crash');

    expect(store.clearResumePending('chat-1')).toBe(true);

    expect(store.getLane('chat-1')).toMatchObject({ resumePending: false, resumeReason: null, lastResumeMarkedAt: null });
    store.close();
    const reopened = await temp.open(dir, { now: clock.now });
    expect(reopened.getLane('chat-1')).toMatchObject({ resumePending: false, resumeReason: null, lastResumeMarkedAt: null });
  });

  it('L4: clearing a lane that is not pending returns false and leaves it unchanged', async () => {
    const { clock, store } = await temp.openWithClock();
    store.ensureLane('chat-1');
    const before = store.getLane('chat-1');
    clock.advance(1_000);

    expect(store.clearResumePending('chat-1')).toBe(false);
    expect(store.getLane('chat-1')).toEqual(before);
  });

  it('L4: clearing twice returns true then false', async () => {
    const { store } = await temp.openWithClock();
    store.ensureLane('chat-1');
    store.markResumePending('chat-1');
    expect(store.clearResumePending('chat-1')).toBe(true);
    expect(store.clearResumePending('chat-1')).toBe(false);
  });

  it('L4: clearing an unknown lane returns false', async () => {
    const { store } = await temp.openWithClock();
    expect(store.clearResumePending('nope')).toBe(false);
    expect(store.getLane('nope')).toBeNull();
  });
});

describe('getOrCreateSession (L5) and suspend (L6)', () => {
  it('L5: an unknown lane gets a new lane and a new session', async () => {
    const { store } = await temp.openWithClock();

    const access = store.getOrCreateSession('chat-1');

    expect(access.created).toBe(true);
    expect(access.autoResetReason).toBeNull();
    expect(access.session).toMatchObject({ laneKey: 'chat-1', endedAt: null, autoResetReason: null, previousSessionId: null });
    expect(store.getLane('chat-1')?.sessionId).toBe(access.session.sessionId);
  });

  it('L5: a plain lane returns its current session without creating one', async () => {
    const { store } = await temp.openWithClock();
    const first = store.getOrCreateSession('chat-1');
    const again = store.getOrCreateSession('chat-1');
    expect(again).toEqual({ session: first.session, created: false, autoResetReason: null });
    expect(store.listSessions('chat-1')).toHaveLength(1);
  });

  it('L5: a resume-pending lane keeps its session id and reading does not clear the flag', async () => {
    const { clock, store } = await temp.openWithClock();
    const first = store.getOrCreateSession('chat-1');
    store.markResumePending('chat-1', 'restart_timeout');
    const marked = store.getLane('chat-1');
    clock.advance(10_000);

    const access = store.getOrCreateSession('chat-1');
    const twice = store.getOrCreateSession('chat-1');

    expect(access.session.sessionId).toBe(first.session.sessionId);
    expect(access.created).toBe(false);
    expect(access.autoResetReason).toBeNull();
    expect(twice.session.sessionId).toBe(first.session.sessionId);
    expect(store.getLane('chat-1')).toEqual(marked);
  });

  it('L6: suspend marks a known lane and returns false for an unknown one', async () => {
    const { store } = await temp.openWithClock();
    store.ensureLane('chat-1');
    expect(store.suspend('chat-1')).toBe(true);
    expect(store.getLane('chat-1')?.suspended).toBe(true);
    expect(store.suspend('nope')).toBe(false);
    expect(store.getLane('nope')).toBeNull();
  });

  it('L5/L6: a suspended lane gets a new session with autoResetReason "suspended"; the old one is ended but still readable with its events', async () => {
    const { clock, store } = await temp.openWithClock();
    const old = store.getOrCreateSession('chat-1').session;
    store.appendEvent(old.sessionId, null, { kind: 'user_message', payload: { text: 'hello' } });
    store.appendEvent(old.sessionId, null, { kind: 'assistant_text', payload: { text: 'hi', final: true } });
    store.suspend('chat-1');
    clock.advance(5_000);

    const access = store.getOrCreateSession('chat-1');

    expect(access.created).toBe(true);
    expect(access.autoResetReason).toBe('suspended');
    expect(access.session.sessionId).not.toBe(old.sessionId);
    expect(access.session).toMatchObject({ laneKey: 'chat-1', autoResetReason: 'suspended', previousSessionId: old.sessionId, endedAt: null });
    expect(store.getSession(old.sessionId)).toMatchObject({ sessionId: old.sessionId, endedAt: START + 5_000 });
    expect(store.listEvents(old.sessionId).map((e) => e.payload)).toEqual([{ text: 'hello' }, { text: 'hi', final: true }]);
    expect(store.listEvents(access.session.sessionId)).toEqual([]);
    expect(store.getLane('chat-1')).toMatchObject({ sessionId: access.session.sessionId, suspended: false, resumePending: false });

    // The next access is normal again.
    const next = store.getOrCreateSession('chat-1');
    expect(next).toEqual({ session: access.session, created: false, autoResetReason: null });
  });

  it('L5: suspended always wins over resume pending: new session, both flags dropped, failure streak cleared', async () => {
    const { clock, store } = await temp.openWithClock();
    const old = store.getOrCreateSession('chat-1').session;
    store.markResumePending('chat-1', 'crash');
    store.beginTurn({ laneKey: 'chat-1', turnId: 'turn_1', trigger: 'message', userText: 'go' });
    store.endTurn({ laneKey: 'chat-1', turnId: 'turn_1', outcome: 'interrupted', cause: 'drain', countsAsRestartFailure: true });
    store.suspend('chat-1');
    expect(store.getLane('chat-1')).toMatchObject({ suspended: true, resumePending: true, restartFailureCount: 1 });
    clock.advance(1_000);

    const access = store.getOrCreateSession('chat-1');

    expect(access.autoResetReason).toBe('suspended');
    expect(access.created).toBe(true);
    expect(access.session.sessionId).not.toBe(old.sessionId);
    expect(store.getLane('chat-1')).toMatchObject({
      sessionId: access.session.sessionId,
      suspended: false,
      resumePending: false,
      resumeReason: null,
      lastResumeMarkedAt: null,
      restartFailureCount: 0,
    });
    expect(store.getSession(old.sessionId)?.endedAt).toBe(START + 1_000);
  });

  it('L16/L6: suspendStuckLanes suspends exactly the lanes at or above the threshold', async () => {
    const { store } = await temp.openWithClock();
    for (const [key, failures] of [['a', 3], ['b', 2], ['c', 5]] as const) {
      store.ensureLane(key);
      for (let i = 0; i < failures; i++) {
        const turnId = `turn_${key}_${i}`;
        store.beginTurn({ laneKey: key, turnId, trigger: 'resume' });
        store.endTurn({ laneKey: key, turnId, outcome: 'interrupted', cause: 'drain', countsAsRestartFailure: true });
      }
    }

    expect(store.suspendStuckLanes(3)).toEqual(['a', 'c']);
    expect(store.listLanes().filter((l) => l.suspended).map((l) => l.laneKey).sort()).toEqual(['a', 'c']);
    // Already suspended lanes are not reported twice.
    expect(store.suspendStuckLanes(3)).toEqual([]);
  });
});

describe('ResumeMarks: the one writer of the resume mark (issue 9 item 3)', () => {
  const MARK_COLUMNS = ['resume_pending', 'resume_reason', 'last_resume_marked_at', 'restart_failure_count', 'auto_resumed_turn_id'];

  it('L3/L9/L15/L16/L20/L22: no source file but resume-marks.ts writes a mark column', () => {
    const root = path.resolve(fileURLToPath(new URL('../../../', import.meta.url)));
    const sources = ['electron', 'shared'].flatMap((dir) =>
      (fs.readdirSync(path.join(root, dir), { recursive: true }) as string[]).filter((file) => file.endsWith('.ts')).map((file) => path.join(dir, file)),
    );
    // "column =" in SQL (SET or a WHERE that compares) or the column named in an INSERT into lanes.
    const write = new RegExp(`\\b(${MARK_COLUMNS.join('|')})\\s*=(?!=)|INSERT\\s+INTO\\s+lanes\\s*\\([^)]*\\b(${MARK_COLUMNS.join('|')})\\b`, 'i');
    const writers = sources.filter((file) => write.test(fs.readFileSync(path.join(root, file), 'utf8')));
    expect(writers).toEqual([path.join('electron', 'core', 'sessions', 'resume-marks.ts')]);
    expect(sources.length).toBeGreaterThan(50);
  });

  it('L9/L10: markAhead marks in one go and remembers what each marked lane had, which restoreAfterNonExitEnd puts back', async () => {
    const { clock, store } = await temp.openWithClock();
    for (const key of ['plain', 'old', 'held']) store.ensureLane(key);
    store.markResumePending('old', 'crash');
    store.suspend('held');
    clock.advance(5_000);

    const ahead = store.marks.markAhead(['plain', 'old', 'held', 'ghost'], 'restart_timeout');

    expect(ahead.marked).toEqual(['plain', 'old']);
    expect(Object.fromEntries(ahead.previous)).toEqual({
      plain: { resumePending: false, resumeReason: null, lastResumeMarkedAt: null },
      old: { resumePending: true, resumeReason: 'crash', lastResumeMarkedAt: START },
    });
    expect(store.getLane('old')).toMatchObject({ resumePending: true, resumeReason: 'restart_timeout', lastResumeMarkedAt: START + 5_000 });

    for (const [key, previous] of ahead.previous) store.marks.restoreAfterNonExitEnd(key, previous);
    expect(store.getLane('plain')).toMatchObject({ resumePending: false, resumeReason: null, lastResumeMarkedAt: null });
    expect(store.getLane('old')).toMatchObject({ resumePending: true, resumeReason: 'crash', lastResumeMarkedAt: START });
  });

  it('L11/L13: markAtDeadline refreshes the time and the reason of lanes already marked ahead', async () => {
    const { clock, store } = await temp.openWithClock();
    store.ensureLane('a');
    store.marks.markAhead(['a'], 'shutdown_timeout');
    clock.advance(60_000);

    expect(store.marks.markAtDeadline(['a', 'ghost'], 'update_timeout')).toEqual(['a']);
    expect(store.getLane('a')).toMatchObject({ resumePending: true, resumeReason: 'update_timeout', lastResumeMarkedAt: START + 60_000 });
    expect(store.marks.isPending('a')).toBe(true);
    expect(store.marks.isPending('ghost')).toBe(false);
  });

  it('L15/L16: markCrash keeps a mark written during the turn, else marks crash at the last sign of life; suspended lanes are counted, never marked', async () => {
    const { clock, store } = await temp.openWithClock();
    for (const key of ['drained', 'stale', 'held']) store.ensureLane(key);
    store.markResumePending('stale', 'restart_timeout'); // an earlier interruption, before the turn
    clock.advance(1_000);
    for (const key of ['drained', 'stale', 'held']) store.beginTurn({ laneKey: key, turnId: `turn_${key}`, trigger: 'message', userText: 'go' });
    clock.advance(1_000);
    store.markResumePending('drained', 'update_timeout'); // the drain's write-ahead during the turn
    store.suspend('held');
    const lastSeen = () => START + 1_500;

    expect(store.marks.markCrash(store.getLane('drained')!, store.getLane('drained')!.activeTurn!, lastSeen)).toBe('update_timeout');
    expect(store.marks.markCrash(store.getLane('stale')!, store.getLane('stale')!.activeTurn!, lastSeen)).toBe('crash');
    expect(store.marks.markCrash(store.getLane('held')!, store.getLane('held')!.activeTurn!, lastSeen)).toBe('crash');

    expect(store.getLane('drained')).toMatchObject({ resumeReason: 'update_timeout', lastResumeMarkedAt: START + 2_000, restartFailureCount: 1 });
    expect(store.getLane('stale')).toMatchObject({ resumePending: true, resumeReason: 'crash', lastResumeMarkedAt: START + 1_500, restartFailureCount: 1 });
    expect(store.getLane('held')).toMatchObject({ suspended: true, resumePending: false, restartFailureCount: 1 });
  });

  it('L20/L22/L25: recordAutoResume is kept through failures; discard, completion and a session switch each clear the interruption', async () => {
    const { store } = await temp.openWithClock();
    for (const key of ['discarded', 'completed', 'switched']) {
      store.ensureLane(key);
      store.markResumePending(key, 'crash');
      store.marks.countInterruption(key);
      store.marks.recordAutoResume(key, `turn_${key}`);
      expect(store.getLane(key)).toMatchObject({ resumePending: true, restartFailureCount: 1, autoResumedTurnId: `turn_${key}` });
    }

    expect(store.marks.discard('discarded')).toBe(true);
    store.marks.clearOnCompletion('completed');
    store.startNewSession('switched', 'user');

    const cleared = { resumePending: false, resumeReason: null, lastResumeMarkedAt: null, autoResumedTurnId: null };
    // Discard declines the resume; the failure streak only ends with a completed turn or a fresh session (L16).
    expect(store.getLane('discarded')).toMatchObject({ ...cleared, restartFailureCount: 1 });
    expect(store.getLane('completed')).toMatchObject({ ...cleared, restartFailureCount: 0 });
    expect(store.getLane('switched')).toMatchObject({ ...cleared, restartFailureCount: 0 });
  });
});

describe('listResumePendingLanes (L20, L21 at startup)', () => {
  it('L20/L16: lists exactly the pending lanes that are not suspended, most recently active first', async () => {
    const { clock, store } = await temp.openWithClock();
    for (const key of ['idle', 'older', 'newer', 'held']) {
      store.ensureLane(key);
      clock.advance(1_000);
    }
    store.markResumePending('older', 'crash');
    clock.advance(1_000);
    store.markResumePending('newer', 'restart_timeout');
    store.markResumePending('held', 'restart_timeout');
    store.suspend('held');

    expect(store.listResumePendingLanes().map((lane) => lane.laneKey)).toEqual(['newer', 'older']);
    expect(store.listResumePendingLanes()).toEqual(store.listLanes().filter((lane) => lane.resumePending && !lane.suspended));
  });
});
