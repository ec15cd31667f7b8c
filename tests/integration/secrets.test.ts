/**
 * R4 with real processes: Baton's secrets (provider keys, the host's access token, credentials in
 * the launch environment) are in no process environment a command could read through /proc: not
 * the host's, not the supervisor's, before or after a restart; the host still uses them; and a
 * command run by the agent (through a scripted model, the real shell tool) sees none of them.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { probeBubblewrap } from '../../electron/core/agent/tools/shell-sandbox.ts';
import type { GatewayEvent } from '../../shared/gateway-events.ts';
import type { PushEvent } from '../../shared/protocol/contract.ts';
import type { GatewayClient } from '../../shared/protocol/client.ts';
import { connectHostClient, HostProcess, type HostReady } from '../fixtures/host-process.ts';
import { Recorder } from '../support/recorder.ts';
import { hostProcessesRunning, isProcessGroupRunning, isProcessRunning, untilRunning, waitForFile } from '../unit/agent/tools/process-probe.ts';
import { startScriptedOpenAIServer, textReply, toolCallReply, type ScriptedOpenAIServer } from '../fixtures/scripted-openai-server.ts';

const KEY = 'sk-secret-key-must-not-leak-0123456789';
const TOKEN = 'secret-session-token-must-not-leak-0123456789';
const PAT = 'github_pat_must_not_leak_0123456789';
const SECRET_VALUES = [KEY, TOKEN, PAT];

const sandbox = await probeBubblewrap();
if (!sandbox.available) process.stderr.write(`[skipped] sandboxed command against the host: ${sandbox.reason}\n`);

let dataDir: string;
let model: ScriptedOpenAIServer;
const cleanups: (() => void)[] = [];

beforeEach(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-secrets-'));
  model = await startScriptedOpenAIServer();
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  await model.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Polls a condition that has no event (the death of a process that is not our child). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}

function environOf(pid: number): string {
  return fs.readFileSync(`/proc/${pid}/environ`, 'utf8');
}

function expectNoSecretIn(text: string): void {
  for (const secret of SECRET_VALUES) expect(text).not.toContain(secret);
}

function writeSettings(values: Record<string, unknown>): void {
  fs.writeFileSync(path.join(dataDir, 'config.json'), JSON.stringify(values));
}

function launchEnv(): NodeJS.ProcessEnv {
  return {
    PATH: `${path.dirname(process.execPath)}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    HOME: process.env.HOME,
    OPENAI_BASE_URL: model.url,
    OPENAI_API_KEY: KEY,
    OPENAI_MODEL: 'scripted',
    MY_GITHUB_PAT: PAT,
  };
}

function gatewayEvents(client: GatewayClient): Recorder<GatewayEvent> {
  const events = new Recorder<GatewayEvent>();
  client.onEvent((event: PushEvent) => {
    if (event.channel === 'gateway') events.push(event.event);
  });
  return events;
}

/** Runs one turn in which the model calls the shell tool with `command`; returns the tool's output as the model got it. */
async function shellThroughTheModel(client: GatewayClient, command: string): Promise<string> {
  const events = gatewayEvents(client);
  const before = model.requests.length;
  model.enqueue(toolCallReply([{ id: 'c1', name: 'shell', args: { command } }]), textReply('Done.'));
  const lane = await client.call('lanes.create', {});
  await client.call('message.send', { laneKey: lane.laneKey, text: 'look around' });
  const second = await model.waitForRequest(before + 2);
  await events.waitFor((e) => e.type === 'transcript' && e.event.kind === 'assistant_text' && e.event.payload.final);
  const toolMessage = second.body.messages.find((m) => m.role === 'tool');
  expect(toolMessage).toBeDefined();
  return String(toolMessage!.content);
}

