/**
 * Issue 10: the window folds a tool's live output (its `tool_output` row, then deltas by offset)
 * into the tool card's item, and reads the elapsed time and the exit badge from the facts.
 */
import { describe, expect, it } from 'vitest';
import { applyToolOutputDelta, applyTranscriptEvent, buildTranscript, type ToolItem, type TranscriptModel } from '../../../renderer/src/state/transcript-model.ts';
import { elapsedMs, exitBadge, formatElapsed } from '../../../renderer/src/state/tool-status.ts';
import { EventLog, SESSION } from './events.ts';

function tool(model: TranscriptModel): ToolItem {
  const item = model.items.find((i) => i.type === 'tool');
  if (item?.type !== 'tool') throw new Error('no tool card');
  return item;
}

const row = { callId: 'c1', head: 'line 1\n', tail: '', length: 7, totalBytes: 7, fullOutput: false, final: false };

function running() {
  const log = new EventLog();
  const call = log.next('tool_call', { callId: 'c1', name: 'shell', args: { command: 'make' }, effect: 'side-effecting' });
  const dispatch = log.next('tool_dispatch', { callId: 'c1' });
  const output = log.next('tool_output', row);
  const model = buildTranscript('lane', SESSION, [call, dispatch, output]);
  const delta = (offset: number, text: string) => ({ type: 'tool-output-delta' as const, laneKey: 'lane', turnId: 'turn-1', seq: output.seq, callId: 'c1', offset, delta: text });
  return { log, model, output, delta };
}

describe('live tool output in the window (issue 10)', () => {
  it('issue 10: the row starts the card\'s output; deltas extend it once each; a missed piece asks for the transcript again', () => {
    const { model, delta } = running();
    expect(tool(model).output).toMatchObject({ kept: { head: 'line 1\n', length: 7 }, final: false });
    const grown = applyToolOutputDelta(model, delta(7, 'line 2\n'));
    expect(tool(grown).output?.kept).toEqual({ head: 'line 1\nline 2\n', tail: '', length: 14 });
    expect(applyToolOutputDelta(grown, delta(7, 'line 2\n'))).toBe(grown); // a replay changes nothing
    const gap = applyToolOutputDelta(grown, delta(20, 'line 4\n'));
    expect(gap.missingText).toBe(tool(grown).output?.seq);
    expect(tool(gap).output?.kept.length).toBe(14); // keeps what it has
  });

  it('issue 10: the row sent whole at the end replaces what the deltas built; a stale save does not shorten the live text', () => {
    const { log, model, output, delta } = running();
    const grown = applyToolOutputDelta(model, delta(7, 'line 2\n'));
    // A row saved before the delta (a fetch crossing it) holds less: the card keeps the longer text.
    const stale = applyTranscriptEvent(grown, log.again(output, 'tool_output', row));
    expect(tool(stale).output?.kept.length).toBe(14);
    const final = applyTranscriptEvent(stale, log.again(output, 'tool_output', { ...row, head: 'line 1\nline 2\nline 3\n', length: 21, totalBytes: 21, final: true }));
    expect(tool(final).output).toMatchObject({ kept: { head: 'line 1\nline 2\nline 3\n', length: 21 }, final: true });
    expect(applyToolOutputDelta(final, delta(21, 'late'))).toBe(final);
  });

  it('issue 10: the card knows when the call started and ended, and how it exited', () => {
    const { log, model } = running();
    const result = log.next('tool_result', { callId: 'c1', output: 'ok\n[exit code 0]', isError: false, details: { exitCode: 0, signal: null } });
    const done = tool(applyTranscriptEvent(model, result));
    expect(done.startedAt).toBe(1_002);
    expect(done.endedAt).toBe(result.createdAt);
    expect(done.result?.details).toEqual({ exitCode: 0, signal: null });
    expect(elapsedMs(done, 'done', 99_999)).toBe(result.createdAt - 1_002);
    expect(elapsedMs(tool(model), 'running', 4_002)).toBe(3_000); // ticking while it runs
    expect(elapsedMs(tool(model), 'unknown', 4_002)).toBeNull(); // cut short: its end is unknown
  });

  it('issue 10: exit badge — 0 is green, another code red, a signal or a stop says killed', () => {
    expect(exitBadge({ exitCode: 0, signal: null })).toEqual({ label: 'exit 0', tone: 'ok', value: '0' });
    expect(exitBadge({ exitCode: 2, signal: null })).toEqual({ label: 'exit 2', tone: 'bad', value: '2' });
    expect(exitBadge({ exitCode: null, signal: 'SIGKILL' })).toMatchObject({ label: 'killed', tone: 'bad' });
    expect(exitBadge({ exitCode: null, signal: 'SIGTERM', stopped: 'interrupted' })).toMatchObject({ label: 'killed' });
    expect(exitBadge({ exitCode: null, signal: 'SIGTERM', stopped: 'timeout' })).toMatchObject({ label: 'timed out', tone: 'bad' });
    expect(exitBadge(undefined)).toBeNull();
    expect(exitBadge({ diff: { path: 'a', text: '', added: 0, removed: 0, truncated: false, created: false } })).toBeNull();
  });

  it('formats elapsed time for people', () => {
    expect(formatElapsed(400)).toBe('0.4 s');
    expect(formatElapsed(59_949)).toBe('59.9 s');
    expect(formatElapsed(185_000)).toBe('3 min 05 s');
    expect(formatElapsed(3_720_000)).toBe('1 h 02 min');
  });
});
