/**
 * SPEC L33 with real processes: the headless host keeps its port and access token in the data
 * directory (host.json, 0600), so a relaunch listens at the same URL and a window that stayed open
 * reconnects by itself; --new-token replaces the token (the old one is refused); a damaged or
 * foreign file is replaced with a log line; a port taken by another program moves the host to a
 * free one and says so. The token check and Origin check stay as they are (L30).
 */
import { EXIT_CODES } from '../../shared/lifecycle.ts';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConnectionState } from '../../shared/protocol/client.ts';
import { addressFilePath, readHostAddress } from '../../electron/host/host-address.ts';
import { HostProcess } from '../fixtures/host-process.ts';
import { Recorder } from '../support/recorder.ts';

let dataDir: string;
const hosts: HostProcess[] = [];
const blockers: net.Server[] = [];

beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-address-'));
});

afterEach(async () => {
  for (const host of hosts.splice(0)) host.kill();
  await Promise.all(blockers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function startHost(options: { args?: string[]; env?: NodeJS.ProcessEnv } = {}): Promise<HostProcess> {
  const host = await HostProcess.start(dataDir, options.env ?? {}, options.args ? { args: options.args } : {});
  hosts.push(host);
  return host;
}

async function quit(host: HostProcess): Promise<void> {
  host.signal('SIGTERM');
  expect((await host.exited).code).toBe(0);
}

function storedAddress() {
  const read = readHostAddress(dataDir);
  if (read.status !== 'ok') throw new Error(`host.json is ${read.status}`);
  return read.address;
}

describe('stable address per data directory (L33)', () => {
  it('L33: host.json holds the port and token with mode 0600; a relaunch after SIGKILL listens at the same URL and an open window reconnects by itself', async () => {
    const first = await startHost();
    const file = addressFilePath(dataDir);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(storedAddress()).toMatchObject({ host: '127.0.0.1', port: first.ready.port, token: first.ready.token, pid: first.ready.pid });
    // Only host.json is left behind: the atomic write's temporary file is gone.
    expect(fs.readdirSync(dataDir).filter((name) => name.includes('host.json'))).toEqual(['host.json']);

    const client = await first.client();
    const states = new Recorder<{ state: ConnectionState; resync: boolean }>();
    client.onConnection((state, info) => states.push({ state, resync: info.resync }));

    first.child.kill('SIGKILL');
    await first.exited;
    await states.waitFor((s) => s.state === 'reconnecting');

    const second = await startHost();
    expect(second.ready.url).toBe(first.ready.url);
    expect(second.ready.token).toBe(first.ready.token);
    expect(second.ready.port).toBe(first.ready.port);
    expect(second.stdout.items[0]).toBe(`Baton is running at ${first.ready.url}`);
    // The window that stayed open reconnects by itself, and is told to reload its state (new launch).
    await states.waitFor((s) => s.state === 'open' && s.resync);
    expect((await client.call('app.status', {})).instanceId).toBe(second.ready.instanceId);
    expect(storedAddress()).toMatchObject({ port: first.ready.port, token: first.ready.token, pid: second.ready.pid });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('L33: a relaunch after a clean quit, started without --port as a person would, keeps the address', async () => {
    const first = await startHost();
    await quit(first);
    const relaunched = await HostProcess.start(dataDir, {}, { port: null });
    hosts.push(relaunched);
    expect(relaunched.ready.url).toBe(first.ready.url);
  });

  it('L33/L30: --new-token makes a new token, stores it, and the old one is refused', async () => {
    const first = await startHost();
    const oldUrl = first.wsUrl;
    await quit(first);

    const second = await startHost({ args: ['--new-token'] });
    expect(second.ready.port).toBe(first.ready.port);
    expect(second.ready.token).not.toBe(first.ready.token);
    expect(second.ready.token).toMatch(/^[\w-]{32,}$/);
    expect(second.stderr.items.some((line) => line.includes('Made a new access token'))).toBe(true);
    expect(storedAddress().token).toBe(second.ready.token);
    expect(await second.handshake(oldUrl, second.ready.origin)).toBe(403);
    expect(await second.handshake(second.wsUrl, second.ready.origin)).toBe(101);
    // The Origin check is unchanged: the right token from a foreign page is still refused.
    expect(await second.handshake(second.wsUrl, 'http://evil.example')).toBe(403);
  });

  it.each([
    ['not JSON', '{"port": 48'],
    ['a foreign file', JSON.stringify({ port: 1234, token: 'x' })],
    ['a token too weak to trust', JSON.stringify({ kind: 'baton-host-address', version: 1, host: '127.0.0.1', port: 4801, token: 'short', pid: 1, updatedAt: 0 })],
  ])('L33/R1: a damaged address file (%s) is replaced, with a clear log line, and the host starts', async (_name, content) => {
    fs.writeFileSync(addressFilePath(dataDir), content, { mode: 0o644 });
    const host = await startHost();
    const line = host.stderr.items.find((l) => l.includes('address file'));
    expect(line).toMatch(/is damaged \(.+\); replacing it with a new address and access token/);
    expect(line).not.toContain('short');
    const stored = storedAddress();
    expect(stored).toMatchObject({ port: host.ready.port, token: host.ready.token });
    expect(fs.statSync(addressFilePath(dataDir)).mode & 0o777).toBe(0o600);
  });

  it('L33: when another program holds the stored port, the host moves to a free port, says so, and stores the new one', async () => {
    const first = await startHost();
    await quit(first);
    const blocker = net.createServer();
    blockers.push(blocker);
    await new Promise<void>((resolve) => blocker.listen(first.ready.port, '127.0.0.1', resolve));

    const moved = await startHost();
    expect(moved.ready.port).not.toBe(first.ready.port);
    expect(moved.ready.token).toBe(first.ready.token);
    expect(moved.stderr.items.some((l) => l.includes(`Port ${first.ready.port} is in use by another program, so Baton listens on port ${moved.ready.port} instead`))).toBe(true);
    // The log line points at the printed URL rather than repeating the token.
    expect(moved.stderr.items.join('\n')).not.toContain(moved.ready.token);
    expect(storedAddress().port).toBe(moved.ready.port);
  });

  it('L33: an explicit --port that is taken is still an error (EXIT_CODES.startFailed, not retried by the supervisor), and the stored address is left alone', async () => {
    const first = await startHost();
    await quit(first);
    const before = fs.readFileSync(addressFilePath(dataDir), 'utf8');
    const blocker = net.createServer();
    blockers.push(blocker);
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as net.AddressInfo).port;
    await expect(HostProcess.start(dataDir, {}, { port: taken })).rejects.toThrow(new RegExp(`"code":${EXIT_CODES.startFailed}[,}][\\s\\S]*Could not listen`));
    expect(fs.readFileSync(addressFilePath(dataDir), 'utf8')).toBe(before);
  });
});
