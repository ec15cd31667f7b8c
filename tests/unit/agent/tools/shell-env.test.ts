/** R4: commands the agent runs never see Baton's secrets (keys, the host token, credentials). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { commandEnvironment, runShellCommand } from '../../../../electron/core/agent/tools/shell.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

it('R4: credentials and Baton’s own variables are left out of a command’s environment', () => {
  const env = commandEnvironment({
    PATH: '/usr/bin',
    HOME: '/home/me',
    LANG: 'C.UTF-8',
    OPENAI_API_KEY: 'sk-1',
    OPENAI_BASE_URL: 'http://127.0.0.1:1/v1',
    ANTHROPIC_API_KEY: 'sk-2',
    BATON_ACCESS_TOKEN: 'tok',
    GITHUB_TOKEN: 'ghp',
    AWS_SECRET_ACCESS_KEY: 'aws',
    DB_PASSWORD: 'pw',
    NODE_ENV: 'development',
  });
  expect(env).toEqual({ PATH: '/usr/bin', HOME: '/home/me', LANG: 'C.UTF-8', NODE_ENV: 'development' });
});

it('R4: a command printing its environment shows no key', async () => {
  const workspaceDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-env-'));
  dirs.push(workspaceDir);
  const saved = process.env.OPENAI_API_KEY;
  process.env.OPENAI_API_KEY = 'sk-must-not-leak';
  try {
    const outcome = await runShellCommand('env', { signal: new AbortController().signal, workspaceDir });
    expect(outcome.isError).toBe(false);
    expect(outcome.output).toContain('PATH=');
    expect(outcome.output).not.toContain('sk-must-not-leak');
  } finally {
    if (saved === undefined) delete process.env.OPENAI_API_KEY;
    else process.env.OPENAI_API_KEY = saved;
  }
});
