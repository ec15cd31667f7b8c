/**
 * Issue 10 (approval card): Approve once / Allow for this conversation / Always allow / Deny with a
 * reason. The real gateway and agent loop run real turns against the scripted OpenAI-compatible
 * HTTP server (so the model's next request is what we read), over real SQLite; "Always allow" goes
 * through the protocol service and the real settings file.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PushEvent } from '../../shared/protocol/contract.ts';
import type { StoredEvent } from '../../shared/transcript.ts';
import { startScriptedOpenAIServer, textReply, toolCallReply, type ScriptedOpenAIServer } from '../fixtures/scripted-openai-server.ts';
import { ServiceHarness } from '../fixtures/host-service-harness.ts';
import type { CoreHarness } from '../support/core-harness.ts';
import { startScriptedModelCore } from '../support/scripted-model-core.ts';
import { Recorder } from '../support/recorder.ts';

let server: ScriptedOpenAIServer;
let harness: CoreHarness | null = null;
let service: ServiceHarness | null = null;

beforeEach(async () => {
  server = await startScriptedOpenAIServer();
});

afterEach(async () => {
  harness?.cleanup();
  harness = null;
  service?.cleanup();
  service = null;
  await server.close();
});

async function startCore(): Promise<CoreHarness> {
  harness = await startScriptedModelCore(server);
  return harness;
}

/** Waits until the lane's turn asks about `callId`. */
async function asked(h: CoreHarness, laneKey: string, callId: string): Promise<void> {
  await h.sink.waitFor((e) => e.type === 'transcript' && e.laneKey === laneKey && e.event.kind === 'approval_request' && e.event.payload.callId === callId);
}

function events(h: CoreHarness, laneKey: string): StoredEvent[] {
  return h.core.store.listEvents(h.core.store.getLane(laneKey)!.sessionId);
}

const requestsFor = (h: CoreHarness, laneKey: string) => events(h, laneKey).filter((e) => e.kind === 'approval_request');

describe('approval choices (issue 10)', () => {
  it('issue 10: "Allow for this conversation" — later calls of the tool in this conversation run without asking, in this turn and the next; another conversation still asks', async () => {
    const h = await startCore();
    server.enqueue(toolCallReply([{ id: 'c1', name: 'shell', args: { command: 'true' } }]), toolCallReply([{ id: 'c2', name: 'shell', args: { command: 'true' } }]), textReply('Done.'));
    await h.core.gateway.send('a', 'run it twice');
    await asked(h, 'a', 'c1');
    expect(h.core.gateway.answerApproval('a', 'c1', { decision: 'conversation' })).toBe(true);
    await h.core.gateway.whenIdle();
    // The second call in the same turn was not asked.
    expect(requestsFor(h, 'a').map((e) => e.kind === 'approval_request' && e.payload.callId)).toEqual(['c1']);
    const decision = events(h, 'a').find((e) => e.kind === 'approval_decision');
    expect(decision?.kind === 'approval_decision' && decision.payload).toMatchObject({ callId: 'c1', approved: true, decision: 'conversation', name: 'shell' });
    expect(events(h, 'a').filter((e) => e.kind === 'tool_result').length).toBe(2);

    // The next turn of the same conversation, read back from the store: still allowed.
    server.enqueue(toolCallReply([{ id: 'c3', name: 'shell', args: { command: 'true' } }]), textReply('Again.'));
    await h.core.gateway.send('a', 'once more');
    await h.core.gateway.whenIdle();
    expect(requestsFor(h, 'a')).toHaveLength(1);
    expect(events(h, 'a').filter((e) => e.kind === 'tool_result').length).toBe(3);

    // Another conversation still asks.
    server.enqueue(toolCallReply([{ id: 'c4', name: 'shell', args: { command: 'true' } }]), textReply('Other.'));
    await h.core.gateway.send('b', 'run it here');
    await asked(h, 'b', 'c4');
    expect(h.core.gateway.pendingApprovals('b')).toEqual(['c4']);
    h.core.gateway.answerApproval('b', 'c4', { decision: 'once' });
    await h.core.gateway.whenIdle();
  });

  it('issue 10: "Approve once" asks again for the next call of the same tool', async () => {
    const h = await startCore();
    server.enqueue(toolCallReply([{ id: 'c1', name: 'shell', args: { command: 'true' } }]), toolCallReply([{ id: 'c2', name: 'shell', args: { command: 'true' } }]), textReply('Done.'));
    await h.core.gateway.send('a', 'run it twice');
    await asked(h, 'a', 'c1');
    h.core.gateway.answerApproval('a', 'c1', { decision: 'once' });
    await asked(h, 'a', 'c2');
    h.core.gateway.answerApproval('a', 'c2', true); // the old boolean form still answers (one release)
    await h.core.gateway.whenIdle();
    const decisions = events(h, 'a').flatMap((e) => (e.kind === 'approval_decision' ? [e.payload.decision] : []));
    expect(decisions).toEqual(['once', 'once']);
  });

  it('issue 10: Deny with a reason — the tool does not run and the model\'s next request holds the reason verbatim, quoted; the decision is stored', async () => {
    const h = await startCore();
    server.enqueue(toolCallReply([{ id: 'c1', name: 'shell', args: { command: 'echo no > denied.txt' } }]), textReply('Understood.'));
    await h.core.gateway.send('a', 'write the file');
    await asked(h, 'a', 'c1');
    const reason = 'Use the staging "db" instead';
    h.core.gateway.answerApproval('a', 'c1', { decision: 'deny', reason });
    await h.core.gateway.whenIdle();
    const toolMessage = String(server.requests.at(-1)!.body.messages.at(-1)!.content);
    expect(toolMessage).toContain('declined');
    expect(toolMessage).toContain(JSON.stringify(reason));
    const decision = events(h, 'a').find((e) => e.kind === 'approval_decision');
    expect(decision?.kind === 'approval_decision' && decision.payload).toMatchObject({ approved: false, decision: 'deny', reason });
    expect(events(h, 'a').some((e) => e.kind === 'tool_dispatch')).toBe(false);
  });

  it('issue 10: a deny reason longer than the cap reaches the model capped', async () => {
    const h = await startCore();
    server.enqueue(toolCallReply([{ id: 'c1', name: 'shell', args: { command: 'true' } }]), textReply('Ok.'));
    await h.core.gateway.send('a', 'go');
    await asked(h, 'a', 'c1');
    h.core.gateway.answerApproval('a', 'c1', { decision: 'deny', reason: 'x'.repeat(5000) });
    await h.core.gateway.whenIdle();
    const toolMessage = String(server.requests.at(-1)!.body.messages.at(-1)!.content);
    expect(toolMessage).toContain(`"${'x'.repeat(2000)}…"`);
    expect(toolMessage).not.toContain('x'.repeat(2001));
  });
});

