/**
 * Append latency of the session store against the number of events it already holds (issue:
 * "appending an event must cost the same with 1,000 or 1,000,000 stored events"; issue 13: p99 at
 * 1M events ≤ 3× the fsync floor, 1M / 1k ≤ 1.2× for median and p99, search included).
 *
 * Baton's engine: the real `SessionStore` (SQLite, WAL, synchronous=FULL: every append is fsynced
 * before it returns). The fixture is filled with a raw bulk insert into the same `events` table in
 * one transaction (a million fsynced appends would take far too long), then indexed for search by
 * the store (a complete FTS5 index, as in a store in use), and only the measured appends go
 * through `store.appendEvent`. Search included: when the transcript moves on to the next turn, the
 * search index batch the app runs at a turn's end (`Transcript.indexTurn`, called by
 * `TurnJournal.end`) runs too, timed apart — it is not part of an append, but its pages go through
 * the same WAL and checkpoints as the appends', as in the app.
 *
 * Sampling (issue 13, "measured soundly"): every size's store is open at once, and each round of a
 * run makes one block of timed appends (SQLITE_BLOCK, one turn) to every size plus one block of
 * timed 512-byte writes + fsyncs of a probe file in the same file system (the fsync floor), in an
 * order that rotates from round to round. A burst of load on the machine, the kernel's writeback or
 * a neighbour's fsync therefore lands on every size and on the floor alike instead of on whichever
 * size happened to be running, and the floor is sampled the same way, in the same seconds, as the
 * appends it bounds. A run is SQLITE_WARMUP warm-up appends per size then SQLITE_APPENDS timed
 * ones; after it the stores are closed (checkpointing and removing the WAL) and the appended rows
 * deleted, so every run of every size starts at exactly its size. There are SQLITE_RUNS runs.
 * Each figure is the median over runs of that run's median / p99 (500 samples: the p99 is the 6th
 * slowest append of the run, not the maximum); the p99 pooled over all runs and each run's own p99
 * ratio between sizes are printed beside it.
 * Outside the timed calls the bench looks at the files, to tell apart the appends that ran a WAL
 * checkpoint (the main file was written), restarted the WAL after one (its header's checkpoint
 * counter moved) or had to grow the WAL file, and counts them among each run's slowest 1%.
 *
 * Baseline: electron-store's own engine, `conf`, holding the same transcript as one array under
 * one key and appending with its own `appendToArray` (reads and parses the whole file, copies the
 * array, serializes it and atomically rewrites and fsyncs the whole file). 1k: 5 runs × 100
 * appends; 100k and 1M: 1 run × 5 appends (each one rewrites 47 MB / 468 MB), so conf's p99 there
 * is its maximum.
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
import { fsyncFile, loadAverage, quantile, rng, sentence } from './bench-kit.ts';

// ── parameters ─────────────────────────────────────────────────────────────────────────────

/** `BENCH_STORE_SIZES=1000,100000` runs fewer sizes (e.g. on a loaded machine); the first is the base of the ratios. */
const SQLITE_SIZES = process.env.BENCH_STORE_SIZES ? process.env.BENCH_STORE_SIZES.split(',').map(Number) : [1_000, 100_000, 1_000_000];
/** `BENCH_STORE_SKIP_CONF=1` leaves out the conf baseline (minutes and gigabytes at 1M). */
const SKIP_CONF = process.env.BENCH_STORE_SKIP_CONF === '1';
/** Many short runs: each run's p99 is one paired sample of the ratio between sizes (see the header). */
const SQLITE_RUNS = 15;
const SQLITE_APPENDS = 500;
const SQLITE_WARMUP = 20;
/**
 * Appends a size makes in a row before the next size (or the floor) takes its turn: one turn of
 * the transcript. Per-append alternation would couple the files: on ext4 (data=ordered) an fsync
 * commits the journal with the other files' pending allocating writes, which made every append
 * and the floor ~1.5× slower than alone (and the floor more than the appends).
 */
const SQLITE_BLOCK = 10;

const CONF_SMALL = { size: 1_000, runs: 5, appends: 100 };
const CONF_LARGE = { size: 100_000, runs: 1, appends: 5 };
const CONF_HUGE = { size: 1_000_000, runs: 1, appends: 5 };

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
  /** The turn the last append belonged to in this run: when the next append starts another, that turn has ended. */
  turnId: string | null;
}

