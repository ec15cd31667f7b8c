import { describe, expect, it } from 'vitest';
import type { TurnEvent } from '../../../shared/transcript.ts';
import { fakeClock, START, useTempStores, withRawDb } from '../../support/temp-store.ts';

const temp = useTempStores();

const TRANSCRIPT: TurnEvent[] = [
  { kind: 'user_message', payload: { text: 'list the files' } },
  { kind: 'tool_call', payload: { callId: 'c1', name: 'shell', args: { cmd: 'ls' }, effect: 'read-only' } },
  { kind: 'tool_result', payload: { callId: 'c1', output: 'a.txt', isError: false } },
  { kind: 'assistant_text', payload: { text: 'There is a.txt', final: true } },
  { kind: 'interruption', payload: { cause: 'drain', reason: 'restart_timeout' } },
  { kind: 'error', payload: { message: 'boom' } },
  { kind: 'note_marker', payload: { note: 'resume', reason: 'crash' } },
  { kind: 'notice', payload: { code: 'suspended', text: 'reset', data: { previous: 'ses_x' } } },
];

describe('events (L26)', () => {
  it('L26: appended events of every kind come back in order with their payloads, after a reopen too', async () => {
    const dir = temp.dataDir();
    const clock = fakeClock();
    const store = await temp.open(dir, { now: clock.now });
    const { sessionId } = store.ensureLane('chat-1');

    const stored = TRANSCRIPT.map((event, i) => {
      clock.set(START + i);
      return store.appendEvent(sessionId, 'turn_1', event);
    });

    expect(stored.map((e) => e.seq)).toEqual([...stored.map((e) => e.seq)].sort((a, b) => a - b));
    expect(new Set(stored.map((e) => e.seq)).size).toBe(TRANSCRIPT.length);
    expect(stored[3]).toEqual({ ...TRANSCRIPT[3], seq: stored[3]!.seq, sessionId, turnId: 'turn_1', createdAt: START + 3 });
    expect(store.listEvents(sessionId)).toEqual(stored);
    store.close();

    const reopened = await temp.open(dir, { now: clock.now });
    expect(reopened.listEvents(sessionId)).toEqual(stored);
    expect(reopened.countEvents()).toBe(TRANSCRIPT.length);
  });

  it('L26: listEvents returns only the session asked for, and afterSeq returns only later events', async () => {
    const store = await temp.open(temp.dataDir());
    const a = store.ensureLane('a').sessionId;
    const b = store.ensureLane('b').sessionId;
    const a1 = store.appendEvent(a, null, { kind: 'user_message', payload: { text: 'a1' } });
    store.appendEvent(b, null, { kind: 'user_message', payload: { text: 'b1' } });
    const a2 = store.appendEvent(a, null, { kind: 'user_message', payload: { text: 'a2' } });

    expect(store.listEvents(a)).toEqual([a1, a2]);
    expect(store.listEvents(a, { afterSeq: a1.seq })).toEqual([a2]);
    expect(store.listEvents(a, { afterSeq: a2.seq })).toEqual([]);
    expect(store.listEvents('ses_unknown')).toEqual([]);
  });

  it('L26: updateEventPayload grows a streaming assistant_text row in place and the final text persists', async () => {
    const dir = temp.dataDir();
    const store = await temp.open(dir);
    const { sessionId } = store.ensureLane('chat-1');
    store.appendEvent(sessionId, 't', { kind: 'user_message', payload: { text: 'hi' } });
    const row = store.appendEvent(sessionId, 't', { kind: 'assistant_text', payload: { text: '', final: false } });

    store.updateEventPayload(row.seq, { kind: 'assistant_text', payload: { text: 'Hel', final: false } });
    expect(store.listEvents(sessionId).at(-1)?.payload).toEqual({ text: 'Hel', final: false });
    store.updateEventPayload(row.seq, { kind: 'assistant_text', payload: { text: 'Hello there', final: true } });

    const events = store.listEvents(sessionId);
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({ seq: row.seq, kind: 'assistant_text', payload: { text: 'Hello there', final: true } });
    store.close();
    const reopened = await temp.open(dir);
    expect(reopened.listEvents(sessionId)[1]?.payload).toEqual({ text: 'Hello there', final: true });
  });

  it('L26: updateEventPayload never rewrites a row of another kind', async () => {
    const store = await temp.open(temp.dataDir());
    const { sessionId } = store.ensureLane('chat-1');
    const user = store.appendEvent(sessionId, null, { kind: 'user_message', payload: { text: 'mine' } });
    store.updateEventPayload(user.seq, { kind: 'assistant_text', payload: { text: 'not yours', final: true } });
    expect(store.listEvents(sessionId)).toEqual([user]);
  });

  it('L26/L1: rows with an unknown kind, bad JSON or a payload of the wrong shape are skipped without throwing', async () => {
    const dir = temp.dataDir();
    const store = await temp.open(dir);
    const { sessionId } = store.ensureLane('chat-1');
    const first = store.appendEvent(sessionId, null, { kind: 'user_message', payload: { text: 'before' } });
    store.close();
    withRawDb(dir, (db) => {
      const insert = db.prepare('INSERT INTO events (session_id, turn_id, kind, payload, created_at) VALUES (?, ?, ?, ?, ?)');
      insert.run(sessionId, null, 'hologram', JSON.stringify({ text: 'from a newer build' }), START);
      insert.run(sessionId, null, 'assistant_text', '{"text": "cut off', START);
      insert.run(sessionId, null, 'assistant_text', JSON.stringify({ text: 42 }), START);
      insert.run(sessionId, null, 'user_message', 'null', START);
    });

    const reopened = await temp.open(dir);
    const last = reopened.appendEvent(sessionId, null, { kind: 'user_message', payload: { text: 'after' } });

    expect(() => reopened.listEvents(sessionId)).not.toThrow();
    expect(reopened.listEvents(sessionId)).toEqual([first, last]);
    expect(reopened.countEvents()).toBe(6);
  });
});
