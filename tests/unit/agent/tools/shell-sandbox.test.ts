/**
 * R4: the shell tool's commands run in a bubblewrap sandbox where Linux offers one: Baton's data
 * and processes are invisible, only the workspace (and the temp folders) can be written, credential
 * folders in the home are hidden; and where no sandbox can be had, commands run as before with a
 * visible note. Real bwrap, real processes; skipped with the reason printed where bwrap cannot run.
 */
import fs from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ModelAgentFactory } from '../../../../electron/core/agent/model-agent-factory.ts';
import { MemorySecretStore } from '../../../../electron/core/agent/memory-secret-store.ts';
import { bubblewrapSandbox, defaultLayout, probeBubblewrap, type BubblewrapLayout, type SandboxProbe } from '../../../../electron/core/agent/tools/shell-sandbox.ts';
import { createShellTool } from '../../../../electron/core/agent/tools/shell.ts';
import type { ToolRunContext } from '../../../../electron/core/agent/tools/tool.ts';
import { DEFAULT_SETTINGS } from '../../../../shared/settings.ts';
import { hostProcessesRunning, isProcessGroupRunning, isProcessRunning, untilRunning, waitForFile } from './process-probe.ts';

const probe: SandboxProbe = await probeBubblewrap();
if (!probe.available) process.stderr.write(`[skipped] sandbox tests: ${probe.reason}\n`);

let root: string;
let home: string;
let dataDir: string;
let workspaceDir: string;
let layout: BubblewrapLayout;

beforeEach(() => {
  root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'baton-sandbox-')));
  home = path.join(root, 'home');
  dataDir = path.join(home, '.local', 'share', 'baton');
  // The default workspace lives inside the data directory (ModelAgentFactory.workspaceDir).
  workspaceDir = path.join(dataDir, 'workspace');
  fs.mkdirSync(workspaceDir, { recursive: true });
  fs.mkdirSync(path.join(home, '.ssh'), { recursive: true });
  fs.writeFileSync(path.join(home, '.ssh', 'id_ed25519'), 'PRIVATE KEY');
  fs.writeFileSync(path.join(home, '.netrc'), 'machine example.com password hunter2');
  fs.writeFileSync(path.join(home, 'notes.txt'), 'readable');
  fs.writeFileSync(path.join(dataDir, 'baton.db'), 'conversations');
  fs.mkdirSync(path.join(dataDir, 'backups'));
  layout = { dataDir, home, runtimeDir: null };
});

afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

function context(signal: AbortSignal = new AbortController().signal, dir = workspaceDir): ToolRunContext {
  return { signal, workspaceDir: dir };
}

function sandboxedTool(options: { killGraceMs?: number } = {}) {
  if (!probe.available) throw new Error('no sandbox');
  return createShellTool({ ...options, sandbox: bubblewrapSandbox(probe.bwrapPath, layout) });
}

