/**
 * A real single-instance lock between harness processes, modelled on Chromium's
 * ProcessSingleton for POSIX (chrome/browser/process_singleton_posix.cc, used by Electron's
 * app.requestSingleInstanceLock in shell/browser/api/electron_api_app.cc):
 * - the lock is a symlink `SingletonLock` in the user-data folder pointing at "<host>-<pid>";
 *   creating it is atomic, so two processes racing cannot both win;
 * - a lock whose process is gone (same host, pid not alive) is stale and taken over;
 * - the owner listens on a unix socket (`SingletonSocket`, a symlink to a socket in a temp dir);
 *   the second process connects, hands over its argv, working directory and additionalData
 *   *synchronously* (the call blocks), and the owner emits `second-instance`.
 * The blocking hand-over is done with a child `node` (spawnSync) because Node has no synchronous
 * socket API; it is a real connection to the real owner process.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface SecondInstance {
  argv: string[];
  cwd: string;
  additionalData: unknown;
}

const HANDOVER_SCRIPT = `
const net = require('node:net');
const [socketPath, payload] = [process.argv[1], process.argv[2]];
let tries = 0;
function attempt() {
  const socket = net.createConnection(socketPath);
  let answer = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk) => { answer += chunk; if (answer.includes('ACK')) { socket.end(); process.exit(0); } });
  socket.on('error', () => { if (++tries > 40) process.exit(2); setTimeout(attempt, 50); });
  socket.write(payload + '\\n');
}
attempt();
setTimeout(() => process.exit(3), 5000);
`;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class SingleInstanceLock {
  private server: net.Server | null = null;
  private socketDir: string | null = null;
  private lockPath: string | null = null;
  private socketLink: string | null = null;
  private readonly onSecondInstance: (second: SecondInstance) => void;

  constructor(onSecondInstance: (second: SecondInstance) => void) {
    this.onSecondInstance = onSecondInstance;
  }

  get held(): boolean {
    return this.server !== null;
  }

  /** True when this process now holds the lock; false after handing over to the owner. */
  request(userData: string, additionalData: unknown): boolean {
    if (this.server) return true;
    fs.mkdirSync(userData, { recursive: true });
    const lockPath = path.join(userData, 'SingletonLock');
    const socketLink = path.join(userData, 'SingletonSocket');
    const me = `${os.hostname()}-${process.pid}`;
    for (let attempt = 0; attempt < 3; attempt += 1) {
      try {
        fs.symlinkSync(me, lockPath);
        this.listen(lockPath, socketLink);
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      let target: string;
      try {
        target = fs.readlinkSync(lockPath);
      } catch {
        continue; // removed meanwhile: try again
      }
      const dash = target.lastIndexOf('-');
      const host = target.slice(0, dash);
      const pid = Number(target.slice(dash + 1));
      if (host === os.hostname() && Number.isInteger(pid) && !alive(pid)) {
        // Stale: its owner died without cleaning up (a crash or SIGKILL).
        fs.rmSync(lockPath, { force: true });
        fs.rmSync(socketLink, { force: true });
        continue;
      }
      this.handOver(socketLink, { argv: process.argv, cwd: process.cwd(), additionalData: additionalData ?? null });
      return false;
    }
    return false;
  }

  release(): void {
    const server = this.server;
    if (!server) return;
    this.server = null;
    server.close();
    try {
      if (this.lockPath && fs.readlinkSync(this.lockPath) === `${os.hostname()}-${process.pid}`) {
        fs.rmSync(this.lockPath, { force: true });
        if (this.socketLink) fs.rmSync(this.socketLink, { force: true });
      }
    } catch {
      // already gone
    }
    if (this.socketDir) fs.rmSync(this.socketDir, { recursive: true, force: true });
    this.lockPath = null;
    this.socketLink = null;
    this.socketDir = null;
  }

  private listen(lockPath: string, socketLink: string): void {
    // Unix socket paths are short (108 bytes): the socket lives in a temp dir, linked from userData.
    this.socketDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsi-'));
    const socketPath = path.join(this.socketDir, 'S');
    fs.rmSync(socketLink, { force: true });
    fs.symlinkSync(socketPath, socketLink);
    this.lockPath = lockPath;
    this.socketLink = socketLink;
    const server = net.createServer((connection) => {
      let text = '';
      connection.setEncoding('utf8');
      connection.on('data', (chunk) => {
        text += chunk;
        if (!text.includes('\n')) return;
        connection.end('ACK');
        try {
          this.onSecondInstance(JSON.parse(text.slice(0, text.indexOf('\n'))) as SecondInstance);
        } catch {
          // a malformed hand-over is ignored, as Chromium does
        }
      });
      connection.on('error', () => undefined);
    });
    server.listen(socketPath);
    // The lock must not keep a quitting process alive.
    server.unref();
    this.server = server;
  }

  private handOver(socketLink: string, payload: SecondInstance): void {
    const node = process.env.BATON_HARNESS_NODE ?? process.execPath;
    spawnSync(node, ['-e', HANDOVER_SCRIPT, socketLink, JSON.stringify(payload)], { stdio: 'ignore', timeout: 6000 });
  }
}
