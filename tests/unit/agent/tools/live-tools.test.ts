/**
 * Issue 10, live tools: the shell streams stdout and stderr to whoever watches while the command
 * runs (a real child process), its result carries the exit code or signal as structured details
 * (the model's text unchanged in meaning), and write_file records a capped unified diff.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWriteFileTool } from '../../../../electron/core/agent/tools/files.ts';
import { DIFF_MAX_CHARS, unifiedDiff } from '../../../../electron/core/agent/tools/line-diff.ts';
import { runShellCommand } from '../../../../electron/core/agent/tools/shell.ts';
import type { ToolOutputChannel } from '../../../../electron/core/agent/tools/tool.ts';
import { Recorder } from '../../../support/recorder.ts';

let workspaceDir: string;
beforeEach(() => {
  workspaceDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-live-tools-'));
});
afterEach(() => {
  fs.rmSync(workspaceDir, { recursive: true, force: true });
});

describe('shell output while the command runs (issue 10)', () => {
  it('issue 10: stdout and stderr pieces reach the watcher before the command ends, and the exit code is structured', async () => {
    const gate = path.join(workspaceDir, 'gate');
    fs.mkdirSync(gate);
    const pieces = new Recorder<{ stream: ToolOutputChannel; chunk: string }>();
    // The command waits (its own loop) until the test has seen its first lines.
    const command = `echo out-1; echo err-1 >&2; while [ -d gate ]; do sleep 0.02; done; echo out-2; exit 3`;
    const running = runShellCommand(command, { signal: new AbortController().signal, workspaceDir, output: (stream, chunk) => pieces.push({ stream, chunk }) });
    await pieces.waitFor((p) => p.stream === 'stderr' && p.chunk.includes('err-1'));
    await pieces.waitFor((p) => p.stream === 'stdout' && p.chunk.includes('out-1'));
    expect(pieces.items.some((p) => p.chunk.includes('out-2'))).toBe(false);
    fs.rmdirSync(gate);
    const outcome = await running;
    expect(pieces.items.map((p) => p.chunk).join('')).toContain('out-2');
    expect(outcome.details).toEqual({ exitCode: 3, signal: null });
    expect(outcome.isError).toBe(true);
    expect(outcome.output).toMatch(/\[exit code 3\]$/); // what the model reads is unchanged
  });

  it('issue 10: a multi-byte character split across two reads arrives whole', async () => {
    const pieces: string[] = [];
    // "é" is two bytes; printf writes them in two separate writes with a pause between.
    const outcome = await runShellCommand(`printf '\\303'; sleep 0.05; printf '\\251\\n'`, { signal: new AbortController().signal, workspaceDir, output: (_s, chunk) => pieces.push(chunk) });
    expect(pieces.join('')).toBe('é\n');
    expect(pieces.every((p) => !p.includes('\uFFFD'))).toBe(true);
    expect(outcome.details).toMatchObject({ exitCode: 0 });
  });

  it('issue 10, L11: a command stopped by the turn\'s hard interrupt says so in its details', async () => {
    const abort = new AbortController();
    const pieces = new Recorder<string>();
    const running = runShellCommand('echo started; sleep 30', { signal: abort.signal, workspaceDir, output: (_s, chunk) => pieces.push(chunk) }, { killGraceMs: 100 });
    await pieces.waitFor((p) => p.includes('started'));
    abort.abort();
    const outcome = await running;
    expect(outcome.details).toMatchObject({ stopped: 'interrupted' });
  });
});

describe('write_file diff (issue 10)', () => {
  it('issue 10: replacing a file records a unified diff of old against new; the model still reads one line', async () => {
    fs.writeFileSync(path.join(workspaceDir, 'notes.txt'), 'one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\nten\n');
    const outcome = await createWriteFileTool().run({ path: 'notes.txt', content: 'one\ntwo\nTHREE\nfour\nfive\nsix\nseven\neight\nnine\nten\neleven\n' }, { signal: new AbortController().signal, workspaceDir });
    expect(outcome.output).toBe('Replaced notes.txt (56 bytes).');
    expect(outcome.details?.diff).toEqual({
      path: 'notes.txt',
      created: false,
      added: 2,
      removed: 1,
      truncated: false,
      text: ['@@ -1,6 +1,6 @@', ' one', ' two', '-three', '+THREE', ' four', ' five', ' six', '@@ -8,3 +8,4 @@', ' eight', ' nine', ' ten', '+eleven', ''].join('\n'),
    });
  });

  it('issue 10: a new file diffs against nothing', async () => {
    const outcome = await createWriteFileTool().run({ path: 'new.txt', content: 'a\nb\n' }, { signal: new AbortController().signal, workspaceDir });
    expect(outcome.details?.diff).toMatchObject({ created: true, added: 2, removed: 0, text: '@@ -0,0 +1,2 @@\n+a\n+b\n' });
  });

  it('the diff of identical texts is empty; a deletion names the line before it', () => {
    expect(unifiedDiff('a\nb\n', 'a\nb\n')).toEqual({ text: '', added: 0, removed: 0, truncated: false });
    expect(unifiedDiff('a\nb\nc\n', 'a\nc\n').text).toBe('@@ -1,3 +1,2 @@\n a\n-b\n c\n');
    expect(unifiedDiff('a\n', '').text).toBe('@@ -1,1 +0,0 @@\n-a\n');
  });

  it('a huge rewrite is capped: whole lines only, marked truncated, counts still exact', () => {
    const before = Array.from({ length: 5000 }, (_, i) => `old line ${i}`).join('\n');
    const after = Array.from({ length: 5000 }, (_, i) => `new line ${i}`).join('\n');
    const diff = unifiedDiff(before, after);
    expect(diff).toMatchObject({ added: 5000, removed: 5000, truncated: true });
    expect(diff.text.length).toBeLessThanOrEqual(DIFF_MAX_CHARS);
    expect(diff.text.endsWith('\n')).toBe(true);
    expect(diff.text.split('\n').slice(1, -1).every((line) => /^[-+ ]/.test(line))).toBe(true);
  });
});
