/** The command line's pure parts: its arguments, naming a conversation, and the export formats (L36, R1). */
import { describe, expect, it } from 'vitest';
import { parseCli } from '../../../electron/cli/cli-args.ts';
import { resolveConversation } from '../../../electron/cli/conversations.ts';
import { CliError, EXIT } from '../../../electron/cli/exit-codes.ts';
import { conversationToJson, conversationToMarkdown } from '../../../shared/conversation-export.ts';
import type { LaneStatus } from '../../../shared/gateway-events.ts';
import type { StoredEvent } from '../../../shared/transcript.ts';

function lane(laneKey: string, title: string): LaneStatus {
  return { laneKey, sessionId: `s_${laneKey}`, title, activity: 'idle', awaitingApproval: false, resumePending: false, resumeReason: null, resumeStale: false, suspended: false, queuedInputs: 0, restartFailureCount: 0, updatedAt: 0, pinned: false, deletedAt: null };
}

function exitOf(run: () => unknown): number | null {
  try {
    run();
    return null;
  } catch (error) {
    if (error instanceof CliError) return error.exitCode;
    throw error;
  }
}

describe('baton arguments', () => {
  it('parses each command, with the data dir defaulting like the host', () => {
    expect(parseCli(['status'], { XDG_DATA_HOME: '/xdg' })).toEqual({ dataDir: '/xdg/baton', command: { name: 'status', json: false } });
    expect(parseCli(['--data-dir', '/d', 'send', '--new', 'hi', '--wait'], {}).command).toEqual({ name: 'send', conversation: null, text: 'hi', wait: true });
    expect(parseCli(['send', 'notes', '--', '-5 degrees'], {}).command).toEqual({ name: 'send', conversation: 'notes', text: '-5 degrees', wait: false });
    expect(parseCli(['approve', 'notes'], {}).command).toEqual({ name: 'approve', conversation: 'notes', callId: null, decision: 'once', reason: null });
    expect(parseCli(['deny', 'notes', 'call_1'], {}).command).toEqual({ name: 'deny', conversation: 'notes', callId: 'call_1', decision: 'deny', reason: null });
    // Issue 10: the approval choices.
    expect(parseCli(['approve', 'notes', '--conversation'], {}).command).toMatchObject({ decision: 'conversation' });
    expect(parseCli(['approve', 'notes', 'call_1', '--always'], {}).command).toMatchObject({ callId: 'call_1', decision: 'always' });
    expect(parseCli(['deny', 'notes', '--reason', ' too risky '], {}).command).toMatchObject({ decision: 'deny', reason: 'too risky' });
    expect(parseCli(['export', 'notes', '--md'], {}).command).toEqual({ name: 'export', conversation: 'notes', format: 'md', allSessions: false });
    expect(parseCli(['export', 'notes', '--json', '--all-sessions'], {}).command).toEqual({ name: 'export', conversation: 'notes', format: 'json', allSessions: true });
    expect(parseCli(['-h'], {}).command).toEqual({ name: 'help' });
  });

  it('R1: a wrong command line is a usage error (exit 2), never a guess', () => {
    for (const argv of [[], ['nope'], ['send', 'x'], ['send', '--new'], ['export', 'x'], ['export', 'x', '--md', '--json'], ['stop'], ['status', '--wait'], ['list', 'extra'], ['--bogus', 'status'], ['approve', 'a', 'b', 'c'], ['approve', 'a', '--conversation', '--always'], ['approve', 'a', '--reason', 'x'], ['deny', 'a', '--always'], ['stop', 'a', '--conversation']]) {
      expect(exitOf(() => parseCli(argv, {})), argv.join(' ')).toBe(EXIT.usage);
    }
  });
});

describe('naming a conversation', () => {
  const lanes = [lane('lane_1', 'Garden plans'), lane('lane_2', 'Garden tools'), lane('lane_3', 'Notes'), lane('lane_4', 'Notes for Monday'), lane('lane_5', '')];

  it('by key, by exact title (beating longer titles), or by a unique title prefix, ignoring case', () => {
    expect(resolveConversation(lanes, 'lane_5').laneKey).toBe('lane_5');
    expect(resolveConversation(lanes, 'notes').laneKey).toBe('lane_3');
    expect(resolveConversation(lanes, 'notes for').laneKey).toBe('lane_4');
    expect(resolveConversation(lanes, 'GARDEN P').laneKey).toBe('lane_1');
  });

  it('nothing matching or several matching exits 4', () => {
    expect(exitOf(() => resolveConversation(lanes, 'zzz'))).toBe(EXIT.notFound);
    expect(exitOf(() => resolveConversation(lanes, 'garden'))).toBe(EXIT.notFound);
    expect(exitOf(() => resolveConversation(lanes, '  '))).toBe(EXIT.usage);
  });
});

describe('conversation export (L36)', () => {
  const events: StoredEvent[] = [
    { seq: 1, sessionId: 's', turnId: 't', createdAt: 1, kind: 'user_message', payload: { text: 'Show me a fence' } },
    { seq: 2, sessionId: 's', turnId: 't', createdAt: 2, kind: 'tool_call', payload: { callId: 'c1', name: 'shell', args: { command: 'cat x' }, effect: 'side-effecting' } },
    { seq: 3, sessionId: 's', turnId: 't', createdAt: 3, kind: 'tool_result', payload: { callId: 'c1', output: 'a ``` fence\n````', isError: false } },
    { seq: 4, sessionId: 's', turnId: 't', createdAt: 4, kind: 'assistant_text', payload: { text: 'Partial', final: false } },
    { seq: 5, sessionId: 's', turnId: 't', createdAt: 5, kind: 'interruption', payload: { cause: 'drain', reason: 'restart' } },
  ];
  const input = { lane: lane('lane_1', 'Fences'), sessionId: 's', events, exportedAt: Date.UTC(2026, 0, 2), version: '1.2.3' };

  it('JSON keeps every stored event exactly', () => {
    const json = conversationToJson(input);
    expect(json).toMatchObject({ format: 'baton.conversation', version: 1, exportedAt: '2026-01-02T00:00:00.000Z', conversation: { laneKey: 'lane_1', title: 'Fences', sessionId: 's' } });
    expect(JSON.parse(JSON.stringify(json)).events).toEqual(events);
  });

  it('Markdown fences tool output with a fence longer than any inside it, and marks interrupted text', () => {
    const md = conversationToMarkdown(input);
    expect(md).toMatch(/^# Fences\n/);
    expect(md).toContain('### You\n\nShow me a fence');
    expect(md).toContain('**Tool result** `shell`\n\n`````\na ``` fence\n````\n`````');
    expect(md).toContain('### Assistant (interrupted)\n\nPartial');
    expect(md).toContain('> *Interrupted* (drain: restart)');
  });
});
