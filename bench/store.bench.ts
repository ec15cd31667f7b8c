/**
 * Append latency of the session store against the number of events it already holds (issue:
 * "appending an event must cost the same with 1,000 or 1,000,000 stored events").
 *
 * Baton's engine: the real `SessionStore` (SQLite, WAL, synchronous=FULL: every append is fsynced
 * before it returns). The fixture is filled with a raw bulk insert into the same `events` table in
 * one transaction (a million fsynced appends would take far too long), then reopened with the
 * store, and only the measured appends go through `store.appendEvent`.
 *
 * Baseline: electron-store's own engine, `conf`, holding the same transcript as one array under
 * one key and appending with its own `appendToArray` (reads and parses the whole file, copies the
 * array, serializes it and atomically rewrites and fsyncs the whole file).
 *
 * Run: `npm run bench`. Prints a table, then one `BENCH_JSON {...}` line for machines.
 */
import { constants as bufferConstants } from 'node:buffer';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import Conf from 'conf';
import { SessionStore, STORE_FILE } from '../electron/core/sessions/store.ts';
import type { StoredEvent, TurnEvent } from '../shared/transcript.ts';
import { fsyncFile, quantile, rng, sentence } from './bench-kit.ts';

// ── parameters ─────────────────────────────────────────────────────────────────────────────

/** `BENCH_STORE_SIZES=1000,100000` runs fewer sizes (e.g. on a loaded machine); the first is the base of the ratios. */
const SQLITE_SIZES = process.env.BENCH_STORE_SIZES ? process.env.BENCH_STORE_SIZES.split(',').map(Number) : [1_000, 100_000, 1_000_000];
/** `BENCH_STORE_SKIP_CONF=1` leaves out the conf baseline (minutes and gigabytes at 1M). */
const SKIP_CONF = process.env.BENCH_STORE_SKIP_CONF === '1';
const SQLITE_RUNS = 7;
const SQLITE_APPENDS = 500;
const SQLITE_WARMUP = 20;

const CONF_SMALL = { size: 1_000, runs: 5, appends: 100 };
const CONF_LARGE = { size: 100_000, runs: 1, appends: 5 };
const CONF_HUGE = { size: 1_000_000, runs: 1, appends: 5 };

const FSYNC_PROBES = 200;
const LANE = 'bench:lane';
const T0 = Date.UTC(2025, 0, 1);

// ── a realistic transcript ─────────────────────────────────────────────────────────────────

const TOOLS = [
  { name: 'read_file', effect: 'read-only' as const, args: (r: () => number) => ({ path: `src/${sentence(r, 8, 24).replaceAll(' ', '/')}.ts` }) },
  { name: 'grep', effect: 'read-only' as const, args: (r: () => number) => ({ pattern: sentence(r, 6, 20), path: 'src' }) },
  { name: 'run_command', effect: 'side-effecting' as const, args: (r: () => number) => ({ command: `npm test -- ${sentence(r, 10, 30)}`, timeoutMs: 120_000 }) },
  { name: 'write_file', effect: 'side-effecting' as const, args: (r: () => number) => ({ path: 'src/fix.ts', content: sentence(r, 80, 240) }) },
];

/**
 * A turn is ten events: the user's message, then assistant text and tool calls with their results,
 * ending on assistant text: 10% user_message, 30% assistant_text (200–400 chars), 30% tool_call,
 * 30% tool_result (100–800 chars of output).
 */
const TURN_SHAPE = ['user', 'text', 'call', 'result', 'text', 'call', 'result', 'call', 'result', 'text'] as const;

class TranscriptGenerator {
  private readonly random: () => number;
  private index = 0;
  private callId = '';

  constructor(seed: number) {
    this.random = rng(seed);
  }

  /** The next event and the turn it belongs to. */
  next(): { turnId: string; event: TurnEvent } {
    const i = this.index++;
    const turnId = `turn_${Math.floor(i / TURN_SHAPE.length).toString(36).padStart(8, '0')}`;
    const r = this.random;
    const step = TURN_SHAPE[i % TURN_SHAPE.length]!;
    switch (step) {
      case 'user':
        return { turnId, event: { kind: 'user_message', payload: { text: sentence(r, 40, 200) } } };
      case 'text':
        return { turnId, event: { kind: 'assistant_text', payload: { text: sentence(r, 200, 400), final: true } } };
      case 'call': {
        const tool = TOOLS[Math.floor(r() * TOOLS.length)]!;
        this.callId = `call_${i.toString(36)}`;
        return { turnId, event: { kind: 'tool_call', payload: { callId: this.callId, name: tool.name, args: tool.args(r), effect: tool.effect } } };
      }
      case 'result':
        return { turnId, event: { kind: 'tool_result', payload: { callId: this.callId, output: sentence(r, 100, 800), isError: r() < 0.05 } } };
    }
  }
}

