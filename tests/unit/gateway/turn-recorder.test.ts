/**
 * L26 and issue 9 item 9: the recorder saves streamed text at once and then at least every 250 ms,
 * and sends it to front ends once: the row with the first piece, deltas naming the row and their
 * offset, checkpoints without text, and the row whole once when its message ends.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TEXT_FLUSH_INTERVAL_MS, TurnRecorder } from '../../../electron/core/gateway/turn-recorder.ts';
import { LiveTurn } from '../../../electron/core/gateway/turn-registry.ts';
import type { GatewayEvent } from '../../../shared/gateway-events.ts';
import { CoreHarness } from '../../support/core-harness.ts';

let harness: CoreHarness | undefined;
afterEach(() => {
  vi.useRealTimers();
  harness?.cleanup();
  harness = undefined;
});

const TURN = 'turn_test';
/** The end of this turn of the event loop, when gathered pieces go out. */
const endOfTurn = () => vi.advanceTimersByTime(0);

async function recording() {
  harness = await CoreHarness.start();
  const store = harness.core.store;
  const { sessionId } = store.ensureLane('a');
  store.beginTurn({ laneKey: 'a', turnId: TURN, trigger: 'message', userText: 'hi' });
  const emitted: GatewayEvent[] = [];
  const logs: string[] = [];
  const live = new LiveTurn('a');
  vi.useFakeTimers();
  const recorder = new TurnRecorder({ store, live, sessionId, turnId: TURN, emit: (event) => emitted.push(event), log: (m) => logs.push(m) });
  const stored = () => store.listEvents(sessionId).flatMap((e) => (e.kind === 'assistant_text' ? [e.payload] : []));
  /** What a front end was told since the last call, without the fields every event repeats. */
  const told = () =>
    emitted.splice(0).map((event) => {
      if (event.type === 'transcript') return { row: event.event.seq, ...(event.event.payload as object) };
      if (event.type === 'text-delta') return { delta: event.delta, seq: event.seq, offset: event.offset };
      if (event.type === 'text-checkpoint') return { checkpoint: event.length, seq: event.seq };
      return event;
    });
  return { store, recorder, live, stored, told, logs };
}

describe('streamed text (L26, issue 9 item 9)', () => {
  it('L26: the first piece is saved at once, later ones within 250 ms, and the final text persists', async () => {
    const { recorder, stored } = await recording();
    recorder.text('Hel');
    expect(stored()).toEqual([{ text: 'Hel', final: false }]);
    recorder.text('lo');
    vi.advanceTimersByTime(TEXT_FLUSH_INTERVAL_MS - 1);
    expect(stored()).toEqual([{ text: 'Hel', final: false }]);
    vi.advanceTimersByTime(1);
    expect(stored()).toEqual([{ text: 'Hello', final: false }]); // one row, grown in place
    recorder.close(true);
    expect(stored()).toEqual([{ text: 'Hello', final: true }]);
  });

  it('sends the row with the first piece, deltas by offset, checkpoints without text, and the row whole once at the end', async () => {
    const { recorder, told } = await recording();
    recorder.text('Hel');
    const [created] = told() as Array<{ row: number }>;
    expect(created).toEqual({ row: created!.row, text: 'Hel', final: false });
    const seq = created!.row;

    // Pieces of one turn of the event loop (one network read) go out together at its end.
    recorder.text('lo');
    recorder.text(', wor');
    expect(told()).toEqual([]);
    endOfTurn();
    expect(told()).toEqual([{ delta: 'lo, wor', seq, offset: 3 }]);
    recorder.text('ld');
    endOfTurn();
    expect(told()).toEqual([{ delta: 'ld', seq, offset: 10 }]);
    vi.advanceTimersByTime(TEXT_FLUSH_INTERVAL_MS);
    expect(told()).toEqual([{ checkpoint: 12, seq }]);
    vi.advanceTimersByTime(TEXT_FLUSH_INTERVAL_MS * 4);
    expect(told()).toEqual([]); // nothing new, nothing said

    // The row, whole, carries what was not sent yet.
    recorder.text('.');
    recorder.endAssistantMessage();
    endOfTurn();
    expect(told()).toEqual([{ row: seq, text: 'Hello, world.', final: true }]);

    // The next message of the turn is a row of its own.
    recorder.text('Next');
    const [next] = told() as Array<{ row: number }>;
    expect(next).toEqual({ row: next!.row, text: 'Next', final: false });
    expect(next!.row).toBeGreaterThan(seq);
  });

  it('a turn that ends mid-message sends its row whole, unfinished, once', async () => {
    const { recorder, told, stored } = await recording();
    recorder.text('Partial');
    recorder.text(' answ');
    const seq = (told()[0] as { row: number }).row;
    recorder.close(false);
    endOfTurn();
    expect(told()).toEqual([{ row: seq, text: 'Partial answ', final: false }]);
    expect(stored()).toEqual([{ text: 'Partial answ', final: false }]);
    recorder.text('late');
    expect(told()).toEqual([]);
  });

  it('a transcript read saves the text sent so far first, so it holds every piece a front end was sent', async () => {
    const { recorder, live, told, stored } = await recording();
    recorder.text('Hel');
    recorder.text('lo');
    const seq = (told()[0] as { row: number }).row;
    expect(stored()).toEqual([{ text: 'Hel', final: false }]);
    live.saveStreamedText();
    expect(stored()).toEqual([{ text: 'Hello', final: false }]);
    // Every piece is sent before the checkpoint that counts it.
    expect(told()).toEqual([
      { delta: 'lo', seq, offset: 3 },
      { checkpoint: 5, seq },
    ]);
  });

  it('R3: a first write that fails is retried; pieces gather meanwhile and come with the row, never as deltas of a row nobody has', async () => {
    const { store, recorder, told, stored, logs } = await recording();
    const append = store.appendEvent.bind(store);
    let failures = 1;
    store.appendEvent = (...args) => {
      if (failures-- > 0) throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
      return append(...args);
    };
    recorder.text('a');
    recorder.text('b');
    expect(told()).toEqual([]);
    expect(logs).toEqual(['Could not save streamed text: database or disk is full']);
    vi.advanceTimersByTime(TEXT_FLUSH_INTERVAL_MS);
    const [row] = told() as Array<{ row: number }>;
    expect(row).toEqual({ row: row!.row, text: 'ab', final: false });
    recorder.text('c');
    endOfTurn();
    expect(told()).toEqual([{ delta: 'c', seq: row!.row, offset: 2 }]);
    recorder.close(true);
    expect(stored()).toEqual([{ text: 'abc', final: true }]);
  });
});