/** Creates the schema through the store, then bulk-fills `events` raw in one transaction. */
async function sqliteFixture(size: number): Promise<SqliteFixture> {
  const dataDir = tempDir(`sqlite-${size}`);
  const store = await SessionStore.open({ dataDir, now: () => T0 });
  const sessionId = store.ensureLane(LANE).sessionId;
  store.close();

  const fx: SqliteFixture = { size, dataDir, file: path.join(dataDir, STORE_FILE), sessionId, gen: new TranscriptGenerator(1), clock: T0, turnId: null };
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

/** What the bench saw of the files around each timed call (read outside the timed call). */
interface WalSeen {
  /** The call ran a checkpoint: it wrote pages into the main file (in WAL mode only a checkpoint does). */
  checkpointed: boolean;
  /** The call restarted the WAL after a checkpoint: it wrote (and synced) a new WAL header first. */
  restarted: boolean;
  /** The WAL file grew: the call extended the file instead of overwriting frames already there. */
  grew: boolean;
}

/** The main file's modification time, the WAL's checkpoint sequence number (header bytes 12–15, bumped at every restart) and its size. */
function fileState(file: string): { mainWritten: bigint; sequence: number; bytes: number } {
  const mainWritten = fs.statSync(file, { bigint: true }).mtimeNs;
  let fd: number;
  try {
    fd = fs.openSync(`${file}-wal`, 'r');
  } catch {
    return { mainWritten, sequence: -1, bytes: 0 };
  }
  try {
    const header = Buffer.alloc(4);
    const read = fs.readSync(fd, header, 0, 4, 12);
    return { mainWritten, sequence: read === 4 ? header.readUInt32BE(0) : -1, bytes: fs.fstatSync(fd).size };
  } finally {
    fs.closeSync(fd);
  }
}

/** Runs `work` and times it alone; what it did to the files is read outside the timed part. */
function timed(file: string, work: () => void): { ms: number; wal: WalSeen } {
  const before = fileState(file);
  const start = performance.now();
  work();
  const elapsed = performance.now() - start;
  const after = fileState(file);
  return {
    ms: elapsed,
    wal: {
      checkpointed: after.mainWritten !== before.mainWritten,
      restarted: before.sequence >= 0 && after.sequence !== before.sequence,
      grew: after.bytes > before.bytes,
    },
  };
}

interface SizeSamples {
  runs: number[][];
  /** Per timed append, in the same order as the flattened runs. */
  wal: WalSeen[];
  /** The search index batches at the timed turns' ends. */
  indexBatches: Array<{ ms: number; wal: WalSeen }>;
}

/**
 * The next event of the fixture's transcript, appended and timed. When it starts a new turn, the
 * turn before it has ended, and first the search index batch the app runs at a turn's end
 * (`TurnJournal.end` → `Transcript.indexTurn`: the turn's messages into FTS5 in one transaction)
 * runs and is timed on its own: not an append's cost, but its pages go through the same WAL and
 * checkpoints as the appends', as in the app.
 */
function timedAppend(store: SessionStore, fx: SqliteFixture): { ms: number; wal: WalSeen; indexBatch: { ms: number; wal: WalSeen } | null } {
  const { turnId, event } = fx.gen.next();
  const ended = fx.turnId !== null && fx.turnId !== turnId ? fx.turnId : null;
  const indexBatch = ended === null ? null : timed(fx.file, () => store.transcript.indexTurn(ended));
  fx.turnId = turnId;
  return { ...timed(fx.file, () => store.appendEvent(fx.sessionId, turnId, event)), indexBatch };
}

/**
 * One run: open every size's store, then time rounds of one block (one turn) of appends per size
 * and one block of floor probes, in a rotating order (see the header); close the stores.
 * Afterwards the appended rows are deleted again, so every run of every size starts from exactly
 * `size` events and a fresh WAL (closing the store checkpoints and removes it).
 */
async function sqliteRun(fixtures: SqliteFixture[], samples: SizeSamples[], floor: number[][]): Promise<void> {
  const stores: SessionStore[] = [];
  const probeDir = tempDir('fsync');
  const probe = fs.openSync(path.join(probeDir, 'probe'), 'w');
  const chunk = Buffer.alloc(512, 0x61);
  const times = fixtures.map(() => [] as number[]);
  const floorTimes: number[] = [];
  try {
    for (const fx of fixtures) {
      const store = await SessionStore.open({ dataDir: fx.dataDir, now: () => (fx.clock += 250) });
      stores.push(store);
      fx.turnId = null;
      if (store.countEvents() !== fx.size) throw new Error(`fixture holds ${store.countEvents()} events, expected ${fx.size}`);
    }
    settle();
    const slots = fixtures.length + 1;
    for (let round = 0; round < (SQLITE_WARMUP + SQLITE_APPENDS) / SQLITE_BLOCK; round++) {
      const counted = round * SQLITE_BLOCK >= SQLITE_WARMUP;
      for (let j = 0; j < slots; j++) {
        const slot = (round + j) % slots;
        for (let k = 0; k < SQLITE_BLOCK; k++) {
          if (slot === fixtures.length) {
            const start = performance.now();
            fs.writeSync(probe, chunk);
            fs.fsyncSync(probe);
            if (counted) floorTimes.push(performance.now() - start);
            continue;
          }
          const append = timedAppend(stores[slot]!, fixtures[slot]!);
          if (counted) {
            times[slot]!.push(append.ms);
            samples[slot]!.wal.push(append.wal);
            if (append.indexBatch) samples[slot]!.indexBatches.push(append.indexBatch);
          }
        }
      }
    }
  } finally {
    for (const store of stores) store.close();
    fs.closeSync(probe);
    fs.rmSync(probeDir, { recursive: true, force: true });
  }
  for (const [i, fx] of fixtures.entries()) {
    samples[i]!.runs.push(times[i]!);
    const db = new Database(fx.file);
    db.prepare('DELETE FROM events WHERE seq > ?').run(fx.size);
    db.close();
  }
  floor.push(floorTimes);
}

/** What an append did besides its own write: the classes `WalSeen` tells apart, first match wins. */
type AppendClass = 'checkpoint' | 'restart' | 'growth' | 'plain';
const APPEND_CLASSES: AppendClass[] = ['checkpoint', 'restart', 'growth', 'plain'];

function appendClass(wal: WalSeen): AppendClass {
  return wal.checkpointed ? 'checkpoint' : wal.restarted ? 'restart' : wal.grew ? 'growth' : 'plain';
}

interface SqliteFigures extends Figures {
  /** p99 over every timed append of every run (7,500 samples: the 75th slowest). */
  pooledP99Ms: number;
  /** Each run's p99 / the same run's p99 at the first size: the spread behind `p99Ms`'s ratio. */
  runP99Ratios: number[];
  /**
   * The appends by what they did: ran a WAL checkpoint (SQLite's auto-checkpoint at 1,000 pages),
   * restarted the WAL after one (a header write and sync), grew the WAL file (the first ~1,000
   * pages after each open), or none of these. `inSlowest` counts them among each run's slowest 1%.
   */
  classes: Record<AppendClass, { count: number; medianMs: number; p99Ms: number; inSlowest: number }>;
  /** The search index batch at each turn's end (not an append; see timedAppend), over all runs. */
  indexBatch: { count: number; medianMs: number; p99Ms: number; checkpoints: number };
}

function sqliteFigures(fx: SqliteFixture, own: SizeSamples, base: SizeSamples): SqliteFigures {
  const flat = own.runs.flat();
  const classOf = own.wal.map(appendClass);
  const slowest = new Set<number>();
  let offset = 0;
  for (const run of own.runs) {
    const order = run.map((_, i) => offset + i).sort((a, b) => flat[b]! - flat[a]!);
    for (const i of order.slice(0, Math.ceil(run.length / 100))) slowest.add(i);
    offset += run.length;
  }
  const classes = Object.fromEntries(
    APPEND_CLASSES.map((c) => {
      const picked = flat.map((ms, i) => ({ ms, i })).filter(({ i }) => classOf[i] === c);
      const times = picked.map(({ ms }) => ms);
      return [c, { count: times.length, medianMs: quantile(times, 0.5), p99Ms: quantile(times, 0.99), inSlowest: picked.filter(({ i }) => slowest.has(i)).length }];
    }),
  ) as SqliteFigures['classes'];
  const batches = own.indexBatches.map((b) => b.ms);
  return {
    ...summarize('sqlite', fx.size, own.runs, fileSize(fx.file)),
    pooledP99Ms: quantile(flat, 0.99),
    runP99Ratios: own.runs.map((run, i) => quantile(run, 0.99) / quantile(base.runs[i]!, 0.99)),
    classes,
    indexBatch: {
      count: batches.length,
      medianMs: quantile(batches, 0.5),
      p99Ms: quantile(batches, 0.99),
      checkpoints: own.indexBatches.filter((b) => b.wal.checkpointed).length,
    },
  };
}

interface FloorFigures {
  /** Median over runs of each run's median / p99 of the probe's write + fsync, in milliseconds. */
  medianMs: number;
  p99Ms: number;
  samples: string;
}

async function benchSqlite(log: (line: string) => void): Promise<{ sqlite: SqliteFigures[]; floor: FloorFigures }> {
  const fixtures: SqliteFixture[] = [];
  for (const size of SQLITE_SIZES) {
    const start = performance.now();
    fixtures.push(await sqliteFixture(size));
    log(`  filled SQLite with ${size.toLocaleString('en-US')} events in ${((performance.now() - start) / 1000).toFixed(1)} s`);
  }
  const samples: SizeSamples[] = fixtures.map(() => ({ runs: [], wal: [], indexBatches: [] }));
  const floorRuns: number[][] = [];
  for (let run = 0; run < SQLITE_RUNS; run++) await sqliteRun(fixtures, samples, floorRuns);
  const sqlite = fixtures.map((fx, i) => sqliteFigures(fx, samples[i]!, samples[0]!));
  for (const fx of fixtures) fs.rmSync(fx.dataDir, { recursive: true, force: true });
  const floor = {
    medianMs: quantile(floorRuns.map((r) => quantile(r, 0.5)), 0.5),
    p99Ms: quantile(floorRuns.map((r) => quantile(r, 0.99)), 0.5),
    samples: `${floorRuns.length}×${floorRuns[0]?.length ?? 0}`,
  };
  return { sqlite, floor };
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

  log(`SQLite (SessionStore.appendEvent, WAL, synchronous=FULL), sizes interleaved with the fsync floor; load ${loadAverage()}…`);
  const { sqlite, floor } = await benchSqlite(log);
  reportSqlite(sqlite, floor, log);
  log(`  load ${loadAverage()}`);
  if (SKIP_CONF) {
    log(`BENCH_JSON ${JSON.stringify({ machine, fsyncFloorMs: floor.medianMs, fsyncFloor: floor, sqlite, sqliteRatioLastToFirst: sizeRatio(sqlite[sqlite.length - 1]!, sqlite[0]!), seconds: (performance.now() - began) / 1000 })}`);
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
    fsyncFloorMs: floor.medianMs,
    fsyncFloor: floor,
    sqlite,
    conf: [confSmall, confLarge, ...(confHuge ? [confHuge] : [])],
    confMillion: hugeProblem ? { feasible: false, reason: hugeProblem } : { feasible: true },
    confCeilingEvents: confCeiling,
    sqliteRatio1Mto1k: sizeRatio(sqliteHuge, sqliteBase),
    confRatioLargestTo1k: {
      storedEvents: (confHuge ?? confLarge).storedEvents,
      median: (confHuge ?? confLarge).medianMs / confSmall.medianMs,
      p99: (confHuge ?? confLarge).p99Ms / confSmall.p99Ms,
    },
    seconds: (performance.now() - began) / 1000,
  };
  log(`BENCH_JSON ${JSON.stringify(summary)}`);
}

/**
 * One size against the base: `median` / `p99` divide the figures (issue 13's goal rows), `pooledP99`
 * divides the pooled p99s, and `p99ByRun` is the median of the runs' own p99 ratios (each run's
 * sizes saw the same seconds of the machine, so this pairs them).
 */
function sizeRatio(f: SqliteFigures, base: SqliteFigures): { storedEvents: number; median: number; p99: number; pooledP99: number; p99ByRun: number } {
  return {
    storedEvents: f.storedEvents,
    median: f.medianMs / base.medianMs,
    p99: f.p99Ms / base.p99Ms,
    pooledP99: f.pooledP99Ms / base.pooledP99Ms,
    p99ByRun: quantile(f.runP99Ratios, 0.5),
  };
}

/** Every size against the first and against the fsync floor (issue 13's store goals), and what the WAL did. */
function reportSqlite(sqlite: SqliteFigures[], floor: FloorFigures, log: (line: string) => void): void {
  const base = sqlite[0]!;
  log(`  floor: a 512-byte write + fsync in the same file system, ${floor.samples} interleaved: median ${ms(floor.medianMs)} ms, p99 ${ms(floor.p99Ms)} ms`);
  for (const f of sqlite) {
    const spread = [...f.runP99Ratios].sort((a, b) => a - b).map((r) => r.toFixed(2)).join(' ');
    log(
      `  SQLite ${f.storedEvents.toLocaleString('en-US')} events, ${mb(f.fileBytes)}, ${f.runs}×${f.appendsPerRun}: median ${ms(f.medianMs)} ms, p99 ${ms(f.p99Ms)} ms` +
        ` (vs first size ${ratio(f.medianMs, base.medianMs)} / ${ratio(f.p99Ms, base.p99Ms)}; p99 ${(f.p99Ms / floor.medianMs).toFixed(2)}× the fsync floor)`,
    );
    log(`      pooled p99 ${ms(f.pooledP99Ms)} ms (${ratio(f.pooledP99Ms, base.pooledP99Ms)}); each run's p99 vs the first size's in that run, sorted: ${spread}`);
    const slowest = APPEND_CLASSES.map((c) => `${f.classes[c].inSlowest} ${c}`).join(', ');
    log(`      appends by kind (count, median, p99): ${APPEND_CLASSES.map((c) => `${c} ${f.classes[c].count}, ${ms(f.classes[c].medianMs)}, ${ms(f.classes[c].p99Ms)}`).join('; ')}`);
    log(`      each run's slowest 1%: ${slowest}`);
    log(
      `      search index batch at a turn's end (${f.indexBatch.count}, not appends): median ${ms(f.indexBatch.medianMs)} ms, p99 ${ms(f.indexBatch.p99Ms)} ms,` +
        ` ${f.indexBatch.checkpoints} ran a checkpoint`,
    );
  }
}

await main();