// ── statistics ─────────────────────────────────────────────────────────────────────────────

interface Figures {
  engine: 'sqlite' | 'conf';
  storedEvents: number;
  runs: number;
  appendsPerRun: number;
  /** Median over runs of each run's median / p99, in milliseconds. */
  medianMs: number;
  p99Ms: number;
  fileBytes: number;
}

function summarize(engine: Figures['engine'], storedEvents: number, runs: number[][], fileBytes: number): Figures {
  return {
    engine,
    storedEvents,
    runs: runs.length,
    appendsPerRun: runs[0]?.length ?? 0,
    medianMs: quantile(runs.map((r) => quantile(r, 0.5)), 0.5),
    p99Ms: quantile(runs.map((r) => quantile(r, 0.99)), 0.5),
    fileBytes,
  };
}

function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/**
 * Flushes the page cache before timing, so the kernel writing back a fixture filled moments ago
 * (hundreds of MB at 1M events) does not stall the fsyncs being measured. Best effort: where no
 * `sync` command exists the fixtures are still fsynced themselves.
 */
function settle(): void {
  spawnSync('sync', { stdio: 'ignore' });
  collectGarbage();
}

function tempDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `baton-bench-${label}-`));
}

function fileSize(file: string): number {
  let total = 0;
  for (const f of [file, `${file}-wal`]) total += fs.statSync(f, { throwIfNoEntry: false })?.size ?? 0;
  return total;
}

// ── SQLite: Baton's SessionStore ───────────────────────────────────────────────────────────

interface SqliteFixture {
  size: number;
  dataDir: string;
  file: string;
  sessionId: string;
  gen: TranscriptGenerator;
  clock: number;
}

/** Creates the schema through the store, then bulk-fills `events` raw in one transaction. */
async function sqliteFixture(size: number): Promise<SqliteFixture> {
  const dataDir = tempDir(`sqlite-${size}`);
  const store = await SessionStore.open({ dataDir, now: () => T0 });
  const sessionId = store.ensureLane(LANE).sessionId;
  store.close();

  const fx: SqliteFixture = { size, dataDir, file: path.join(dataDir, STORE_FILE), sessionId, gen: new TranscriptGenerator(1), clock: T0 };
  const db = new Database(fx.file);
  db.pragma('synchronous = OFF');
  const insert = db.prepare('INSERT INTO events (session_id, turn_id, kind, payload, created_at) VALUES (?, ?, ?, ?, ?)');
  db.transaction(() => {
    for (let i = 0; i < size; i++) {
      const { turnId, event } = fx.gen.next();
      insert.run(sessionId, turnId, event.kind, JSON.stringify(event.payload), (fx.clock += 250));
    }
  })();
  db.close();
  // The fill only noted its messages as pending (schema v8); a search indexes them, so the fixture
  // holds a complete FTS5 index as a store in use does.
  const indexer = await SessionStore.open({ dataDir, now: () => T0 });
  indexer.searchLanes('fixture');
  indexer.close();
  fsyncFile(fx.file);
  return fx;
}

/**
 * One run: open the real store, warm up, time `appendEvent` calls, close. Afterwards the appended
 * rows are deleted again, so every run of every size starts from exactly `size` events and a
 * fresh WAL (closing the store checkpoints and removes it).
 */
async function sqliteRun(fx: SqliteFixture): Promise<number[]> {
  const store = await SessionStore.open({ dataDir: fx.dataDir, now: () => (fx.clock += 250) });
  const samples: number[] = [];
  try {
    if (store.countEvents() !== fx.size) throw new Error(`fixture holds ${store.countEvents()} events, expected ${fx.size}`);
    settle();
    for (let i = 0; i < SQLITE_WARMUP + SQLITE_APPENDS; i++) {
      const { turnId, event } = fx.gen.next();
      const start = performance.now();
      store.appendEvent(fx.sessionId, turnId, event);
      if (i >= SQLITE_WARMUP) samples.push(performance.now() - start);
    }
  } finally {
    store.close();
  }
  const db = new Database(fx.file);
  db.prepare('DELETE FROM events WHERE seq > ?').run(fx.size);
  db.close();
  return samples;
}

async function benchSqlite(log: (line: string) => void): Promise<Figures[]> {
  const fixtures: SqliteFixture[] = [];
  for (const size of SQLITE_SIZES) {
    const start = performance.now();
    fixtures.push(await sqliteFixture(size));
    log(`  filled SQLite with ${size.toLocaleString('en-US')} events in ${((performance.now() - start) / 1000).toFixed(1)} s`);
  }
  const runs = fixtures.map(() => [] as number[][]);
  // Sizes interleave within each run, so drift on the machine touches all of them alike.
  for (let run = 0; run < SQLITE_RUNS; run++) {
    for (const [i, fx] of fixtures.entries()) runs[i]!.push(await sqliteRun(fx));
  }
  const results = fixtures.map((fx, i) => summarize('sqlite', fx.size, runs[i]!, fileSize(fx.file)));
  for (const fx of fixtures) fs.rmSync(fx.dataDir, { recursive: true, force: true });
  return results;
}

