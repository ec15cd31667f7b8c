/**
 * Issue 11 export (L36): the Markdown marks every kind of event a person needs to follow what
 * happened, the JSON of every session read back over the protocol equals what the store holds,
 * and the file name is safe on every OS.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { conversationToJson, conversationToMarkdown, exportFileName, readAllSessions } from '../../../shared/conversation-export.ts';
import type { LaneStatus } from '../../../shared/gateway-events.ts';
import type { StoredEvent } from '../../../shared/transcript.ts';
import { rejection, ServiceHarness } from '../../fixtures/host-service-harness.ts';

let harness: ServiceHarness | null = null;
afterEach(() => {
  harness?.cleanup();
  harness = null;
});

function lane(title: string): LaneStatus {
  return { laneKey: 'lane_1', sessionId: 's2', title, activity: 'idle', awaitingApproval: false, resumePending: false, resumeReason: null, resumeStale: false, suspended: false, queuedInputs: 0, restartFailureCount: 0, updatedAt: 0, pinned: false, deletedAt: null };
}

function event(seq: number, sessionId: string, e: Pick<StoredEvent, 'kind' | 'payload'>): StoredEvent {
  return { seq, sessionId, turnId: 't', createdAt: seq, ...e } as StoredEvent;
}

describe('conversation export formats (issue 11, L36)', () => {
  const first = [
    event(1, 's1', { kind: 'user_message', payload: { text: 'Run it' } }),
    event(2, 's1', { kind: 'approval_request', payload: { callId: 'c1', name: 'shell', args: { command: 'ls' } } }),
    event(3, 's1', { kind: 'approval_decision', payload: { callId: 'c1', approved: true } }),
    event(4, 's1', { kind: 'tool_call', payload: { callId: 'c1', name: 'shell', args: { command: 'ls' }, effect: 'side-effecting' } }),
    event(5, 's1', { kind: 'tool_dispatch', payload: { callId: 'c1' } }),
    event(6, 's1', { kind: 'tool_result', payload: { callId: 'c1', output: 'no such dir', isError: true } }),
    event(7, 's1', { kind: 'interruption', payload: { cause: 'crash', reason: null } }),
    event(8, 's1', { kind: 'note_marker', payload: { note: 'resume', reason: 'crash' } }),
    event(9, 's1', { kind: 'error', payload: { message: 'model down' } }),
  ];
  const second = [
    event(10, 's2', { kind: 'user_message', payload: { text: 'Again' } }),
    event(11, 's2', { kind: 'note_marker', payload: { note: 'tool-tail', reason: null } }),
    event(12, 's2', { kind: 'notice', payload: { code: 'x', text: 'A notice' } }),
    event(13, 's2', { kind: 'assistant_text', payload: { text: 'Done', final: true } }),
  ];
  const sessions = [
    { sessionId: 's1', title: 'First', createdAt: Date.UTC(2026, 0, 1), endedAt: Date.UTC(2026, 0, 2), events: first },
    { sessionId: 's2', title: '', createdAt: Date.UTC(2026, 0, 2), endedAt: null, events: second },
  ];
  const input = { lane: lane('Both'), sessionId: 's2', events: second, exportedAt: Date.UTC(2026, 0, 3), version: '1.2.3', sessions };

  it('L34/L36: the export names the conversation\'s model, and each answer the model that wrote it', () => {
    const withModel = { ...input, lane: { ...lane('Both'), provider: 'Local', model: 'qwen3-32b', profile: 'Coder' }, sessions: undefined };
    const events = [event(20, 's2', { kind: 'assistant_text', payload: { text: 'Hi', final: true, provider: 'OpenAI', model: 'gpt-4o' } })];
    const md = conversationToMarkdown({ ...withModel, events });
    expect(md).toContain('- Model: Local · qwen3-32b (profile Coder)');
    expect(md).toContain('### Assistant · gpt-4o\n\nHi');
    expect(conversationToJson({ ...withModel, events }).conversation).toMatchObject({ provider: 'Local', model: 'qwen3-32b', profile: 'Coder' });
    // Older answers and conversations without a model say nothing about it.
    expect(conversationToMarkdown(input)).not.toContain('- Model:');
    expect(conversationToMarkdown(input)).toContain('### Assistant\n\nDone');
  });

  it('L36: Markdown marks tool calls, results, errors, approvals, interruptions and resume notes, a section per session', () => {
    const md = conversationToMarkdown(input);
    expect(md).toMatch(/^# Both\n/);
    expect(md).toContain('## Session 1: First\n\n- Session: `s1`\n- Started: 2026-01-01T00:00:00.000Z, ended: 2026-01-02T00:00:00.000Z');
    expect(md).toContain('## Session 2 (current)');
    expect(md.indexOf('## Session 1')).toBeLessThan(md.indexOf('## Session 2'));
    expect(md).toContain('**Approval asked** for `shell`');
    expect(md).toContain('**Approved**: `shell`');
    expect(md).toContain('**Tool call** `shell` (side-effecting, id `c1`)');
    expect(md).toContain('**Tool result** `shell` (error)\n\n```\nno such dir\n```');
    expect(md).toContain('> *Interrupted* (crash)');
    expect(md).toContain('*— Resumed after an interruption (crash) —*');
    expect(md).toContain('*— Continued after unanswered tool results —*');
    expect(md).toContain('> **Error:** model down');
    expect(md).toContain('> A notice');
    expect(md).toContain('### Assistant\n\nDone');
  });

  it('issue 10: Markdown folds thinking away under "Thinking" and leaves token counts out', () => {
    const events = [
      event(20, 's2', { kind: 'reasoning', payload: { text: 'Weigh it.\nThen answer.', final: true, signature: 'sig' } }),
      event(21, 's2', { kind: 'reasoning', payload: { text: '', final: true, redacted: 'opaque' } }),
      event(22, 's2', { kind: 'assistant_text', payload: { text: 'Answer', final: true } }),
      event(23, 's2', { kind: 'usage', payload: { inputTokens: 5, outputTokens: 6, model: 'm', provider: 'p' } }),
    ];
    const md = conversationToMarkdown({ ...input, events, sessions: undefined });
    expect(md).toContain('<details><summary>Thinking</summary>\n\n> Weigh it.\n> Then answer.\n\n</details>\n\n### Assistant\n\nAnswer');
    expect(md).not.toContain('opaque');
    expect(md).not.toContain('sig');
    expect(md.trimEnd().endsWith('Answer')).toBe(true);
  });

  it('L36: the JSON of all sessions keeps each session and its events; without sessions it has none', () => {
    const json = JSON.parse(JSON.stringify(conversationToJson(input)));
    expect(json.events).toEqual(second);
    expect(json.sessions).toEqual([
      { sessionId: 's1', title: 'First', createdAt: '2026-01-01T00:00:00.000Z', endedAt: '2026-01-02T00:00:00.000Z', events: first },
      { sessionId: 's2', title: '', createdAt: '2026-01-02T00:00:00.000Z', endedAt: null, events: second },
    ]);
    const { sessions: _, ...current } = input;
    expect(conversationToJson(current)).not.toHaveProperty('sessions');
  });

  it('L35, L36: Markdown exports the current path and marks the other versions; the JSON keeps every version', () => {
    const versions = [
      { ...event(20, 's3', { kind: 'user_message', payload: { text: 'Name a colour' } }), turnId: 't1' },
      { ...event(21, 's3', { kind: 'assistant_text', payload: { text: 'Red.', final: true } }), turnId: 't1' },
      { ...event(22, 's3', { kind: 'branch', payload: { fromSeq: 20 } }), turnId: 't2' },
      { ...event(23, 's3', { kind: 'assistant_text', payload: { text: 'Blue.', final: true } }), turnId: 't2' },
      { ...event(24, 's3', { kind: 'user_message', payload: { text: 'Another?' } }), turnId: 't3' },
      { ...event(25, 's3', { kind: 'user_message', payload: { text: 'One more?', replaces: 24 } }), turnId: 't4' },
      { ...event(26, 's3', { kind: 'assistant_text', payload: { text: 'Green.', final: true } }), turnId: 't4' },
      { ...event(27, 's3', { kind: 'note_marker', payload: { note: 'continue', reason: null } }), turnId: 't5' },
    ];
    const exported = { lane: lane('Colours'), sessionId: 's3', events: versions, exportedAt: 0, version: '1.2.3' };
    const md = conversationToMarkdown(exported);
    expect(md).toContain('> *Version 1 of 2, not shown:* Red.\n\n*Version 2 of 2:*\n\n### Assistant\n\nBlue.');
    expect(md).toContain('> *Version 1 of 2, not shown:* Another?\n\n*Version 2 of 2:*\n\n### You\n\nOne more?');
    expect(md).not.toContain('### Assistant\n\nRed.');
    expect(md).not.toContain('### You\n\nAnother?');
    expect(md).toContain('*— Continued after a stop —*');
    expect(conversationToJson(exported).events).toEqual(versions);
  });

  it('issue 11: the file name is the title made safe for every OS, plus the date', () => {
    const at = Date.UTC(2026, 10, 30, 23, 0);
    expect(exportFileName('Plan for Q4', at, 'md')).toBe('Plan for Q4 2026-11-30.md');
    expect(exportFileName('a/b\\c:d*e?f"g<h>i|j\u0007k', at, 'json')).toBe('a b c d e f g h i j k 2026-11-30.json');
    expect(exportFileName('  ..hidden. ', at, 'md')).toBe('hidden 2026-11-30.md');
    expect(exportFileName('', at, 'md')).toBe('Conversation 2026-11-30.md');
    expect(exportFileName('///', at, 'md')).toBe('Conversation 2026-11-30.md');
    expect(exportFileName('CON', at, 'md')).toBe('Conversation CON 2026-11-30.md');
    expect(exportFileName('lpt1.txt', at, 'md')).toBe('Conversation lpt1.txt 2026-11-30.md');
    const long = exportFileName('é'.repeat(300), at, 'md');
    expect(long).toBe(`${'é'.repeat(80)} 2026-11-30.md`);
  });
});

describe('sessions.list and the export of every session over the protocol (issue 11, L36)', () => {
  it('L36: every session, oldest first, read through sessions.list and transcript.get, round-trips through JSON to exactly the stored events', async () => {
    harness = await ServiceHarness.start();
    const h = harness;
    const client = await h.client();
    const { laneKey } = await client.call('lanes.create', { title: 'Export me' });
    h.agents.script(laneKey, { steps: [{ tool: { name: 'shell', args: { command: 'ls' }, effect: 'side-effecting', result: 'a\nb' } }, { text: 'Listed.' }] });
    await client.call('message.send', { laneKey, text: 'list files' });
    await h.core.gateway.whenIdle();
    await client.call('message.send', { laneKey, text: '/new' });
    h.agents.script(laneKey, { steps: [{ text: 'Second answer' }] });
    await client.call('message.send', { laneKey, text: 'again' });
    await h.core.gateway.whenIdle();

    const listed = await client.call('sessions.list', { laneKey });
    expect(listed).toHaveLength(2);
    expect(listed.map((s) => s.current)).toEqual([false, true]);
    expect(listed[0]!.endedAt).not.toBeNull();
    expect(listed[1]!.sessionId).toBe(h.core.store.getLane(laneKey)!.sessionId);

    const sessions = await readAllSessions(client, laneKey);
    const lanes = await client.call('lanes.list', {});
    const status = lanes.find((l) => l.laneKey === laneKey)!;
    const current = await client.call('transcript.get', { laneKey });
    const json = JSON.parse(JSON.stringify(conversationToJson({ lane: status, sessionId: current.sessionId, events: current.events, exportedAt: 0, version: 't', sessions })));
    expect(json.sessions.map((s: { sessionId: string }) => s.sessionId)).toEqual(listed.map((s) => s.sessionId));
    for (const [index, session] of listed.entries()) {
      const stored = h.core.store.listEvents(session.sessionId);
      expect(stored.length).toBeGreaterThan(0);
      expect(json.sessions[index].events).toEqual(stored);
    }
    expect(json.events).toEqual(h.core.store.listEvents(current.sessionId));
    expect(json.sessions[0].events.map((e: StoredEvent) => e.kind)).toEqual(expect.arrayContaining(['user_message', 'tool_call', 'tool_result', 'assistant_text']));
  });

  it('R1: sessions.list refuses an unknown conversation and bad params', async () => {
    harness = await ServiceHarness.start();
    const client = await harness.client();
    expect((await rejection(client.call('sessions.list', { laneKey: 'nope' }))).code).toBe('NOT_FOUND');
    expect((await rejection(client.call('sessions.list', {} as never))).code).toBe('INVALID_PARAMS');
  });
});
