import { describe, expect, it } from 'vitest';
import { decideNote, TOOL_TAIL_NOTE, type ResumeState } from '../../../electron/core/agent/notes.ts';
import { blocksAutoResume, endsWithToolTail, INTERRUPTED_CALL_OUTPUT, NOT_RUN_CALL_OUTPUT, repairForResume, repairTranscript, unfinishedCalls } from '../../../electron/core/agent/transcript-repair.ts';
import type { StoredEvent, TurnEvent } from '../../../shared/transcript.ts';

let seq = 0;
function ev(event: TurnEvent, turnId = 't1'): StoredEvent {
  seq += 1;
  return { ...event, seq, sessionId: 's', turnId, createdAt: seq } as StoredEvent;
}
const user = (text: string) => ev({ kind: 'user_message', payload: { text } });
const say = (text: string, final = true) => ev({ kind: 'assistant_text', payload: { text, final } });
const call = (callId: string, name = 'shell', effect: 'read-only' | 'side-effecting' | 'lifecycle' = 'side-effecting') =>
  ev({ kind: 'tool_call', payload: { callId, name, args: { x: 1 }, effect } });
const dispatch = (callId: string) => ev({ kind: 'tool_dispatch', payload: { callId } });
const result = (callId: string, output = 'ok') => ev({ kind: 'tool_result', payload: { callId, output, isError: false } });

const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);
const pending = (reason: string | null, minutesAgo = 3): ResumeState => ({ resumePending: true, resumeReason: reason, lastResumeMarkedAt: NOW - minutesAgo * 60_000 });
const idle: ResumeState = { resumePending: false, resumeReason: null, lastResumeMarkedAt: null };

describe('transcript repair (L18)', () => {
  it('L18: a started tool call with no recorded result gets a synthetic result saying its outcome is unknown', () => {
    const history = repairTranscript([user('build it'), say('Building.'), call('c1'), call('c2'), dispatch('c1'), result('c1', 'built'), dispatch('c2')]);
    expect(history).toEqual([
      { role: 'user', text: 'build it' },
      { role: 'assistant', text: 'Building.', interrupted: false, toolCalls: [{ callId: 'c1', name: 'shell', args: { x: 1 } }, { callId: 'c2', name: 'shell', args: { x: 1 } }] },
      { role: 'tool', callId: 'c1', name: 'shell', output: 'built', isError: false, synthetic: false },
      { role: 'tool', callId: 'c2', name: 'shell', output: INTERRUPTED_CALL_OUTPUT, isError: true, synthetic: true },
    ]);
    expect(INTERRUPTED_CALL_OUTPUT).toContain('outcome is unknown');
  });

  it('L18: a call recorded but never started gets a synthetic result saying it did not run', () => {
    const history = repairTranscript([user('build it'), call('c1')]);
    expect(history.at(-1)).toEqual({ role: 'tool', callId: 'c1', name: 'shell', output: NOT_RUN_CALL_OUTPUT, isError: true, synthetic: true });
  });

  it('L18/L20: on resume, never-started calls at the tail stay open for the agent to run; started ones are unknown', () => {
    const repaired = repairForResume([user('go'), say('Two things.'), call('c1'), call('c2'), dispatch('c1')]);
    expect(repaired.pendingCalls).toEqual([{ callId: 'c2', name: 'shell', args: { x: 1 } }]);
    expect(repaired.history.map((e) => (e.role === 'tool' ? `tool:${e.callId}` : e.role))).toEqual(['user', 'assistant', 'tool:c1']);
    // A never-started call that is not at the tail is settled as "not run".
    const older = repairForResume([user('go'), call('c1'), user('next')]);
    expect(older.pendingCalls).toEqual([]);
    expect(older.history[2]).toMatchObject({ role: 'tool', output: NOT_RUN_CALL_OUTPUT });
  });

  it('L18: the synthetic result sits right after its call group, before the next user message', () => {
    const history = repairTranscript([user('a'), call('c1'), user('b')]);
    expect(history.map((e) => e.role)).toEqual(['user', 'assistant', 'tool', 'user']);
  });

  it('L18: an empty partial assistant message is dropped', () => {
    expect(repairTranscript([user('hi'), say('', false)])).toEqual([{ role: 'user', text: 'hi' }]);
    expect(repairTranscript([user('hi'), say('   ', false)])).toEqual([{ role: 'user', text: 'hi' }]);
  });

  it('L18: a partial assistant answer is kept and flagged interrupted', () => {
    expect(repairTranscript([user('hi'), say('Half an ans', false)]).at(-1)).toEqual({ role: 'assistant', text: 'Half an ans', interrupted: true, toolCalls: [] });
  });

  it('L18/L19: notes, notices, interruptions and errors never reach the model', () => {
    const history = repairTranscript([
      user('hi'),
      ev({ kind: 'note_marker', payload: { note: 'resume', reason: 'crash' } }),
      ev({ kind: 'notice', payload: { code: 'help', text: 'Commands…' } }),
      ev({ kind: 'interruption', payload: { cause: 'crash', reason: 'crash' } }),
      ev({ kind: 'error', payload: { message: 'boom' } }),
      say('answer'),
    ]);
    expect(history).toEqual([
      { role: 'user', text: 'hi' },
      { role: 'assistant', text: 'answer', interrupted: false, toolCalls: [] },
    ]);
  });

  it('L18: a tool result without its call is dropped (providers reject orphans)', () => {
    expect(repairTranscript([user('hi'), result('ghost')])).toEqual([{ role: 'user', text: 'hi' }]);
  });

  it('L20: only unfinished calls of the interrupted turn decide the auto-resume gate', () => {
    const events = [user('x'), call('old', 'shell', 'side-effecting'), ev({ kind: 'tool_call', payload: { callId: 'r', name: 'read_file', args: {}, effect: 'read-only' } }, 't2')];
    expect(unfinishedCalls(events, 't2')).toEqual([{ callId: 'r', name: 'read_file', effect: 'read-only' }]);
    expect(blocksAutoResume(unfinishedCalls(events, 't2'))).toBe(false);
    expect(blocksAutoResume(unfinishedCalls(events, 't1'))).toBe(true);
    expect(blocksAutoResume([{ callId: 'q', name: 'restart_baton', effect: 'lifecycle' }])).toBe(true);
  });
});