// ── baseline: conf (electron-store's engine), whole-file JSON ──────────────────────────────

type ConfShape = { events: StoredEvent[] };

function storedTranscript(size: number, gen: TranscriptGenerator): StoredEvent[] {
  const events: StoredEvent[] = [];
  for (let i = 0; i < size; i++) {
    const { turnId, event } = gen.next();
    events.push({ ...event, seq: i + 1, sessionId: 'ses_bench', turnId, createdAt: T0 + i * 250 } as StoredEvent);
  }
  return events;
}

/** A conf store holding `size` events, written once by conf itself. */
function confFixture(size: number): { dir: string; conf: Conf<ConfShape>; gen: TranscriptGenerator; seq: number } {
  const dir = tempDir(`conf-${size}`);
  const gen = new TranscriptGenerator(1);
  const conf = new Conf<ConfShape>({ cwd: dir, configName: 'sessions' });
  conf.set('events', storedTranscript(size, gen));
  return { dir, conf, gen, seq: size };
}

function timeConfAppends(fx: ReturnType<typeof confFixture>, count: number): number[] {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const { turnId, event } = fx.gen.next();
    const stored = { ...event, seq: ++fx.seq, sessionId: 'ses_bench', turnId, createdAt: T0 + fx.seq * 250 } as StoredEvent;
    const start = performance.now();
    fx.conf.appendToArray('events', stored);
    samples.push(performance.now() - start);
  }
  return samples;
}

function benchConf(spec: { size: number; runs: number; appends: number }, log: (line: string) => void): Figures {
  const runs: number[][] = [];
  let bytes = 0;
  for (let run = 0; run < spec.runs; run++) {
    const start = performance.now();
    const fx = confFixture(spec.size);
    bytes = fs.statSync(fx.conf.path).size;
    if (spec.size > 10_000) log(`  filled conf with ${spec.size.toLocaleString('en-US')} events (${mb(bytes)}) in ${((performance.now() - start) / 1000).toFixed(1)} s`);
    settle();
    if (spec.appends >= 50) timeConfAppends(fx, 5);
    runs.push(timeConfAppends(fx, spec.appends));
    fs.rmSync(fx.dir, { recursive: true, force: true });
    collectGarbage();
  }
  return summarize('conf', spec.size, runs, bytes);
}

