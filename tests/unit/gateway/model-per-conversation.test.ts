/**
 * L34: a conversation keeps its agent. The real gateway and the real agent factory talk real HTTP
 * to two scripted OpenAI-compatible servers, one per provider, so every assertion is about which
 * server got the request and with which model.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../../../electron/core/agent/memory-secret-store.ts';
import { ModelAgentFactory, type AgentSettings } from '../../../electron/core/agent/model-agent-factory.ts';
import { MIGRATIONS } from '../../../electron/core/sessions/migrations.ts';
import { SessionStore } from '../../../electron/core/sessions/store.ts';
import type { StoredEvent } from '../../../shared/transcript.ts';
import { createGate, startScriptedOpenAIServer, textReply, toolCallReply, type ScriptedOpenAIServer } from '../../fixtures/scripted-openai-server.ts';
import { CoreHarness } from '../../support/core-harness.ts';

let alpha: ScriptedOpenAIServer;
let beta: ScriptedOpenAIServer;
let harness: CoreHarness | null = null;
let settings: AgentSettings;

beforeEach(async () => {
  [alpha, beta] = await Promise.all([startScriptedOpenAIServer(), startScriptedOpenAIServer()]);
  settings = {
    providers: [
      { name: 'Alpha', kind: 'openai-compatible', baseUrl: alpha.url, model: 'alpha-1', keyRef: null },
      { name: 'Beta', kind: 'openai-compatible', baseUrl: beta.url, model: 'beta-1', keyRef: null },
    ],
    activeProvider: 'Alpha',
    maxSteps: 10,
    toolApproval: {},
    systemPrompt: null,
    workspaceDir: null,
    profiles: [],
  };
});

afterEach(async () => {
  harness?.cleanup();
  harness = null;
  await Promise.all([alpha.close(), beta.close()]);
});

async function start(prepare?: (dataDir: string) => Promise<void>): Promise<CoreHarness> {
  harness = await CoreHarness.start({
    settings: { drainTimeoutSeconds: 0 },
    agentFactory: (h) =>
      new ModelAgentFactory({
        settings: () => settings,
        secrets: new MemorySecretStore(),
        env: {},
        dataDir: h.dataDir,
        providerTuning: { timeouts: { requestMs: 2000, idleMs: 2000 }, retry: { retries: 0, baseDelayMs: 5, maxDelayMs: 10 } },
      }),
  });
  await prepare?.(harness.dataDir);
  return harness;
}

const events = (h: CoreHarness, lane: string): StoredEvent[] => h.core.store.listEvents(h.core.store.getLane(lane)!.sessionId);
const answers = (h: CoreHarness, lane: string) => events(h, lane).flatMap((e) => (e.kind === 'assistant_text' ? [e.payload] : []));
const errors = (h: CoreHarness, lane: string) => events(h, lane).flatMap((e) => (e.kind === 'error' ? [e.payload.message] : []));

describe('a conversation keeps its agent (L34)', () => {
  it('L34: two conversations on two models send to the right scripted servers, and each answer records its model', async () => {
    const h = await start();
    h.core.gateway.createLane('a');
    h.core.gateway.createLane('b');
    expect(h.core.store.getLane('a')).toMatchObject({ provider: 'Alpha', model: 'alpha-1' });
    expect(h.core.gateway.setLaneModel('b', { provider: 'Beta', model: 'beta-2' })).toBe(true);
    alpha.enqueue(textReply('from alpha'));
    beta.enqueue(textReply('from beta'));

    await h.core.gateway.send('a', 'hello a');
    await h.core.gateway.send('b', 'hello b');
    await h.core.gateway.whenIdle();

    expect(alpha.requests.map((r) => r.body.model)).toEqual(['alpha-1']);
    expect(beta.requests.map((r) => r.body.model)).toEqual(['beta-2']);
    expect(answers(h, 'a')).toEqual([{ text: 'from alpha', final: true, provider: 'Alpha', model: 'alpha-1' }]);
    expect(answers(h, 'b')).toEqual([{ text: 'from beta', final: true, provider: 'Beta', model: 'beta-2' }]);
    expect(h.core.gateway.laneStatus('b')).toMatchObject({ provider: 'Beta', model: 'beta-2' });
  });

  it('L34: changing the default or adding a provider never re-points an existing conversation; new ones take the new default', async () => {
    const h = await start();
    h.core.gateway.createLane('a');
    settings.activeProvider = 'Beta';
    settings.providers = [...settings.providers, { name: 'Gamma', kind: 'openai-compatible', baseUrl: beta.url, model: 'gamma-1', keyRef: null }];
    h.core.gateway.createLane('c');
    alpha.enqueue(textReply('still alpha'));
    beta.enqueue(textReply('beta for c'));

    await h.core.gateway.send('a', 'hi');
    await h.core.gateway.send('c', 'hi');
    await h.core.gateway.whenIdle();

    expect(alpha.requests.map((r) => r.body.model)).toEqual(['alpha-1']);
    expect(beta.requests.map((r) => r.body.model)).toEqual(['beta-1']);
    expect(h.core.store.getLane('c')).toMatchObject({ provider: 'Beta', model: 'beta-1' });
  });

  it('L34: a conversation whose provider was removed fails with words naming it, never on another provider; picking another then works', async () => {
    const h = await start();
    h.core.gateway.createLane('a');
    settings.providers = settings.providers.filter((p) => p.name !== 'Alpha');
    settings.activeProvider = 'Beta';

    await h.core.gateway.send('a', 'are you there?');
    await h.core.gateway.whenIdle();

    expect(errors(h, 'a')).toHaveLength(1);
    expect(errors(h, 'a')[0]).toMatch(/provider “Alpha” this conversation uses is no longer configured.*Pick another model/);
    expect(alpha.requests).toHaveLength(0);
    expect(beta.requests).toHaveLength(0);
    expect(h.core.store.getLane('a')).toMatchObject({ provider: 'Alpha' });

    h.core.gateway.setLaneModel('a', { provider: 'Beta', model: 'beta-1' });
    beta.enqueue(textReply('here now'));
    h.core.gateway.retry('a');
    await h.core.gateway.whenIdle();
    expect(beta.requests.map((r) => r.body.model)).toEqual(['beta-1']);
    expect(answers(h, 'a').at(-1)).toMatchObject({ text: 'here now', model: 'beta-1' });
  });

  it('L34: a model change during a turn applies to the next turn; the running answer keeps its model', async () => {
    const h = await start();
    h.core.gateway.createLane('a');
    const gate = createGate();
    alpha.enqueue({ kind: 'stream', steps: [{ type: 'text', text: 'first ' }, { type: 'wait', until: gate.promise }, { type: 'text', text: 'answer' }, { type: 'finish', reason: 'stop' }] });
    beta.enqueue(textReply('second answer'));

    await h.core.gateway.send('a', 'one');
    await alpha.waitForRequest(1);
    h.core.gateway.setLaneModel('a', { provider: 'Beta', model: 'beta-9' });
    gate.open();
    await h.core.gateway.whenIdle();
    await h.core.gateway.send('a', 'two');
    await h.core.gateway.whenIdle();

    expect(answers(h, 'a').map((a) => [a.text, a.model])).toEqual([
      ['first answer', 'alpha-1'],
      ['second answer', 'beta-9'],
    ]);
    expect(beta.requests.map((r) => r.body.model)).toEqual(['beta-9']);
  });

  it('L34: a resume after a restart uses the lane’s provider and model, not the default', async () => {
    const h = await start();
    h.core.gateway.createLane('a');
    h.core.gateway.setLaneModel('a', { provider: 'Beta', model: 'beta-2' });
    beta.enqueue({ kind: 'stream', steps: [{ type: 'text', text: 'part' }, { type: 'hang' }] });
    await h.core.gateway.send('a', 'long job');
    await beta.waitForRequest(1);
    await h.core.requestExit('restart'); // drain timeout 0: interrupted, marked restart_timeout

    beta.enqueue(textReply('resumed on beta'));
    await h.relaunch(); // auto-resume at startup (L20)
    await h.core.gateway.whenIdle();

    expect(alpha.requests).toHaveLength(0);
    expect(beta.requests.map((r) => r.body.model)).toEqual(['beta-2', 'beta-2']);
    expect(answers(h, 'a').at(-1)).toMatchObject({ text: 'resumed on beta', provider: 'Beta', model: 'beta-2' });
  });

  it('L34: lanes from before v9 take the default of the launch that migrates them, and keep it when the default changes', async () => {
    const h = await start();
    h.crash();
    // A store written by the previous schema, with a conversation in it.
    fs.rmSync(path.join(h.dataDir, 'baton.db'), { force: true });
    fs.rmSync(path.join(h.dataDir, 'baton.db-wal'), { force: true });
    fs.rmSync(path.join(h.dataDir, 'baton.db-shm'), { force: true });
    const old = await SessionStore.open({ dataDir: h.dataDir, migrations: MIGRATIONS.filter((m) => m.version <= 8) });
    expect(old.schemaVersion).toBe(8);
    old.ensureLane('legacy', { title: 'Old chat' });
    old.close();

    settings.activeProvider = 'Beta';
    await h.launch();
    expect(h.core.store.getLane('legacy')).toMatchObject({ title: 'Old chat', provider: 'Beta', model: 'beta-1', profile: null });

    settings.activeProvider = 'Alpha';
    h.crash();
    await h.launch();
    expect(h.core.store.getLane('legacy')).toMatchObject({ provider: 'Beta', model: 'beta-1' });
    beta.enqueue(textReply('old chat, same model'));
    await h.core.gateway.send('legacy', 'still there?');
    await h.core.gateway.whenIdle();
    expect(beta.requests.map((r) => r.body.model)).toEqual(['beta-1']);
    expect(alpha.requests).toHaveLength(0);
  });

  it('L34: a profile gives the agent its instructions, tools and step limit; the conversation overrides instructions and workspace', async () => {
    const h = await start();
    const reviewDir = path.join(h.dataDir, 'review');
    settings.profiles = [
      { name: 'Reviewer', instructions: 'Review only, never write.', provider: 'Beta', model: 'beta-r', tools: ['read_file', 'list_dir'], toolApproval: {}, workspaceDir: reviewDir, maxSteps: 3 },
    ];
    h.core.gateway.createLane('a');
    h.core.gateway.setLaneProfile('a', 'Reviewer', { provider: 'Beta', model: 'beta-r' });
    beta.enqueue(textReply('reviewed'), textReply('overridden'));

    await h.core.gateway.send('a', 'look');
    await h.core.gateway.whenIdle();
    const first = beta.requests[0]!.body;
    expect(first.model).toBe('beta-r');
    expect(String(first.messages[0]!.content)).toContain('Review only, never write.');
    expect(first.tools?.map((t) => t.function.name).sort()).toEqual(['list_dir', 'read_file']);
    expect(fs.existsSync(reviewDir)).toBe(true);

    const own = path.join(h.dataDir, 'own');
    h.core.gateway.setLaneOverrides('a', { instructions: 'Answer in French.', workspaceDir: own });
    await h.core.gateway.send('a', 'again');
    await h.core.gateway.whenIdle();
    const second = beta.requests[1]!.body;
    expect(String(second.messages[0]!.content)).toContain('Answer in French.');
    expect(String(second.messages[0]!.content)).not.toContain('Review only');
    expect(fs.existsSync(own)).toBe(true);

    // A removed profile is named in the error; the conversation is not silently run as Default.
    settings.profiles = [];
    await h.core.gateway.send('a', 'third');
    await h.core.gateway.whenIdle();
    expect(errors(h, 'a').at(-1)).toMatch(/profile “Reviewer” this conversation uses no longer exists/);
    expect(beta.requests).toHaveLength(2);
  });

  it('L34: a profile’s approval policy and step limit govern the conversation’s turns', async () => {
    const h = await start();
    settings.profiles = [{ name: 'Careful', instructions: null, provider: null, model: null, tools: null, toolApproval: { list_dir: 'ask' }, workspaceDir: null, maxSteps: 1 }];
    h.core.gateway.createLane('a');
    h.core.gateway.setLaneProfile('a', 'Careful', null);
    alpha.enqueue(toolCallReply([{ id: 'c1', name: 'list_dir', args: { path: '.' } }]));

    await h.core.gateway.send('a', 'what is here?');
    // list_dir is read-only and runs without asking by default; this profile asks first.
    await h.sink.waitFor((e) => e.type === 'transcript' && e.event.kind === 'approval_request');
    h.core.gateway.answerApproval('a', 'c1', true);
    await h.core.gateway.whenIdle();

    expect(alpha.requests).toHaveLength(1);
    expect(errors(h, 'a')).toEqual([expect.stringMatching(/Stopped after 1 model calls without a final answer \(the step limit\)/)]);
  });
});
