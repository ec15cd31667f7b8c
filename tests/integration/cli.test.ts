/**
 * The `baton` command line against a real headless host (a child process) and a scripted
 * OpenAI-compatible model server: every command with its exit code, `send --wait` streaming the
 * answer as it arrives, Baton not running, an unknown conversation, and the access token never
 * appearing in anything the command line prints (L30, L33, R1).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GatewayEvent } from '../../shared/gateway-events.ts';
import type { GatewayClient } from '../../shared/protocol/client.ts';
import type { PushEvent } from '../../shared/protocol/contract.ts';
import { CliProcess, type CliResult } from '../fixtures/cli-process.ts';
import { HostProcess } from '../fixtures/host-process.ts';
import { Recorder } from '../support/recorder.ts';
import { createGate, startScriptedOpenAIServer, textReply, toolCallReply, type ScriptedOpenAIServer } from '../fixtures/scripted-openai-server.ts';

/** Every output of every run, checked against every token seen (the token is never printed). */
const outputs: CliResult[] = [];
const tokens = new Set<string>();

function spawnBaton(dataDir: string, args: readonly string[], options: { stdin?: string } = {}): CliProcess {
  const cli = new CliProcess(dataDir, args, options);
  void cli.done.then((result) => outputs.push(result));
  return cli;
}

function baton(dataDir: string, ...args: string[]): Promise<CliResult> {
  return spawnBaton(dataDir, args).done;
}

async function startHost(dataDir: string, model: ScriptedOpenAIServer): Promise<HostProcess> {
  const host = await HostProcess.start(dataDir, { OPENAI_BASE_URL: model.url, OPENAI_API_KEY: 'sk-test', OPENAI_MODEL: 'scripted' });
  tokens.add(host.ready.token);
  return host;
}

function gatewayEvents(client: GatewayClient): Recorder<GatewayEvent> {
  const events = new Recorder<GatewayEvent>();
  client.onEvent((event: PushEvent) => {
    if (event.channel === 'gateway') events.push(event.event);
  });
  return events;
}

/** Resolves once a turn of the lane answered and the lane went idle after it (whenever that happened). */
async function answered(events: Recorder<GatewayEvent>, laneKey: string): Promise<void> {
  const final = await events.waitFor((e) => e.type === 'transcript' && e.laneKey === laneKey && e.event.kind === 'assistant_text' && e.event.payload.final);
  await events.waitFor((e) => e.type === 'lane' && e.lane.laneKey === laneKey && e.lane.activity === 'idle', events.items.indexOf(final));
}