/** Conf at a size its whole-file design may not reach: the failure is the figure, not a crash. */
function benchConfOrWhyNot(spec: { size: number; runs: number; appends: number }, log: (line: string) => void): Figures | string {
  try {
    return benchConf(spec, log);
  } catch (error) {
    collectGarbage();
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
}

// ── the floor: one small write + fsync in the same directory ───────────────────────────────

function fsyncFloor(): number {
  const dir = tempDir('fsync');
  const fd = fs.openSync(path.join(dir, 'probe'), 'w');
  const chunk = Buffer.alloc(512, 0x61);
  const samples: number[] = [];
  try {
    for (let i = 0; i < FSYNC_PROBES; i++) {
      const start = performance.now();
      fs.writeSync(fd, chunk);
      fs.fsyncSync(fd);
      samples.push(performance.now() - start);
    }
  } finally {
    fs.closeSync(fd);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return quantile(samples, 0.5);
}

// ── report ─────────────────────────────────────────────────────────────────────────────────

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function ms(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(3);
}

function ratio(a: number, b: number): string {
  return Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a';
}

function pad(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
}

async function main(): Promise<void> {
  const began = performance.now();
  const log = (line: string) => console.log(line);
  const cpus = os.cpus();
  const machine = {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    sqlite: (new Database(':memory:').prepare('SELECT sqlite_version() AS v').get() as { v: string }).v,
    tmpdir: os.tmpdir(),
    date: new Date().toISOString(),
  };
  log('Baton store append benchmark');
  log(`  cpu ${machine.cpu} × ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}`);
  log(`  node ${machine.node}, SQLite ${machine.sqlite}, data in ${machine.tmpdir}, ${machine.date}`);
  if (!(globalThis as { gc?: unknown }).gc) log('  (run with --expose-gc for steadier figures)');

  const fsyncMs = fsyncFloor();
  log(`  floor: a 512-byte write + fsync in the same directory takes ${ms(fsyncMs)} ms (median of ${FSYNC_PROBES})`);

  log('SQLite (SessionStore.appendEvent, WAL, synchronous=FULL)…');
  const sqlite = await benchSqlite(log);
  if (SKIP_CONF) {
    reportSqliteOnly(sqlite, fsyncMs, log);
    return;
  }
  log('conf (appendToArray, whole-file JSON)…');
  const confSmall = benchConf(CONF_SMALL, log);
  const confLarge = benchConf(CONF_LARGE, log);
  const perEventBytes = confLarge.fileBytes / CONF_LARGE.size;
  const hugeOutcome = benchConfOrWhyNot(CONF_HUGE, log);
  const confHuge = typeof hugeOutcome === 'string' ? null : hugeOutcome;
  const hugeProblem = typeof hugeOutcome === 'string' ? hugeOutcome : null;
  if (hugeProblem) log(`  conf could not hold ${CONF_HUGE.size.toLocaleString('en-US')} events: ${hugeProblem} (projected file ${mb(perEventBytes * CONF_HUGE.size)})`);
  // conf reads and writes its file as one JavaScript string, so V8's longest string caps it.
  const confCeiling = Math.floor(bufferConstants.MAX_STRING_LENGTH / perEventBytes);
  log(`  conf's file takes ${perEventBytes.toFixed(0)} bytes per event; V8's longest string (${mb(bufferConstants.MAX_STRING_LENGTH)}) caps it at ~${confCeiling.toLocaleString('en-US')} events`);

  const sqliteBase = sqlite[0]!;
  const rows: Array<{ f: Figures; base: Figures }> = sqlite.map((f) => ({ f, base: sqliteBase }));
  rows.push({ f: confSmall, base: confSmall }, { f: confLarge, base: confSmall });
  if (confHuge) rows.push({ f: confHuge, base: confSmall });

  const widths = [22, 10, 10, 10, 10, 10, 13, 10];
  log('');
  log(pad(['engine', 'stored', 'file', 'samples', 'median ms', 'p99 ms', 'median ratio', 'p99 ratio'], widths));
  log('-'.repeat(widths.reduce((a, b) => a + b + 2, -2)));
  for (const { f, base } of rows) {
    const label = f.engine === 'sqlite' ? 'SQLite SessionStore' : 'conf (electron-store)';
    log(
      pad(
        [
          label,
          f.storedEvents.toLocaleString('en-US'),
          mb(f.fileBytes),
          `${f.runs}×${f.appendsPerRun}`,
          ms(f.medianMs),
          ms(f.p99Ms),
          ratio(f.medianMs, base.medianMs),
          ratio(f.p99Ms, base.p99Ms),
        ],
        widths,
      ),
    );
  }
  if (!confHuge) log(pad(['conf (electron-store)', CONF_HUGE.size.toLocaleString('en-US'), `~${mb(perEventBytes * CONF_HUGE.size)}`, 'failed', '—', '—', '—', '—'], widths));
  log('');
  log('Ratios are against the same engine at 1,000 stored events. Samples = runs × appends per run;');
  log('median/p99 are the median over runs of each run\'s figure (p99 of fewer than 100 samples is the max).');

  const sqliteHuge = sqlite.find((f) => f.storedEvents === 1_000_000)!;
  const summary = {
    machine,
    fsyncFloorMs: fsyncMs,
    sqlite,
    conf: [confSmall, confLarge, ...(confHuge ? [confHuge] : [])],
    confMillion: hugeProblem ? { feasible: false, reason: hugeProblem } : { feasible: true },
    confCeilingEvents: confCeiling,
    sqliteRatio1Mto1k: { median: sqliteHuge.medianMs / sqliteBase.medianMs, p99: sqliteHuge.p99Ms / sqliteBase.p99Ms },
    confRatioLargestTo1k: {
      storedEvents: (confHuge ?? confLarge).storedEvents,
      median: (confHuge ?? confLarge).medianMs / confSmall.medianMs,
      p99: (confHuge ?? confLarge).p99Ms / confSmall.p99Ms,
    },
    seconds: (performance.now() - began) / 1000,
  };
  log(`BENCH_JSON ${JSON.stringify(summary)}`);
}

/** The SQLite rows alone, with p99 against the fsync floor (issue 13's store goal). */
function reportSqliteOnly(sqlite: Figures[], fsyncMs: number, log: (line: string) => void): void {
  const base = sqlite[0]!;
  log('');
  for (const f of sqlite) {
    log(
      `  SQLite ${f.storedEvents.toLocaleString('en-US')} events, ${mb(f.fileBytes)}, ${f.runs}×${f.appendsPerRun}: median ${ms(f.medianMs)} ms, p99 ${ms(f.p99Ms)} ms` +
        ` (vs first size ${ratio(f.medianMs, base.medianMs)} / ${ratio(f.p99Ms, base.p99Ms)}; p99 ${(f.p99Ms / fsyncMs).toFixed(2)}× the fsync floor)`,
    );
  }
  log(`BENCH_JSON ${JSON.stringify({ fsyncFloorMs: fsyncMs, sqlite })}`);
}

await main();
