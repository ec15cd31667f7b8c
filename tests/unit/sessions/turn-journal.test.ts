import { describe, expect, it } from 'vitest';
import type { SessionStore } from '../../../electron/core/sessions/store.ts';
import { START, useTempStores } from '../../support/temp-store.ts';

const temp = useTempStores();

/** A lane whose last turn was interrupted by an exit: marked and one failure on its streak. */
function interruptedByExit(store: SessionStore, laneKey: string, turnId: string): void {
  store.beginTurn({ laneKey, turnId, trigger: 'message', userText: 'work' });
  store.markResumePending(laneKey, 'restart_timeout');
  store.endTurn({ laneKey, turnId, outcome: 'interrupted', cause: 'drain', reason: 'restart_timeout', countsAsRestartFailure: true });
}

describe('beginTurn (L15 turn journal, L7 queued input)', () => {
  it('L15: beginTurn writes the journal, stores the user message and records the turn', async () => {
    const { clock, store } = await temp.openWithClock();
    const lane = store.ensureLane('chat-1');
    clock.advance(1_000);

    const begun = store.beginTurn({ laneKey: 'chat-1', turnId: 'turn_1', trigger: 'message', userText: 'hello' });

    expect(begun.sessionId).toBe(lane.sessionId);
    expect(begun.userEvent).toMatchObject({ kind: 'user_message', payload: { text: 'hello' }, turnId: 'turn_1', sessionId: lane.sessionId });
    expect(store.getLane('chat-1')?.activeTurn).toEqual({ turnId: 'turn_1', startedAt: START + 1_000 });
    expect(store.getTurn('turn_1')).toEqual({
      turnId: 'turn_1',
      laneKey: 'chat-1',
      sessionId: lane.sessionId,
      trigger: 'message',
      startedAt: START + 1_000,
      endedAt: null,
      outcome: null,
      error: null,
      inputTokens: 0,
      outputTokens: 0,
    });
    expect(store.listEvents(lane.sessionId)).toEqual([begun.userEvent]);
    expect(store.lastTurn(lane.sessionId)?.turnId).toBe('turn_1');
  });

  it('L15: a resume turn without user text writes no user message', async () => {
    const { store } = await temp.openWithClock();
    const lane = store.ensureLane('chat-1');
    const begun = store.beginTurn({ laneKey: 'chat-1', turnId: 'turn_1', trigger: 'resume' });
    expect(begun.userEvent).toBeNull();
    expect(store.listEvents(lane.sessionId)).toEqual([]);
    expect(store.getLane('chat-1')?.activeTurn?.turnId).toBe('turn_1');
  });

  it('L7/L17: the next input of a lane and the lanes to replay come oldest first, without reading every text', async () => {
    const { store } = await temp.openWithClock();
    for (const lane of ['b', 'a', 'c']) store.ensureLane(lane);
    store.enqueueInput('b', 'b1');
    store.enqueueInput('a', 'a1');
    store.enqueueInput('b', 'b2');
    store.enqueueInput('c', 'c1', { clientId: 'client-c1' });
    expect(store.lanesWithQueuedInput()).toEqual(['b', 'a', 'c']);
    expect(store.nextQueuedInput('b')).toMatchObject({ text: 'b1', laneKey: 'b', clientId: null });
    expect(store.nextQueuedInput('c')).toMatchObject({ text: 'c1', clientId: 'client-c1' });
    expect(store.nextQueuedInput('nobody')).toBeNull();
    expect(store.countQueuedInputs('b')).toBe(2);
  });

  it('L7/L15: beginTurn consumes the queued input it replays, in the same transaction as the user message', async () => {
    const { dir, clock, store } = await temp.openWithClock();
    const lane = store.ensureLane('chat-1');
    const queued = store.enqueueInput('chat-1', 'typed during the drain', { duringDrain: true });
    const other = store.enqueueInput('chat-1', 'later');
    expect(store.listQueuedInputs('chat-1')).toEqual([queued, other]);

    store.beginTurn({ laneKey: 'chat-1', turnId: 'turn_1', trigger: 'message', userText: queued.text, queuedInputId: queued.id });

    expect(store.listQueuedInputs('chat-1')).toEqual([other]);
    expect(store.listEvents(lane.sessionId).map((e) => e.payload)).toEqual([{ text: 'typed during the drain' }]);
    store.close();
    const reopened = await temp.open(dir, { now: clock.now });
    expect(reopened.listQueuedInputs()).toEqual([other]);
    expect(reopened.getLane('chat-1')?.activeTurn?.turnId).toBe('turn_1');
  });

  it('L7/L2: when beginTurn fails part-way the queued input stays queued and no user message is stored', async () => {
    const { store } = await temp.openWithClock();
    const lane = store.ensureLane('chat-1');
    store.beginTurn({ laneKey: 'chat-1', turnId: 'turn_1', trigger: 'message', userText: 'first' });
    store.endTurn({ laneKey: 'chat-1', turnId: 'turn_1', outcome: 'completed' });
    const queued = store.enqueueInput('chat-1', 'second');

    // Reusing a turn id fails on the turns table, after the queue delete and the user message insert.
    expect(() =>
      store.beginTurn({ laneKey: 'chat-1', turnId: 'turn_1', trigger: 'message', userText: queued.text, queuedInputId: queued.id }),
    ).toThrow();

    expect(store.listQueuedInputs('chat-1')).toEqual([queued]);
    expect(store.listEvents(lane.sessionId).map((e) => e.payload)).toEqual([{ text: 'first' }]);
    expect(store.getLane('chat-1')?.activeTurn).toBeNull();
  });

  it('L23: a second turn on a lane with a running turn is refused and the queued input is kept', async () => {
    const { store } = await temp.openWithClock();
    store.ensureLane('chat-1');
    store.beginTurn({ laneKey: 'chat-1', turnId: 'turn_1', trigger: 'message', userText: 'first' });
    const queued = store.enqueueInput('chat-1', 'second');

    expect(() => store.beginTurn({ laneKey: 'chat-1', turnId: 'turn_2', trigger: 'message', userText: 'second', queuedInputId: queued.id })).toThrow(
      /already has a running turn/,
    );
    expect(store.listQueuedInputs('chat-1')).toEqual([queued]);
    expect(store.getLane('chat-1')?.activeTurn?.turnId).toBe('turn_1');
    expect(store.getTurn('turn_2')).toBeNull();
  });

  it('L15: beginTurn on an unknown lane throws and writes nothing', async () => {
    const { store } = await temp.openWithClock();
    expect(() => store.beginTurn({ laneKey: 'nope', turnId: 'turn_1', trigger: 'message', userText: 'x' })).toThrow(/Unknown conversation/);
    expect(store.getTurn('turn_1')).toBeNull();
    expect(store.countEvents()).toBe(0);
  });
});

