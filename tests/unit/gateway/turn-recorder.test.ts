/**
 * L26 and issue 9 item 9: the recorder saves streamed text at once and then at least every 250 ms,
 * and sends it to front ends once: the row with the first piece, deltas naming the row and their
 * offset, checkpoints without text, and the row whole once when its message ends.
 *
 * Issue 10: a running tool's output is one `tool_output` row per call, streamed the same way by the
 * same 250 ms flush, capped to its head and tail, with the whole output in a file under the data dir.
 */
import fs from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TEXT_FLUSH_INTERVAL_MS, TurnRecorder } from '../../../electron/core/gateway/turn-recorder.ts';
import { LiveTurn } from '../../../electron/core/gateway/turn-registry.ts';
import type { GatewayEvent } from '../../../shared/gateway-events.ts';
import { CoreHarness } from '../../support/core-harness.ts';
import { fullOutputOf, fullOutputPath, readFullOutput, TOOL_OUTPUT_DIR } from '../../../electron/core/gateway/tool-output-files.ts';
import { applyOutputPiece, EMPTY_OUTPUT, TOOL_OUTPUT_HEAD_CHARS, TOOL_OUTPUT_TAIL_CHARS, type KeptOutput } from '../../../shared/tool-output.ts';
import type { EventPayload } from '../../../shared/transcript.ts';

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
  return { store, recorder, live, stored, told, logs, emitted };
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

const kept = (payload: EventPayload<'tool_output'>): KeptOutput => ({ head: payload.head, tail: payload.tail, length: payload.length });

/** A recording whose turn runs a shell call (`c1`): its output may stream (issue 10). */
async function runningTool() {
  const base = await recording();
  const { store } = base;
  const sessionId = store.getLane('a')!.sessionId;
  base.recorder.toolCall({ callId: 'c1', name: 'shell', args: { command: 'make' }, effect: 'side-effecting' });
  base.recorder.toolDispatched('c1');
  base.emitted.length = 0;
  const rows = () => store.listEvents(sessionId).flatMap((e) => (e.kind === 'tool_output' ? [{ seq: e.seq, sessionId: e.sessionId, payload: e.payload }] : []));
  /** Events as sent, unmapped. */
  const sent = () => base.emitted.splice(0);
  return { ...base, rows, sent, dataDir: harness!.dataDir };
}

