/** R4: commands the agent runs never see Baton's secrets (keys, the host token, credentials). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { isSecretName, secretNamesIn } from '../../../../electron/core/agent/tools/command-environment.ts';
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

it.each([
  'MY_GITHUB_PAT',
  'GITHUB_PAT',
  'GH_TOKEN',
  'GH_ENTERPRISE_TOKEN',
  'GITHUB_TOKEN',
  'HF_TOKEN',
  'NPM_TOKEN',
  'SLACK_BOT_TOKEN',
  'ACCESS_TOKEN_FILE_CONTENT',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AZURE_CLIENT_SECRET',
  'CLIENT_SECRET_JSON',
  'GOOGLE_API_KEY',
  'GOOGLE_APPLICATION_CREDENTIALS',
  'STRIPE_KEY',
  'SIGNING_KEY_PEM',
  'SSH_PRIVATE_KEY',
  'DB_PASSWORD',
  'PGPASSWORD',
  'SMTP_PASS',
  'MYSQL_PWD',
  'GPG_PASSPHRASE',
  'NPM_CONFIG__AUTH',
  'SENTRY_DSN',
  'SLACK_WEBHOOK_URL',
  'my_github_pat',
])('R4: %s is a secret and never reaches a command', (name) => {
  expect(isSecretName(name)).toBe(true);
  expect(commandEnvironment({ PATH: '/usr/bin', [name]: 'value' })).toEqual({ PATH: '/usr/bin' });
});

it('R4: ordinary variables reach commands unchanged', () => {
  const ordinary = {
    PATH: '/usr/bin:/bin',
    HOME: '/home/me',
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    PWD: '/home/me/project',
    OLDPWD: '/home/me',
    SHELL: '/bin/bash',
    USER: 'me',
    TERM: 'xterm-256color',
    TMPDIR: '/tmp',
    EDITOR: 'vi',
    PATHEXT: '.EXE',
    TOKENIZERS_PARALLELISM: 'false',
    XKB_KEYMAP: 'us',
    KEYTIMEOUT: '1',
    SSH_AUTH_SOCK: '/run/user/1000/ssh-agent',
    XDG_SESSION_ID: 'c2',
    GIT_AUTHOR_NAME: 'Me',
    HTTP_PROXY: 'http://proxy:3128',
    PASSAGE_DIR: '/home/me/.passage',
  };
  expect(commandEnvironment(ordinary)).toEqual(ordinary);
});

it.each([
  ['a URL with a password', 'postgres://app:hunter2@db.internal/app'],
  ['an OpenAI key', 'sk-proj-abcdefghijklmnop'],
  ['a GitHub token', 'ghp_abcdefghijklmnopqrstu'],
  ['a fine-grained GitHub token', 'github_pat_11ABCDEFG0123456789'],
  ['a Slack token', 'xoxb-1234567890-abcdef'],
  ['an AWS access key id', 'AKIAIOSFODNN7EXAMPLE'],
])('R4: a variable holding %s is left out whatever its name', (_label, value) => {
  expect(commandEnvironment({ PATH: '/usr/bin', DATABASE_URL: value, SOMETHING: value })).toEqual({ PATH: '/usr/bin' });
});

it('R4: the secret names found in an environment are listed for the host to hold', () => {
  expect(secretNamesIn({ PATH: '/usr/bin', OPENAI_API_KEY: 'k', MY_GITHUB_PAT: 'p', OPENAI_BASE_URL: 'http://127.0.0.1:1/v1' }).sort()).toEqual(['MY_GITHUB_PAT', 'OPENAI_API_KEY']);
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
