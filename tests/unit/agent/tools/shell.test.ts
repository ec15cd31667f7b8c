import { existsSync } from 'node:fs';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createShellTool, OutputCollector } from '../../../../electron/core/agent/tools/shell.ts';
import type { ToolRunContext } from '../../../../electron/core/agent/tools/tool.ts';
import { isProcessGroupRunning, isProcessRunning, waitForFile } from './process-probe.ts';

let workspaceDir: string;

beforeEach(async () => {
  workspaceDir = await mkdtemp(path.join(os.tmpdir(), 'baton-shell-'));
});

afterEach(async () => {
  await rm(workspaceDir, { recursive: true, force: true });
});

function context(signal: AbortSignal = new AbortController().signal): ToolRunContext {
  return { signal, workspaceDir };
}

/** The command writes the shell's pid (its process group id) to `pgid` before it gets going. */
const PUBLISH_PGID = 'echo $$ > pgid.tmp && mv pgid.tmp pgid';

describe('shell tool', () => {
  it('runs the command in the workspace folder and returns stdout, stderr and the exit code', async () => {
    const outcome = await createShellTool().run({ command: 'pwd; echo out; echo err >&2' }, context());
    expect(outcome.isError).toBe(false);
    expect(outcome.output).toBe(`${await realpath(workspaceDir)}\nout\nerr\n[exit code 0]`);
  });

  it('reports a non-zero exit as an error, with the exit code', async () => {
    const outcome = await createShellTool().run({ command: 'echo failing; exit 3' }, context());
    expect(outcome).toMatchObject({ isError: true, output: 'failing\n[exit code 3]' });
  });

  it('says so when the command printed nothing', async () => {
    const outcome = await createShellTool().run({ command: 'true' }, context());
    expect(outcome).toMatchObject({ isError: false, output: '(no output)\n[exit code 0]' });
  });

  it('caps the output, keeping its head and tail around a clear truncation marker', async () => {
    const tool = createShellTool({ maxOutputBytes: 1_000 });
    const outcome = await tool.run({ command: "echo START; head -c 10000 /dev/zero | tr '\\0' a; echo; echo END" }, context());
    expect(outcome.isError).toBe(false);
    expect(outcome.output).toMatch(/^START\naaa/);
    expect(outcome.output).toMatch(/\[\.\.\. output truncated: 9\d\d\d bytes omitted out of 10\d\d\d \.\.\.\]/);
    expect(outcome.output).toMatch(/aaa\nEND\n\[exit code 0\]$/);
    expect(outcome.output.length).toBeLessThan(1_200);
  });

  it('L11: kills the whole process group when the timeout passes', async () => {
    const tool = createShellTool({ timeoutMs: 500 });
    const outcome = await tool.run({ command: `${PUBLISH_PGID}; echo started; sleep 30 & sleep 30` }, context());
    expect(outcome.isError).toBe(true);
    expect(outcome.output).toMatch(/^started\n\[timed out after 0\.5 s: the command's process group was killed\]$/);
    const pgid = Number(await waitForFile(workspaceDir, 'pgid'));
    expect(isProcessGroupRunning(pgid)).toBe(false);
  });

  it('L11: an abort while `sleep 30` runs settles promptly as interrupted, and the process group is gone', async () => {
    const abort = new AbortController();
    const running = createShellTool().run({ command: `${PUBLISH_PGID}; sleep 30` }, context(abort.signal));
    const pgid = Number(await waitForFile(workspaceDir, 'pgid'));
    expect(isProcessGroupRunning(pgid)).toBe(true);

    const abortedAt = performance.now();
    abort.abort();
    const outcome = await running;
    // Far below the 30 s the sleep would take: the tool did not wait for it.
    expect(performance.now() - abortedAt).toBeLessThan(5_000);
    expect(outcome.isError).toBe(true);
    expect(outcome.output).toContain('[interrupted: the command was stopped before it finished; its process group was killed]');
    expect(isProcessGroupRunning(pgid)).toBe(false);
  });

  it('L11: an abort also kills a background grandchild, leaving no orphan', async () => {
    const abort = new AbortController();
    const command = 'sleep 30 & echo "$$ $!" > pids.tmp && mv pids.tmp pids; wait';
    const running = createShellTool().run({ command }, context(abort.signal));
    const [pgid, grandchild] = (await waitForFile(workspaceDir, 'pids')).trim().split(' ').map(Number) as [number, number];
    expect(isProcessRunning(grandchild)).toBe(true);

    abort.abort();
    const outcome = await running;
    expect(outcome.isError).toBe(true);
    expect(outcome.output).toContain('interrupted');
    expect(isProcessRunning(grandchild)).toBe(false);
    expect(isProcessGroupRunning(pgid)).toBe(false);
  });

  it('L11: an abort kills an orphaned descendant whose own parent already exited', async () => {
    const abort = new AbortController();
    // The inner shell exits at once, so its background sleep is reparented away from our tree.
    const command = `${PUBLISH_PGID}; sh -c 'sleep 30 & echo $! > orphan.tmp && mv orphan.tmp orphan'; sleep 30`;
    const running = createShellTool().run({ command }, context(abort.signal));
    const orphan = Number(await waitForFile(workspaceDir, 'orphan'));
    const pgid = Number(await waitForFile(workspaceDir, 'pgid'));
    expect(isProcessRunning(orphan)).toBe(true);

    abort.abort();
    expect((await running).isError).toBe(true);
    expect(isProcessRunning(orphan)).toBe(false);
    expect(isProcessGroupRunning(pgid)).toBe(false);
  });

  it('L11: processes that ignore SIGTERM are killed with SIGKILL after the grace period', async () => {
    const abort = new AbortController();
    const tool = createShellTool({ killGraceMs: 200 });
    const command = "trap '' TERM; sleep 30 & echo \"$$ $!\" > pids.tmp && mv pids.tmp pids; wait";
    const running = tool.run({ command }, context(abort.signal));
    const [pgid, grandchild] = (await waitForFile(workspaceDir, 'pids')).trim().split(' ').map(Number) as [number, number];

    abort.abort();
    const outcome = await running;
    expect(outcome.isError).toBe(true);
    expect(outcome.output).toContain('interrupted');
    expect(isProcessRunning(grandchild)).toBe(false);
    expect(isProcessGroupRunning(pgid)).toBe(false);
  });

  it('stops background jobs a finished command left running, and says so', async () => {
    const outcome = await createShellTool().run({ command: 'sleep 30 & echo $! > bg.pid; echo done' }, context());
    expect(outcome.isError).toBe(false);
    expect(outcome.output).toBe('done\n[exit code 0]\n[background processes still running when the command finished were stopped]');
    const background = Number(await waitForFile(workspaceDir, 'bg.pid'));
    expect(isProcessRunning(background)).toBe(false);
  });

  it('does not start the command when the turn is already interrupted', async () => {
    const abort = new AbortController();
    abort.abort();
    const outcome = await createShellTool().run({ command: 'touch ran' }, context(abort.signal));
    expect(outcome.isError).toBe(true);
    expect(outcome.output).toContain('interrupted');
    expect(existsSync(path.join(workspaceDir, 'ran'))).toBe(false);
  });

  it('reports a missing workspace folder clearly instead of blaming the shell', async () => {
    const outcome = await createShellTool().run({ command: 'true' }, { ...context(), workspaceDir: path.join(workspaceDir, 'missing') });
    expect(outcome.isError).toBe(true);
    expect(outcome.output).toContain('The workspace folder is not available');
  });

  it.each([
    ['no arguments', undefined],
    ['a bare string', 'ls'],
    ['a non-string command', { command: 42 }],
    ['an empty command', { command: '  ' }],
  ])('answers %s with an error outcome, not a throw', async (_label, args) => {
    const outcome = await createShellTool().run(args, context());
    expect(outcome.isError).toBe(true);
    expect(outcome.output).toMatch(/^Invalid arguments for shell:/);
  });
});

describe('OutputCollector', () => {
  it('keeps everything up to the cap', () => {
    const collector = new OutputCollector(10);
    collector.push(Buffer.from('12345'));
    collector.push(Buffer.from('67890'));
    expect(collector.text()).toBe('1234567890');
  });

  it('keeps the first and last half of the cap across many chunks', () => {
    const collector = new OutputCollector(10);
    for (const chunk of ['abc', 'defg', 'hijkl', 'mnop', 'qrstuvwxyz']) collector.push(Buffer.from(chunk));
    expect(collector.text()).toBe('abcde\n[... output truncated: 16 bytes omitted out of 26 ...]\nvwxyz');
  });
});
