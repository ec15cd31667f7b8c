/**
 * Drain at scale (issue 13): 1,000 conversations running when a restart arrives.
 *
 * A real headless host (child process) runs 1,000 turns against the scripted OpenAI-compatible
 * server, each streaming one piece and then holding its connection open (a slow model). Then the
 * bench sends SIGUSR1 (restart) and measures:
 *
 * - **marks committed:** the host logs "Write-ahead marks committed for N running turns in X ms"
 *   (drain-coordinator.ts): X runs from the trigger (the drain's start: intake closed, banners
 *   sent, then the marks' one transaction, L9) to its commit. Beside it, from this process: the
 *   signal sent → that line read from the host's stderr, an upper bound that adds the signal's
 *   delivery and the pipe. (The store is the host's alone, EXCLUSIVE locking: no second connection
 *   may read it while the host runs.)
 * - **after the deadline** (`drainTimeoutSeconds` = 1): the host interrupts every turn, records
 *   the interruption and exits (code 75, relaunch) — the time from the deadline to the exit
 *   against the grace period (5 s), and from the store afterwards: lanes still marked, turns with
 *   an interruption event, turns still open.
 *
 * **Baseline (the seed design's approach, implemented here only, for the ratio):** a JSON index of
 * every session record (the same 1,000 lanes read back from the store, as the seed kept them), and
 * marking each running session rewrites the whole index: serialize, write a temp file, fsync,
 * rename (durable per mark, as L2 asks). Timed from the first to the last mark, in this process.
 *
 * Run: `node bench/drain.bench.ts` (or `npm run bench:all`). Prints a table, then one
 * `BENCH_JSON {...}` line. `BENCH_DRAIN_LANES` / `BENCH_DRAIN_RUNS` change the scale;
 * `BENCH_DRAIN_KEEP=1` keeps the data directory and prints the host's lines timed from the signal;
 * `BENCH_DRAIN_PROFILE=<dir>` writes the host's CPU profile there.
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { STORE_FILE } from '../electron/core/sessions/store.ts';
import { EXIT_CODES } from '../shared/lifecycle.ts';
import type { GatewayClient } from '../shared/protocol/client.ts';
import { startScriptedOpenAIServer, type ScriptedOpenAIServer } from '../tests/fixtures/scripted-openai-server.ts';
import { connectGateway, fillStore, fmt, loadAverage, machineInfo, ratio, rng, sentence, sleep, spawnHost, summarize, table, tempDir, type FillEvent, type SpawnedHost } from './bench-kit.ts';

const LANES = Number(process.env.BENCH_DRAIN_LANES ?? 1000);
const RUNS = Number(process.env.BENCH_DRAIN_RUNS ?? 2);
/** The drain settings the host gets: a short wait, so the turns are still running at the deadline; the default grace. */
const SETTINGS = { drainTimeoutSeconds: 1, graceSeconds: 5 } as const;
/** Messages already in each conversation (5 finished turns), so the store and the baseline's index hold real records. */
const HISTORY = 10;
const TIMEOUT_MS = 120_000;

function* history(seed: number): Generator<FillEvent> {
  const r = rng(seed);
  for (let i = 1; i <= HISTORY; i++) {
    const turnId = `turn_${seed}_${Math.ceil(i / 2)}`;
    yield i % 2 === 1
      ? { turnId, event: { kind: 'user_message', payload: { text: sentence(r, 40, 200) } } }
      : { turnId, event: { kind: 'assistant_text', payload: { text: sentence(r, 200, 400), final: true } } };
  }
}

interface DrainRun {
  /** In the host: the trigger (the signal's handler starting the drain) → the marks' transaction committed. */
  marksCommittedMs: number;
  /** The host process's CPU time (user + system, all threads) over the same span. */
  marksCpuMs: number;
  /** Here: the signal sent → the host's line saying the marks are committed read from its stderr (an upper bound). */
  marksSeenMs: number;
  markedAhead: number;
  /** Signal → process exit. */
  exitMs: number;
  /** Exit − (signal + drain timeout): must stay within the grace period. */
  exitAfterDeadlineMs: number;
  exitCode: number | null;
  marked: number;
  interruptedTurns: number;
  openTurns: number;
  /** Setting up: sending the messages until every turn's model request had arrived. */
  startSeconds: number;
  /** Baseline: one JSON index of every session, rewritten (temp + fsync + rename) per marked session. */
  jsonIndexMs: number;
  jsonIndexBytes: number;
  loadAtSignal: string;
}

