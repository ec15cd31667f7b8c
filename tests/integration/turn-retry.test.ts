/**
 * Issue 11: Retry of a failed turn runs the real agent loop again on the same user message,
 * against the real HTTP scripted model server, without a second copy of the message in the
 * transcript or in the model request.
 */
import { describe, expect, it } from 'vitest';
import { BatonError } from '../../shared/errors.ts';
import type { StoredEvent } from '../../shared/transcript.ts';
import { textReply, type ChatRequestBody } from '../fixtures/scripted-openai-server.ts';
import type { CoreHarness } from '../support/core-harness.ts';
import { useScriptedModelCore } from '../support/scripted-model-core.ts';

// No retries and short timeouts: a scripted failure fails the turn at once.
const scripted = useScriptedModelCore({
  maxSteps: 5,
  providerTuning: { timeouts: { requestMs: 1500, idleMs: 1500 }, retry: { retries: 0, baseDelayMs: 5, maxDelayMs: 10 } },
});
const server = () => scripted.server();
const start = () => scripted.start();

// Each model call's `usage` event (issue 10) is left out: these tests follow the conversation itself.
const events = (h: CoreHarness, lane: string): StoredEvent[] => h.core.store.listEvents(h.core.store.getLane(lane)!.sessionId).filter((e) => e.kind !== 'usage');
const userTexts = (h: CoreHarness, lane: string) => events(h, lane).flatMap((e) => (e.kind === 'user_message' ? [e.payload.text] : []));
const userMessagesIn = (body: ChatRequestBody) => body.messages.filter((m) => m.role === 'user').map((m) => m.content);
/** A stream that fails after its first piece of text, so the failed attempt leaves a partial answer behind. */
const failingAfter = (text: string) => ({ kind: 'stream' as const, steps: [{ type: 'text' as const, text }, { type: 'error_event' as const, message: 'overloaded' }] });

async function refusal(run: () => unknown): Promise<BatonError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof BatonError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('turn retry (issue 11)', () => {
  it('issue 11: a retried turn holds the user message once in the transcript and in the model request', async () => {
    const h = await start();
    server().enqueue(textReply('Hello there.'), failingAfter('Half an ans'), textReply('The full answer.'));
    await h.core.gateway.send('a', 'hi');
    await h.core.gateway.whenIdle();
    await h.core.gateway.send('a', 'explain retries');
    await h.core.gateway.whenIdle();
    expect(events(h, 'a').at(-1)!.kind).toBe('error');

    // A double click: the second request while the retry runs starts nothing more.
    expect(h.core.gateway.retry('a')).toEqual({ status: 'started', message: 'Retrying.' });
    expect(h.core.gateway.retry('a')).toEqual({ status: 'started', message: 'Already retrying.' });
    await h.core.gateway.whenIdle();

    expect(userTexts(h, 'a')).toEqual(['hi', 'explain retries']);
    expect(server().requests).toHaveLength(3);
    const retried = server().requests[2]!.body;
    expect(userMessagesIn(retried)).toEqual(['hi', 'explain retries']);
    // The failed attempt's partial answer is not part of what the model is asked again.
    expect(JSON.stringify(retried.messages)).not.toContain('Half an ans');
    expect(retried.messages.at(-1)).toMatchObject({ role: 'user', content: 'explain retries' });
    const last = events(h, 'a').at(-1)!;
    expect(last).toMatchObject({ kind: 'assistant_text', payload: { text: 'The full answer.', final: true } });
    expect(h.core.store.lastTurn(h.core.store.getLane('a')!.sessionId)).toMatchObject({ trigger: 'retry', outcome: 'completed' });
  });

  it('issue 11: retry is refused unless the last turn failed, and for a conversation that does not exist', async () => {
    const h = await start();
    expect((await refusal(() => h.core.gateway.retry('nobody'))).code).toBe('NOT_FOUND');
    server().enqueue(textReply('Fine.'));
    await h.core.gateway.send('a', 'hi');
    await h.core.gateway.whenIdle();
    const refused = await refusal(() => h.core.gateway.retry('a'));
    expect(refused.code).toBe('INVALID_INPUT');
    expect(refused.message).toMatch(/only a failed turn can be retried/i);
    expect(userTexts(h, 'a')).toEqual(['hi']);
    expect(server().requests).toHaveLength(1);
  });

  it('issue 11: a retry that fails again can be retried, still without a copy of the message', async () => {
    const h = await start();
    server().enqueue(failingAfter('x'), failingAfter('y'), textReply('Third time.'));
    await h.core.gateway.send('a', 'try hard');
    await h.core.gateway.whenIdle();
    h.core.gateway.retry('a');
    await h.core.gateway.whenIdle();
    expect(events(h, 'a').at(-1)!.kind).toBe('error');
    h.core.gateway.retry('a');
    await h.core.gateway.whenIdle();
    expect(userTexts(h, 'a')).toEqual(['try hard']);
    expect(userMessagesIn(server().requests[2]!.body)).toEqual(['try hard']);
    expect(events(h, 'a').at(-1)!.payload).toEqual({ text: 'Third time.', final: true, provider: 'Scripted', model: 'test-model' });
  });
});
