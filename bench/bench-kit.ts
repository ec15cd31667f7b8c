/**
 * Shared by the host and UI benchmarks: the headless host as a timed child process, a protocol
 * client with the host's Origin, raw bulk fills of the session store, statistics and the machine.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import WebSocket from 'ws';
import { SessionStore, STORE_FILE } from '../electron/core/sessions/store.ts';
import { newId } from '../electron/core/sessions/ids.ts';
import { GatewayClient } from '../shared/protocol/client.ts';
import { connectWebSocket, hostWebSocketUrl, type WebSocketConstructor } from '../shared/protocol/websocket-transport.ts';
import type { TurnEvent } from '../shared/transcript.ts';
import type { HostReady } from '../tests/fixtures/host-process.ts';

export const REPO_ROOT = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
/** The host from its sources, and as the bundle `npm run build:host` makes (what the start command runs). */
export const HOST_SOURCES = path.join(REPO_ROOT, 'electron', 'host', 'main.ts');
export const HOST_BUNDLE = path.join(REPO_ROOT, 'out', 'host', 'main.js');

/** Builds the host bundle (out/host) with the production config, as `npm run build:host` does. */
export function buildHostBundle(): void {
  const vite = path.join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  const built = spawnSync(process.execPath, [vite, 'build', '--config', 'electron/host/vite.config.ts', '--logLevel', 'warn'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`the host build failed: ${built.stderr}`);
}

/** Resident set size of a live process, from /proc (Linux), in MiB. */
export function rssMiB(pid: number): number {
  const line = /^VmRSS:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return line ? Number(line[1]) / 1024 : Number.NaN;
}

/** Wall-clock milliseconds with sub-millisecond resolution; the browser's `timeOrigin + now()` is on the same scale. */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

// ── statistics ─────────────────────────────────────────────────────────────────────────────

export function quantile(samples: readonly number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  if (q === 0.5) {
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  }
  // Nearest rank: with fewer than 20 samples the p95 is the maximum.
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export interface Summary {
  n: number;
  median: number;
  p95: number;
  min: number;
  max: number;
}

export function summarize(samples: readonly number[]): Summary {
  return {
    n: samples.length,
    median: quantile(samples, 0.5),
    p95: quantile(samples, 0.95),
    min: Math.min(...samples),
    max: Math.max(...samples),
  };
}

export function fmt(value: number, digits?: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (digits !== undefined) return value.toFixed(digits);
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

export function ratio(a: number, b: number): string {
  return Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a';
}

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), '-'.repeat(widths.reduce((a, b) => a + b + 2, -2)), ...rows.map(line)].join('\n');
}

// ── the machine ────────────────────────────────────────────────────────────────────────────

export function machineInfo(): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    tmpdir: os.tmpdir(),
    date: new Date().toISOString(),
    loadavg: loadAverage(),
  };
}

/** 1, 5 and 15 minute load averages, as `uptime` shows them. */
export function loadAverage(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

export function tempDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `baton-bench-${label}-`));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ── the headless host as a child process ───────────────────────────────────────────────────

/** The host's BATON_READY line, as the test fixtures already describe it. */
export type HostReadyLine = HostReady;

export interface HostExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** `performance.now()` in this process when the exit was seen. */
  at: number;
}

export interface SpawnedHost {
  child: ChildProcessWithoutNullStreams;
  /** `performance.now()` right before `spawn`. */
  spawnedAt: number;
  /** Resolves with the ready line and the `performance.now()` it was read at. */
  ready: Promise<{ line: HostReadyLine; at: number }>;
  exited: Promise<HostExit>;
  stderr: string[];
}

/**
 * `node <entry> --data-dir D --port 0` (the sources' electron/host/main.ts unless told), timed from
 * just before `spawn` to the `BATON_READY {json}` line on its stdout.
 */
export function spawnHost(options: { dataDir: string; env?: NodeJS.ProcessEnv; rendererDir?: string; entry?: string }): SpawnedHost {
  const args = [options.entry ?? HOST_SOURCES, '--data-dir', options.dataDir, '--port', '0'];
  if (options.rendererDir) args.push('--renderer-dir', options.rendererDir);
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, ...options.env };
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, args, { stdio: 'pipe', env, cwd: REPO_ROOT });
  const stderr: string[] = [];
  readline.createInterface({ input: child.stderr }).on('line', (line) => stderr.push(line));
  const exited = new Promise<HostExit>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, at: performance.now() })));
  const ready = new Promise<{ line: HostReadyLine; at: number }>((resolve, reject) => {
    // Not readline: the chunk is scanned as it arrives, so no line-splitting delay is timed.
    let pending = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const at = performance.now();
      pending += chunk.toString('utf8');
      const start = pending.indexOf('BATON_READY ');
      if (start < 0) return;
      const end = pending.indexOf('\n', start);
      if (end < 0) return;
      resolve({ line: JSON.parse(pending.slice(start + 'BATON_READY '.length, end)) as HostReadyLine, at });
    });
    void exited.then((exit) => reject(new Error(`host exited before it was ready (${JSON.stringify(exit)}): ${stderr.join('\n')}`)));
  });
  return { child, spawnedAt, ready, exited, stderr };
}

