/**
 * `npm run bench:all`: every benchmark (bench/*.bench.ts), one after another, then one summary of
 * issue 13's goals: goal, figure, the figure's ratio to its baseline measured in the same run, and
 * whether it is met. Each benchmark's own output goes to stderr as it runs (and, whole, to
 * bench/out/<name>.log); stdout gets the summary table and then one `BENCH_JSON {...}` line holding
 * it and every benchmark's own BENCH_JSON.
 *
 * A goal whose benchmark does not exist yet (or was left out with BENCH_ONLY) shows as "not
 * measured yet"; a benchmark that fails
 * shows its rows as "failed" (and the command exits non-zero) while the others still run.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fmt, loadAverage, machineInfo, REPO_ROOT, table } from './bench-kit.ts';

const BENCH_DIR = path.join(REPO_ROOT, 'bench');
const LOG_DIR = path.join(BENCH_DIR, 'out');
/** The store bench's fixtures need the collector and a big heap; harmless for the others. */
const NODE_FLAGS = ['--expose-gc', '--max-old-space-size=8192'];
const BUDGET_S = 600;

type Json = Record<string, unknown>;

interface BenchRun {
  name: string;
  seconds: number;
  code: number | null;
  json: Json | null;
}

function runBench(file: string): Promise<BenchRun> {
  const name = path.basename(file, '.bench.ts');
  const began = performance.now();
  fs.mkdirSync(LOG_DIR, { recursive: true });
  const logFile = fs.createWriteStream(path.join(LOG_DIR, `${name}.log`));
  process.stderr.write(`\n== bench/${path.basename(file)} (load ${loadAverage()})\n`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...NODE_FLAGS, file], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let json: Json | null = null;
    let pending = '';
    child.stdout.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      logFile.write(chunk);
      pending += chunk.toString('utf8');
      let newline: number;
      while ((newline = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        if (line.startsWith('BENCH_JSON ')) json = JSON.parse(line.slice('BENCH_JSON '.length)) as Json;
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      logFile.write(chunk);
    });
    child.on('exit', (code) => {
      logFile.end();
      resolve({ name, seconds: (performance.now() - began) / 1000, code, json });
    });
  });
}

/** A number at a dotted path of a benchmark's JSON, or NaN. */
function num(json: Json | null | undefined, dotted: string): number {
  let value: unknown = json;
  for (const key of dotted.split('.')) value = typeof value === 'object' && value !== null ? (value as Json)[key] : undefined;
  return typeof value === 'number' ? value : Number.NaN;
}

interface GoalRow {
  goal: string;
  /** The figure as shown, its unit included. */
  figure: string;
  /** The figure against its baseline or limit (the number the goal bounds). */
  ratio: number;
  /** Whether `ratio` meets the goal; null when not measured. */
  met: boolean | null;
  note: string;
}

function row(goal: string, figure: string, ratio: number, limit: { max?: number; min?: number }, note: string): GoalRow {
  const met = Number.isFinite(ratio) ? (limit.max === undefined || ratio <= limit.max) && (limit.min === undefined || ratio >= limit.min) : null;
  return { goal, figure, ratio, met, note };
}

function notMeasured(goal: string, why: string): GoalRow {
  return { goal, figure: 'not measured yet', ratio: Number.NaN, met: null, note: why };
}

type Streams = Array<{ label?: string; throughputRatio?: number; window?: Json; nodeClient?: Json; nodeSameStream?: Json; sameStreamRatio?: Json; sameStreamFirstTokenDeltaMs?: Json }>;

