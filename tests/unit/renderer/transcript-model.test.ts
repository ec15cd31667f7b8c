import { describe, expect, it } from 'vitest';
import {
  applyTextCheckpoint,
  applyTextDelta,
  applyTranscriptEvent,
  applyTranscriptEvents,
  buildTranscript,
  emptyTranscript,
  endLiveText,
  type TextCheckpoint,
  type TextDelta,
  type ToolItem,
  type TranscriptModel,
} from '../../../renderer/src/state/transcript-model.ts';
import { deriveToolStatus, isTurnLive } from '../../../renderer/src/state/tool-status.ts';
import { EventLog, SESSION } from './events.ts';

function fold(events: Parameters<typeof applyTranscriptEvents>[1]): TranscriptModel {
  return applyTranscriptEvents(emptyTranscript('lane', SESSION), events);
}

function toolOf(model: TranscriptModel, callId = 'call-1'): ToolItem {
  const tool = model.items.find((item): item is ToolItem => item.type === 'tool' && item.callId === callId);
  if (!tool) throw new Error(`no tool card ${callId}`);
  return tool;
}

function statusOf(model: TranscriptModel, laneActive: boolean, callId = 'call-1') {
  const tool = toolOf(model, callId);
  return deriveToolStatus(tool, { turnLive: isTurnLive(model, tool.turnId, laneActive) });
}

describe('transcript rows', () => {
  it('shows user and assistant messages in order, one tool card per call', () => {
    const log = new EventLog();
    const model = buildTranscript('lane', SESSION, [
      log.next('user_message', { text: 'read a.txt' }),
      log.next('assistant_text', { text: 'Let me look.', final: true }),
      log.next('tool_call', { callId: 'call-1', name: 'read_file', args: { path: 'a.txt' }, effect: 'read-only' }),
      log.next('tool_dispatch', { callId: 'call-1' }),
      log.next('tool_result', { callId: 'call-1', output: 'contents', isError: false }),
      log.next('assistant_text', { text: 'Done.', final: true }),
    ]);
    expect(model.items.map((item) => item.type)).toEqual(['user', 'assistant', 'tool', 'assistant']);
    expect(toolOf(model)).toMatchObject({ name: 'read_file', args: { path: 'a.txt' }, dispatched: true, result: { output: 'contents', isError: false } });
    expect(statusOf(model, false)).toBe('done');
  });

  it('ignores events of another session', () => {
    const other = new EventLog('session-2');
    const model = applyTranscriptEvent(emptyTranscript('lane', SESSION), other.next('user_message', { text: 'elsewhere' }));
    expect(model.items).toHaveLength(0);
  });

  it('upserts a re-sent row under its seq instead of adding a second one', () => {
    const log = new EventLog();
    const row = log.next('assistant_text', { text: 'Hel', final: false });
    const model = fold([row, log.again(row, 'assistant_text', { text: 'Hello', final: false }), log.again(row, 'assistant_text', { text: 'Hello!', final: true })]);
    expect(model.items).toHaveLength(1);
    expect(model.items[0]).toMatchObject({ type: 'assistant', text: 'Hello!', final: true, streaming: false });
  });

  it('builds a 10,000-message conversation in one pass', () => {
    const log = new EventLog();
    const events = Array.from({ length: 10_000 }, (_, i) =>
      i % 2 === 0 ? log.next('user_message', { text: `question ${i}` }, `turn-${i}`) : log.next('assistant_text', { text: `answer ${i}`, final: true }, `turn-${i - 1}`),
    );
    const model = buildTranscript('lane', SESSION, events);
    expect(model.items).toHaveLength(10_000);
    expect(model.items.at(-1)).toMatchObject({ type: 'assistant', text: 'answer 9999' });
    expect(model.lastSeq).toBe(10_000);
  });
});

