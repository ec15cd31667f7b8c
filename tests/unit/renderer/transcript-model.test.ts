import { describe, expect, it } from 'vitest';
import {
  adoptPartialAnswer,
  applyTextDelta,
  applyTranscriptEvent,
  applyTranscriptEvents,
  buildTranscript,
  emptyTranscript,
  endLiveText,
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

describe('streaming text', () => {
  it('appends deltas live, hands over to the stored row, and ends with the final text', () => {
    const log = new EventLog();
    let model = fold([log.next('user_message', { text: 'hi' })]);

    // Before the first 250 ms flush there is no row yet: a provisional one shows the deltas.
    model = applyTextDelta(model, 'turn-1', 'Hel');
    model = applyTextDelta(model, 'turn-1', 'lo');
    expect(model.items.at(-1)).toMatchObject({ type: 'assistant', seq: null, text: 'Hello', streaming: true });

    const row = log.next('assistant_text', { text: 'Hello', final: false });
    model = applyTranscriptEvent(model, row);
    expect(model.items).toHaveLength(2);
    expect(model.items.at(-1)).toMatchObject({ seq: row.seq, text: 'Hello', streaming: true });

    model = applyTextDelta(model, 'turn-1', ', world');
    expect(model.items.at(-1)).toMatchObject({ seq: row.seq, text: 'Hello, world', streaming: true });

    // A flush carries only what was saved so far; the live text already has more.
    model = applyTranscriptEvent(model, log.again(row, 'assistant_text', { text: 'Hello,', final: false }));
    expect(model.items.at(-1)).toMatchObject({ text: 'Hello, world' });

    model = applyTranscriptEvent(model, log.again(row, 'assistant_text', { text: 'Hello, world.', final: true }));
    expect(model.items).toHaveLength(2);
    expect(model.items.at(-1)).toMatchObject({ text: 'Hello, world.', final: true, streaming: false });
    expect(model.live).toBeNull();
  });

  it('a message finished before its first flush replaces the provisional row', () => {
    const log = new EventLog();
    let model = applyTextDelta(fold([log.next('user_message', { text: 'hi' })]), 'turn-1', 'Quick.');
    model = applyTranscriptEvent(model, log.next('assistant_text', { text: 'Quick.', final: true }));
    expect(model.items.map((item) => item.type)).toEqual(['user', 'assistant']);
    expect(model.items[1]).toMatchObject({ text: 'Quick.', final: true, streaming: false });
  });

  it('keeps the provisional row last while other rows arrive', () => {
    const log = new EventLog();
    let model = applyTextDelta(fold([log.next('user_message', { text: 'hi' })]), 'turn-1', 'Thinking');
    model = applyTranscriptEvent(model, log.next('notice', { code: 'status', text: 'Session: x' }, null));
    expect(model.items.map((item) => item.type)).toEqual(['user', 'notice', 'assistant']);
  });

  it('an interruption ends the live message and leaves the saved part, flagged unfinished', () => {
    const log = new EventLog();
    let model = fold([log.next('user_message', { text: 'hi' })]);
    model = applyTextDelta(model, 'turn-1', 'Partial answ');
    model = applyTranscriptEvent(model, log.next('assistant_text', { text: 'Partial answ', final: false }));
    model = applyTranscriptEvent(model, log.next('interruption', { cause: 'drain', reason: 'restart_timeout' }));
    expect(model.live).toBeNull();
    expect(model.items.map((item) => item.type)).toEqual(['user', 'assistant', 'interruption']);
    expect(model.items[1]).toMatchObject({ text: 'Partial answ', final: false, streaming: false });
    // Late deltas of an ended turn change nothing.
    expect(applyTextDelta(model, 'turn-1', 'er')).toBe(model);
  });

  it('the lane going idle drops a provisional row nobody stored', () => {
    let model = applyTextDelta(fold([new EventLog().next('user_message', { text: 'hi' })]), 'turn-1', 'lost');
    model = endLiveText(model);
    expect(model.items.map((item) => item.type)).toEqual(['user']);
  });

  it('a transcript opened mid-turn continues its partial answer instead of starting a second one', () => {
    const log = new EventLog();
    let model = adoptPartialAnswer(buildTranscript('lane', SESSION, [log.next('user_message', { text: 'hi' }), log.next('assistant_text', { text: 'So far', final: false })]));
    model = applyTextDelta(model, 'turn-1', ' and more');
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
