/**
 * Every contract method, end to end: GatewayClient → in-memory transport → ProtocolServer →
 * GatewayService → the real core (SQLite, settings file, scripted agents).
 */
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { GatewayEvent } from '../../../shared/gateway-events.ts';
import { conditionSentence, laneCondition } from '../../../shared/lane-condition.ts';
import { contract, type MethodName, type PushEvent } from '../../../shared/protocol/contract.ts';
import type { EventMeta, GatewayClient } from '../../../shared/protocol/client.ts';
import { Recorder } from '../../support/recorder.ts';
import { rejection, ServiceHarness } from '../../fixtures/host-service-harness.ts';

let harness: ServiceHarness | null = null;
afterEach(() => {
  harness?.cleanup();
  harness = null;
});

type Seen = { event: PushEvent; meta: EventMeta };

function record(client: GatewayClient): Recorder<Seen> {
  const recorder = new Recorder<Seen>();
  client.onEvent((event, meta) => recorder.push({ event, meta }));
  return recorder;
}

function gateway(match: (event: GatewayEvent) => boolean): (seen: Seen) => boolean {
  return (seen) => seen.event.channel === 'gateway' && match(seen.event.event);
}

const laneIdle = (laneKey: string) => gateway((e) => e.type === 'lane' && e.lane.laneKey === laneKey && e.lane.activity === 'idle');