/** A started GatewayClient over a real WebSocket that sends the host's Origin, as a browser would. */
export async function connectGateway(ready: HostReadyLine): Promise<GatewayClient> {
  const origin = ready.origin;
  const WithOrigin = class extends WebSocket {
    constructor(url: string) {
      super(url, { origin });
    }
  } as unknown as WebSocketConstructor;
  const client = new GatewayClient({
    connect: () => connectWebSocket(hostWebSocketUrl(ready.url), { WebSocket: WithOrigin }),
    log: () => {},
  });
  await client.start();
  return client;
}

// ── raw bulk fill of the session store ─────────────────────────────────────────────────────

/** Deterministic PRNG (mulberry32), so every run stores the same transcript. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'the store appends one event per message and every tool call gets its result before the turn ends ' +
  'reading src/gateway/lane.ts shows the drain marks each lane then waits for the running turn to finish ' +
  'I will run the tests again after fixing the import path in electron/core/sessions/store.ts since the ' +
  'migration adds an index on session_id and seq so a transcript read is a range scan rather than a full ' +
  'table walk the failing case was a queued input consumed twice after a restart which this change fixes'
).split(' ');

export function sentence(random: () => number, min: number, max: number): string {
  const target = min + Math.floor(random() * (max - min + 1));
  let out = '';
  while (out.length < target) out += (out ? ' ' : '') + WORDS[Math.floor(random() * WORDS.length)];
  return out.slice(0, target);
}

export interface FillEvent {
  turnId: string;
  event: TurnEvent;
}

export interface FillLane {
  title: string;
  /** Every event of the lane's one session, in order; a turn is closed when its last event is written. */
  events: Iterable<FillEvent>;
}

export interface FilledLane {
  laneKey: string;
  sessionId: string;
  title: string;
  events: number;
}

/**
 * Creates the store (schema and all) through `SessionStore`, then fills lanes, sessions, completed
 * turns and events raw with better-sqlite3 in one transaction: a million fsynced appends would take
 * far too long. The FTS triggers of the schema index the messages as they would in use.
 */
export async function fillStore(dataDir: string, lanes: Iterable<FillLane>, options: { t0?: number; stepMs?: number } = {}): Promise<FilledLane[]> {
  const store = await SessionStore.open({ dataDir });
  store.close();
  const db = new Database(path.join(dataDir, STORE_FILE));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const insertLane = db.prepare('INSERT INTO lanes (lane_key, session_id, created_at, updated_at, title) VALUES (?, ?, ?, ?, ?)');
  const insertSession = db.prepare('INSERT INTO sessions (session_id, lane_key, created_at, title) VALUES (?, ?, ?, ?)');
  const insertTurn = db.prepare(
    "INSERT INTO turns (turn_id, lane_key, session_id, trigger, started_at, ended_at, outcome, input_tokens, output_tokens) VALUES (?, ?, ?, 'message', ?, ?, 'completed', ?, ?)",
  );
  const insertEvent = db.prepare('INSERT INTO events (session_id, turn_id, kind, payload, created_at) VALUES (?, ?, ?, ?, ?)');
  const stepMs = options.stepMs ?? 250;
  let clock = options.t0 ?? Date.UTC(2025, 0, 1);
  const filled: FilledLane[] = [];
  db.transaction(() => {
    for (const lane of lanes) {
      const laneKey = newId('lane');
      const sessionId = newId('ses');
      const created = clock;
      insertSession.run(sessionId, laneKey, created, lane.title);
      let count = 0;
      let turnId: string | null = null;
      let turnStartedAt = 0;
      for (const { turnId: eventTurn, event } of lane.events) {
        clock += stepMs;
        if (eventTurn !== turnId) {
          if (turnId !== null) insertTurn.run(turnId, laneKey, sessionId, turnStartedAt, clock, 1200, 300);
          turnId = eventTurn;
          turnStartedAt = clock;
        }
        insertEvent.run(sessionId, eventTurn, event.kind, JSON.stringify(event.payload), clock);
        count++;
      }
      if (turnId !== null) insertTurn.run(turnId, laneKey, sessionId, turnStartedAt, clock, 1200, 300);
      insertLane.run(laneKey, sessionId, created, clock, lane.title);
      filled.push({ laneKey, sessionId, title: lane.title, events: count });
    }
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  fsyncFile(path.join(dataDir, STORE_FILE));
  return filled;
}

export function fsyncFile(file: string): void {
  const fd = fs.openSync(file, 'r+');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export function storeBytes(dataDir: string): number {
  let total = 0;
  for (const suffix of ['', '-wal']) total += fs.statSync(path.join(dataDir, STORE_FILE + suffix), { throwIfNoEntry: false })?.size ?? 0;
  return total;
}

export function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