describe('live tool output (issue 10, L26)', () => {
  it('L26: the first piece creates the row at once, later ones are saved by the 250 ms flush, and the result ends it whole and final', async () => {
    const { recorder, rows, sent: told } = await runningTool();
    recorder.toolOutput('c1', 'stdout', 'compiling\n');
    expect(rows().map((r) => r.payload)).toEqual([{ callId: 'c1', head: 'compiling\n', tail: '', length: 10, totalBytes: 10, fullOutput: false, final: false }]);
    const [created] = told();
    expect(created).toMatchObject({ type: 'transcript', event: { kind: 'tool_output', payload: { head: 'compiling\n' } } });
    const seq = rows()[0]!.seq;

    recorder.toolOutput('c1', 'stderr', 'warning: x\n');
    recorder.toolOutput('c1', 'stdout', 'linking\n');
    endOfTurn();
    // One delta per turn of the event loop, at its offset; stdout and stderr in arrival order.
    expect(told()).toEqual([{ type: 'tool-output-delta', laneKey: 'a', turnId: TURN, seq, callId: 'c1', offset: 10, delta: 'warning: x\nlinking\n' }]);
    vi.advanceTimersByTime(TEXT_FLUSH_INTERVAL_MS - 1);
    expect(rows()[0]!.payload.length).toBe(10);
    vi.advanceTimersByTime(1);
    expect(rows()[0]!.payload).toMatchObject({ head: 'compiling\nwarning: x\nlinking\n', length: 29, final: false });
    expect(told()).toEqual([]); // a save sends nothing new: no second cadence, no checkpoint traffic

    recorder.toolResult({ callId: 'c1', output: 'compiling\n…\n[exit code 0]', isError: false, details: { exitCode: 0, signal: null } });
    expect(rows()).toHaveLength(1); // one row per call, grown in place
    expect(rows()[0]!.payload).toMatchObject({ length: 29, final: true });
    const sent = told();
    expect(sent.map((e) => (e.type === 'transcript' ? e.event.kind : e.type))).toEqual(['tool_output', 'tool_result']);
    const result = sent[1]!;
    expect(result.type === 'transcript' && result.event.payload).toEqual({ callId: 'c1', output: 'compiling\n…\n[exit code 0]', isError: false, details: { exitCode: 0, signal: null } });
    recorder.toolOutput('c1', 'stdout', 'late\n');
    endOfTurn();
    expect(told()).toEqual([]);
    recorder.close(true);
  });

  it('a transcript read saves the output sent so far, so it holds every piece a front end was sent', async () => {
    const { recorder, live, rows } = await runningTool();
    recorder.toolOutput('c1', 'stdout', 'one\n');
    recorder.toolOutput('c1', 'stdout', 'two\n');
    live.saveStreamedText();
    expect(rows()[0]!.payload).toMatchObject({ head: 'one\ntwo\n', length: 8 });
    recorder.close(false);
  });

  it('a turn that ends while its tool runs (hard interrupt: no result) keeps the output, whole and ended', async () => {
    const { recorder, rows, sent: told } = await runningTool();
    recorder.toolOutput('c1', 'stdout', 'step 1\n');
    recorder.toolOutput('c1', 'stdout', 'step 2\n');
    told();
    recorder.close(false);
    expect(rows()[0]!.payload).toMatchObject({ head: 'step 1\nstep 2\n', final: true });
    expect(told()).toMatchObject([{ type: 'transcript', event: { kind: 'tool_output', payload: { head: 'step 1\nstep 2\n', final: true } } }]);
  });

  it('caps the row to its head and tail, keeps the whole output in a file under the data dir, and a front end applying the deltas holds what the row holds', async () => {
    const { recorder, rows, sent: told, dataDir } = await runningTool();
    const line = (n: number) => `line ${String(n).padStart(6, '0')}\n`; // 12 characters
    let all = '';
    let window: KeptOutput | 'gap' = EMPTY_OUTPUT;
    const apply = () => {
      for (const event of told()) {
        if (event.type === 'transcript' && event.event.kind === 'tool_output') window = kept(event.event.payload);
        else if (event.type === 'tool-output-delta' && window !== 'gap') window = applyOutputPiece(window, event.offset, event.delta);
      }
    };
    // 20,000 lines in bursts of 500 per turn of the event loop: 240,000 characters.
    for (let burst = 0; burst < 40; burst++) {
      for (let i = 0; i < 500; i++) {
        const text = line(burst * 500 + i);
        all += text;
        recorder.toolOutput('c1', i % 2 ? 'stderr' : 'stdout', text);
      }
      endOfTurn();
      apply();
    }
    vi.advanceTimersByTime(TEXT_FLUSH_INTERVAL_MS);
    const saved = rows()[0]!.payload;
    expect(saved.head).toBe(all.slice(0, TOOL_OUTPUT_HEAD_CHARS));
    expect(saved.tail).toBe(all.slice(all.length - TOOL_OUTPUT_TAIL_CHARS));
    expect(saved).toMatchObject({ length: all.length, totalBytes: all.length, fullOutput: true, final: false });
    // The window skipped the dropped middle (never sent) and holds exactly the row's text.
    expect(window).toEqual(kept(saved));

    recorder.toolResult({ callId: 'c1', output: '…', isError: false });
    apply();
    const row = rows()[0]!;
    const file = fullOutputPath(dataDir, { seq: row.seq, sessionId: row.sessionId, callId: 'c1' });
    expect(file.startsWith(`${dataDir}/${TOOL_OUTPUT_DIR}/`)).toBe(true);
    vi.useRealTimers();
    expect(await readFullOutput(file)).toEqual({ text: all, capped: false });
    expect(await fullOutputOf(dataDir, row)).toEqual({ callId: 'c1', text: all, complete: true, totalBytes: all.length });
    recorder.close(true);
  });

  it('output within the cap gets no file, and its download is the row itself', async () => {
    const { recorder, rows, dataDir } = await runningTool();
    recorder.toolOutput('c1', 'stdout', 'small\n');
    recorder.toolResult({ callId: 'c1', output: 'small', isError: false });
    const row = rows()[0]!;
    expect(row.payload.fullOutput).toBe(false);
    expect(fs.existsSync(`${dataDir}/${TOOL_OUTPUT_DIR}`)).toBe(false);
    vi.useRealTimers();
    expect(await fullOutputOf(dataDir, row)).toEqual({ callId: 'c1', text: 'small\n', complete: true, totalBytes: 6 });
    recorder.close(true);
  });
});

describe('kept output (shared/tool-output.ts)', () => {
  it('applies a piece once: the next one appends, a held one is skipped, one beyond a missed piece is a gap', () => {
    let kept: KeptOutput = EMPTY_OUTPUT;
    kept = applyOutputPiece(kept, 0, 'abc') as KeptOutput;
    expect(applyOutputPiece(kept, 0, 'ab')).toBe(kept);
    kept = applyOutputPiece(kept, 1, 'bcde') as KeptOutput; // overlaps: only the new part counts
    expect(kept).toEqual({ head: 'abcde', tail: '', length: 5 });
    expect(applyOutputPiece(kept, 7, 'x')).toBe('gap');
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