describe('R4: secrets out of reach of commands', () => {
  it('R4: a host started with keys in its environment holds none in /proc/<pid>/environ, and still uses them', async () => {
    writeSettings({ shellSandbox: 'off', toolApproval: { shell: 'auto' } });
    const host = await HostProcess.start(dataDir, { ...launchEnv(), BATON_ACCESS_TOKEN: TOKEN });
    cleanups.push(() => host.kill());

    // The same process (re-executed in place), so signals and exit codes reach what was started.
    expect(host.ready.pid).toBe(host.child.pid);
    const environ = environOf(host.ready.pid);
    expectNoSecretIn(environ);
    expect(environ).toContain(`OPENAI_BASE_URL=${model.url}`);
    // The 0600 file the secrets crossed the re-exec in is gone before the host is ready.
    const handoff = /BATON_HANDOFF_FILE=([^\0]+)/.exec(environ)?.[1];
    expect(handoff).toBeDefined();
    expect(fs.existsSync(handoff!)).toBe(false);
    expect(fs.existsSync(path.dirname(handoff!))).toBe(false);
    // …and the secrets still do their job.
    expect(host.ready.token).toBe(TOKEN);

    // Unsandboxed, the command can read its parent's (the host's) environment: nothing in it.
    const client = await host.client();
    const output = await shellThroughTheModel(client, `tr '\\0' '\\n' < /proc/$PPID/environ; echo ---; tr '\\0' '\\n' < /proc/${host.ready.pid}/environ; echo ---; env`);
    expect(output).toContain(`OPENAI_BASE_URL=${model.url}`);
    expect(output).toContain('PATH=');
    expectNoSecretIn(output);
    expect(model.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
    expectNoSecretIn(JSON.stringify(model.requests.map((r) => r.body)));
  });

  it.skipIf(!sandbox.available)('R4: sandboxed (the default), a command cannot see the host process at all', async () => {
    writeSettings({ toolApproval: { shell: 'auto' } });
    const host = await HostProcess.start(dataDir, { ...launchEnv(), BATON_ACCESS_TOKEN: TOKEN });
    cleanups.push(() => host.kill());
    const client = await host.client();
    const output = await shellThroughTheModel(client, `cat /proc/${host.ready.pid}/environ; ls -A ${dataDir}`);
    expect(output).toContain(`/proc/${host.ready.pid}/environ: No such file or directory`);
    expect(output).not.toContain('baton.db');
    expectNoSecretIn(output);
  });

  it('R4: where bubblewrap is missing, the host says so at start and every command result says so', async () => {
    writeSettings({ toolApproval: { shell: 'auto' } });
    // A PATH with Node and `ls` but no bwrap.
    const bin = path.join(dataDir, 'bin');
    fs.mkdirSync(bin);
    fs.symlinkSync(process.execPath, path.join(bin, 'node'));
    fs.symlinkSync(fs.realpathSync('/bin/ls'), path.join(bin, 'ls'));
    const host = await HostProcess.start(dataDir, { ...launchEnv(), PATH: bin });
    cleanups.push(() => host.kill());
    await host.stderr.waitFor((line) => line.includes('Shell commands are NOT sandboxed: bubblewrap (bwrap) is not installed'));
    const client = await host.client();
    const output = await shellThroughTheModel(client, `ls ${dataDir}`);
    expect(output).toContain('baton.db');
    expect(output).toMatch(/\[not sandboxed: bubblewrap \(bwrap\) is not installed; on Debian or Ubuntu: apt-get install bubblewrap\]$/);
  });

  it.skipIf(!sandbox.available)('R4: with bubblewrap, the host says at start that commands are sandboxed', async () => {
    const host = await HostProcess.start(dataDir, launchEnv());
    cleanups.push(() => host.kill());
    await host.stderr.waitFor((line) => line.includes('Shell commands run in a bubblewrap sandbox.'));
  });

  it.skipIf(!sandbox.available)('R4/L15: a SIGKILLed host leaves no sandboxed command running', async () => {
    writeSettings({ toolApproval: { shell: 'auto' } });
    const host = await HostProcess.start(dataDir, launchEnv());
    cleanups.push(() => host.kill());
    const client = await host.client();
    const workspace = path.join(dataDir, 'workspace');
    fs.mkdirSync(workspace, { recursive: true });
    model.enqueue(toolCallReply([{ id: 'c1', name: 'shell', args: { command: `sleep 3031 & ${untilRunning('3031')}; echo up > s.tmp && mv s.tmp started; wait` } }]));
    const lane = await client.call('lanes.create', {});
    await client.call('message.send', { laneKey: lane.laneKey, text: 'start a long job' });
    await waitForFile(workspace, 'started');
    const [sleep] = hostProcessesRunning(['sleep', '3031']);
    expect(sleep).toBeDefined();

    host.kill();
    await host.exited;
    // The kernel ends the sandbox with its parent (bubblewrap's --die-with-parent); nothing to
    // wait on but its disappearance.
    await until(() => !isProcessGroupRunning(sleep!.pgrp));
    expect(isProcessRunning(sleep!.pid)).toBe(false);
  });

  it('R4: under the supervisor, neither the supervisor nor the host (before or after a restart) holds a secret in its environment', async () => {
    writeSettings({ shellSandbox: 'off', toolApproval: { shell: 'auto' } });
    const supervisor: ChildProcessWithoutNullStreams = spawn('bash', ['scripts/supervise-host.sh', '--data-dir', dataDir, '--port', '0'], {
      stdio: 'pipe',
      env: { ...launchEnv(), BATON_ACCESS_TOKEN: TOKEN },
    });
    const exited = new Promise<number | null>((resolve) => supervisor.on('exit', (code) => resolve(code)));
    cleanups.push(() => {
      if (supervisor.exitCode === null) supervisor.kill('SIGKILL');
    });
    const ready = new Recorder<HostReady>();
    const stderr: string[] = [];
    readline.createInterface({ input: supervisor.stdout }).on('line', (line) => {
      if (line.startsWith('BATON_READY ')) ready.push(JSON.parse(line.slice('BATON_READY '.length)) as HostReady);
    });
    readline.createInterface({ input: supervisor.stderr }).on('line', (line) => stderr.push(line));

    const first = await Promise.race([ready.waitFor(() => true), exited.then((code) => Promise.reject(new Error(`supervisor exited ${code}: ${stderr.join('\n')}`)))]);
    expect(first.token).toBe(TOKEN);
    expectNoSecretIn(environOf(supervisor.pid!));
    expectNoSecretIn(environOf(first.pid));
    expect(fs.readFileSync(`/proc/${first.pid}/stat`, 'utf8').split(' ')[3]).toBe(String(supervisor.pid));

    // A restart (exit 75): the relaunched host gets the same secrets, again not by its environment.
    supervisor.kill('SIGUSR1');
    const second = await ready.waitFor(() => true, 1);
    expect(second.pid).not.toBe(first.pid);
    expect(second.token).toBe(TOKEN);
    expectNoSecretIn(environOf(supervisor.pid!));
    expectNoSecretIn(environOf(second.pid));

    const client = await connectHostClient(second);
    cleanups.push(() => client.close());
    const output = await shellThroughTheModel(client, `tr '\\0' '\\n' < /proc/$PPID/environ; tr '\\0' '\\n' < /proc/${supervisor.pid}/environ; env`);
    expect(output).toContain('PATH=');
    expectNoSecretIn(output);
    expect(model.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`);

    supervisor.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('R4/L33: started without a token, the host keeps one in host.json: the same across restarts, and out of every environment', async () => {
    const supervisor = spawn('bash', ['scripts/supervise-host.sh', '--data-dir', dataDir, '--port', '0'], { stdio: 'pipe', env: launchEnv() });
    const exited = new Promise<number | null>((resolve) => supervisor.on('exit', (code) => resolve(code)));
    cleanups.push(() => {
      if (supervisor.exitCode === null) supervisor.kill('SIGKILL');
    });
    const ready = new Recorder<HostReady>();
    readline.createInterface({ input: supervisor.stdout }).on('line', (line) => {
      if (line.startsWith('BATON_READY ')) ready.push(JSON.parse(line.slice('BATON_READY '.length)) as HostReady);
    });
    const first = await ready.waitFor(() => true);
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    supervisor.kill('SIGUSR1');
    const second = await ready.waitFor(() => true, 1);
    expect(second.token).toBe(first.token);
    for (const pid of [supervisor.pid!, second.pid]) expect(environOf(pid)).not.toContain(first.token);
    supervisor.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