describe('endTurn (L16, L22)', () => {
  it('L22: a completed turn clears resumePending and restartFailureCount and closes the journal', async () => {
    const { clock, store } = await temp.openWithClock();
    const lane = store.ensureLane('chat-1');
    interruptedByExit(store, 'chat-1', 'turn_1');
    interruptedByExit(store, 'chat-1', 'turn_2');
    store.marks.recordAutoResume('chat-1', 'turn_2');
    expect(store.getLane('chat-1')).toMatchObject({ resumePending: true, restartFailureCount: 2, autoResumedTurnId: 'turn_2' });
    store.beginTurn({ laneKey: 'chat-1', turnId: 'turn_3', trigger: 'resume' });
    clock.advance(2_000);

    const closing = store.endTurn({ laneKey: 'chat-1', turnId: 'turn_3', outcome: 'completed' });

    expect(closing).toBeNull();
    expect(store.getLane('chat-1')).toMatchObject({
      activeTurn: null,
      resumePending: false,
      resumeReason: null,
      lastResumeMarkedAt: null,
      restartFailureCount: 0,
      autoResumedTurnId: null,
    });
    expect(store.getTurn('turn_3')).toMatchObject({ outcome: 'completed', endedAt: START + 2_000, error: null });
    expect(store.lastTurn(lane.sessionId)?.turnId).toBe('turn_3');
  });

  it('L16/L22: an exit-interrupted turn adds one to the failure streak, keeps the mark and records the interruption', async () => {
    const { store } = await temp.openWithClock();
    const lane = store.ensureLane('chat-1');
    store.beginTurn({ laneKey: 'chat-1', turnId: 'turn_1', trigger: 'message', userText: 'go' });
    store.markResumePending('chat-1', 'update_timeout');
    const marked = store.getLane('chat-1')!;

    const closing = store.endTurn({
      laneKey: 'chat-1',
      turnId: 'turn_1',
      outcome: 'interrupted',
      cause: 'drain',
      reason: 'update_timeout',
      countsAsRestartFailure: true,
    });

    expect(closing).toMatchObject({ kind: 'interruption', payload: { cause: 'drain', reason: 'update_timeout' }, turnId: 'turn_1' });
    expect(store.getLane('chat-1')).toMatchObject({
      activeTurn: null,
      resumePending: true,
      resumeReason: 'update_timeout',
      lastResumeMarkedAt: marked.lastResumeMarkedAt,
      restartFailureCount: 1,
    });
    expect(store.getTurn('turn_1')?.outcome).toBe('interrupted');
    expect(store.listEvents(lane.sessionId).map((e) => e.kind)).toEqual(['user_message', 'interruption']);
  });

  it('L16: a turn the user stopped does not count as a restart failure', async () => {
    const { store } = await temp.openWithClock();
    store.ensureLane('chat-1');
    store.beginTurn({ laneKey: 'chat-1', turnId: 'turn_1', trigger: 'message', userText: 'go' });
    const closing = store.endTurn({ laneKey: 'chat-1', turnId: 'turn_1', outcome: 'interrupted' });
    expect(closing?.payload).toEqual({ cause: 'stop', reason: null });
    expect(store.getLane('chat-1')).toMatchObject({ restartFailureCount: 0, resumePending: false, activeTurn: null });
  });

  it('L22: a failed turn keeps both the resume mark and the failure streak and records a readable error', async () => {
    const { store } = await temp.openWithClock();
    const lane = store.ensureLane('chat-1');
    interruptedByExit(store, 'chat-1', 'turn_1');
    const before = store.getLane('chat-1')!;
    store.beginTurn({ laneKey: 'chat-1', turnId: 'turn_2', trigger: 'resume' });

    const closing = store.endTurn({ laneKey: 'chat-1', turnId: 'turn_2', outcome: 'failed', error: 'HTTP 500 from provider' });

    expect(closing).toMatchObject({ kind: 'error', payload: { message: 'HTTP 500 from provider' } });
    expect(store.getLane('chat-1')).toMatchObject({
      activeTurn: null,
      resumePending: true,
      resumeReason: before.resumeReason,
      lastResumeMarkedAt: before.lastResumeMarkedAt,
      restartFailureCount: 1,
    });
    expect(store.getTurn('turn_2')).toMatchObject({ outcome: 'failed', error: 'HTTP 500 from provider' });
    expect(store.listEvents(lane.sessionId).at(-1)?.kind).toBe('error');
  });

  it('L22: ending an unknown or already ended turn changes nothing and returns null', async () => {
    const { store } = await temp.openWithClock();
    store.ensureLane('chat-1');
    store.beginTurn({ laneKey: 'chat-1', turnId: 'turn_1', trigger: 'message', userText: 'go' });
    store.endTurn({ laneKey: 'chat-1', turnId: 'turn_1', outcome: 'interrupted', countsAsRestartFailure: true });
    const after = store.getLane('chat-1');
    const events = store.countEvents();

    expect(store.endTurn({ laneKey: 'chat-1', turnId: 'turn_1', outcome: 'interrupted', countsAsRestartFailure: true })).toBeNull();
    expect(store.endTurn({ laneKey: 'chat-1', turnId: 'turn_x', outcome: 'completed' })).toBeNull();

    expect(store.getLane('chat-1')).toEqual(after);
    expect(store.countEvents()).toBe(events);
  });
});

