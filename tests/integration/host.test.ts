/**
 * SPEC L30 with real processes: the headless host serves the UI and the gateway on loopback behind
 * a token and an Origin check, runs turns against a scripted OpenAI-compatible server, and maps
 * real signals onto the drain: SIGUSR1 restarts (exit 75, the turn marked and resumed after the
 * relaunch), SIGTERM/SIGINT quit with reason signal (exit 0, clean marker when nothing had to be interrupted).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SessionStore } from '../../electron/core/sessions/store.ts';
import type { GatewayEvent } from '../../shared/gateway-events.ts';
import type { PushEvent } from '../../shared/protocol/contract.ts';
import type { ConnectionState, GatewayClient } from '../../shared/protocol/client.ts';
import { HostProcess } from '../fixtures/host-process.ts';
import { Recorder } from '../support/recorder.ts';
import { createGate, startScriptedOpenAIServer, textReply, type ScriptedOpenAIServer } from '../fixtures/scripted-openai-server.ts';

let dataDir: string;
let model: ScriptedOpenAIServer;
const hosts: HostProcess[] = [];

beforeEach(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-host-'));
  model = await startScriptedOpenAIServer();
});

afterEach(async () => {
  for (const host of hosts.splice(0)) host.kill();
  await model.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function writeSettings(values: Record<string, unknown>): void {
  fs.writeFileSync(path.join(dataDir, 'config.json'), JSON.stringify(values));
}

async function startHost(options: { env?: NodeJS.ProcessEnv; port?: number } = {}): Promise<HostProcess> {
  const env = { OPENAI_BASE_URL: model.url, OPENAI_API_KEY: 'sk-test', OPENAI_MODEL: 'scripted', ...options.env };
  const host = await HostProcess.start(dataDir, env, options.port === undefined ? {} : { port: options.port });
  hosts.push(host);
  return host;
}

function gatewayEvents(client: GatewayClient): Recorder<GatewayEvent> {
  const events = new Recorder<GatewayEvent>();
  client.onEvent((event: PushEvent) => {
    if (event.channel === 'gateway') events.push(event.event);
  });
  return events;
}

/** A turn whose model keeps streaming until the drain interrupts it; resolves once it has begun. */
async function startEndlessTurn(client: GatewayClient, events: Recorder<GatewayEvent>) {
  const never = createGate();
  model.enqueue({ kind: 'stream', steps: [{ type: 'text', text: 'Working on it' }, { type: 'wait', until: never.promise }] });
  const lane = await client.call('lanes.create', {});
  await client.call('message.send', { laneKey: lane.laneKey, text: 'a long job' });
  await events.waitFor((e) => e.type === 'transcript' && e.event.kind === 'assistant_text'); // the answer's first piece
  return lane;
}

function connectionStates(client: GatewayClient): Recorder<ConnectionState> {
  const states = new Recorder<ConnectionState>();
  client.onConnection((state) => states.push(state));
  return states;
}

describe('headless host: access (L30, R4)', () => {
  it('prints its URL; the page needs the token, a loopback Host, and comes with a strict CSP and no caching', async () => {
    const host = await startHost();
    expect(host.stdout.items[0]).toBe(`Baton is running at ${host.ready.url}`);
    expect(host.ready.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{32}$/);

    const page = await host.request(`/?token=${host.ready.token}`, { Host: `127.0.0.1:${host.ready.port}` });
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['referrer-policy']).toBe('no-referrer');

    expect((await host.request('/', { Host: `127.0.0.1:${host.ready.port}` })).status).toBe(403);
    expect((await host.request('/?token=wrong', { Host: `127.0.0.1:${host.ready.port}` })).status).toBe(403);
    expect((await host.request(`/index.html?token=${host.ready.token.slice(1)}`, { Host: `localhost:${host.ready.port}` })).status).toBe(403);
    // DNS rebinding: a foreign name pointing at 127.0.0.1 is refused even with the token.
    expect((await host.request(`/?token=${host.ready.token}`, { Host: `evil.example:${host.ready.port}` })).status).toBe(403);
    // Nothing outside the renderer build is served.
    expect((await host.request('/../../package.json', { Host: `127.0.0.1:${host.ready.port}` })).status).toBe(404);
    expect((await host.request('/%2e%2e/%2e%2e/package.json', { Host: `127.0.0.1:${host.ready.port}` })).status).toBe(404);
  });

  it('the WebSocket needs the token and the host\'s own Origin; with both it serves the contract', async () => {
    const host = await startHost();
    const good = host.wsUrl;
    const noToken = good.replace(/\?token=.*$/, '');
    expect(await host.handshake(good, 'http://evil.example')).toBe(403);
    expect(await host.handshake(good, `http://127.0.0.1:${host.ready.port + 1}`)).toBe(403);
    expect(await host.handshake(good, null)).toBe(403);
    expect(await host.handshake(noToken, host.ready.origin)).toBe(403);
    expect(await host.handshake(`${noToken}?token=nope`, host.ready.origin)).toBe(403);
    expect(await host.handshake(good, host.ready.origin)).toBe(101);

    const client = await host.client();
    const status = await client.call('app.status', {});
    expect(status).toMatchObject({ instanceId: host.ready.instanceId, draining: false, version: expect.any(String) });
  });
});

