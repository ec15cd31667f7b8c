/**
 * R4: how the host's secrets cross a re-exec or a supervisor's pipe without an environment. The
 * real re-exec and the real pipe are tested with real processes in tests/integration/secrets.test.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { decodeHandoff, encodeHandoff, HANDOFF_FD_ENV, HANDOFF_FILE_ENV, secureProcessEnvironment, takeHandoff } from '../../../electron/host/secret-handoff.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

it('R4: a handoff keeps values with =, newlines and any characters intact', () => {
  const secrets = { OPENAI_API_KEY: 'sk-a=b==c', MULTI_LINE_SECRET: 'line one\nline two', UNICODE_TOKEN: 'ключ🔑', EMPTY_PASSWORD: '' };
  expect(decodeHandoff(encodeHandoff(secrets))).toEqual(secrets);
  expect(decodeHandoff(Buffer.from(''))).toEqual({});
});

it('R4: a handoff file is read once and deleted with its folder; the pointer leaves the environment', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-handoff-'));
  dirs.push(dir);
  const file = path.join(dir, 'env');
  fs.writeFileSync(file, encodeHandoff({ OPENAI_API_KEY: 'sk-1' }), { mode: 0o600 });
  const env: NodeJS.ProcessEnv = { PATH: '/usr/bin', [HANDOFF_FILE_ENV]: file };
  const warnings: string[] = [];
  expect(takeHandoff(env, (m) => warnings.push(m))).toEqual({ OPENAI_API_KEY: 'sk-1' });
  expect(env).toEqual({ PATH: '/usr/bin' });
  expect(fs.existsSync(file)).toBe(false);
  expect(fs.existsSync(dir)).toBe(false);
  expect(warnings).toEqual([]);
});

it('R4: a handoff variable naming some other file never makes the host delete that file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-not-a-handoff-'));
  dirs.push(dir);
  const precious = path.join(dir, 'notes.txt');
  fs.writeFileSync(precious, 'OPENAI_API_KEY=sk-not-mine\0');
  const env: NodeJS.ProcessEnv = { [HANDOFF_FILE_ENV]: precious };
  takeHandoff(env, () => {});
  expect(fs.readFileSync(precious, 'utf8')).toBe('OPENAI_API_KEY=sk-not-mine\0');
});

it('R4: an unusable handoff is reported and the host carries on without it', () => {
  const warnings: string[] = [];
  const env: NodeJS.ProcessEnv = { [HANDOFF_FD_ENV]: 'stdin', [HANDOFF_FILE_ENV]: path.join(os.tmpdir(), 'baton-no-such-handoff') };
  expect(takeHandoff(env, (m) => warnings.push(m))).toEqual({});
  expect(env).toEqual({});
  expect(warnings).toHaveLength(2);
  expect(warnings[0]).toContain(`${HANDOFF_FD_ENV}=stdin`);
});

it('R4: secrets in the environment are moved to a 0600 handoff for the re-exec; if the re-exec fails, they are held in memory and the file is gone', () => {
  const saved = { ...process.env };
  process.env.MY_GITHUB_PAT = 'pat-value';
  process.env.BATON_ACCESS_TOKEN = 'token-value';
  const seen: { file: string; mode: number; env: NodeJS.ProcessEnv; args: string[] }[] = [];
  const warnings: string[] = [];
  try {
    const held = secureProcessEnvironment({
      warn: (m) => warnings.push(m),
      // The OS refusing the exec (e.g. EACCES); what it was asked to run is recorded first.
      execve: (_file, args, env) => {
        const handoff = env[HANDOFF_FILE_ENV]!;
        seen.push({ file: handoff, mode: fs.statSync(handoff).mode & 0o777, env, args });
        throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
      },
    });
    expect(held).toMatchObject({ MY_GITHUB_PAT: 'pat-value', BATON_ACCESS_TOKEN: 'token-value' });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.mode).toBe(0o600);
    expect(fs.statSync(path.dirname(seen[0]!.file), { throwIfNoEntry: false })).toBeUndefined();
    expect(seen[0]!.env.MY_GITHUB_PAT).toBeUndefined();
    expect(seen[0]!.env.BATON_ACCESS_TOKEN).toBeUndefined();
    expect(seen[0]!.args.slice(-process.argv.length + 1)).toEqual(process.argv.slice(1));
    expect(process.env.MY_GITHUB_PAT).toBeUndefined();
    expect(warnings.join('\n')).toContain('Could not restart without secrets in the environment: EACCES');
  } finally {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  }
});