describe('streaming text (issue 9 item 9: text travels once)', () => {
  const delta = (seq: number, offset: number, text: string, turnId = 'turn-1'): TextDelta => ({ type: 'text-delta', laneKey: 'lane', turnId, seq, offset, delta: text });
  const checkpoint = (seq: number, length: number): TextCheckpoint => ({ type: 'text-checkpoint', laneKey: 'lane', turnId: 'turn-1', seq, length });
  const textOf = (model: TranscriptModel, seq: number) => model.items.find((item) => item.seq === seq && item.type === 'assistant');

  it('L26: the row comes with the first piece, deltas extend it by offset, the final row ends it exactly', () => {
    const log = new EventLog();
    let model = fold([log.next('user_message', { text: 'hi' })]);
    const row = log.next('assistant_text', { text: 'Hel', final: false });
    model = applyTranscriptEvent(model, row);
    expect(model.items.at(-1)).toMatchObject({ seq: row.seq, text: 'Hel', streaming: true });
    expect(model.live).toEqual({ turnId: 'turn-1', seq: row.seq });

    model = applyTextDelta(model, delta(row.seq, 3, 'lo'));
    model = applyTextDelta(model, delta(row.seq, 5, ', world'));
    expect(model.items.at(-1)).toMatchObject({ seq: row.seq, text: 'Hello, world', streaming: true });
    // A checkpoint carries no text; one the row already covers changes nothing.
    expect(applyTextCheckpoint(model, checkpoint(row.seq, 12))).toBe(model);

    model = applyTranscriptEvent(model, log.again(row, 'assistant_text', { text: 'Hello, world.', final: true }));
    expect(model.items).toHaveLength(2);
    expect(model.items.at(-1)).toMatchObject({ text: 'Hello, world.', final: true, streaming: false });
    expect(model.live).toBeNull();
    expect(model.missingText).toBeNull();
  });

  it('a piece the row already holds is skipped, and one that overlaps adds only its new part', () => {
    const log = new EventLog();
    const row = log.next('assistant_text', { text: 'One', final: false });
    let model = applyTextDelta(applyTranscriptEvent(emptyTranscript('lane', SESSION), row), delta(row.seq, 3, ' two'));
    const before = model;
    model = applyTextDelta(model, delta(row.seq, 3, ' two')); // replayed
    expect(model).toBe(before);
    model = applyTextDelta(model, delta(row.seq, 0, 'One')); // what the row came with
    expect(model).toBe(before);
    model = applyTextDelta(model, delta(row.seq, 5, 'wo three'));
    expect(textOf(model, row.seq)).toMatchObject({ text: 'One two three' });
    expect(model.missingText).toBeNull();
  });

  it('a piece past the end of the row is a gap: the row is missing text, waits, and its whole row makes it exact', () => {
    const log = new EventLog();
    const row = log.next('assistant_text', { text: 'Start', final: false });
    let model = applyTranscriptEvent(emptyTranscript('lane', SESSION), row);
    model = applyTextDelta(model, delta(row.seq, 9, ' end')); // " mid" (offset 5) never arrived
    expect(model.missingText).toBe(row.seq);
    expect(textOf(model, row.seq)).toMatchObject({ text: 'Start' }); // never shown with a hole
    // Pieces of a row missing text wait for the fetch instead of building on the hole.
    expect(applyTextDelta(model, delta(row.seq, 13, '!'))).toBe(model);
    model = applyTranscriptEvent(model, log.again(row, 'assistant_text', { text: 'Start mid end!', final: true }));
    expect(model.missingText).toBeNull();
    expect(textOf(model, row.seq)).toMatchObject({ text: 'Start mid end!', final: true });
  });

  it('a checkpoint longer than the text shown means deltas were missed', () => {
    const log = new EventLog();
    const row = log.next('assistant_text', { text: 'Saved', final: false });
    const model = applyTranscriptEvent(emptyTranscript('lane', SESSION), row);
    expect(applyTextCheckpoint(model, checkpoint(row.seq, 5))).toBe(model);
    expect(applyTextCheckpoint(model, checkpoint(row.seq, 9)).missingText).toBe(row.seq);
  });

  it('a piece or checkpoint of a row never received is a gap too', () => {
    const model = fold([new EventLog().next('user_message', { text: 'hi' })]);
    expect(applyTextDelta(model, delta(42, 10, 'lost')).missingText).toBe(42);
    expect(applyTextCheckpoint(model, checkpoint(42, 10)).missingText).toBe(42);
  });

  it('keeps a live row in seq order while other rows arrive', () => {
    const log = new EventLog();
    let model = fold([log.next('user_message', { text: 'hi' })]);
    const row = log.next('assistant_text', { text: 'Thinking', final: false });
    model = applyTranscriptEvent(model, row);
    model = applyTranscriptEvent(model, log.next('notice', { code: 'status', text: 'Session: x' }, null));
    model = applyTextDelta(model, delta(row.seq, 8, ' more'));
    expect(model.items.map((item) => item.type)).toEqual(['user', 'assistant', 'notice']);
    expect(textOf(model, row.seq)).toMatchObject({ text: 'Thinking more' });
  });

  it('an interruption ends the live message and leaves the saved part, flagged unfinished', () => {
    const log = new EventLog();
    let model = fold([log.next('user_message', { text: 'hi' })]);
    const row = log.next('assistant_text', { text: 'Partial', final: false });
    model = applyTranscriptEvent(model, row);
    model = applyTextDelta(model, delta(row.seq, 7, ' answ'));
    model = applyTranscriptEvent(model, log.again(row, 'assistant_text', { text: 'Partial answ', final: false })); // the row, whole, as the turn ends
    model = applyTranscriptEvent(model, log.next('interruption', { cause: 'drain', reason: 'restart_timeout' }));
    expect(model.live).toBeNull();
    expect(model.items.map((item) => item.type)).toEqual(['user', 'assistant', 'interruption']);
    expect(model.items[1]).toMatchObject({ text: 'Partial answ', final: false, streaming: false });
    // Late deltas of an ended turn change nothing.
    expect(applyTextDelta(model, delta(row.seq, 12, 'er'))).toBe(model);
  });

  it('the lane going idle stops the live message streaming', () => {
    const log = new EventLog();
    let model = applyTranscriptEvent(fold([log.next('user_message', { text: 'hi' })]), log.next('assistant_text', { text: 'cut', final: false }));
    model = endLiveText(model);
    expect(model.live).toBeNull();
    expect(model.items.at(-1)).toMatchObject({ text: 'cut', streaming: false });
  });

  it('a transcript opened mid-turn continues its partial answer: deltas name its row', () => {
    const log = new EventLog();
    const user = log.next('user_message', { text: 'hi' });
    const row = log.next('assistant_text', { text: 'So far', final: false });
    let model = buildTranscript('lane', SESSION, [user, row]);
    model = applyTextDelta(model, delta(row.seq, 2, ' far')); // sent before the fetch: the row has it
    model = applyTextDelta(model, delta(row.seq, 6, ' and more'));
    expect(model.items).toHaveLength(2);
    expect(model.items[1]).toMatchObject({ text: 'So far and more', streaming: true });
  });
});

