/**
 * Issue 11 message actions (L26, L35, L18, L19): edit-and-resend, regenerate, switch versions and
 * continue run the real agent loop against the real HTTP scripted model server. The model request
 * holds ONLY the current path; every earlier version stays in the append-only log.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { CONTINUE_NOTE } from '../../electron/core/agent/notes.ts';
import { BatonError } from '../../shared/errors.ts';
import { currentPath } from '../../shared/message-path.ts';
import type { StoredEvent } from '../../shared/transcript.ts';
import { createGate, textReply, type ChatRequestBody, type ScriptedOpenAIServer } from '../fixtures/scripted-openai-server.ts';
import type { CoreHarness } from '../support/core-harness.ts';
import { useScriptedModelCore } from '../support/scripted-model-core.ts';

const scripted = useScriptedModelCore();
const start = scripted.start;
let server: ScriptedOpenAIServer;
beforeEach(() => {
  server = scripted.server();
});

const events = (h: CoreHarness, lane: string): StoredEvent[] => h.core.store.listEvents(h.core.store.getLane(lane)!.sessionId);
/** The conversation the model was sent: every message but the system prompt and notes, as role: text. */
const conversation = (body: ChatRequestBody) => body.messages.filter((m) => m.role !== 'system').map((m) => `${m.role}: ${String(m.content)}`);
/** Baton's notes (L19): system messages after the agent's own prompt. */
const notesIn = (body: ChatRequestBody) => body.messages.filter((m) => m.role === 'system' && String(m.content).startsWith('[Baton]')).map((m) => String(m.content));
const seqOf = (h: CoreHarness, lane: string, match: (e: StoredEvent) => boolean) => events(h, lane).find(match)!.seq;
const userSeq = (h: CoreHarness, lane: string, text: string) => seqOf(h, lane, (e) => e.kind === 'user_message' && e.payload.text === text);
const answerSeq = (h: CoreHarness, lane: string, text: string) => seqOf(h, lane, (e) => e.kind === 'assistant_text' && e.payload.text === text);

async function exchange(h: CoreHarness, lane: string, text: string, reply: string): Promise<void> {
  server.enqueue(textReply(reply));
  await h.core.gateway.send(lane, text);
  await h.core.gateway.whenIdle();
}

/** The typed refusal of a message action (the gateway's methods answer at once). */
function refusal(run: () => unknown): BatonError {
  const error = (() => {
    try {
      run();
    } catch (thrown) {
      return thrown;
    }
    return null;
  })();
  expect(error).toBeInstanceOf(BatonError);
  return error as BatonError;
}

