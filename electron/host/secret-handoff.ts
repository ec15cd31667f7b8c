/**
 * Keeping secrets out of the headless host's process environment (R4).
 *
 * Any process of the same user can read `/proc/<pid>/environ`, and that file is the environment
 * the process was *started* with: deleting a variable from `process.env` does not change it. So
 * the host takes its secrets (provider keys, the access token, anything the secret table in
 * command-environment.ts names) out of the environment and holds them in memory only:
 *
 * - started with secrets in its environment (by hand, by a test, by any launcher), the host
 *   writes them to a 0600 file in a fresh 0700 folder and re-executes itself (same pid, same
 *   stdio, same arguments) with an environment without them; the new image reads the file and
 *   deletes it before it does anything else;
 * - started by the supervisor (scripts/supervise-host.sh), it gets them through an inherited
 *   pipe on the descriptor named by BATON_HANDOFF_FD and never had them in its environment.
 *
 * The payload has the format of /proc/<pid>/environ: `NAME=value` entries, each ended by a NUL.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { secretNamesIn } from '../core/agent/tools/command-environment.ts';
import { describeError } from '../../shared/errors.ts';

export const HANDOFF_FD_ENV = 'BATON_HANDOFF_FD';
export const HANDOFF_FILE_ENV = 'BATON_HANDOFF_FILE';
const HANDOFF_DIR_PREFIX = 'baton-handoff-';

export type HeldSecrets = Record<string, string>;

export function encodeHandoff(secrets: HeldSecrets): Buffer {
  return Buffer.from(Object.entries(secrets).map(([name, value]) => `${name}=${value}\0`).join(''), 'utf8');
}

export function decodeHandoff(payload: Buffer | string): HeldSecrets {
  const held: HeldSecrets = {};
  for (const entry of payload.toString().split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) held[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return held;
}

/** Memory-backed where the system has it, so the secrets need not touch a disk even briefly. */
function handoffParent(): string {
  try {
    fs.accessSync('/dev/shm', fs.constants.W_OK);
    return '/dev/shm';
  } catch {
    return os.tmpdir();
  }
}

/**
 * Reads and consumes a handoff named in `env` (and removes the pointer from it). Never throws:
 * a handoff that cannot be read is reported through `warn` and the host carries on without it.
 */
export function takeHandoff(env: NodeJS.ProcessEnv, warn: (message: string) => void): HeldSecrets {
  const fdText = env[HANDOFF_FD_ENV];
  const file = env[HANDOFF_FILE_ENV];
  delete env[HANDOFF_FD_ENV];
  delete env[HANDOFF_FILE_ENV];
  let held: HeldSecrets = {};
  if (fdText !== undefined) {
    const fd = Number(fdText);
    try {
      if (!Number.isInteger(fd) || fd < 3) throw new Error(`"${fdText}" is not a descriptor number above 2`);
      held = decodeHandoff(fs.readFileSync(fd));
      fs.closeSync(fd);
    } catch (error) {
      warn(`Could not read the secrets handed over on ${HANDOFF_FD_ENV}=${fdText}: ${describeError(error)}`);
    }
  }
  if (file !== undefined) {
    try {
      held = { ...held, ...decodeHandoff(fs.readFileSync(file)) };
    } catch (error) {
      warn(`Could not read the secrets handed over in ${file}: ${describeError(error)}`);
    } finally {
      // Only a handoff this code wrote (in its own baton-handoff-* folder) is removed: a variable
      // naming any other file must never make the host delete it.
      if (path.basename(path.dirname(file)).startsWith(HANDOFF_DIR_PREFIX)) fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
  }
  return held;
}

export interface SecureEnvironmentOptions {
  warn: (message: string) => void;
  /** Replaces this process (process.execve); absent where the platform has none. */
  execve?: ((file: string, args: string[], env: NodeJS.ProcessEnv) => never) | undefined;
}

/**
 * Called first thing by the host's entry point. Returns the secrets the host holds in memory, with
 * `process.env` left without them. If this process was started with secrets in its environment it
 * re-executes itself without them and does not return.
 */
export function secureProcessEnvironment(options: SecureEnvironmentOptions): HeldSecrets {
  const env = process.env;
  const reExecuted = env[HANDOFF_FILE_ENV] !== undefined;
  const held = takeHandoff(env, options.warn);
  const names = secretNamesIn(env);
  if (names.length === 0) return held;
  for (const name of names) held[name] = env[name]!;
  for (const name of names) delete env[name];
  // Once re-executed, the environment is clean: never loop on a variable that keeps coming back.
  if (reExecuted || !options.execve) {
    // Windows has no /proc to read another process's environment from; elsewhere, say so.
    if (!reExecuted && process.platform !== 'win32') options.warn('This Node cannot re-execute a process (no process.execve); the secrets stay in the host process’s launch environment.');
    return held;
  }
  let dir: string | null = null;
  try {
    dir = fs.mkdtempSync(path.join(handoffParent(), HANDOFF_DIR_PREFIX));
    const file = path.join(dir, 'env');
    fs.writeFileSync(file, encodeHandoff(held), { mode: 0o600, flag: 'wx' });
    options.execve(process.execPath, [process.execPath, ...process.execArgv, ...process.argv.slice(1)], { ...env, [HANDOFF_FILE_ENV]: file });
  } catch (error) {
    if (dir !== null) fs.rmSync(dir, { recursive: true, force: true });
    options.warn(`Could not restart without secrets in the environment: ${describeError(error)}`);
  }
  return held;
}

/** For the supervisor script: prints the secrets of its own environment as a handoff payload. */
if (import.meta.main && process.argv[2] === '--print-secrets') {
  const env = process.env;
  process.stdout.write(encodeHandoff(Object.fromEntries(secretNamesIn(env).map((name) => [name, env[name]!]))));
}
