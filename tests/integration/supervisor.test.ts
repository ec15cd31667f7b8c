/**
 * L33 with real processes: scripts/supervise-host.sh recovers a crashed host without a person,
 * at the same address (the open window's client reconnects by itself); a crash loop stops it with
 * a reason and the store left as it is; a quit ends it; a start that cannot succeed is not retried.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { EXIT_CODES } from '../../shared/lifecycle.ts';
import { connectHostClient, type HostReady } from '../fixtures/host-process.ts';
import { Recorder } from '../support/recorder.ts';

let dataDir: string;
const cleanups: (() => void)[] = [];

beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-supervisor-'));
});

afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

interface Supervised {
  child: ChildProcessWithoutNullStreams;
  ready: Recorder<HostReady>;
  stderr: Recorder<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function supervise(env: NodeJS.ProcessEnv = {}, args: string[] = []): Supervised {
  const child = spawn('bash', ['scripts/supervise-host.sh', '--data-dir', dataDir, '--port', '0', ...args], {
    stdio: 'pipe',
    env: { PATH: `${path.dirname(process.execPath)}:${process.env.PATH ?? '/usr/bin:/bin'}`, HOME: process.env.HOME, ...env },
  });
  const ready = new Recorder<HostReady>();
  const stderr = new Recorder<string>();
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    if (line.startsWith('BATON_READY ')) ready.push(JSON.parse(line.slice('BATON_READY '.length)) as HostReady);
  });
  readline.createInterface({ input: child.stderr }).on('line', stderr.push);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const host of ready.items) {
      try {
        process.kill(host.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
  return { child, ready, stderr, exited };
}

it('L33: a host killed with SIGKILL is started again at the same address, and an open client reconnects by itself', async () => {
  const baton = supervise();
  const first = await baton.ready.waitFor(() => true);
  const client = await connectHostClient(first);
  cleanups.push(() => client.close());
  const lane = await client.call('lanes.create', { title: 'survives' });
  const reconnected = new Promise<boolean>((resolve) => client.onConnection((state, info) => state === 'open' && resolve(info.resync)));

  process.kill(first.pid, 'SIGKILL');
  const second = await baton.ready.waitFor(() => true, 1);
  expect(second.pid).not.toBe(first.pid);
  expect({ url: second.url, token: second.token }).toEqual({ url: first.url, token: first.token });
  await baton.stderr.waitFor((line) => line.includes('Baton stopped unexpectedly (exit status 137); starting it again'));
  // The same client, never told anything, is back on the new launch.
  expect(await reconnected).toBe(true);
  expect((await client.call('lanes.list', {})).map((l) => l.laneKey)).toContain(lane.laneKey);

  baton.child.kill('SIGTERM');
  expect((await baton.exited).code).toBe(EXIT_CODES.quit);
});

it('L33: a crash loop stops the supervisor with the reason, leaving the store for inspection', async () => {
  const baton = supervise({ BATON_CRASH_LIMIT: '3', BATON_CRASH_WINDOW_S: '600' });
  for (let crash = 0; crash < 3; crash++) {
    const host = await baton.ready.waitFor(() => true, crash);
    process.kill(host.pid, 'SIGKILL');
  }
  const exit = await baton.exited;
  expect(exit.code).toBe(137);
  expect(baton.stderr.items.join('\n')).toContain('Baton stopped unexpectedly 3 times within 600 seconds');
  expect(baton.ready.items).toHaveLength(3);
  expect(fs.existsSync(path.join(dataDir, 'baton.db'))).toBe(true);
});

it('L33: a start that cannot succeed is not retried (the data directory is a file)', async () => {
  const file = path.join(dataDir, 'not-a-dir');
  fs.writeFileSync(file, 'x');
  const child = spawn('bash', ['scripts/supervise-host.sh', '--data-dir', file, '--port', '0'], {
    stdio: 'pipe',
    env: { PATH: `${path.dirname(process.execPath)}:${process.env.PATH ?? '/usr/bin:/bin'}`, HOME: process.env.HOME },
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  expect(code).toBe(EXIT_CODES.usage);
});