describe('contract methods over the protocol', () => {
  it('covers every method of the contract in this file', () => {
    // Names listed here are exercised below; a method added to the contract fails this test until covered.
    const covered: MethodName[] = [
      'app.status', 'app.restart', 'lanes.list', 'lanes.create', 'lanes.search', 'transcript.get', 'message.send', 'turn.stop',
      'resume.accept', 'resume.discard', 'session.restore', 'approval.answer', 'settings.get', 'settings.set', 'provider.setKey', 'events.subscribe',
      // Exercised with real MCP servers in mcp-methods.test.ts.
      'mcp.status', 'mcp.restart',
      // Against real HTTP model servers in provider-setup.test.ts.
      'provider.models', 'provider.test', 'provider.detectLocal', 'provider.rename',
      // Conversations you can manage and retry (issue 11) in lane-methods.test.ts.
      'turn.retry', 'lanes.rename', 'lanes.pin', 'lanes.delete', 'lanes.restore',
      // Message actions and versions (issue 11) in message-actions.test.ts.
      'message.edit', 'turn.regenerate', 'turn.continue', 'message.selectVersion',
      // The export of every session (issue 11) in tests/unit/shared/conversation-export.test.ts.
      'sessions.list',
      // The whole store and its backups (issue 11) in store-methods.test.ts and tests/integration/store-backups.test.ts.
      'store.export', 'store.import', 'store.importChunk', 'backups.list', 'backups.create', 'backups.restore',
      // A tool call's full output (issue 10) over the real host in tests/integration/live-tools.test.ts.
      'tool.output',
      // Attachments and archive (issue 11) in attachment-methods.test.ts.
      'attachment.put', 'lanes.archive',
      // A conversation keeps its agent (L34) in model-methods.test.ts.
      'lanes.setModel', 'lanes.setProfile', 'lanes.setOverrides',
    ];
    expect(Object.keys(contract).sort()).toEqual([...covered].sort());
  });

  it('app.status reports the launch, its instance, startup and no banners on a fresh store', async () => {
    harness = await ServiceHarness.start();
    const client = await harness.client();
    const status = await client.call('app.status', {});
    expect(status).toEqual({
      version: '0.1.0-test',
      instanceId: harness.hub.instanceId,
      storeId: expect.stringMatching(/^[0-9a-f]{32}$/),
      updatedFrom: null,
      draining: false,
      previousExit: null,
      startup: { autoResumed: [], awaitingUser: [], suspended: [], replayed: [] },
      banners: [],
      update: { state: 'idle', version: null, progress: null, error: null },
    });
  });

  it('lanes.create makes a lane with a generated key, pushes it and lists it', async () => {
    harness = await ServiceHarness.start();
    const client = await harness.client();
    const events = record(client);
    const lane = await client.call('lanes.create', { title: 'Trip planning' });
    expect(lane).toMatchObject({ title: 'Trip planning', activity: 'idle', resumePending: false, suspended: false, queuedInputs: 0 });
    expect(lane.laneKey).toMatch(/^lane_[0-9A-Z]{26}$/);
    await events.waitFor(gateway((e) => e.type === 'lane' && e.lane.laneKey === lane.laneKey));
    const other = await client.call('lanes.create', {});
    expect(other.laneKey).not.toBe(lane.laneKey);
    expect((await client.call('lanes.list', {})).map((l) => l.laneKey).sort()).toEqual([lane.laneKey, other.laneKey].sort());
  });

  it('message.send runs a turn whose events stream to the client; transcript.get returns them', async () => {
    harness = await ServiceHarness.start();
    const client = await harness.client();
    const events = record(client);
    const { laneKey } = await client.call('lanes.create', {});
    harness.agents.script(laneKey, { steps: [{ text: 'Hello there', chunks: 3 }] });
    expect(await client.call('message.send', { laneKey, text: 'hi' })).toEqual({ status: 'started', message: 'Sent.' });
    await events.waitFor(gateway((e) => e.type === 'transcript' && e.event.kind === 'assistant_text' && e.event.payload.final));
    await events.waitFor(laneIdle(laneKey));
    // Streamed: the row came with the first piece, before the final one (issue 9 item 9).
    expect(events.items.some(gateway((e) => e.type === 'transcript' && e.laneKey === laneKey && e.event.kind === 'assistant_text' && !e.event.payload.final))).toBe(true);

    const transcript = await client.call('transcript.get', { laneKey });
    expect(transcript.events.map((e) => [e.kind, e.payload])).toEqual([
      ['user_message', { text: 'hi' }],
      ['assistant_text', { text: 'Hello there', final: true }],
    ]);
    const after = await client.call('transcript.get', { laneKey, sessionId: transcript.sessionId, afterSeq: transcript.events[0]!.seq });
    expect(after.events.map((e) => e.kind)).toEqual(['assistant_text']);
  });

  it('transcript.get of an unknown lane or a session of another lane is NOT_FOUND', async () => {
    harness = await ServiceHarness.start();
    const client = await harness.client();
    expect((await rejection(client.call('transcript.get', { laneKey: 'nope' }))).code).toBe('NOT_FOUND');
    const a = await client.call('lanes.create', {});
    const b = await client.call('lanes.create', {});
    expect((await rejection(client.call('transcript.get', { laneKey: a.laneKey, sessionId: b.sessionId }))).code).toBe('NOT_FOUND');
  });

  it('lanes.search finds lanes by title and by message text', async () => {
    harness = await ServiceHarness.start();
    const client = await harness.client();
    const events = record(client);
    const trip = await client.call('lanes.create', { title: 'Trip to Lisbon' });
    const code = await client.call('lanes.create', { title: 'Refactoring' });
    harness.agents.script(code.laneKey, { steps: [{ text: 'The deployment rollback finished.' }] });
    await client.call('message.send', { laneKey: code.laneKey, text: 'please roll back' });
    await events.waitFor(laneIdle(code.laneKey), 0);
    await harness.core.gateway.whenIdle();

    expect(await client.call('lanes.search', { query: 'lisbon' })).toEqual([{ laneKey: trip.laneKey, title: 'Trip to Lisbon', snippet: 'Trip to Lisbon' }]);
    const hits = await client.call('lanes.search', { query: 'deploy roll' });
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ laneKey: code.laneKey, title: 'Refactoring' });
    expect(hits[0]!.snippet).toContain('deployment rollback');
    expect(await client.call('lanes.search', { query: '!!!' })).toEqual([]);
  });

  it('turn.stop interrupts a running turn; a second stop has nothing to stop', async () => {
    harness = await ServiceHarness.start();
    const client = await harness.client();
    const events = record(client);
    const { laneKey } = await client.call('lanes.create', {});
    harness.agents.script(laneKey, { steps: [{ text: 'working' }, { gate: 'held' }] });
    await client.call('message.send', { laneKey, text: 'long job' });
    await harness.agents.reached.waitFor(1);
    expect(await client.call('turn.stop', { laneKey })).toEqual({ stopped: true });
    await events.waitFor(gateway((e) => e.type === 'transcript' && e.event.kind === 'interruption'));
    await harness.core.gateway.whenIdle();
    expect(await client.call('turn.stop', { laneKey })).toEqual({ stopped: false });
  });

  it('approval.answer reports whether a request was waiting', async () => {
    harness = await ServiceHarness.start();
    const client = await harness.client();
    const { laneKey } = await client.call('lanes.create', {});
    expect(await client.call('approval.answer', { laneKey, callId: 'call_1', approved: true })).toEqual({ answered: false });
  });

  it('resume.accept and resume.discard act on a resume-pending lane only', async () => {
    harness = await ServiceHarness.start();
    const client = await harness.client();
    const events = record(client);
    const { laneKey } = await client.call('lanes.create', {});
    expect(await client.call('resume.accept', { laneKey })).toEqual({ accepted: false });
    expect(await client.call('resume.discard', { laneKey })).toEqual({ discarded: false });

    harness.core.store.markResumePending(laneKey, 'restart_timeout');
    expect(await client.call('resume.discard', { laneKey })).toEqual({ discarded: true });
    expect(harness.core.store.getLane(laneKey)!.resumePending).toBe(false);

    harness.core.store.markResumePending(laneKey, 'crash');
    harness.agents.script(laneKey, { steps: [{ text: 'carrying on' }] });
    expect(await client.call('resume.accept', { laneKey })).toEqual({ accepted: true });
    await events.waitFor(gateway((e) => e.type === 'transcript' && e.event.kind === 'note_marker'));
    await harness.core.gateway.whenIdle();
    expect(harness.core.store.getLane(laneKey)!.resumePending).toBe(false);
  });

  it('session.restore points the lane back at an earlier session', async () => {
    harness = await ServiceHarness.start();
    const client = await harness.client();
    const lane = await client.call('lanes.create', {});
    expect(await client.call('message.send', { laneKey: lane.laneKey, text: '/new' })).toMatchObject({ status: 'command' });
    const [now] = (await client.call('lanes.list', {})).filter((l) => l.laneKey === lane.laneKey);
    expect(now!.sessionId).not.toBe(lane.sessionId);
    expect(await client.call('session.restore', { laneKey: lane.laneKey, sessionId: lane.sessionId })).toEqual({ restored: true });
    expect(harness.core.store.getLane(lane.laneKey)!.sessionId).toBe(lane.sessionId);
    expect(await client.call('session.restore', { laneKey: lane.laneKey, sessionId: 'ses_missing' })).toEqual({ restored: false });
  });

  it('settings.get and settings.set read and write the settings file, refusing bad values with INVALID_INPUT', async () => {
    harness = await ServiceHarness.start();
    const client = await harness.client();
    const before = await client.call('settings.get', {});
    expect(before).toMatchObject({ providers: [], warnings: [], notices: [] });
    expect(before.settings).toMatchObject({ busyInput: 'interrupt', drainTimeoutSeconds: 0.3, providers: [] });

    const after = await client.call('settings.set', { key: 'busyInput', value: 'queue' });
    expect(after.settings.busyInput).toBe('queue');
    expect(harness.settings.get().busyInput).toBe('queue');

    // Bad on purpose: the types refuse them, the gateway must too.
    const bad = await rejection(client.call('settings.set', { key: 'busyInput', value: 'sometimes' } as never));
    expect(bad.code).toBe('INVALID_INPUT');
    expect(bad.message).toContain('busyInput');
    expect((await rejection(client.call('settings.set', { key: 'noSuchSetting', value: 1 } as never))).code).toBe('INVALID_INPUT');
    expect(harness.settings.get().busyInput).toBe('queue');
  });

  it('R4: provider.setKey stores the key under provider:<name>; settings show hasKey and never the key', async () => {
    harness = await ServiceHarness.start();
    const client = await harness.client();
    const key = 'sk-live-very-secret-4242';
    expect((await rejection(client.call('provider.setKey', { providerName: 'Local', apiKey: key }))).code).toBe('NOT_FOUND');

    await client.call('settings.set', { key: 'providers', value: [{ name: 'Local', kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1', model: 'm' }] });
    expect((await client.call('settings.get', {})).providers).toEqual([
      { name: 'Local', kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1', model: 'm', hasKey: false, source: 'settings' },
    ]);
    expect(await client.call('provider.setKey', { providerName: 'Local', apiKey: key })).toEqual({ stored: true });
    expect(await harness.secrets.get('provider:Local')).toBe(key);
    expect(harness.settings.get().providers[0]!.keyRef).toBe('provider:Local');

    const view = await client.call('settings.get', {});
    expect(view.providers).toEqual([{ name: 'Local', kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1', model: 'm', hasKey: true, source: 'settings' }]);
    expect(view.settings.providers).toEqual(view.providers);
    expect(JSON.stringify(view)).not.toContain(key);
    expect(JSON.stringify(view)).not.toContain('keyRef');

    // A front end saves back the views it was given (a renamed model, say): the key stays attached.
    const edited = view.providers.map((p) => ({ ...p, model: 'm2' }));
    await client.call('settings.set', { key: 'providers', value: edited });
    expect(harness.settings.get().providers[0]).toMatchObject({ model: 'm2', keyRef: 'provider:Local' });
    expect((await client.call('settings.get', {})).providers[0]!.hasKey).toBe(true);

    // R4: a stored key can never be aimed at another server from a front end.
    await client.call('settings.set', { key: 'providers', value: [{ ...edited[0]!, baseUrl: 'http://127.0.0.1:45999/v1' }] });
    expect(harness.settings.get().providers[0]!.keyRef).toBeNull();
    expect((await client.call('settings.get', {})).providers[0]!.hasKey).toBe(false);
    await client.call('settings.set', { key: 'providers', value: [{ name: 'Evil', kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:45998/v1', model: 'm', keyRef: 'provider:Local' }] } as never); // a key reference a front end has no business sending
    expect(harness.settings.get().providers[0]!.keyRef).toBeNull();
  });

  it('R4: MCP server environment values are masked for front ends and survive being saved back', async () => {
    harness = await ServiceHarness.start();
    const client = await harness.client();
    const token = 'ghp_very_secret_token';
    // Typed into config.json by hand, in clear.
    harness.settings.set('mcpServers', [{ name: 'gh', command: 'gh-mcp', env: { GITHUB_TOKEN: token, MODE: 'ro' } }]);
    const view = await client.call('settings.get', {});
    expect(JSON.stringify(view)).not.toContain(token);
    const shown = view.settings.mcpServers[0]!;
    if (!('env' in shown)) throw new Error('expected a stdio server');
    expect(Object.keys(shown.env!)).toEqual(['GITHUB_TOKEN', 'MODE']);

    // Saved back with one value edited: the masked one keeps the token as its owner wrote it (moved to a
    // memory-only secret store it would be lost at the next start); the value typed in the window goes
    // to the secret store, the file keeps a reference.
    await client.call('settings.set', { key: 'mcpServers', value: [{ ...shown, env: { ...shown.env, MODE: 'rw' } }] });
    const stored = harness.settings.get().mcpServers[0]!;
    const env = 'env' in stored ? stored.env! : {};
    expect(env.GITHUB_TOKEN).toBe(token);
    expect(env.MODE).toMatch(/^baton-secret:mcp:gh:env:MODE:/);
    expect(await harness.secrets.get(env.MODE!.slice('baton-secret:'.length))).toBe('rw');
    expect(fs.readFileSync(harness.settings.path, 'utf8')).not.toContain('"rw"');
  });

  it('L8: app.status shows the drain banners to a front end that connects during the drain', async () => {
    harness = await ServiceHarness.start({ drainTimeoutSeconds: 30 });
    const client = await harness.client();
    const { laneKey } = await client.call('lanes.create', {});
    harness.agents.script(laneKey, { steps: [{ text: 'busy' }, { gate: 'held' }] });
    await client.call('message.send', { laneKey, text: 'long job' });
    await harness.agents.reached.waitFor(1);

    expect(await client.call('app.restart', {})).toEqual({ accepted: true });
    const late = await harness.client();
    const status = await late.call('app.status', {});
    expect(status.draining).toBe(true);
    expect(status.banners).toEqual([
      expect.objectContaining({ kind: 'drain', scope: 'global', reason: 'restart', runningCount: 1 }),
      expect.objectContaining({ kind: 'drain', scope: 'lane', laneKey, reason: 'restart' }),
    ]);
    expect(status.banners[1]!.text).toContain('will try to resume');
    // L7: a message sent during the drain is kept for the relaunch.
    expect(await late.call('message.send', { laneKey, text: 'and then this' })).toMatchObject({ status: 'queued-for-restart' });

    harness.agents.release('held');
    const result = await harness.core.drain.request('restart');
    expect(result).toMatchObject({ action: 'relaunch', timedOut: false });
    expect(harness.app.actions).toEqual(['relaunch']);
  });

  it('L20: a late front end reads "interrupted" from the lane summary (one route, no banner), until it is discarded', async () => {
    harness = await ServiceHarness.start();
    const client = await harness.client();
    const { laneKey } = await client.call('lanes.create', {});
    harness.agents.script(laneKey, { steps: [{ tool: { name: 'shell', effect: 'side-effecting', gate: 'mid-tool' } }] });
    await client.call('message.send', { laneKey, text: 'deploy' });
    await harness.agents.reached.waitFor(1);
    await harness.relaunch(); // a crash mid-tool: the side-effecting call blocks auto-resume

    const late = await harness.client();
    const status = await late.call('app.status', {});
    expect(status.startup.awaitingUser).toEqual([laneKey]);
    expect(status.banners).toEqual([]);
    const [lane] = await late.call('lanes.list', {});
    expect(lane).toMatchObject({ laneKey, activity: 'idle', resumePending: true, resumeReason: 'crash', resumeStale: false });
    expect(laneCondition(lane!)).toBe('interrupted');
    expect(conditionSentence(lane!)).toBe('Interrupted by a crash. Resume where it left off, or discard.');
    await late.call('resume.discard', { laneKey });
    expect(laneCondition((await late.call('lanes.list', {}))[0]!)).toBe('idle');
  });

  it('L16: a suspended lane says so in its summary for late front ends', async () => {
    harness = await ServiceHarness.start();
    const lane = harness.core.store.ensureLane('stuck');
    harness.core.store.suspend(lane.laneKey);
    const client = await harness.client();
    const [summary] = await client.call('lanes.list', {});
    expect(laneCondition(summary!)).toBe('suspended');
    expect((await client.call('app.status', {})).banners).toEqual([]);
  });
});
