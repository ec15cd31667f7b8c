/**
 * Issue 10 with L26: a running tool's output is one `tool_output` row per call, created with its
 * first piece, saved by the recorder's own 250 ms flush (the text's cadence), sent to front ends as
 * deltas by offset, capped to its head and tail, with the whole output in a file under the data dir.
 */
import fs from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TEXT_FLUSH_INTERVAL_MS, TurnRecorder } from '../../../electron/core/gateway/turn-recorder.ts';
import { LiveTurn } from '../../../electron/core/gateway/turn-registry.ts';
import { fullOutputOf, fullOutputPath, readFullOutput, TOOL_OUTPUT_DIR } from '../../../electron/core/gateway/tool-output-files.ts';
import type { GatewayEvent } from '../../../shared/gateway-events.ts';
import { applyOutputPiece, EMPTY_OUTPUT, TOOL_OUTPUT_HEAD_CHARS, TOOL_OUTPUT_TAIL_CHARS, type KeptOutput } from '../../../shared/tool-output.ts';
import type { EventPayload } from '../../../shared/transcript.ts';
import { CoreHarness } from '../../support/core-harness.ts';

let harness: CoreHarness | undefined;
afterEach(() => {
  vi.useRealTimers();
  harness?.cleanup();
  harness = undefined;
});

const TURN = 'turn_test';
const endOfTurn = () => vi.advanceTimersByTime(0);

async function recording() {
  harness = await CoreHarness.start();
  const store = harness.core.store;
  const { sessionId } = store.ensureLane('a');
  store.beginTurn({ laneKey: 'a', turnId: TURN, trigger: 'message', userText: 'run it' });
  const emitted: GatewayEvent[] = [];
  const live = new LiveTurn('a');
  vi.useFakeTimers();
  const recorder = new TurnRecorder({ store, live, sessionId, turnId: TURN, emit: (event) => emitted.push(event), log: () => {} });
  recorder.toolCall({ callId: 'c1', name: 'shell', args: { command: 'make' }, effect: 'side-effecting' });
  recorder.toolDispatched('c1');
  emitted.length = 0;
  const rows = () => store.listEvents(sessionId).flatMap((e) => (e.kind === 'tool_output' ? [{ seq: e.seq, sessionId: e.sessionId, payload: e.payload }] : []));
  const told = () => emitted.splice(0);
  return { store, recorder, live, rows, told, dataDir: harness.dataDir };
}

const kept = (payload: EventPayload<'tool_output'>): KeptOutput => ({ head: payload.head, tail: payload.tail, length: payload.length });

describe('live tool output (issue 10, L26)', () => {
  it('L26: the first piece creates the row at once, later ones are saved by the 250 ms flush, and the result ends it whole and final', async () => {
    const { recorder, rows, told } = await recording();
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
    const { recorder, live, rows } = await recording();
    recorder.toolOutput('c1', 'stdout', 'one\n');
    recorder.toolOutput('c1', 'stdout', 'two\n');
    live.saveStreamedText();
    expect(rows()[0]!.payload).toMatchObject({ head: 'one\ntwo\n', length: 8 });
    recorder.close(false);
  });

  it('a turn that ends while its tool runs (hard interrupt: no result) keeps the output, whole and ended', async () => {
    const { recorder, rows, told } = await recording();
    recorder.toolOutput('c1', 'stdout', 'step 1\n');
    recorder.toolOutput('c1', 'stdout', 'step 2\n');
    told();
    recorder.close(false);
    expect(rows()[0]!.payload).toMatchObject({ head: 'step 1\nstep 2\n', final: true });
    expect(told()).toMatchObject([{ type: 'transcript', event: { kind: 'tool_output', payload: { head: 'step 1\nstep 2\n', final: true } } }]);
  });

  it('caps the row to its head and tail, keeps the whole output in a file under the data dir, and a front end applying the deltas holds what the row holds', async () => {
    const { recorder, rows, told, dataDir } = await recording();
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
    const { recorder, rows, dataDir } = await recording();
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