/** The lane records as the seed design kept them: one JSON object of every session, keyed by lane. */
function indexFromStore(db: Database.Database): Record<string, Record<string, unknown>> {
  const rows = db.prepare('SELECT * FROM lanes').all() as Array<Record<string, unknown>>;
  const index: Record<string, Record<string, unknown>> = {};
  for (const row of rows) {
    index[String(row.lane_key)] = {
      lane_key: row.lane_key,
      session_id: row.session_id,
      created_at: row.created_at,
      updated_at: row.updated_at,
      origin: { platform: 'desktop' },
      title: row.title,
      suspended: false,
      resume_pending: false,
      resume_reason: null,
      last_resume_marked_at: null,
      restart_failure_count: 0,
      active_turn: { turn_id: `turn_${String(row.lane_key)}`, started_at: row.updated_at },
      input_tokens: 6000,
      output_tokens: 1500,
    };
  }
  return index;
}

/** The seed design's write-ahead: for each running session, mark it and rewrite the whole index durably. */
function jsonIndexMarks(dir: string, index: Record<string, Record<string, unknown>>, running: readonly string[]): { ms: number; bytes: number } {
  const file = path.join(dir, 'sessions.json');
  const temp = `${file}.tmp`;
  fs.writeFileSync(file, JSON.stringify(index, null, 2));
  const started = performance.now();
  let bytes = 0;
  for (const laneKey of running) {
    const entry = index[laneKey]!;
    entry.resume_pending = true;
    entry.resume_reason = 'restart_timeout';
    entry.last_resume_marked_at = Date.now();
    const text = JSON.stringify(index, null, 2);
    bytes = text.length;
    const fd = fs.openSync(temp, 'w');
    try {
      fs.writeSync(fd, text);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, file);
  }
  return { ms: performance.now() - started, bytes };
}

async function waitAllRunning(client: GatewayClient, count: number): Promise<void> {
  const deadline = performance.now() + TIMEOUT_MS;
  while (performance.now() < deadline) {
    const lanes = await client.call('lanes.list', {});
    if (lanes.filter((lane) => lane.activity === 'running').length >= count) return;
    await sleep(100);
  }
  throw new Error('the turns never all ran');
}

