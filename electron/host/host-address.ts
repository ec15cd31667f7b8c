/**
 * The headless host's stable address (SPEC L33): its port and access token are kept in the data
 * directory (`host.json`, mode 0600), so a relaunch — by the supervisor after a crash or a restart,
 * or by a person running the start command again — listens at the same URL with the same token,
 * and an open window reconnects by itself. The `baton` command line finds the running host through
 * the same file.
 *
 * This file is the one place the token lives at rest: nothing needs to carry it in an environment
 * variable or on a command line, where other processes could read it (/proc/<pid>/environ).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { newAccessToken } from './access.ts';
import { describeError } from '../../shared/errors.ts';

export const ADDRESS_FILE = 'host.json';

/** Same rule as a token a supervisor may pass: at least as strong as a generated one, URL-safe. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{32,256}$/;

export const hostAddressSchema = z.object({
  /** Marks the file as Baton's: a file of another shape in its place is replaced, not trusted. */
  kind: z.literal('baton-host-address'),
  version: z.literal(1),
  /** The address the host bound (127.0.0.1 unless --host with --allow-remote). */
  host: z.string().min(1).max(255),
  port: z.number().int().min(1).max(65_535),
  token: z.string().regex(TOKEN_PATTERN),
  /** The process that last wrote it; the CLI uses it only to word "not running" precisely. */
  pid: z.number().int().positive(),
  updatedAt: z.number(),
});
export type HostAddress = z.infer<typeof hostAddressSchema>;

export type AddressRead = { status: 'missing' } | { status: 'ok'; address: HostAddress } | { status: 'damaged'; reason: string };

export function addressFilePath(dataDir: string): string {
  return path.join(dataDir, ADDRESS_FILE);
}

/** Reads and validates the address file; never throws. */
export function readHostAddress(dataDir: string): AddressRead {
  const file = addressFilePath(dataDir);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { status: 'missing' };
    return { status: 'damaged', reason: `it cannot be read (${code ?? (error as Error).message})` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { status: 'damaged', reason: 'it is not valid JSON' };
  }
  const parsed = hostAddressSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    // The issue names a field, never its value: the value could be a token.
    return { status: 'damaged', reason: `it is not a Baton address file (${issue ? `${issue.path.join('.') || 'file'}: ${issue.message}` : 'wrong shape'})` };
  }
  return { status: 'ok', address: parsed.data };
}

/**
 * Writes the file atomically with mode 0600: a temporary file beside it (created 0600, so the token
 * is never readable by others even for an instant), then renamed over the old one, so a reader sees
 * the old file or the new one, never half of either. Not fsynced (issue 13: 12–57 ms of a start on a
 * busy disk): the file only means something while this process runs, and a power loss that could
 * leave it empty also ends the process — the reader reports such a file as damaged, and the next
 * start writes it again.
 */
export function writeHostAddress(dataDir: string, address: Omit<HostAddress, 'kind' | 'version'>): void {
  const file = addressFilePath(dataDir);
  const temp = path.join(dataDir, `.${ADDRESS_FILE}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const body = `${JSON.stringify({ kind: 'baton-host-address', version: 1, ...address }, null, 2)}\n`;
  const fd = fs.openSync(temp, 'wx', 0o600);
  try {
    // The umask can only narrow the mode given to open; make it exactly 0600 whatever it is.
    fs.fchmodSync(fd, 0o600);
    fs.writeSync(fd, body);
  } catch (error) {
    fs.closeSync(fd);
    fs.rmSync(temp, { force: true });
    throw error;
  }
  fs.closeSync(fd);
  try {
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
}

export interface AddressRequest {
  dataDir: string;
  /** --port as given, or the default when none was given. */
  requestedPort: number;
  /** Whether --port was on the command line. */
  portGiven: boolean;
  /** --new-token: replace the stored token. */
  newToken: boolean;
  /** A token a supervisor handed over (BATON_ACCESS_TOKEN), already checked; wins for this launch. */
  givenToken: string | null;
  log: (message: string) => void;
}

export interface AddressPlan {
  dataDir: string;
  token: string;
  /** The port to try first; 0 lets the OS choose. */
  port: number;
  /** When the port is taken: true → listen on any free port instead; false → fail (an explicit --port N). */
  mayMove: boolean;
  /** The port the previous launch listened on, if the file had one. */
  storedPort: number | null;
}

/**
 * Decides this launch's token and port:
 * - token: a supervisor's (if given), else a new one for --new-token, else the stored one, else new;
 * - port: an explicit `--port N` (N > 0) is used exactly; otherwise the stored port, else the default
 *   (`--port 0`: any free port the first time, then the same one again on later launches).
 */
export function planHostAddress(request: AddressRequest): AddressPlan {
  const file = addressFilePath(request.dataDir);
  const read = readHostAddress(request.dataDir);
  if (read.status === 'damaged') {
    request.log(`The address file ${file} is damaged (${read.reason}); replacing it with a new address and access token. Windows opened earlier must be opened again with the new URL.`);
  }
  const stored = read.status === 'ok' ? read.address : null;
  let token: string;
  if (request.givenToken !== null) token = request.givenToken;
  else if (request.newToken) {
    token = newAccessToken();
    if (stored) request.log('Made a new access token (--new-token): the old one no longer works; open Baton again with the new URL.');
  } else token = stored?.token ?? newAccessToken();

  const fixed = request.portGiven && request.requestedPort > 0;
  const port = fixed ? request.requestedPort : (stored?.port ?? request.requestedPort);
  return { dataDir: request.dataDir, token, port, mayMove: !fixed && port !== 0, storedPort: stored?.port ?? null };
}

function isAddressInUse(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'EADDRINUSE';
}

/**
 * Listens on the planned port. When another program holds it (and it was not an explicit --port),
 * listens on any free port instead and says so: windows opened on the old address cannot follow.
 */
export async function listenOnPlannedPort<S extends { port: number }>(plan: AddressPlan, listen: (port: number) => Promise<S>, log: (message: string) => void): Promise<S> {
  try {
    return await listen(plan.port);
  } catch (error) {
    if (!plan.mayMove || !isAddressInUse(error)) throw error;
  }
  const server = await listen(0);
  log(
    `Port ${plan.port} is in use by another program, so Baton listens on port ${server.port} instead. ` +
      'Windows opened on the old address cannot reconnect by themselves: open the new address printed below.',
  );
  return server;
}

/** Records the address this launch listens on. A failure is reported, never fatal: Baton still runs. */
export function saveHostAddress(plan: AddressPlan, bound: { host: string; port: number }, log: (message: string) => void): void {
  try {
    writeHostAddress(plan.dataDir, { host: bound.host, port: bound.port, token: plan.token, pid: process.pid, updatedAt: Date.now() });
  } catch (error) {
    log(
      `Could not save the address in ${addressFilePath(plan.dataDir)} (${describeError(error)}): ` +
        'a relaunch will get a new address, and the baton command line cannot find this one.',
    );
  }
}