function goals(runs: Map<string, BenchRun>, totalSeconds: number): GoalRow[] {
  const rows: GoalRow[] = [];
  const json = (name: string) => runs.get(name)?.json;
  const missing = (name: string, goal: string) =>
    runs.has(name)
      ? { goal, figure: 'failed', ratio: Number.NaN, met: false, note: `bench/${name}.bench.ts failed: see bench/out/${name}.log` }
      : notMeasured(goal, fs.existsSync(path.join(BENCH_DIR, `${name}.bench.ts`)) ? 'left out (BENCH_ONLY)' : `no bench/${name}.bench.ts`);

  const host = json('host');
  if (host) {
    const node = num(host, 'nodeSpawnToExitMs.median');
    const big = num(host, 'startToReadyMs.big.median');
    rows.push(row("host start → ready, 10k conversations / 1M events ≤ 5× node -e ''", `${fmt(big)} ms (node -e '' ${fmt(node)} ms)`, big / node, { max: 5 }, 'bundle; sources: ' + fmt(num(host, 'startToReadyMs.bigFromSources.median')) + ' ms'));
    const cpu = num(host, 'cpuMs.bigAtReady.median');
    const nodeCpu = num(host, 'cpuMs.node.median');
    rows.push(row("  the same in CPU time (robust to a loaded machine)", `${fmt(cpu)} ms (node -e '' ${fmt(nodeCpu)} ms)`, cpu / nodeCpu, { max: 5 }, 'user + system, all threads'));
    const unclean = num(host, 'startToReadyMs.bigAfterUncleanExit.median');
    rows.push(row('first start after an unclean exit ≤ 1.3× a clean start', `${fmt(unclean)} ms (clean ${fmt(big)} ms)`, unclean / big, { max: 1.3 }, `background check passed after ${fmt(num(host, 'startToReadyMs.bigUncleanCheckPassed.median'))} ms`));
    const rss = num(host, 'rssIdleMiB.big.median');
    rows.push(row('host RSS idle, 10k conversations ≤ 120 MB', `${fmt(rss)} MiB`, (rss * 1.048576) / 120, { max: 1 }, 'ratio: MB / 120 MB'));
  } else {
    for (const goal of ['host start → ready ≤ 5× node -e', 'first start after an unclean exit ≤ 1.3×', 'host RSS idle ≤ 120 MB']) rows.push(missing('host', goal));
  }

  const store = json('store');
  if (store) {
    const sqlite = (store.sqlite as Array<{ storedEvents: number; medianMs: number; p99Ms: number }> | undefined) ?? [];
    const at = (n: number) => sqlite.find((f) => f.storedEvents === n);
    const floor = num(store, 'fsyncFloorMs');
    const huge = at(1_000_000);
    const base = at(1_000);
    rows.push(row('store append p99 at 1M events ≤ 3× the fsync floor', `${fmt(huge?.p99Ms ?? Number.NaN)} ms (floor ${fmt(floor)} ms)`, (huge?.p99Ms ?? Number.NaN) / floor, { max: 3 }, 'search index included'));
    rows.push(row('store append 1M / 1k, median ≤ 1.2×', `${fmt(huge?.medianMs ?? Number.NaN)} / ${fmt(base?.medianMs ?? Number.NaN)} ms`, num(store, 'sqliteRatio1Mto1k.median'), { max: 1.2 }, ''));
    rows.push(row('store append 1M / 1k, p99 ≤ 1.2×', `${fmt(huge?.p99Ms ?? Number.NaN)} / ${fmt(base?.p99Ms ?? Number.NaN)} ms`, num(store, 'sqliteRatio1Mto1k.p99'), { max: 1.2 }, ''));
  } else {
    for (const goal of ['store append p99 at 1M ≤ 3× fsync floor', 'store append 1M / 1k median ≤ 1.2×', 'store append 1M / 1k p99 ≤ 1.2×']) rows.push(missing('store', goal));
  }

  const ui = json('ui');
  if (ui) {
    const streams = (ui.streams as Streams | undefined) ?? [];
    // The window's answer against the same answer as the Node client received it in the same run
    // (ui.bench.ts: the browser's own work slows the host for both); the alternating Node runs beside.
    for (const [label, goal] of [
      ['unpaced', 'streaming, unpaced: window ≥ 0.9× what a Node client receives'],
      ['unpaced, long', '  the same over 20,000 tokens'],
    ] as const) {
      const stream = streams.find((s) => s.label === label);
      rows.push(
        row(
          goal,
          `${fmt(num(stream?.window, 'tokensPerSecond.median'))} vs ${fmt(num(stream?.nodeSameStream, 'tokensPerSecond.median'))} tokens/s (same answer)`,
          num(stream?.sameStreamRatio, 'median'),
          { min: 0.9 },
          `median of per-answer ratios; vs the Node client's own runs ${fmt(stream?.throughputRatio ?? Number.NaN, 2)}×`,
        ),
      );
    }
    const unpaced = streams.find((s) => s.label === 'unpaced') ?? streams[0];
    const firstDelta = num(unpaced?.sameStreamFirstTokenDeltaMs, 'median');
    const firstDeltaOwnRuns = num(unpaced?.window, 'firstTokenMs.median') - num(unpaced?.nodeClient, 'firstTokenMs.median');
    rows.push(row('first token in the DOM ≤ 20 ms after the Node client', `+${fmt(firstDelta)} ms (unpaced, same answer)`, firstDelta / 20, { max: 1 }, `ratio: Δ ms / 20 ms; vs its own runs +${fmt(firstDeltaOwnRuns)} ms`));
    const worstTask = Math.max(...streams.map((s) => num(s.window, 'longestTaskMs.max')));
    rows.push(row('no main-thread task ≥ 50 ms while streaming', `longest ${fmt(worstTask)} ms`, worstTask / 50, { max: 0.999 }, 'ratio: longest / 50 ms'));
    // Issue 13, long conversations: each size's paint, and its longest main-thread task against 50 ms.
    for (const [key, label] of [['big', '10,000'], ['huge', '100,000']] as const) {
      const painted = num(ui, `firstPaint.${key}.paintedMs.median`);
      const small = num(ui, 'firstPaint.small.paintedMs.median');
      rows.push(row(`a ${label}-message conversation paints ≤ 100 ms`, `${fmt(painted)} ms (10 messages ${fmt(small)} ms)`, painted / 100, { max: 1 }, `ratio: ms / 100 ms; ${fmt(painted / small)}× the 10-message one`));
      const task = num(ui, `firstPaint.${key}.longestTaskMs.median`);
      rows.push(row(`  no main-thread task ≥ 50 ms opening it (${label})`, `longest ${fmt(task)} ms (CPU ${fmt(num(ui, `firstPaint.${key}.longestTaskCpuMs.median`))} ms)`, task / 50, { max: 0.999 }, 'ratio: longest / 50 ms'));
    }
    const heap = num(ui, 'heapMiB.huge.median');
    rows.push(row('window JS heap, 100,000-message conversation ≤ 80 MB', `${fmt(heap)} MiB (10 messages ${fmt(num(ui, 'heapMiB.small.median'))} MiB)`, (heap * 1.048576) / 80, { max: 1 }, 'after gc; ratio: MB / 80 MB'));
  } else {
    for (const goal of [
      'streaming, unpaced ≥ 0.9× Node client',
      'first token ≤ 20 ms after the Node client',
      'no task ≥ 50 ms while streaming',
      'a 10,000-message conversation paints ≤ 100 ms',
      'a 100,000-message conversation paints ≤ 100 ms',
      'window JS heap, 100,000-message conversation ≤ 80 MB',
    ])
      rows.push(missing('ui', goal));
  }

  const drain = json('drain');
  if (drain) {
    const marks = num(drain, 'marksCommittedMs.median');
    const lanes = num(drain, 'lanes');
    rows.push(
      row(`drain at scale: ${fmt(lanes, 0)} running, marks committed ≤ 20 ms`, `${fmt(marks)} ms in the host (CPU ${fmt(num(drain, 'marksCpuMs.median'))} ms; seen outside ${fmt(num(drain, 'marksSeenMs.median'))} ms)`, marks / 20, { max: 1 }, `seed design's JSON index: ${fmt(num(drain, 'jsonIndexMs.median'))} ms, ${fmt(num(drain, 'baselineRatio'))}× Baton`),
    );
    const grace = num(drain, 'graceSeconds') * 1000;
    const exitAfter = num(drain, 'exitAfterDeadlineMs.max');
    const all = drain.allInterruptedRecordedExited === true;
    rows.push({ ...row('  after the deadline: all interrupted, recorded, exited within the grace', `exit ${fmt(exitAfter)} ms after the deadline (grace ${fmt(grace, 0)} ms); ${all ? 'all recorded' : 'NOT all recorded'}`, exitAfter / grace, { max: 1 }, 'ratio: worst run / grace'), ...(all ? {} : { met: false }) });
  } else {
    rows.push(missing('drain', 'drain at scale: 1,000 running, marks committed ≤ 20 ms'));
  }

  const size = json('size');
  if (size) {
    const gzip = num(size, 'initialJs.gzipBytes');
    rows.push(row('renderer initial JS ≤ 150 kB gzip', `${(gzip / 1000).toFixed(1)} kB gzip`, gzip / 150_000, { max: 1 }, `on demand: ${(num(size, 'lazyJs.gzipBytes') / 1000).toFixed(1)} kB gzip`));
  } else {
    rows.push(missing('size', 'renderer initial JS ≤ 150 kB gzip'));
  }
  rows.push(row('bench:all under 10 minutes', `${fmt(totalSeconds)} s`, totalSeconds / BUDGET_S, { max: 1 }, 'ratio: seconds / 600 s'));
  return rows;
}