async function drainRun(run: number, log: (line: string) => void): Promise<DrainRun> {
  const dataDir = tempDir('drain');
  let model: ScriptedOpenAIServer | null = null;
  let host: SpawnedHost | null = null;
  let client: GatewayClient | null = null;
  try {
    const lanes = await fillStore(dataDir, Array.from({ length: LANES }, (_, i) => ({ title: `Running ${i}`, events: history(run * 100_000 + i) })));
    model = await startScriptedOpenAIServer();
    // A slow model: one piece, then nothing more until the host hangs up.
    for (let i = 0; i < LANES; i++) model.enqueue({ kind: 'stream', steps: [{ type: 'text', text: 'Working on it' }, { type: 'hang' }] });
    host = spawnHost({ dataDir, env: { OPENAI_BASE_URL: model.url, OPENAI_API_KEY: 'sk-bench', OPENAI_MODEL: 'scripted', ...(process.env.BENCH_DRAIN_PROFILE ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${process.env.BENCH_DRAIN_PROFILE}` } : {}) } });
    const { line: ready } = await host.ready;
    client = await connectGateway(ready);
    for (const [key, value] of Object.entries(SETTINGS)) await client.call('settings.set', { key: key as keyof typeof SETTINGS, value });

    const began = performance.now();
    // A few at a time: the connection stops reading at 16 unanswered requests.
    for (let i = 0; i < lanes.length; i += 12) {
      await Promise.all(lanes.slice(i, i + 12).map((lane) => client!.call('message.send', { laneKey: lane.laneKey, text: 'Take your time.' })));
    }
    await model.waitForRequest(LANES);
    await waitAllRunning(client, LANES);
    const startSeconds = (performance.now() - began) / 1000;

    // The store is the host's alone (EXCLUSIVE locking): a second connection while it runs would
    // break its WAL. The host says when the marks are committed, and how long after the trigger.
    const loadAtSignal = loadAverage();
    const exited = host.exited;
    const marksLine = new Promise<{ at: number; inHostMs: number; cpuMs: number; count: number }>((resolve) => {
      // The raw chunks, not lines: no line-splitting delay is timed.
      let seen = '';
      host!.child.stderr.on('data', (chunk: Buffer) => {
        const at = performance.now();
        seen += chunk.toString('utf8');
        if (process.env.BENCH_DRAIN_KEEP) process.stderr.write(`+${(at - signalAt).toFixed(0)} ms ${chunk.toString('utf8')}`);
        const match = /Write-ahead marks committed for (\d+) running turns? in ([\d.]+) ms \(CPU ([\d.]+) ms\)/.exec(seen);
        if (match) resolve({ at, inHostMs: Number(match[2]), cpuMs: Number(match[3]), count: Number(match[1]) });
      });
    });
    const signalAt = performance.now();
    host.child.kill('SIGUSR1');
    const marks = await Promise.race([marksLine, exited.then(() => null)]);
    const exit = await exited;
    const after = new Database(path.join(dataDir, STORE_FILE), { fileMustExist: true });
    const count = (sql: string) => (after.prepare(sql).get() as { n: number }).n;
    const counts = {
      marked: count("SELECT count(*) AS n FROM lanes WHERE resume_pending = 1 AND resume_reason = 'restart_timeout'"),
      interruptedTurns: count("SELECT count(DISTINCT turn_id) AS n FROM events WHERE kind = 'interruption'"),
      openTurns: count('SELECT count(*) AS n FROM turns WHERE ended_at IS NULL'),
    };
    // The baseline on the same data: the same lanes' records, one index rewrite per marked session.
    const index = indexFromStore(after);
    after.close();
    const baseline = jsonIndexMarks(dataDir, index, lanes.map((lane) => lane.laneKey));
    const result: DrainRun = {
      marksCommittedMs: marks?.inHostMs ?? Number.NaN,
      marksCpuMs: marks?.cpuMs ?? Number.NaN,
      marksSeenMs: marks ? marks.at - signalAt : Number.NaN,
      markedAhead: marks?.count ?? 0,
      exitMs: exit.at - signalAt,
      exitAfterDeadlineMs: exit.at - signalAt - SETTINGS.drainTimeoutSeconds * 1000,
      exitCode: exit.code,
      ...counts,
      startSeconds,
      jsonIndexMs: baseline.ms,
      jsonIndexBytes: baseline.bytes,
      loadAtSignal,
    };
    log(
      `  run ${run + 1}/${RUNS}: ${result.markedAhead} marks committed ${fmt(result.marksCommittedMs)} ms after the trigger (CPU ${fmt(result.marksCpuMs)} ms), seen here ${fmt(result.marksSeenMs)} ms after the signal (JSON index ${fmt(result.jsonIndexMs)} ms), exit ${fmt(result.exitAfterDeadlineMs)} ms after the deadline ` +
        `(code ${String(exit.code)}), marked ${counts.marked}, interrupted ${counts.interruptedTurns}, open ${counts.openTurns}; load at the signal ${loadAtSignal}`,
    );
    return result;
  } finally {
    client?.close();
    if (host && host.child.exitCode === null && host.child.signalCode === null) {
      host.child.kill('SIGKILL');
      await host.exited;
    }
    await model?.close();
    if (process.env.BENCH_DRAIN_KEEP) log(`  kept ${dataDir}; host said:\n${host?.stderr.slice(-15).join('\n') ?? ''}`);
    else fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const began = performance.now();
  const log = (line: string) => console.log(line);
  const machine = machineInfo();
  log(`Baton drain at scale: ${LANES} conversations running when a restart arrives (real host, scripted slow model)`);
  log(`  cpu ${String(machine.cpu)} × ${String(machine.cores)} cores, node ${String(machine.node)}, ${String(machine.date)}, load ${String(machine.loadavg)}`);
  const runs: DrainRun[] = [];
  for (let run = 0; run < RUNS; run++) runs.push(await drainRun(run, log));

  const marks = summarize(runs.map((r) => r.marksCommittedMs));
  const seen = summarize(runs.map((r) => r.marksSeenMs));
  const cpu = summarize(runs.map((r) => r.marksCpuMs));
  const baseline = summarize(runs.map((r) => r.jsonIndexMs));
  const afterDeadline = summarize(runs.map((r) => r.exitAfterDeadlineMs));
  const allRecorded = runs.every((r) => r.exitCode === EXIT_CODES.relaunch && r.markedAhead === LANES && r.marked === LANES && r.interruptedTurns === LANES && r.openTurns === 0);
  log('');
  log(
    table(
      ['measurement', 'n', 'median ms', 'max ms', 'min ms', 'ratio', 'against'],
      [
        ['trigger → write-ahead marks committed (Baton, in the host)', String(marks.n), fmt(marks.median), fmt(marks.max), fmt(marks.min), ratio(marks.median, 20), '20 ms goal'],
        ['  the same in the host CPU time', String(cpu.n), fmt(cpu.median), fmt(cpu.max), fmt(cpu.min), ratio(cpu.median, 20), '20 ms goal'],
        ['signal sent → the host says so (seen here)', String(seen.n), fmt(seen.median), fmt(seen.max), fmt(seen.min), ratio(seen.median, 20), '20 ms goal'],
        ['seed design: JSON index rewritten per marked session', String(baseline.n), fmt(baseline.median), fmt(baseline.max), fmt(baseline.min), ratio(baseline.median, marks.median), 'Baton'],
        [`deadline (${SETTINGS.drainTimeoutSeconds} s) → process exit`, String(afterDeadline.n), fmt(afterDeadline.median), fmt(afterDeadline.max), fmt(afterDeadline.min), ratio(afterDeadline.max, SETTINGS.graceSeconds * 1000), `${SETTINGS.graceSeconds} s grace`],
      ],
    ),
  );
  log(
    `After every run: exit code ${[...new Set(runs.map((r) => r.exitCode))].join('/')} (75 = relaunch), marked ${runs.map((r) => r.marked).join('/')}, ` +
      `turns interrupted and recorded ${runs.map((r) => r.interruptedTurns).join('/')}, turns left open ${runs.map((r) => r.openTurns).join('/')} ` +
      `(of ${LANES}): ${allRecorded ? 'all interrupted, recorded and exited' : 'NOT all'}.`,
  );
  log(`JSON index: ${(runs[0]!.jsonIndexBytes / 1024).toFixed(0)} kB per rewrite. Starting ${LANES} turns took ${fmt(summarize(runs.map((r) => r.startSeconds)).median)} s. Load at the end: ${loadAverage()}.`);
  const summary = {
    machine,
    lanes: LANES,
    drainTimeoutSeconds: SETTINGS.drainTimeoutSeconds,
    graceSeconds: SETTINGS.graceSeconds,
    marksCommittedMs: marks,
    marksSeenMs: seen,
    marksCpuMs: cpu,
    jsonIndexMs: baseline,
    jsonIndexBytes: runs[0]!.jsonIndexBytes,
    baselineRatio: baseline.median / marks.median,
    exitAfterDeadlineMs: afterDeadline,
    allInterruptedRecordedExited: allRecorded,
    runs,
    loadAtEnd: loadAverage(),
    seconds: (performance.now() - began) / 1000,
  };
  log(`BENCH_JSON ${JSON.stringify(summary)}`);
}

await main();