describe('the system note (L19)', () => {
  const history = repairTranscript([user('deploy'), say('Deploying now.')]);

  it('L19: a restart reason gives the resume note naming a restart; the user text is not part of it', () => {
    const note = decideNote(pending('restart_timeout'), history, NOW)!;
    expect(note.kind).toBe('resume');
    expect(note.text).toContain('interrupted by a restart about 3 minutes ago');
    expect(note.text).toContain('history is intact');
    expect(note.text).toContain('verify');
    expect(note.text).toContain('before repeating it');
  });

  it('L19: shutdown, update and crash reasons are named; anything else is "an interruption"', () => {
    expect(decideNote(pending('shutdown_timeout'), history, NOW)!.text).toContain('interrupted by a shutdown');
    expect(decideNote(pending('update_timeout'), history, NOW)!.text).toContain('interrupted by an update');
    expect(decideNote(pending('crash'), history, NOW)!.text).toContain('interrupted by a crash');
    expect(decideNote(pending('solar_flare'), history, NOW)!.text).toContain('interrupted by an interruption');
    expect(decideNote(pending(null), history, NOW)!.text).toContain('interrupted by an interruption');
  });

  it('L19: the resume note fires when the history ends with an assistant message', () => {
    expect(history.at(-1)!.role).toBe('assistant');
    expect(decideNote(pending('restart_timeout'), history, NOW)).not.toBeNull();
  });

  it('L19: with a tool tail there is exactly one note, and it is the resume note', () => {
    const tail = repairTranscript([user('x'), call('c1'), result('c1')]);
    expect(endsWithToolTail(tail)).toBe(true);
    const note = decideNote(pending('crash'), tail, NOW)!;
    expect(note.kind).toBe('resume');
    expect(note.text).toContain('tool results you have not answered');
  });

  it('L19: no resume pending and a tool tail gives the tool-tail note', () => {
    const tail = repairTranscript([user('x'), call('c1'), result('c1')]);
    expect(decideNote(idle, tail, NOW)).toEqual({ kind: 'tool-tail', text: TOOL_TAIL_NOTE });
  });

  it('L19: nothing pending gives no note at all', () => {
    expect(decideNote(idle, history, NOW)).toBeNull();
    expect(decideNote(idle, [], NOW)).toBeNull();
  });

  it('L19: the age is stated in words a model reads correctly', () => {
    expect(decideNote(pending('crash', 0), history, NOW)!.text).toContain('less than a minute ago');
    expect(decideNote(pending('crash', 1), history, NOW)!.text).toContain('about 1 minute ago');
    expect(decideNote(pending('crash', 180), history, NOW)!.text).toContain('about 3 hours ago');
    expect(decideNote({ resumePending: true, resumeReason: 'crash', lastResumeMarkedAt: null }, history, NOW)!.text).toContain('crash recently');
  });
});