describe.skipIf(!probe.available)('R4: the sandboxed shell tool (bubblewrap)', () => {
  it('R4: Baton’s process and its environment are invisible: own PID namespace and /proc', async () => {
    const outcome = await sandboxedTool().run(
      { command: `cat /proc/${process.pid}/environ; ls /proc | grep -c '^[0-9]'` },
      context(),
    );
    expect(outcome.output).toMatch(new RegExp(`cat: /proc/${process.pid}/environ: No such file or directory`));
    // Inside, the only processes are the sandbox's own few (its init, the shell, the pipeline).
    const processCount = Number(outcome.output.trim().split('\n').at(-2));
    expect(processCount).toBeGreaterThan(0);
    expect(processCount).toBeLessThan(8);
    expect(outcome.output).not.toContain('VITEST');
  });

  it('R4: the data directory cannot be listed or read; the workspace inside it stays usable', async () => {
    const outcome = await sandboxedTool().run({ command: `ls -A ${dataDir}; cat ${dataDir}/baton.db; ls ${dataDir}/backups` }, context());
    expect(outcome.isError).toBe(true);
    expect(outcome.output.split('\n')[0]).toBe('workspace');
    expect(outcome.output).toContain('baton.db: No such file or directory');
    expect(outcome.output).not.toContain('conversations');
  });

  it('R4: the workspace is writable; files outside it (home, system, data dir) are not', async () => {
    const command = [
      'echo made > in-workspace.txt && echo workspace-ok',
      `{ echo x > ${home}/new.txt; } 2>/dev/null || echo home-refused`,
      `{ echo x >> ${home}/notes.txt; } 2>/dev/null || echo notes-refused`,
      '{ echo x > /etc/baton-sandbox-probe; } 2>/dev/null || echo etc-refused',
      `echo x > ${dataDir}/baton.db; cat ${home}/notes.txt`,
    ].join('; ');
    const outcome = await sandboxedTool().run({ command }, context());
    expect(outcome.output).toContain('workspace-ok');
    expect(outcome.output).toContain('home-refused');
    expect(outcome.output).toContain('notes-refused');
    expect(outcome.output).toContain('etc-refused');
    expect(fs.readFileSync(path.join(workspaceDir, 'in-workspace.txt'), 'utf8')).toBe('made\n');
    expect(fs.existsSync(path.join(home, 'new.txt'))).toBe(false);
    expect(fs.readFileSync(path.join(home, 'notes.txt'), 'utf8')).toBe('readable');
    expect(fs.existsSync('/etc/baton-sandbox-probe')).toBe(false);
    expect(fs.readFileSync(path.join(dataDir, 'baton.db'), 'utf8')).toBe('conversations');
    // The home itself is readable (configuration, tools), which is what makes commands useful.
    expect(outcome.output).toBe('workspace-ok\nhome-refused\nnotes-refused\netc-refused\nreadable\n[exit code 0]');
  });

  it('R4: credential stores in the home are hidden', async () => {
    const outcome = await sandboxedTool().run({ command: `ls -A ${home}/.ssh; cat ${home}/.netrc; echo end` }, context());
    expect(outcome.output).not.toContain('id_ed25519');
    expect(outcome.output).not.toContain('hunter2');
    expect(outcome.output).toBe('end\n[exit code 0]');
  });

  it.each([
    ['a container runtime’s socket', (socketPath: string): BubblewrapLayout => ({ ...layout, hide: [socketPath] })],
    ['the ssh agent’s socket (SSH_AUTH_SOCK)', (socketPath: string): BubblewrapLayout => defaultLayout(dataDir, { HOME: home, SSH_AUTH_SOCK: socketPath })],
  ])('R4: %s is hidden and refuses connections', async (_label, layoutFor) => {
    const socketPath = path.join(root, 'agent.sock');
    const server = net.createServer((socket) => socket.end('signed as you'));
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    try {
      const tool = createShellTool({ sandbox: bubblewrapSandbox(probe.available ? probe.bwrapPath : '', layoutFor(socketPath)) });
      const connect = `${process.execPath} -e "require('node:net').connect('${socketPath}').on('data', (d) => console.log(String(d))).on('error', (e) => console.log('refused', e.code))"`;
      const outcome = await tool.run({ command: connect }, context());
      expect(outcome.output).toBe('refused ECONNREFUSED\n[exit code 0]');
    } finally {
      server.close();
    }
  });

  it('R4: ~/.cache is a private writable folder: tools can cache, the real cache stays hidden', async () => {
    fs.mkdirSync(path.join(home, '.cache', 'huggingface'), { recursive: true });
    fs.writeFileSync(path.join(home, '.cache', 'huggingface', 'token'), 'hf_real_token');
    const cacheDir = path.join(root, 'sandbox-cache');
    fs.mkdirSync(cacheDir);
    const tool = createShellTool({ sandbox: bubblewrapSandbox(probe.available ? probe.bwrapPath : '', { ...layout, cacheDir }) });
    // npx (which runs the tests) sets npm_config_cache; Baton started from a desktop or a shell does not.
    const saved = process.env.npm_config_cache;
    delete process.env.npm_config_cache;
    let outcome;
    try {
      outcome = await tool.run({ command: `mkdir -p ${home}/.cache/pip && echo cached > ${home}/.cache/pip/entry && ls -A ${home}/.cache; echo "$npm_config_cache"` }, context());
    } finally {
      if (saved !== undefined) process.env.npm_config_cache = saved;
    }
    expect(outcome.output).toBe(`pip\n${home}/.cache/npm\n[exit code 0]`);
    expect(fs.readFileSync(path.join(cacheDir, 'pip', 'entry'), 'utf8')).toBe('cached\n');
    expect(fs.existsSync(path.join(home, '.cache', 'pip'))).toBe(false);
  });

  it('R4: a workspace that holds the data directory (the home itself) keeps the data directory hidden', async () => {
    const outcome = await sandboxedTool().run({ command: `touch in-home && ls -A ${dataDir}` }, context(undefined, home));
    expect(fs.existsSync(path.join(home, 'in-home'))).toBe(true);
    expect(outcome.output).not.toContain('baton.db');
    expect(outcome.output).not.toContain('backups');
  });

  it('R4: the network stays available (the agent needs it), and the environment has no secrets', async () => {
    // A server in Baton's own network namespace: reachable from the sandbox only if the network is shared.
    const server = http.createServer((_req, res) => res.end('reached'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const saved = process.env.MY_GITHUB_PAT;
    process.env.MY_GITHUB_PAT = 'pat-must-not-leak';
    try {
      const fetchIt = `${process.execPath} -e "fetch('http://127.0.0.1:${port}/').then((r) => r.text()).then(console.log)"`;
      const outcome = await sandboxedTool().run({ command: `env; ${fetchIt}` }, context());
      expect(outcome.output).not.toContain('pat-must-not-leak');
      expect(outcome.output).toMatch(/\nreached\n\[exit code 0\]$/);
    } finally {
      if (saved === undefined) delete process.env.MY_GITHUB_PAT;
      else process.env.MY_GITHUB_PAT = saved;
      server.close();
    }
  });

  it('L11: an interrupt kills the whole tree inside the sandbox: a sandboxed sleep is gone', async () => {
    const abort = new AbortController();
    const running = sandboxedTool().run({ command: `sleep 3017 & sleep 3018 & ${untilRunning('3017')}; ${untilRunning('3018')}; echo up > s.tmp && mv s.tmp started; wait` }, context(abort.signal));
    await waitForFile(workspaceDir, 'started');
    const sleeps = [...hostProcessesRunning(['sleep', '3017']), ...hostProcessesRunning(['sleep', '3018'])];
    expect(sleeps).toHaveLength(2);
    const pgid = sleeps[0]!.pgrp;
    expect(sleeps.every((p) => p.pgrp === pgid)).toBe(true);

    abort.abort();
    const outcome = await running;
    expect(outcome.output).toContain('[interrupted: the command was stopped before it finished; its process group was killed]');
    for (const sleep of sleeps) expect(isProcessRunning(sleep.pid)).toBe(false);
    expect(isProcessGroupRunning(pgid)).toBe(false);
  });

  it('L11: processes that ignore SIGTERM inside the sandbox are killed after the grace period', async () => {
    const abort = new AbortController();
    const command = `trap '' TERM; sh -c "trap '' TERM; sleep 3019; true" & ${untilRunning('3019')}; echo up > s.tmp && mv s.tmp started; wait`;
    const running = sandboxedTool({ killGraceMs: 200 }).run({ command }, context(abort.signal));
    await waitForFile(workspaceDir, 'started');
    const [sleep] = hostProcessesRunning(['sleep', '3019']);
    expect(sleep).toBeDefined();

    abort.abort();
    expect((await running).output).toContain('interrupted');
    expect(isProcessRunning(sleep!.pid)).toBe(false);
    expect(isProcessGroupRunning(sleep!.pgrp)).toBe(false);
  });
});

describe('R4: where no sandbox can be had, commands run as before and say so', () => {
  let emptyPath: string;
  beforeEach(() => {
    emptyPath = path.join(root, 'empty-bin');
    fs.mkdirSync(emptyPath);
  });

  it('R4: bubblewrap missing: the probe says how to install it', async () => {
    const missing = await probeBubblewrap({ env: { PATH: emptyPath } });
    expect(missing).toEqual({ available: false, reason: expect.stringMatching(/bubblewrap \(bwrap\) is not installed/) });
  });

  it('R4: bubblewrap present but unable to create namespaces (a locked-down container): the probe says why', async () => {
    const bwrap = path.join(emptyPath, 'bwrap');
    // Behaves like bwrap where user namespaces are forbidden.
    fs.writeFileSync(bwrap, '#!/bin/sh\necho "bwrap: No permissions to create new namespace, likely because the kernel does not allow non-privileged user namespaces." >&2\nexit 1\n', { mode: 0o755 });
    const refused = await probeBubblewrap({ bwrapPath: bwrap });
    expect(refused).toEqual({ available: false, reason: expect.stringContaining('bubblewrap cannot create its sandbox here: bwrap: No permissions to create new namespace') });
  });

  it('R4: the fallback runs the command unsandboxed with a visible note, through the factory as Baton builds it', async () => {
    const factory = new ModelAgentFactory({
      settings: () => DEFAULT_SETTINGS,
      secrets: new MemorySecretStore(),
      env: {},
      dataDir,
      sandboxProbe: () => probeBubblewrap({ env: { PATH: emptyPath } }),
    });
    const choice = await factory.shellSandbox(DEFAULT_SETTINGS);
    expect(choice.sandbox).toBeNull();
    const outcome = await createShellTool(choice).run({ command: `ls ${dataDir}` }, context());
    // Unsandboxed: the data directory is visible, as it was before the sandbox existed.
    expect(outcome.output).toContain('baton.db');
    expect(outcome.output).toMatch(/\[not sandboxed: bubblewrap \(bwrap\) is not installed; on Debian or Ubuntu: apt-get install bubblewrap\]$/);
  });

  it('R4: shellSandbox "off" runs commands directly, without probing and without a note', async () => {
    let probed = false;
    const factory = new ModelAgentFactory({
      settings: () => DEFAULT_SETTINGS,
      secrets: new MemorySecretStore(),
      env: {},
      dataDir,
      sandboxProbe: () => {
        probed = true;
        return probeBubblewrap();
      },
    });
    const choice = await factory.shellSandbox({ ...DEFAULT_SETTINGS, shellSandbox: 'off' });
    expect(choice).toEqual({ sandbox: null, unsandboxedReason: null });
    expect(probed).toBe(false);
    const outcome = await createShellTool(choice).run({ command: `ls ${dataDir}` }, context());
    expect(outcome.output).toBe('backups\nbaton.db\nworkspace\n[exit code 0]');
  });

  it.skipIf(!probe.available)('R4: shellSandbox "auto" with bubblewrap available sandboxes the factory’s shell tool', async () => {
    const factory = new ModelAgentFactory({ settings: () => DEFAULT_SETTINGS, secrets: new MemorySecretStore(), env: {}, dataDir });
    const choice = await factory.shellSandbox(DEFAULT_SETTINGS);
    expect(choice.sandbox).not.toBeNull();
    const outcome = await createShellTool(choice).run({ command: `ls -A ${dataDir}` }, context());
    expect(outcome.output).toBe('workspace\n[exit code 0]');
  });
});
