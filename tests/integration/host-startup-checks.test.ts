/**
 * Issue 14 item 6, the headless host's start with a real child process: a data directory that is a
 * file gets one clear sentence and a non-zero exit, never a stack trace; a 0-byte `baton.db` next
 * to backups is refused like a damaged store, naming the newest backup (R2), while a first launch
 * (no store file, or an empty one and no backup) starts normally.
 */
import { EXIT_CODES } from '../../shared/lifecycle.ts';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SessionStore, STORE_FILE } from '../../electron/core/sessions/store.ts';
import { HostProcess } from '../fixtures/host-process.ts';

let root: string;
const hosts: HostProcess[] = [];

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-start-'));
});

afterEach(() => {
  for (const host of hosts.splice(0)) host.kill();
  fs.rmSync(root, { recursive: true, force: true });
});

/** Runs the host until it exits by itself; a host that becomes ready is a failure of these cases. */
function runHostToExit(args: string[]): Promise<{ code: number | null; stdout: string[]; stderr: string[] }> {
  const child = spawn(process.execPath, ['electron/host/main.ts', '--port', '0', ...args], {
    stdio: 'pipe',
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    stdout.push(line);
    if (line.startsWith('BATON_READY ')) child.kill('SIGKILL');
  });
  readline.createInterface({ input: child.stderr }).on('line', (line) => stderr.push(line));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('issue 14 item 6: --data-dir that is not a folder', () => {
  it('a data directory that is a file: one clear sentence, exit code 64, no stack trace', async () => {
    const file = path.join(root, 'notes.txt');
    fs.writeFileSync(file, 'not a folder');
    const result = await runHostToExit(['--data-dir', file]);
    expect(result.code).toBe(64);
    expect(result.stderr).toEqual([`Baton cannot use ${file} as its data directory: ${file} is a file, not a folder.`]);
    expect(result.stderr.some((line) => /^\s+at /.test(line))).toBe(false);
    expect(result.stdout.some((line) => line.startsWith('BATON_READY'))).toBe(false);
    expect(fs.readFileSync(file, 'utf8')).toBe('not a folder');
  });

  it('a data directory below a file is refused the same way', async () => {
    const file = path.join(root, 'notes.txt');
    fs.writeFileSync(file, 'not a folder');
    const result = await runHostToExit(['--data-dir', path.join(file, 'baton')]);
    expect(result.code).toBe(64);
    expect(result.stderr).toEqual([`Baton cannot use ${path.join(file, 'baton')} as its data directory: ${file} is a file, so no folder can be made inside it.`]);
  });
});

describe('issue 14 item 6: an empty store file next to backups (R2)', () => {
  it('a 0-byte baton.db with backups is refused, naming the newest backup, and left as it is', async () => {
    const dataDir = path.join(root, 'data');
    const store = await SessionStore.open({ dataDir });
    store.ensureLane('lane-1', { title: 'The real conversation' });
    const backup = await store.backupNow('daily');
    store.close();
    const file = path.join(dataDir, STORE_FILE);
    fs.truncateSync(file, 0);
    for (const extra of ['-wal', '-shm']) fs.rmSync(`${file}${extra}`, { force: true });

    const result = await runHostToExit(['--data-dir', dataDir]);
    expect(result.code).toBe(EXIT_CODES.startFailed);
    const message = result.stderr.join('\n');
    expect(message).toContain(`The conversation store ${file} is damaged (the file is empty (0 bytes)`);
    expect(message).toContain(`The newest backup is ${backup}.`);
    expect(result.stdout.some((line) => line.startsWith('BATON_READY'))).toBe(false);
    expect(fs.statSync(file).size).toBe(0);

    // The backup really holds the conversation the empty file lost.
    const restored = path.join(root, 'restored');
    fs.mkdirSync(restored);
    fs.copyFileSync(backup, path.join(restored, STORE_FILE));
    const check = await SessionStore.open({ dataDir: restored });
    expect(check.getLane('lane-1')?.title).toBe('The real conversation');
    check.close();
  });

  it('a first launch starts normally: no store file at all, or an empty one with no backup yet', async () => {
    const fresh = await HostProcess.start(path.join(root, 'fresh'));
    hosts.push(fresh);
    expect(fresh.ready.instanceId).toEqual(expect.any(String));

    const cutShort = path.join(root, 'cut-short');
    fs.mkdirSync(cutShort);
    fs.writeFileSync(path.join(cutShort, STORE_FILE), '');
    const started = await HostProcess.start(cutShort);
    hosts.push(started);
    const client = await started.client();
    expect(await client.call('lanes.list', {})).toEqual([]);
  });
});