describe('message versions against the real model client (issue 11, L35)', () => {
  it('L35: edit of an early message — the request holds only the edited path, the old exchange stays in the log', async () => {
    const h = await start();
    await exchange(h, 'a', 'first question', 'First answer.');
    await exchange(h, 'a', 'second question', 'Second answer.');

    server.enqueue(textReply('Answer to the edit.'));
    expect(h.core.gateway.editMessage('a', userSeq(h, 'a', 'first question'), 'first question, edited')).toEqual({ status: 'started', message: 'Sent.' });
    await h.core.gateway.whenIdle();
    expect(conversation(server.requests[2]!.body)).toEqual(['user: first question, edited']);

    await exchange(h, 'a', 'third question', 'Third answer.');
    expect(conversation(server.requests[3]!.body)).toEqual(['user: first question, edited', 'assistant: Answer to the edit.', 'user: third question']);

    // Append-only: every earlier message is still stored, and the edit names the one it replaces.
    const texts = events(h, 'a').flatMap((e) => (e.kind === 'user_message' || e.kind === 'assistant_text' ? [e.payload.text] : []));
    expect(texts).toEqual(['first question', 'First answer.', 'second question', 'Second answer.', 'first question, edited', 'Answer to the edit.', 'third question', 'Third answer.']);
    const edit = events(h, 'a').find((e) => e.kind === 'user_message' && e.payload.text === 'first question, edited')!;
    expect(edit.payload).toMatchObject({ replaces: userSeq(h, 'a', 'first question') });
    expect(h.core.store.lastTurn(h.core.store.getLane('a')!.sessionId)).toMatchObject({ trigger: 'message', outcome: 'completed' });
  });

  it('L35: regenerate twice gives versions 1/3..3/3; switching back to version 1 sends that path on the next turn', async () => {
    const h = await start();
    await exchange(h, 'a', 'name a colour', 'Red.');

    server.enqueue(textReply('Blue.'));
    h.core.gateway.regenerate('a');
    await h.core.gateway.whenIdle();
    server.enqueue(textReply('Green.'));
    h.core.gateway.regenerate('a', answerSeq(h, 'a', 'Blue.'));
    await h.core.gateway.whenIdle();
    // Each regeneration answers the same message again, once, from the path before it.
    expect(conversation(server.requests[1]!.body)).toEqual(['user: name a colour']);
    expect(conversation(server.requests[2]!.body)).toEqual(['user: name a colour']);

    const path = currentPath(events(h, 'a'));
    const fork = [...path.forks.values()][0]!;
    expect(fork.versions).toHaveLength(3);
    expect(fork.index).toBe(2);
    expect(events(h, 'a').filter((e) => e.kind === 'user_message')).toHaveLength(1); // never duplicated

    expect(h.core.gateway.selectVersion('a', answerSeq(h, 'a', 'Red.'))).toBe(true);
    expect(h.core.gateway.selectVersion('a', answerSeq(h, 'a', 'Red.'))).toBe(false); // already shown
    expect(events(h, 'a').at(-1)).toMatchObject({ kind: 'version_select', turnId: null });
    await exchange(h, 'a', 'and another?', 'Yellow.');
    expect(conversation(server.requests[3]!.body)).toEqual(['user: name a colour', 'assistant: Red.', 'user: and another?']);
    expect(refusal(() => h.core.gateway.selectVersion('a', userSeq(h, 'a', 'and another?'))).code).toBe('INVALID_INPUT');
  });

  it('issue 11: continue after a stop sends the partial answer and one continue note, and no copy of the message', async () => {
    const h = await start();
    const gate = createGate();
    server.enqueue({ kind: 'stream', steps: [{ type: 'text', text: 'The first half ' }, { type: 'wait', until: gate.promise }] });
    await h.core.gateway.send('a', 'write a long answer');
    await h.sink.waitFor((e) => e.type === 'transcript' && e.event.kind === 'assistant_text');
    expect(h.core.gateway.stop('a')).toBe(true);
    await h.core.gateway.whenIdle();
    gate.open();
    expect(events(h, 'a').at(-1)).toMatchObject({ kind: 'interruption', payload: { cause: 'stop' } });

    server.enqueue(textReply('and the second half.'));
    expect(h.core.gateway.continueAnswer('a')).toEqual({ status: 'started', message: 'Sent.' });
    await h.core.gateway.whenIdle();
    const body = server.requests[1]!.body;
    // Trailing white space trimmed: Anthropic refuses a final assistant message that ends in it.
    expect(conversation(body)).toEqual(['user: write a long answer', 'assistant: The first half']);
    expect(notesIn(body)).toEqual([CONTINUE_NOTE]);
    expect(events(h, 'a').filter((e) => e.kind === 'user_message')).toHaveLength(1);
    expect(events(h, 'a').find((e) => e.kind === 'note_marker')!.payload).toEqual({ note: 'continue', reason: null });
    // The model call's usage event comes after the answer (issue 10); the answer records its model (L34).
    expect(events(h, 'a').findLast((e) => e.kind === 'assistant_text')!.payload).toEqual({ text: 'and the second half.', final: true, provider: 'Scripted', model: 'test-model' });
    // A finished answer cannot be continued.
    expect(refusal(() => h.core.gateway.continueAnswer('a')).code).toBe('INVALID_INPUT');
  });

  it('L18, L19: a crash during a regeneration resumes on the current path — the earlier version is not sent', async () => {
    const h = await start();
    await exchange(h, 'a', 'pick a number', 'Seven.');
    server.enqueue({ kind: 'stream', steps: [{ type: 'text', text: 'Forty' }, { type: 'hang' }] });
    h.core.gateway.regenerate('a');
    await h.sink.waitFor((e) => e.type === 'transcript' && e.event.kind === 'assistant_text' && e.event.payload.text.startsWith('Forty'));
    h.core.gateway.saveStreamedText('a');
    h.crash();

    server.enqueue(textReply('Forty-two.'));
    const core = await h.launch();
    expect(core.startup.autoResumed).toEqual(['a']);
    await core.gateway.whenIdle();
    const resumed = server.requests.at(-1)!.body;
    expect(conversation(resumed)).toEqual(['user: pick a number', 'assistant: Forty']);
    expect(notesIn(resumed)).toHaveLength(1);
    expect(notesIn(resumed)[0]).toContain('interrupted by a crash');
    expect(JSON.stringify(resumed.messages)).not.toContain('Seven.');
    expect(currentPath(events(h, 'a')).forks.size).toBe(1);
  });

  it('L35: actions are refused with BUSY while a turn runs, and for messages not on the current path', async () => {
    const h = await start();
    await exchange(h, 'a', 'hello', 'Hi.');
    const gate = createGate();
    server.enqueue({ kind: 'stream', steps: [{ type: 'text', text: 'Working' }, { type: 'wait', until: gate.promise }, { type: 'finish', reason: 'stop' }] });
    await h.core.gateway.send('a', 'long job');
    await h.sink.waitFor((e) => e.type === 'transcript' && e.event.kind === 'assistant_text' && e.event.payload.text.startsWith('Working'));
    const hello = userSeq(h, 'a', 'hello');
    for (const run of [() => h.core.gateway.editMessage('a', hello, 'x'), () => h.core.gateway.regenerate('a'), () => h.core.gateway.continueAnswer('a')]) {
      const refused = refusal(run);
      expect(refused.code).toBe('BUSY');
      expect(refused.message).toMatch(/stop it first/);
    }
    gate.open();
    await h.core.gateway.whenIdle();

    server.enqueue(textReply('Hey.'));
    h.core.gateway.editMessage('a', hello, 'hey');
    await h.core.gateway.whenIdle();
    // The old "hello" is an earlier version now: it cannot be edited or regenerated until it is shown again.
    expect(refusal(() => h.core.gateway.editMessage('a', hello, 'again')).code).toBe('INVALID_INPUT');
    expect(refusal(() => h.core.gateway.regenerate('a', hello)).code).toBe('INVALID_INPUT');
    expect(refusal(() => h.core.gateway.editMessage('nobody', 1, 'x')).code).toBe('NOT_FOUND');
  });
});
