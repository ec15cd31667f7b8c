import { describe, expect, it } from 'vitest';
import { START, useTempStores } from '../../support/temp-store.ts';

const temp = useTempStores();

describe('sessions of a lane (§1, L24, L25)', () => {
  it('L24: startNewSession points the lane at a new session and keeps the old one ended and readable', async () => {
    const { clock, store } = await temp.openWithClock();
    const old = store.ensureLane('chat-1').sessionId;
    store.appendEvent(old, null, { kind: 'user_message', payload: { text: 'old words' } });
    store.markResumePending('chat-1', 'crash');
    clock.advance(1_000);

    const fresh = store.startNewSession('chat-1', 'user');

    expect(fresh).toMatchObject({ laneKey: 'chat-1', autoResetReason: 'user', previousSessionId: old, endedAt: null, createdAt: START + 1_000 });
    expect(store.getLane('chat-1')).toMatchObject({ sessionId: fresh.sessionId, resumePending: false, resumeReason: null });
    expect(store.getSession(old)).toMatchObject({ endedAt: START + 1_000 });
    expect(store.listEvents(old).map((e) => e.payload)).toEqual([{ text: 'old words' }]);
    expect(store.listSessions('chat-1').map((s) => s.sessionId)).toEqual([fresh.sessionId, old]);
  });

  it('L24: startNewSession on an unknown lane throws', async () => {
    const { store } = await temp.openWithClock();
    expect(() => store.startNewSession('nope', 'user')).toThrow(/Unknown conversation/);
  });

  it('§1: session ids are unique and sort by creation time', async () => {
    const { store } = await temp.openWithClock();
    const ids = [store.ensureLane('chat-1').sessionId];
    for (let i = 0; i < 20; i++) ids.push(store.startNewSession('chat-1', 'user').sessionId);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('§1: listSessions is newest first, even when sessions share a creation time', async () => {
    const { clock, store } = await temp.openWithClock();
    const s1 = store.ensureLane('chat-1').sessionId;
    clock.advance(1_000);
    const s2 = store.startNewSession('chat-1', 'user').sessionId;
    const s3 = store.startNewSession('chat-1', 'user').sessionId; // same clock reading as s2
    store.ensureLane('other');

    expect(store.listSessions('chat-1').map((s) => s.sessionId)).toEqual([s3, s2, s1]);
    expect(store.listSessions('nope')).toEqual([]);
  });

  it('L24/L25: restoreSession brings back an earlier session of the same lane and ends the current one', async () => {
    const { clock, store } = await temp.openWithClock();
    const old = store.ensureLane('chat-1').sessionId;
    store.setTitle('chat-1', 'Old topic');
    store.appendEvent(old, null, { kind: 'user_message', payload: { text: 'old words' } });
    clock.advance(1_000);
    const current = store.startNewSession('chat-1', 'suspended').sessionId;
    clock.advance(1_000);

    expect(store.restoreSession('chat-1', old)).toBe(true);

    expect(store.getLane('chat-1')).toMatchObject({ sessionId: old, title: 'Old topic', updatedAt: START + 2_000 });
    expect(store.getSession(old)?.endedAt).toBeNull();
    expect(store.getSession(current)?.endedAt).toBe(START + 2_000);
    expect(store.getOrCreateSession('chat-1')).toMatchObject({ session: { sessionId: old }, created: false });
    expect(store.listEvents(old).map((e) => e.payload)).toEqual([{ text: 'old words' }]);
  });

  it('L24: restoring the current session is a no-op that returns true', async () => {
    const { store } = await temp.openWithClock();
    const lane = store.ensureLane('chat-1');
    store.markResumePending('chat-1');
    expect(store.restoreSession('chat-1', lane.sessionId)).toBe(true);
    expect(store.getLane('chat-1')).toMatchObject({ sessionId: lane.sessionId, resumePending: true });
  });

  it("L24: restoreSession refuses another lane's session and an unknown session, leaving the lane unchanged", async () => {
    const { store } = await temp.openWithClock();
    store.ensureLane('chat-1');
    const foreign = store.ensureLane('chat-2').sessionId;
    const before = store.getLane('chat-1');

    expect(store.restoreSession('chat-1', foreign)).toBe(false);
    expect(store.restoreSession('chat-1', 'ses_unknown')).toBe(false);
    expect(store.restoreSession('nope', foreign)).toBe(false);

    expect(store.getLane('chat-1')).toEqual(before);
    expect(store.getSession(foreign)?.endedAt).toBeNull();
    expect(store.getLane('chat-2')?.sessionId).toBe(foreign);
  });

  it('L24: setTitle renames the lane and its current session only', async () => {
    const { dir, clock, store } = await temp.openWithClock();
    const old = store.ensureLane('chat-1', { title: 'first' }).sessionId;
    const current = store.startNewSession('chat-1', 'user').sessionId;
    clock.advance(500);

    expect(store.setTitle('chat-1', 'Renamed')).toBe(true);
    expect(store.setTitle('nope', 'x')).toBe(false);

    expect(store.getLane('chat-1')).toMatchObject({ title: 'Renamed', updatedAt: START + 500 });
    expect(store.getSession(current)?.title).toBe('Renamed');
    expect(store.getSession(old)?.title).toBe('first');
    expect(store.getLane('nope')).toBeNull();
    store.close();
    const reopened = await temp.open(dir, { now: clock.now });
    expect(reopened.getLane('chat-1')?.title).toBe('Renamed');
  });

  it('§2: listLanes is most recently active first', async () => {
    const { clock, store } = await temp.openWithClock();
    store.ensureLane('a');
    clock.advance(1);
    store.ensureLane('b');
    clock.advance(1);
    store.setTitle('a', 'touched');
    expect(store.listLanes().map((l) => l.laneKey)).toEqual(['a', 'b']);
  });

  it('§2: addUsage accumulates token counters and ignores negative numbers', async () => {
    const { store } = await temp.openWithClock();
    store.ensureLane('chat-1');
    store.addUsage('chat-1', { inputTokens: 100, outputTokens: 20 });
    store.addUsage('chat-1', { inputTokens: 5.9, outputTokens: -7 });
    expect(store.getLane('chat-1')).toMatchObject({ inputTokens: 105, outputTokens: 20 });
  });
});