describe('baton command line against a running host (L30, L33)', () => {
  let dataDir: string;
  let model: ScriptedOpenAIServer;
  let host: HostProcess;
  let client: GatewayClient;
  let events: Recorder<GatewayEvent>;
  let garden: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-cli-'));
    model = await startScriptedOpenAIServer();
    host = await startHost(dataDir, model);
    client = await host.client();
    events = gatewayEvents(client);
  });

  afterAll(async () => {
    host.kill();
    await model.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('L33: status finds Baton through the data directory and shows its address without the token (exit 0)', async () => {
    const plain = await baton(dataDir, 'status');
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain(`is running at http://127.0.0.1:${host.ready.port}/ (process ${host.ready.pid})`);
    expect(plain.stdout).toContain('Conversations: 0');

    const json = await baton(dataDir, 'status', '--json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ running: true, address: `http://127.0.0.1:${host.ready.port}/`, pid: host.ready.pid, instanceId: host.ready.instanceId, draining: false });
  });

  it('send --new prints the new key on stdout (exit 0); list shows the conversation by its title', async () => {
    model.enqueue(textReply('A plan for the garden.'));
    const sent = await baton(dataDir, 'send', '--new', 'Plan the garden');
    expect(sent.code).toBe(0);
    expect(sent.stdout).toMatch(/^lane_\w+\n$/);
    expect(sent.stderr).toBe('Sent.\n');
    garden = sent.stdout.trim();
    await answered(events, garden);

    const listed = await baton(dataDir, 'list');
    expect(listed.code).toBe(0);
    expect(listed.stdout.split('\n')[0]).toMatch(/^KEY\s+STATE\s+TITLE$/);
    expect(listed.stdout).toMatch(new RegExp(`${garden}\\s+idle\\s+Plan the garden`));
    const json = JSON.parse((await baton(dataDir, 'list', '--json')).stdout) as Array<{ laneKey: string; title: string }>;
    expect(json).toEqual([expect.objectContaining({ laneKey: garden, title: 'Plan the garden' })]);
  });

  it('send --wait streams the answer to stdout as it arrives and exits 0 when the turn completes', async () => {
    const gate = createGate();
    model.enqueue({ kind: 'stream', steps: [{ type: 'text', text: 'Roses ' }, { type: 'wait', until: gate.promise }, { type: 'text', text: 'and tulips.' }, { type: 'finish', reason: 'stop' }] });
    // The conversation named by the start of its title.
    const cli = spawnBaton(dataDir, ['send', 'plan the', 'Which flowers?', '--wait']);
    await cli.stdoutUntil((text) => text.includes('Roses'));
    // The first words are out while the model is still holding the rest back.
    expect(cli.child.exitCode).toBeNull();
    expect(cli.stdout).toBe('Roses ');
    gate.open();
    const result = await cli.done;
    expect(result).toMatchObject({ code: 0, stdout: 'Roses and tulips.\n' });
  });

  it('a message from stdin ("-") and a slash command are sent as typed', async () => {
    model.enqueue(textReply('Read it from stdin.'));
    const piped = await spawnBaton(dataDir, ['send', garden, '-', '--wait'], { stdin: 'What about shade?\n' }).done;
    expect(piped).toMatchObject({ code: 0, stdout: 'Read it from stdin.\n' });
    const request = await model.waitForRequest(3);
    expect(request.body.messages.at(-1)).toMatchObject({ role: 'user', content: 'What about shade?\n' });

    const renamed = await baton(dataDir, 'send', garden, '/title Garden plans');
    expect(renamed).toMatchObject({ code: 0, stdout: 'Renamed to “Garden plans”.\n' });
  });

  it('R1: an unknown conversation exits 4, an ambiguous title exits 4 naming the candidates, bad usage exits 2', async () => {
    const missing = await baton(dataDir, 'send', 'no such thing', 'hello');
    expect(missing.code).toBe(4);
    expect(missing.stderr).toContain('No conversation has the key or a title starting with "no such thing"');
    expect((await baton(dataDir, 'export', 'lane_nope', '--md')).code).toBe(4);

    await client.call('lanes.create', { title: 'Garden tools' });
    const ambiguous = await baton(dataDir, 'stop', 'garden');
    expect(ambiguous.code).toBe(4);
    expect(ambiguous.stderr).toContain('"garden" matches 2 conversations');
    expect(ambiguous.stderr).toContain(garden);

    expect((await baton(dataDir)).code).toBe(2);
    expect((await baton(dataDir, 'frobnicate')).code).toBe(2);
    expect((await baton(dataDir, 'send', garden)).code).toBe(2);
    expect((await baton(dataDir, 'export', garden)).code).toBe(2);
    expect((await baton(dataDir, 'list', '--wait')).code).toBe(2);
    const help = await baton(dataDir, '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Exit codes:');
  });

  it('L36: export --json is the lossless transcript; export --md reads as the conversation', async () => {
    const transcript = await client.call('transcript.get', { laneKey: garden });
    const json = await baton(dataDir, 'export', 'Garden plans', '--json');
    expect(json.code).toBe(0);
    const exported = JSON.parse(json.stdout) as { format: string; conversation: { laneKey: string; title: string; sessionId: string }; events: unknown[] };
    expect(exported.format).toBe('baton.conversation');
    expect(exported.conversation).toMatchObject({ laneKey: garden, title: 'Garden plans', sessionId: transcript.sessionId });
    expect(exported.events).toEqual(transcript.events);

    const md = await baton(dataDir, 'export', garden, '--md');
    expect(md.code).toBe(0);
    expect(md.stdout).toMatch(/^# Garden plans\n/);
    expect(md.stdout).toContain('### You\n\nWhich flowers?');
    // L34: each answer names the model that wrote it, and the header the conversation's.
    expect(md.stdout).toContain('### Assistant · scripted\n\nRoses and tulips.');
    expect(md.stdout).toMatch(/\n- Model: .+ · scripted\n/);
  });

  it('L36, issue 11: export --all-sessions holds every session, oldest first, each exactly as transcript.get gives it', async () => {
    const { laneKey } = await client.call('lanes.create', { title: 'Two sessions' });
    expect(await client.call('message.send', { laneKey, text: '/new' })).toMatchObject({ status: 'command' });
    const listed = await client.call('sessions.list', { laneKey });
    expect(listed).toHaveLength(2);

    const json = await baton(dataDir, 'export', 'Two sessions', '--json', '--all-sessions');
    expect(json.code).toBe(0);
    const exported = JSON.parse(json.stdout) as { sessions: { sessionId: string; events: unknown[] }[]; events: unknown[] };
    expect(exported.sessions.map((s) => s.sessionId)).toEqual(listed.map((s) => s.sessionId));
    for (const session of exported.sessions) {
      expect(session.events).toEqual((await client.call('transcript.get', { laneKey, sessionId: session.sessionId })).events);
    }
    expect(exported.events).toEqual((await client.call('transcript.get', { laneKey })).events);

    const md = await baton(dataDir, 'export', laneKey, '--md', '--all-sessions');
    expect(md.code).toBe(0);
    expect(md.stdout).toContain('## Session 1: Two sessions');
    expect(md.stdout).toContain('## Session 2 (current)');
    expect((await baton(dataDir, 'list', '--all-sessions')).code).toBe(2);
  });

  it('L31: approve and deny answer the tool call a turn waits on; nothing waiting exits 4', async () => {
    model.enqueue(toolCallReply([{ id: 'call_yes', name: 'shell', args: { command: 'echo approved-run' } }]), textReply('It ran.'));
    const approved = spawnBaton(dataDir, ['send', garden, 'Run it', '--wait']);
    const asked = await approved.stderrUntil((text) => text.includes('[approval]'));
    expect(asked).toContain(`baton approve ${garden} call_yes`);
    const yes = await baton(dataDir, 'approve', 'Garden plans');
    expect(yes).toMatchObject({ code: 0, stdout: 'Approved shell (call_yes) in “Garden plans”.\n' });
    expect(await approved.done).toMatchObject({ code: 0, stdout: 'It ran.\n' });

    model.enqueue(toolCallReply([{ id: 'call_no', name: 'shell', args: { command: 'echo never' } }]), textReply('Not run, then.'));
    const denied = spawnBaton(dataDir, ['send', garden, 'Run another', '--wait']);
    await denied.stderrUntil((text) => text.includes('[approval]'));
    expect((await baton(dataDir, 'deny', garden, 'call_wrong')).code).toBe(4);
    expect(await baton(dataDir, 'deny', garden, 'call_no')).toMatchObject({ code: 0, stdout: 'Denied shell (call_no) in “Garden plans”.\n' });
    expect(await denied.done).toMatchObject({ code: 0, stdout: 'Not run, then.\n' });
    const transcript = await client.call('transcript.get', { laneKey: garden });
    expect(transcript.events.filter((e) => e.kind === 'approval_decision').map((e) => e.payload)).toEqual([
      // The CLI still sends the old `approved` form: it is recorded as once / deny (issue 10).
      { callId: 'call_yes', approved: true, decision: 'once', reason: null, name: 'shell' },
      { callId: 'call_no', approved: false, decision: 'deny', reason: null, name: 'shell' },
    ]);

    const nothing = await baton(dataDir, 'approve', garden);
    expect(nothing.code).toBe(4);
    expect(nothing.stderr).toContain('Nothing in “Garden plans” is waiting for approval.');
  });

  it('issue 10, L31: approve --conversation allows the tool for the rest of the conversation; deny --reason reaches the model; approve --always sets it to auto', async () => {
    model.enqueue(
      toolCallReply([{ id: 'call_conv', name: 'shell', args: { command: 'echo one' } }]),
      toolCallReply([{ id: 'call_conv2', name: 'shell', args: { command: 'echo two' } }]),
      textReply('Both ran.'),
    );
    const both = spawnBaton(dataDir, ['send', garden, 'Run two', '--wait']);
    await both.stderrUntil((text) => text.includes('[approval]'));
    expect(await baton(dataDir, 'approve', garden, '--conversation')).toMatchObject({
      code: 0,
      stdout: 'Approved shell (call_conv) in “Garden plans”, and for the rest of this conversation.\n',
    });
    // The second call was not asked: the turn ends by itself.
    expect(await both.done).toMatchObject({ code: 0, stdout: 'Both ran.\n' });

    model.enqueue(textReply('Hello elsewhere.'));
    const other = (await baton(dataDir, 'send', '--new', 'Elsewhere')).stdout.trim();
    await answered(events, other);
    model.enqueue(toolCallReply([{ id: 'call_why', name: 'shell', args: { command: 'rm -rf /' } }]), textReply('Understood.'));
    const refused = spawnBaton(dataDir, ['send', other, 'Clean everything', '--wait']);
    await refused.stderrUntil((text) => text.includes('[approval]'));
    expect(await baton(dataDir, 'deny', other, '--reason', 'never touch the root')).toMatchObject({
      code: 0,
      stdout: `Denied shell (call_why) in “Elsewhere”: never touch the root\n`,
    });
    expect(await refused.done).toMatchObject({ code: 0, stdout: 'Understood.\n' });
    expect(JSON.stringify(model.requests.at(-1)!.body)).toContain('never touch the root');

    model.enqueue(toolCallReply([{ id: 'call_always', name: 'shell', args: { command: 'echo always' } }]), textReply('Always then.'));
    const always = spawnBaton(dataDir, ['send', other, 'Run it', '--wait']);
    await always.stderrUntil((text) => text.includes('[approval]'));
    expect(await baton(dataDir, 'approve', other, '--always')).toMatchObject({ code: 0, stdout: 'Approved shell (call_always) in “Elsewhere”; shell is now always allowed (Settings).\n' });
    expect(await always.done).toMatchObject({ code: 0, stdout: 'Always then.\n' });
    expect((await client.call('settings.get', {})).settings.toolApproval).toMatchObject({ shell: 'auto' });
    const decisions = (await client.call('transcript.get', { laneKey: other })).events.filter((e) => e.kind === 'approval_decision').map((e) => e.payload);
    expect(decisions).toEqual([
      { callId: 'call_why', approved: false, decision: 'deny', reason: 'never touch the root', name: 'shell' },
      { callId: 'call_always', approved: true, decision: 'always', reason: null, name: 'shell' },
    ]);
    // Later tests ask again.
    await client.call('settings.set', { key: 'toolApproval', value: {} });
  });

  it('stop interrupts the running turn (exit 0), the waiting send exits 6; stopping again exits 5', async () => {
    const never = createGate();
    model.enqueue({ kind: 'stream', steps: [{ type: 'text', text: 'Thinking hard' }, { type: 'wait', until: never.promise }] });
    const waiting = spawnBaton(dataDir, ['send', garden, 'A long one', '--wait']);
    await waiting.stdoutUntil((text) => text.includes('Thinking hard'));
    const stopped = await baton(dataDir, 'stop', garden);
    expect(stopped).toMatchObject({ code: 0, stdout: 'Stopping the turn in “Garden plans” at its next safe point.\n' });
    const result = await waiting.done;
    expect(result.code).toBe(6);
    expect(result.stdout).toBe('Thinking hard\n');
    expect(result.stderr).toContain('The turn was interrupted (stop)');

    const again = await baton(dataDir, 'stop', garden);
    expect(again.code).toBe(5);
    expect(again.stderr).toContain('Nothing is running in “Garden plans”.');
    expect((await baton(dataDir, 'resume', garden)).code).toBe(5);
  });

  it('L23: send --wait to a busy conversation follows its own turn: the running one is interrupted (exit 6), the new one streams (exit 0)', async () => {
    const never = createGate();
    model.enqueue({ kind: 'stream', steps: [{ type: 'text', text: 'First thoughts' }, { type: 'wait', until: never.promise }] }, textReply('The second answer.'));
    const first = spawnBaton(dataDir, ['send', garden, 'First question', '--wait']);
    await first.stdoutUntil((text) => text.includes('First thoughts'));
    const second = await spawnBaton(dataDir, ['send', garden, 'Second question', '--wait']).done;
    expect(second.code).toBe(0);
    expect(second.stdout).toBe('The second answer.\n');
    expect(second.stderr).toContain('Stopping the running turn at its next safe point; your message runs next.');
    const interrupted = await first.done;
    expect(interrupted.code).toBe(6);
    expect(interrupted.stderr).toContain('The turn was interrupted (busy-input)');
  });
});

describe('baton restart and resume across a relaunch (L20, L30, L33)', () => {
  let dataDir: string;
  let model: ScriptedOpenAIServer;
  const hosts: HostProcess[] = [];

  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-cli-restart-'));
    // Interrupted turns are offered, not resumed by themselves, so `baton resume` has work to do.
    fs.writeFileSync(path.join(dataDir, 'config.json'), JSON.stringify({ drainTimeoutSeconds: 0.3, graceSeconds: 2, autoResume: false }));
    model = await startScriptedOpenAIServer();
  });

  afterEach(async () => {
    for (const host of hosts.splice(0)) host.kill();
    await model.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('restart drains (exit 0, the host exits 75, the waiting send exits 6); after the relaunch at the same address, resume --wait streams the rest', async () => {
    const host = await startHost(dataDir, model);
    hosts.push(host);
    const never = createGate();
    model.enqueue({ kind: 'stream', steps: [{ type: 'text', text: 'Halfway' }, { type: 'wait', until: never.promise }] });
    const waiting = spawnBaton(dataDir, ['send', '--new', 'A long job', '--wait']);
    await waiting.stdoutUntil((text) => text.includes('Halfway'));
    const key = /New conversation (lane_\w+)/.exec(waiting.stderr)?.[1];
    expect(key).toBeDefined();

    const restarted = await baton(dataDir, 'restart');
    expect(restarted).toMatchObject({ code: 0, stdout: 'Baton is restarting: running turns are drained, and resumed after the relaunch.\n' });
    expect((await host.exited).code).toBe(75);
    const interrupted = await waiting.done;
    expect(interrupted.code).toBe(6);
    expect(interrupted.stderr).toContain(`baton resume ${key}`);

    // Down: not running, exit 3.
    const down = await baton(dataDir, 'list');
    expect(down.code).toBe(3);
    expect(down.stderr).toContain(`Baton is not running (nothing answers at http://127.0.0.1:${host.ready.port}`);

    // What the supervisor does on 75; the address file brings the command line to the new launch.
    const again = await startHost(dataDir, model);
    hosts.push(again);
    expect(again.ready.url).toBe(host.ready.url);
    const listed = await baton(dataDir, 'list');
    expect(listed.stdout).toMatch(new RegExp(`${key}\\s+interrupted by a restart\\s+A long job`));

    model.enqueue(textReply('Finished after the restart.'));
    const resumed = await baton(dataDir, 'resume', 'a long', '--wait');
    expect(resumed).toMatchObject({ code: 0, stdout: 'Finished after the restart.\n' });
    const note = (await model.waitForRequest(2)).body.messages.filter((m) => m.role === 'system' && String(m.content).includes('interrupted by a restart'));
    expect(note).toHaveLength(1);
    const twice = await baton(dataDir, 'resume', key!);
    expect(twice.code).toBe(5);
    expect(twice.stderr).toContain('has no interrupted turn to resume');
  });
});

describe('baton when Baton is not there (L33, R1)', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-cli-down-'));
  });

  afterEach(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('a data directory Baton never ran in exits 3 and says so', async () => {
    const result = await baton(dataDir, 'status');
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`Baton is not running with the data directory ${dataDir}`);
  });

  it('a damaged address file exits 3 and says how it is repaired', async () => {
    fs.writeFileSync(path.join(dataDir, 'host.json'), '{"kind": "baton-host-address", "port": "x"');
    const result = await baton(dataDir, 'list');
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('is damaged (it is not valid JSON). Starting Baton again rewrites it.');
  });

  it('a stale address (Baton quit) exits 3: nothing answers there', async () => {
    const model = await startScriptedOpenAIServer();
    const host = await startHost(dataDir, model);
    host.signal('SIGTERM');
    expect((await host.exited).code).toBe(0);
    await model.close();
    const result = await baton(dataDir, 'send', 'anything', 'hello');
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`Baton is not running (nothing answers at http://127.0.0.1:${host.ready.port}; it last ran as process ${host.ready.pid}).`);
  });
});

// Runs last (tests in a file run in order): every run above, successful or not, is checked.
describe('the access token is never printed (L30, L33)', () => {
  it('L30: no stdout or stderr of any baton run above contains any token the hosts used', () => {
    expect(outputs.length).toBeGreaterThan(30);
    expect(tokens.size).toBeGreaterThan(1);
    for (const token of tokens) {
      for (const output of outputs) {
        expect(output.stdout).not.toContain(token);
        expect(output.stderr).not.toContain(token);
      }
    }
  });
});
