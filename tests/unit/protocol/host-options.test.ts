/** The headless host's command line and access rules (SPEC L30). */
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { accessTokenFromEnv, hostAllowed, loopbackHosts, newAccessToken, originAllowed, tokenMatches, type AccessPolicy } from '../../../electron/host/access.ts';
import { DEFAULT_PORT, parseHostArgs, UsageError } from '../../../electron/host/host-options.ts';

const root = '/repo';

describe('host command line', () => {
  it('defaults: loopback, port 4800, the XDG data dir, the repo renderer build', () => {
    expect(parseHostArgs([], { XDG_DATA_HOME: '/xdg' }, root)).toEqual({
      dataDir: '/xdg/baton',
      host: '127.0.0.1',
      port: DEFAULT_PORT,
      allowRemote: false,
      rendererDir: path.join(root, 'renderer', 'dist'),
      portGiven: false,
      newToken: false,
    });
    expect(parseHostArgs([], {}, root).dataDir).toMatch(/\.local\/share\/baton$/);
    expect(parseHostArgs(['--data-dir', '/d', '--port', '0'], {}, root)).toMatchObject({ dataDir: '/d', port: 0, portGiven: true });
    expect(parseHostArgs(['--new-token'], {}, root)).toMatchObject({ newToken: true, portGiven: false });
  });

  it('refuses a non-loopback address unless --allow-remote, and bad ports or flags', () => {
    expect(() => parseHostArgs(['--host', '0.0.0.0'], {}, root)).toThrow(UsageError);
    expect(parseHostArgs(['--host', '0.0.0.0', '--allow-remote'], {}, root)).toMatchObject({ host: '0.0.0.0', allowRemote: true });
    expect(() => parseHostArgs(['--allow-remote'], {}, root)).toThrow(/needs --host/);
    expect(() => parseHostArgs(['--port', '70000'], {}, root)).toThrow(UsageError);
    expect(() => parseHostArgs(['--port', '12a'], {}, root)).toThrow(UsageError);
    expect(() => parseHostArgs(['--frobnicate'], {}, root)).toThrow(UsageError);
  });
});

const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

describe('host access rules', () => {
  const loopback: AccessPolicy = { token: 't', allowedHosts: loopbackHosts(4800) };
  const remote: AccessPolicy = { token: 't', allowedHosts: null };

  it('a supervisor-provided token is used only when it is as strong as a generated one', () => {
    expect(newAccessToken()).toMatch(/^[\w-]{32}$/);
    expect(accessTokenFromEnv({ BATON_ACCESS_TOKEN: 'a'.repeat(32) })).toBe('a'.repeat(32));
    expect(accessTokenFromEnv({ BATON_ACCESS_TOKEN: 'short' })).toBeNull();
    expect(accessTokenFromEnv({ BATON_ACCESS_TOKEN: `${'a'.repeat(32)}&x=1` })).toBeNull();
    expect(accessTokenFromEnv({})).toBeNull();
  });

  it('compares tokens exactly', () => {
    expect(tokenMatches('abc', 'abc')).toBe(true);
    expect(tokenMatches('abc', 'abd')).toBe(false);
    expect(tokenMatches('abc', 'ab')).toBe(false);
    expect(tokenMatches('abc', null)).toBe(false);
  });

  it('on loopback, only loopback Host headers and the same origin pass', () => {
    expect(hostAllowed(loopback, req({ host: 'localhost:4800' }))).toBe(true);
    expect(hostAllowed(loopback, req({ host: 'attacker.example:4800' }))).toBe(false);
    expect(originAllowed(loopback, req({ host: '127.0.0.1:4800', origin: 'http://127.0.0.1:4800' }))).toBe(true);
    expect(originAllowed(loopback, req({ host: '127.0.0.1:4800', origin: 'http://localhost:4800' }))).toBe(false);
    expect(originAllowed(loopback, req({ host: 'attacker.example:4800', origin: 'http://attacker.example:4800' }))).toBe(false);
    expect(originAllowed(loopback, req({ host: '127.0.0.1:4800', origin: 'https://127.0.0.1:4800' }))).toBe(false);
    expect(originAllowed(loopback, req({ host: '127.0.0.1:4800' }))).toBe(false);
  });

  it('remote mode accepts the origin the page was addressed by, http or https (behind a proxy)', () => {
    expect(originAllowed(remote, req({ host: 'box.lan:4800', origin: 'http://box.lan:4800' }))).toBe(true);
    expect(originAllowed(remote, req({ host: 'baton.example', origin: 'https://baton.example' }))).toBe(true);
    expect(originAllowed(remote, req({ host: 'box.lan:4800', origin: 'http://evil.example' }))).toBe(false);
  });
});