async function main(): Promise<void> {
  const began = performance.now();
  const machine = machineInfo();
  const files = fs
    .readdirSync(BENCH_DIR)
    .filter((name) => name.endsWith('.bench.ts'))
    // BENCH_ONLY=host,size runs a subset (a quick try of the summary); the others show as not run.
    .filter((name) => !process.env.BENCH_ONLY || process.env.BENCH_ONLY.split(',').includes(name.slice(0, -'.bench.ts'.length)))
    .sort()
    .map((name) => path.join(BENCH_DIR, name));
  const runs = new Map<string, BenchRun>();
  for (const file of files) {
    const run = await runBench(file);
    runs.set(run.name, run);
    process.stderr.write(`== ${run.name}: ${run.code === 0 && run.json ? 'done' : `FAILED (exit ${run.code})`} in ${run.seconds.toFixed(0)} s\n`);
  }
  const totalSeconds = (performance.now() - began) / 1000;
  const rows = goals(runs, totalSeconds);

  const out = (line: string) => process.stdout.write(`${line}\n`);
  out('');
  out(`Baton benchmarks (issue 13 goals) — ${String(machine.cpu)} × ${String(machine.cores)} cores, Node ${String(machine.node)}, ${String(machine.date)}`);
  out(`load at the start ${String(machine.loadavg)}, at the end ${loadAverage()}; ${[...runs.values()].map((r) => `${r.name} ${r.seconds.toFixed(0)} s`).join(', ')}`);
  out('');
  out(
    table(
      ['goal', 'figure', 'ratio', 'met', 'note'],
      rows.map((r) => [r.goal, r.figure, Number.isFinite(r.ratio) ? `${r.ratio.toFixed(2)}×` : '—', r.met === null ? '—' : r.met ? 'yes' : 'NO', r.note]),
    ),
  );
  const failed = [...runs.values()].filter((r) => r.code !== 0 || r.json === null);
  out(
    `BENCH_JSON ${JSON.stringify({
      machine,
      loadAtEnd: loadAverage(),
      seconds: totalSeconds,
      goals: rows.map((r) => ({ ...r, ratio: Number.isFinite(r.ratio) ? r.ratio : null })),
      benches: Object.fromEntries([...runs.values()].map((r) => [r.name, { seconds: r.seconds, exitCode: r.code, result: r.json }])),
    })}`,
  );
  if (failed.length > 0) process.exitCode = 1;
}

await main();