describe('streamed thinking and usage (issue 10, L26)', () => {
  const rows = (store: Awaited<ReturnType<typeof recording>>['store']) => {
    const sessionId = store.getLane('a')!.sessionId;
    return store.listEvents(sessionId).flatMap((e) => (e.kind === 'reasoning' || e.kind === 'assistant_text' || e.kind === 'usage' ? [{ kind: e.kind, ...e.payload }] : []));
  };

  it('L26: thinking is its own row, saved at once and every 250 ms, sent as deltas, and closed whole when the answer begins', async () => {
    const { store, recorder, told } = await recording();
    recorder.reasoning('Let me ');
    const thought = (told()[0] as { row: number }).row;
    recorder.reasoning('think.');
    endOfTurn();
    expect(told()).toEqual([{ delta: 'think.', seq: thought, offset: 7 }]);
    vi.advanceTimersByTime(TEXT_FLUSH_INTERVAL_MS);
    expect(told()).toEqual([{ checkpoint: 13, seq: thought }]);
    expect(rows(store)).toEqual([{ kind: 'reasoning', text: 'Let me think.', final: false }]);

    // No explicit end (an OpenAI-compatible server just starts answering): the answer closes it.
    recorder.text('Answer');
    const [closed, answer] = told() as Array<{ row: number }>;
    expect(closed).toEqual({ row: thought, text: 'Let me think.', final: true });
    expect(answer!.row).toBeGreaterThan(thought);
    recorder.close(true);
    expect(rows(store)).toEqual([
      { kind: 'reasoning', text: 'Let me think.', final: true },
      { kind: 'assistant_text', text: 'Answer', final: true },
    ]);
  });

  it("keeps an Anthropic block's signature, and writes a redacted block that has no text", async () => {
    const { store, recorder } = await recording();
    recorder.reasoning('Signed thought.');
    recorder.endReasoning({ signature: 'sig-abc' });
    recorder.endReasoning({ redacted: 'opaque-data' });
    recorder.close(true);
    expect(rows(store)).toEqual([
      { kind: 'reasoning', text: 'Signed thought.', final: true, signature: 'sig-abc' },
      { kind: 'reasoning', text: '', final: true, redacted: 'opaque-data' },
    ]);
  });

  it('a turn cut short while thinking leaves its thinking unfinished (final: false)', async () => {
    const { store, recorder } = await recording();
    recorder.reasoning('Half a tho');
    recorder.reasoning('ught');
    recorder.close(false);
    expect(rows(store)).toEqual([{ kind: 'reasoning', text: 'Half a thought', final: false }]);
  });

  it('each model call is a usage event with its model and provider; the lane total counts cached input too', async () => {
    const { store, recorder } = await recording();
    recorder.usage({ inputTokens: 100, outputTokens: 20, cacheRead: 400, cacheWrite: 50, model: 'claude-sonnet-4-5', provider: 'Anthropic' });
    recorder.usage({ inputTokens: 7, outputTokens: 3 }); // a scripted agent names no model: totals only
    expect(rows(store)).toEqual([{ kind: 'usage', inputTokens: 100, outputTokens: 20, cacheRead: 400, cacheWrite: 50, model: 'claude-sonnet-4-5', provider: 'Anthropic' }]);
    expect(store.getLane('a')).toMatchObject({ inputTokens: 557, outputTokens: 23 });
  });
});