describe('tool cards', () => {
  const call = (log: EventLog) => log.next('tool_call', { callId: 'call-1', name: 'shell', args: { command: 'rm -rf build' }, effect: 'side-effecting' });

  it('shows an approval as pending until a decision arrives, then follows the call', () => {
    const log = new EventLog();
    let model = fold([log.next('user_message', { text: 'clean up' }), call(log)]);
    expect(statusOf(model, true)).toBe('pending');

    model = applyTranscriptEvent(model, log.next('approval_request', { callId: 'call-1', name: 'shell', args: { command: 'rm -rf build' } }));
    expect(toolOf(model).approval).toBe('requested');
    expect(statusOf(model, true)).toBe('approval');
    expect(model.items.filter((item) => item.type === 'tool')).toHaveLength(1);

    model = applyTranscriptEvent(model, log.next('approval_decision', { callId: 'call-1', approved: true }));
    expect(statusOf(model, true)).toBe('pending');
    model = applyTranscriptEvent(model, log.next('tool_dispatch', { callId: 'call-1' }));
    expect(statusOf(model, true)).toBe('running');
    model = applyTranscriptEvent(model, log.next('tool_result', { callId: 'call-1', output: 'boom', isError: true }));
    expect(statusOf(model, true)).toBe('error');
  });

  it('a denied call shows as denied', () => {
    const log = new EventLog();
    const model = fold([
      call(log),
      log.next('approval_request', { callId: 'call-1', name: 'shell', args: {} }),
      log.next('approval_decision', { callId: 'call-1', approved: false }),
      log.next('tool_result', { callId: 'call-1', output: 'The user declined this tool call.', isError: true }),
    ]);
    expect(statusOf(model, true)).toBe('denied');
  });

  it('an interrupted turn leaves a started call unknown and an unstarted one not run', () => {
    const log = new EventLog();
    const model = fold([
      call(log),
      log.next('tool_dispatch', { callId: 'call-1' }),
      log.next('tool_call', { callId: 'call-2', name: 'write_file', args: {}, effect: 'side-effecting' }),
      log.next('interruption', { cause: 'drain', reason: 'restart_timeout' }),
    ]);
    // Even while the lane is busy again (a resumed turn), the old turn is over.
    expect(statusOf(model, true, 'call-1')).toBe('unknown');
    expect(statusOf(model, true, 'call-2')).toBe('not-run');
  });

  it('an approval left unanswered by a crash is not offered once the lane is idle', () => {
    const log = new EventLog();
    const model = fold([call(log), log.next('approval_request', { callId: 'call-1', name: 'shell', args: {} })]);
    expect(statusOf(model, false)).toBe('not-run');
  });

  it('a resumed turn asking again for the same call reuses its card', () => {
    const log = new EventLog();
    let model = fold([call(log), log.next('interruption', { cause: 'drain', reason: 'restart_timeout' })]);
    model = applyTranscriptEvent(model, log.next('note_marker', { note: 'resume', reason: 'restart_timeout' }, 'turn-2'));
    model = applyTranscriptEvent(model, log.next('approval_request', { callId: 'call-1', name: 'shell', args: {} }, 'turn-2'));
    expect(model.items.filter((item) => item.type === 'tool')).toHaveLength(1);
    expect(statusOf(model, true)).toBe('approval');
  });

  it('L31 (issue 10): after a restart the re-asked approval card comes after the Interrupted and Resumed dividers, in the order things happened — loaded or pushed', () => {
    const log = new EventLog();
    const before = [
      log.next('user_message', { text: 'clean up' }),
      call(log),
      log.next('approval_request', { callId: 'call-1', name: 'shell', args: {} }),
      log.next('interruption', { cause: 'drain', reason: 'restart_timeout' }),
    ];
    const after = [
      log.next('note_marker', { note: 'resume', reason: 'restart_timeout' }, 'turn-2'),
      log.next('approval_request', { callId: 'call-1', name: 'shell', args: {} }, 'turn-2'),
    ];
    const order = ['user', 'interruption', 'resumed', 'tool'];
    const loaded = buildTranscript('lane', SESSION, [...before, ...after]);
    expect(loaded.items.map((item) => item.type)).toEqual(order);
    const pushed = after.reduce(applyTranscriptEvent, fold(before));
    expect(pushed.items.map((item) => item.type)).toEqual(order);
    expect(statusOf(pushed, true)).toBe('approval');
    // Its answer and result still land on the one card, now in its new place.
    const done = [
      log.next('approval_decision', { callId: 'call-1', approved: true }, 'turn-2'),
      log.next('tool_dispatch', { callId: 'call-1' }, 'turn-2'),
      log.next('tool_result', { callId: 'call-1', output: 'ok', isError: false }, 'turn-2'),
      log.next('assistant_text', { text: 'Cleaned.', final: true }, 'turn-2'),
    ].reduce(applyTranscriptEvent, pushed);
    expect(done.items.map((item) => item.type)).toEqual([...order, 'assistant']);
    expect(statusOf(done, false)).toBe('done');
  });
});

describe('markers', () => {
  it('a failed turn offers the user message it answered for Retry', () => {
    const log = new EventLog();
    const model = fold([log.next('user_message', { text: 'summarise' }), log.next('error', { message: 'HTTP 500 from the provider' })]);
    expect(model.items.at(-1)).toMatchObject({ type: 'error', message: 'HTTP 500 from the provider', retryText: 'summarise' });
    expect(model.turnEnds.get('turn-1')).toBe('failed');
  });

  it('resume dividers and notices become their own rows', () => {
    const log = new EventLog();
    const model = fold([
      log.next('note_marker', { note: 'resume', reason: 'update_timeout' }),
      log.next('notice', { code: 'session-reset', text: 'reset', data: { previousSessionId: 'old' } }, null),
    ]);
    expect(model.items).toMatchObject([
      { type: 'resumed', note: 'resume', reason: 'update_timeout' },
      { type: 'notice', code: 'session-reset', data: { previousSessionId: 'old' } },
    ]);
  });
});