describe('headless host: turns and signals (L7, L9, L12, L20, L30)', () => {
  it('runs a turn over the WebSocket and streams its events', async () => {
    const host = await startHost();
    const client = await host.client();
    const events = gatewayEvents(client);
    model.enqueue(textReply('Hello from the scripted model.'));
    const lane = await client.call('lanes.create', { title: 'Greeting' });
    expect(await client.call('message.send', { laneKey: lane.laneKey, text: 'hi' })).toMatchObject({ status: 'started' });
    const final = await events.waitFor((e) => e.type === 'transcript' && e.event.kind === 'assistant_text' && e.event.payload.final);
    // The lane's idle after the answer, not the one lanes.create reported before the turn began.
    await events.waitFor((e) => e.type === 'lane' && e.lane.laneKey === lane.laneKey && e.lane.activity === 'idle', events.items.indexOf(final));
    // Streamed: the row came with the first piece, before the final one (issue 9 item 9).
    expect(events.items.some((e) => e.type === 'transcript' && e.event.kind === 'assistant_text' && !e.event.payload.final)).toBe(true);
    const transcript = await client.call('transcript.get', { laneKey: lane.laneKey });
    // Issue 10: the model call's tokens are an event too, after its answer.
    expect(transcript.events.map((e) => e.kind)).toEqual(['user_message', 'assistant_text', 'usage']);
    expect(transcript.events[1]!.payload).toEqual({ text: 'Hello from the scripted model.', final: true, provider: expect.stringMatching(/^OpenAI-compatible server/), model: 'scripted' });
    expect(transcript.events[2]!.payload).toMatchObject({ inputTokens: 11, outputTokens: 7 });
  });

  it('SIGUSR1 mid-turn drains with reason restart, marks the lane restart_timeout and exits 75; the relaunch resumes it and the window reconnects', async () => {
    writeSettings({ drainTimeoutSeconds: 0.3, graceSeconds: 2 });
    // What scripts/start.sh does: one token for the supervised session, so windows can reconnect.
    const session = { BATON_ACCESS_TOKEN: 'supervised-session-token-0123456789abcdef' };
    const host = await startHost({ env: session });
    expect(host.ready.token).toBe(session.BATON_ACCESS_TOKEN);
    const client = await host.client();
    const events = gatewayEvents(client);
    const states = connectionStates(client);
    const lane = await startEndlessTurn(client, events);

    host.signal('SIGUSR1');
    const laneBanner = await events.waitFor((e) => e.type === 'banner' && e.banner.kind === 'drain' && e.banner.scope === 'lane');
    expect(laneBanner).toMatchObject({ banner: { laneKey: lane.laneKey, reason: 'restart' } });
    expect((await host.exited).code).toBe(75);
    await states.waitFor((s) => s === 'reconnecting');
    await model.waitForAbort(1); // the model stream was closed, not left dangling

    const store = await SessionStore.open({ dataDir });
    expect(store.getLane(lane.laneKey)).toMatchObject({ resumePending: true, resumeReason: 'restart_timeout', activeTurn: null });
    expect(store.listEvents(lane.sessionId).map((e) => e.kind)).toEqual(['user_message', 'assistant_text', 'interruption']);
    store.close();
    expect(fs.existsSync(path.join(dataDir, 'clean-exit.json'))).toBe(false); // the drain timed out

    // The relaunch (what the supervisor does on 75) continues the turn with the resume note.
    const release = createGate();
    model.enqueue({ kind: 'stream', steps: [{ type: 'wait', until: release.promise }, { type: 'text', text: 'Done after the restart.' }, { type: 'finish', reason: 'stop' }] });
    const reopened = states.next((s) => s === 'open');
    const resync = new Recorder<boolean>();
    client.onConnection((state, info) => state === 'open' && resync.push(info.resync));
    const again = await startHost({ env: session, port: host.ready.port });
    expect(again.ready.instanceId).not.toBe(host.ready.instanceId);
    const resumed = await model.waitForRequest(2);
    const notes = resumed.body.messages.filter((m) => m.role === 'system' && String(m.content).includes('interrupted by a restart'));
    expect(notes).toHaveLength(1);

    // The window that was open all along reconnects by itself and is told to reload its state.
    await reopened;
    expect(resync.items).toEqual([true]);
    const status = await client.call('app.status', {});
    expect(status.instanceId).toBe(again.ready.instanceId);
    expect(status.startup.autoResumed).toEqual([lane.laneKey]);
    const finished = events.next((e) => e.type === 'lane' && e.lane.laneKey === lane.laneKey && e.lane.activity === 'idle' && !e.lane.resumePending);
    release.open();
    await finished;
    const transcript = await client.call('transcript.get', { laneKey: lane.laneKey });
    expect(transcript.sessionId).toBe(lane.sessionId);
    expect(transcript.events.map((e) => e.kind)).toEqual(['user_message', 'assistant_text', 'interruption', 'note_marker', 'assistant_text']);
    expect(transcript.events.at(-1)).toMatchObject({ kind: 'assistant_text', payload: { text: 'Done after the restart.', final: true } });
    client.close();
  });

  it('L27: SIGTERM when idle quits with exit 0 and leaves the clean-exit marker, reason signal', async () => {
    const host = await startHost();
    const client = await host.client();
    const states = connectionStates(client);
    host.signal('SIGTERM');
    expect(await host.exited).toEqual({ code: 0, signal: null });
    await states.waitFor((s) => s === 'reconnecting');
    const marker = JSON.parse(fs.readFileSync(path.join(dataDir, 'clean-exit.json'), 'utf8')) as { reason: string };
    // One signal vocabulary for both hosts (shared/lifecycle.ts SIGNAL_EXITS).
    expect(marker.reason).toBe('signal');
  });

  it('app.restart from a window is answered, then the host drains and exits 75 for the supervisor', async () => {
    const host = await startHost();
    const client = await host.client();
    expect(await client.call('app.restart', {})).toEqual({ accepted: true });
    expect((await host.exited).code).toBe(75);
    expect(JSON.parse(fs.readFileSync(path.join(dataDir, 'clean-exit.json'), 'utf8'))).toMatchObject({ reason: 'restart' });
  });

  it('L24/L27: /restart typed in a conversation takes the host\'s one exit route: the same drain log, exit 75 for the supervisor', async () => {
    const host = await startHost();
    const client = await host.client();
    const lane = await client.call('lanes.create', {});
    expect(await client.call('message.send', { laneKey: lane.laneKey, text: '/restart' })).toMatchObject({ status: 'command' });
    expect((await host.exited).code).toBe(75);
    expect(host.stderr.items.filter((l) => l.includes('Restarting (restart)'))).toHaveLength(1);
  });

  it('a second SIGINT during the drain joins it: one drain, the turn finishes, exit 0 with a clean marker', async () => {
    // Signals drain with the short OS budget; a long one here lets the turn finish during the drain.
    writeSettings({ drainTimeoutSeconds: 30, osShutdownBudgetSeconds: 30 });
    const host = await startHost();
    const client = await host.client();
    const events = gatewayEvents(client);
    const finish = createGate();
    model.enqueue({ kind: 'stream', steps: [{ type: 'text', text: 'Almost' }, { type: 'wait', until: finish.promise }, { type: 'text', text: ' done.' }, { type: 'finish', reason: 'stop' }] });
    const lane = await client.call('lanes.create', {});
    await client.call('message.send', { laneKey: lane.laneKey, text: 'finish up' });
    await events.waitFor((e) => e.type === 'transcript' && e.event.kind === 'assistant_text'); // the answer's first piece

    host.signal('SIGINT');
    await host.stderr.waitFor((l) => l.includes('Quitting (signal)'));
    host.signal('SIGINT');
    await host.stderr.waitFor((l) => l.includes('Already quitting'));
    // L7: a message sent during the drain is kept for the next launch.
    expect(await client.call('message.send', { laneKey: lane.laneKey, text: 'one more thing' })).toMatchObject({ status: 'queued-for-restart' });
    finish.open();
    expect((await host.exited).code).toBe(0);
    expect(host.stderr.items.filter((l) => l.includes('Quitting (signal)'))).toHaveLength(1);
    expect(JSON.parse(fs.readFileSync(path.join(dataDir, 'clean-exit.json'), 'utf8'))).toMatchObject({ reason: 'signal' });
    const store = await SessionStore.open({ dataDir });
    expect(store.getLane(lane.laneKey)).toMatchObject({ resumePending: false, activeTurn: null });
    expect(store.listQueuedInputs(lane.laneKey).map((q) => q.text)).toEqual(['one more thing']);
    store.close();
  });

  it('L13/L30: SIGUSR1 then SIGTERM during the restart drain: the quit wins — exit 0, not 75, and the interrupted turn stays marked for the next start', async () => {
    // A long restart drain that the signal's short budget then cuts short.
    writeSettings({ drainTimeoutSeconds: 30, osShutdownBudgetSeconds: 0.3, graceSeconds: 1 });
    const host = await startHost();
    const client = await host.client();
    const events = gatewayEvents(client);
    const lane = await startEndlessTurn(client, events);

    host.signal('SIGUSR1');
    await host.stderr.waitFor((l) => l.includes('Restarting (restart)'));
    host.signal('SIGTERM');
    expect((await host.exited).code).toBe(0);
    expect(host.stderr.items.filter((l) => l.includes('Quitting instead of restarting (signal)'))).toHaveLength(1);

    const store = await SessionStore.open({ dataDir });
    try {
      expect(store.getLane(lane.laneKey)).toMatchObject({ resumePending: true, resumeReason: 'shutdown_timeout', activeTurn: null });
    } finally {
      store.close();
    }
    expect(fs.existsSync(path.join(dataDir, 'clean-exit.json'))).toBe(false); // the drain timed out
  });

  it('a second host on the same data directory refuses to start', async () => {
    await startHost();
    const second = HostProcess.start(dataDir, { OPENAI_BASE_URL: model.url });
    await expect(second).rejects.toThrow(/already running with this data directory/);
  });
});