describe('approval.answer over the protocol (issue 10)', () => {
  it('issue 10: "Always allow" sets toolApproval[tool] = auto in Settings and is stored as the decision; the old approved form is still accepted', async () => {
    service = await ServiceHarness.start();
    const client = await service.client();
    const pushes = new Recorder<PushEvent>();
    client.onEvent(pushes.push);
    const { laneKey } = await client.call('lanes.create', {});
    service.agents.script(laneKey, { steps: [{ asks: { name: 'shell' } }, { text: 'deployed' }] });
    await client.call('message.send', { laneKey, text: 'deploy' });
    const push = await pushes.waitFor((p) => p.channel === 'gateway' && p.event.type === 'transcript' && p.event.event.kind === 'approval_request');
    const callId = push.channel === 'gateway' && push.event.type === 'transcript' && push.event.event.kind === 'approval_request' ? push.event.event.payload.callId : '';
    expect(await client.call('approval.answer', { laneKey, callId, decision: 'always' })).toEqual({ answered: true });
    await service.core.gateway.whenIdle();
    expect(service.settings.get().toolApproval).toEqual({ shell: 'auto' });
    expect((await client.call('settings.get', {})).settings.toolApproval).toEqual({ shell: 'auto' });
    const { events: stored } = await client.call('transcript.get', { laneKey });
    const decision = stored.find((e) => e.kind === 'approval_decision');
    expect(decision?.kind === 'approval_decision' && decision.payload).toMatchObject({ callId, approved: true, decision: 'always' });
    // Nothing waits: both forms answer false, and nothing changes.
    expect(await client.call('approval.answer', { laneKey, callId, decision: 'always' })).toEqual({ answered: false });
    expect(await client.call('approval.answer', { laneKey, callId, approved: false })).toEqual({ answered: false });
  });

  it('issue 10: a reason over 2000 characters is refused by the contract', async () => {
    service = await ServiceHarness.start();
    const client = await service.client();
    const { laneKey } = await client.call('lanes.create', {});
    await expect(client.call('approval.answer', { laneKey, callId: 'c1', decision: 'deny', reason: 'x'.repeat(2001) })).rejects.toThrow();
  });
});