describe('recoverOpenTurns (L15, L16)', () => {
  it('L15: a lane with an open journal that was not pending is marked crash, counted once, given an interruption event and closed', async () => {
    const { dir, clock, store } = await temp.openWithClock();
    const lane = store.ensureLane('chat-1');
    store.beginTurn({ laneKey: 'chat-1', turnId: 'turn_1', trigger: 'message', userText: 'go' });
    store.appendEvent(lane.sessionId, 'turn_1', { kind: 'assistant_text', payload: { text: 'partial', final: false } });
    store.close(); // the process "died" with the turn running

    clock.advance(60_000);
    const reopened = await temp.open(dir, { now: clock.now });
    const recovered = reopened.recoverOpenTurns();

    expect(recovered).toEqual([{ laneKey: 'chat-1', turnId: 'turn_1', reason: 'crash', restartFailureCount: 1 }]);
    expect(reopened.getLane('chat-1')).toMatchObject({
      activeTurn: null,
      resumePending: true,
      resumeReason: 'crash',
      // L15: the mark carries the last sign of life (the partial answer), not the relaunch.
      lastResumeMarkedAt: START,
      restartFailureCount: 1,
      sessionId: lane.sessionId,
    });
    expect(reopened.getTurn('turn_1')).toMatchObject({ outcome: 'interrupted', endedAt: START + 60_000 });
    const events = reopened.listEvents(lane.sessionId);
    expect(events.map((e) => e.kind)).toEqual(['user_message', 'assistant_text', 'interruption']);
    expect(events.at(-1)).toMatchObject({ turnId: 'turn_1', payload: { cause: 'crash', reason: 'crash' } });

    // Recovery is done once: a second pass finds nothing and counts nothing.
    expect(reopened.recoverOpenTurns()).toEqual([]);
    expect(reopened.getLane('chat-1')?.restartFailureCount).toBe(1);
    expect(reopened.listEvents(lane.sessionId)).toHaveLength(3);
  });

  it('L15: a lane the drain already marked keeps its reason and mark time, and is counted once', async () => {
    const { dir, clock, store } = await temp.openWithClock();
    const lane = store.ensureLane('chat-1');
    store.beginTurn({ laneKey: 'chat-1', turnId: 'turn_1', trigger: 'message', userText: 'go' });
    clock.advance(1_000);
    store.markManyResumePending(['chat-1'], 'update_timeout'); // L9 write-ahead, then a hard kill
    store.close();

    clock.advance(60_000);
    const reopened = await temp.open(dir, { now: clock.now });
    const recovered = reopened.recoverOpenTurns();

    expect(recovered).toEqual([{ laneKey: 'chat-1', turnId: 'turn_1', reason: 'update_timeout', restartFailureCount: 1 }]);
    expect(reopened.getLane('chat-1')).toMatchObject({
      activeTurn: null,
      resumePending: true,
      resumeReason: 'update_timeout',
      lastResumeMarkedAt: START + 1_000,
      restartFailureCount: 1,
    });
    expect(reopened.listEvents(lane.sessionId).at(-1)?.payload).toEqual({ cause: 'crash', reason: 'update_timeout' });
  });

  it('L15/L16: idle lanes are untouched by recovery, even recently active or already pending ones', async () => {
    const { dir, clock, store } = await temp.openWithClock();
    store.ensureLane('idle');
    store.ensureLane('finished');
    store.beginTurn({ laneKey: 'finished', turnId: 'turn_f', trigger: 'message', userText: 'hi' });
    store.endTurn({ laneKey: 'finished', turnId: 'turn_f', outcome: 'completed' });
    store.ensureLane('pending');
    interruptedByExit(store, 'pending', 'turn_p');
    store.ensureLane('running');
    store.beginTurn({ laneKey: 'running', turnId: 'turn_r', trigger: 'message', userText: 'go' });
    store.close();
    clock.advance(1_000);
    const reopened = await temp.open(dir, { now: clock.now });
    const before = Object.fromEntries(['idle', 'finished', 'pending'].map((k) => [k, reopened.getLane(k)]));
    const eventsBefore = reopened.countEvents();

    const recovered = reopened.recoverOpenTurns();

    expect(recovered.map((r) => r.laneKey)).toEqual(['running']);
    for (const key of ['idle', 'finished', 'pending']) expect(reopened.getLane(key)).toEqual(before[key]);
    expect(reopened.getLane('idle')?.suspended).toBe(false);
    expect(reopened.countEvents()).toBe(eventsBefore + 1);
  });

  it('L16: repeated crashes mid-turn grow the streak by one each until a completed turn clears it', async () => {
    const { dir, clock, store: first } = await temp.openWithClock();
    first.ensureLane('chat-1');
    let store = first;
    for (let crash = 1; crash <= 3; crash++) {
      store.beginTurn({ laneKey: 'chat-1', turnId: `turn_${crash}`, trigger: 'resume' });
      store.close();
      clock.advance(1_000);
      store = await temp.open(dir, { now: clock.now });
      expect(store.recoverOpenTurns()).toEqual([{ laneKey: 'chat-1', turnId: `turn_${crash}`, reason: 'crash', restartFailureCount: crash }]);
    }
    expect(store.suspendStuckLanes(3)).toEqual(['chat-1']);
  });
});
