/**
 * Command line of the headless host (SPEC L30):
 *   node electron/host/main.ts [--data-dir DIR] [--port N] [--host ADDR --allow-remote] [--renderer-dir DIR]
 * Loopback only unless --allow-remote is given together with --host.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

export interface HostOptions {
  dataDir: string;
  host: string;
  /** 0: the OS picks a free port. */
  port: number;
  allowRemote: boolean;
  rendererDir: string;
  /** Whether --port was given; without it the port stored in the data dir is reused (L33, host-address.ts). */
  portGiven: boolean;
  /** --new-token: replace the access token stored in the data dir. */
  newToken: boolean;
}

export const DEFAULT_PORT = 4800;

export const USAGE =
  'Usage: node electron/host/main.ts [--data-dir DIR] [--port N] [--host ADDR --allow-remote] [--renderer-dir DIR] [--new-token]\n' +
  `  --data-dir      where conversations and settings live (default $XDG_DATA_HOME/baton or ~/.local/share/baton)\n` +
  `  --port          port to listen on (default: the one used last time with this data dir, else ${DEFAULT_PORT}; 0: any free port, kept for later launches)\n` +
  '  --host          address to bind (default 127.0.0.1; anything else needs --allow-remote)\n' +
  '  --allow-remote  allow binding a non-loopback address (the access token still guards every request)\n' +
  '  --renderer-dir  the built renderer to serve (default renderer/dist)\n' +
  '  --new-token     replace the access token kept in the data dir (windows must then open the new URL)';

export class UsageError extends Error {
  /** False when the message says all there is (a bad data directory): the usage text would bury it. */
  readonly showUsage: boolean;
  constructor(message: string, options: { showUsage?: boolean } = {}) {
    super(message);
    this.showUsage = options.showUsage ?? true;
  }
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export function defaultDataDir(env: NodeJS.ProcessEnv): string {
  const xdg = env.XDG_DATA_HOME?.trim();
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.local', 'share'), 'baton');
}

function errorCode(error: unknown): string {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';
}

/**
 * Why `dir` cannot be the data directory, or null when it is a folder or can be made as one. Checked
 * before anything opens it, so a mistyped path gets one clear sentence instead of a stack trace
 * from mkdir or SQLite (issue 14).
 */
export function dataDirProblem(dir: string): string | null {
  let current = dir;
  for (;;) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(current);
    } catch (error) {
      const code = errorCode(error);
      if (code !== 'ENOENT' && code !== 'ENOTDIR') return `${current} cannot be read (${code || String(error)})`;
      const parent = path.dirname(current);
      if (parent === current) return null;
      current = parent;
      continue;
    }
    if (stat.isDirectory()) return null;
    return current === dir ? `${dir} is a file, not a folder` : `${current} is a file, so no folder can be made inside it`;
  }
}

export function parseHostArgs(argv: readonly string[], env: NodeJS.ProcessEnv, repoRoot: string): HostOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        'data-dir': { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        'allow-remote': { type: 'boolean', default: false },
        'renderer-dir': { type: 'string' },
        'new-token': { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const portText = values.port ?? String(DEFAULT_PORT);
  if (!/^\d+$/.test(portText) || Number(portText) > 65_535) throw new UsageError(`--port must be a number from 0 to 65535, not "${portText}".`);
  const host = values.host ?? '127.0.0.1';
  const allowRemote = values['allow-remote'] ?? false;
  if (!isLoopbackHost(host) && !allowRemote) {
    throw new UsageError(`Refusing to listen on ${host}: that is reachable from other machines. Add --allow-remote if you mean it.`);
  }
  if (allowRemote && values.host === undefined) throw new UsageError('--allow-remote needs --host with the address to bind.');
  const dataDir = path.resolve(values['data-dir'] ?? defaultDataDir(env));
  const problem = dataDirProblem(dataDir);
  if (problem !== null) throw new UsageError(`Baton cannot use ${dataDir} as its data directory: ${problem}.`, { showUsage: false });
  return {
    dataDir,
    host,
    port: Number(portText),
    allowRemote,
    rendererDir: path.resolve(values['renderer-dir'] ?? path.join(repoRoot, 'renderer', 'dist')),
    portGiven: values.port !== undefined,
    newToken: values['new-token'] ?? false,
  };
}
