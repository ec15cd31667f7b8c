/**
 * Headless host start and quit (issue 13, its start and size goals): host start to ready with
 * 10,000 conversations and 1,000,000 events against a bare `node -e ''` (goal ≤ 5×); the first start
 * after an unclean exit against a clean one (goal ≤ 1.3×); the host's resident memory idle with that
 * store (goal ≤ 120 MB); quit with no running turn to process exit, against `node -e ''`.
 *
 * The host runs as the start command runs it: the bundle (`npm run build:host`, out/host/main.js,
 * built first here). The same start from the sources (`node electron/host/main.ts`) is measured
 * beside it, so the bundle's share is visible.
 *
 * Start: `node out/host/main.js --data-dir D --port 0` is timed from just before `spawn` to its
 * `BATON_READY {json}` line. Quit: after the host has been idle for a moment, its RSS is read from
 * /proc and SIGTERM is sent and timed to the child's `exit` event (a full drain with nothing to
 * wait for, the clean-exit marker written and fsynced, sockets and the store closed). The big store
 * is created by `SessionStore` and bulk-filled raw (10,000 lanes, one session each, 100 events per
 * session in completed turns of 10). Every measured start follows a clean quit, as in daily use; a
 * start after an unclean exit (no clean-exit marker, so the store is checked in the background)
 * is measured separately, with the time until that check reports the store sound.
 *
 * Run: `npm run bench:host`. Prints tables, then one `BENCH_JSON {...}` line for machines.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { CLEAN_EXIT_FILE } from '../electron/core/lifecycle/clean-exit-marker.ts';
import { SessionStore } from '../electron/core/sessions/store.ts';
import {
  buildHostBundle,
  fillStore,
  fmt,
  HOST_BUNDLE,
  HOST_SOURCES,
  loadAverage,
  machineInfo,
  mb,
  ratio,
  REPO_ROOT,
  rng,
  rssMiB,
  sentence,
  sleep,
  spawnHost,
  storeBytes,
  summarize,
  table,
  tempDir,
  type FillEvent,
  type FillLane,
  type Summary,
} from './bench-kit.ts';

// ── parameters ─────────────────────────────────────────────────────────────────────────────

// BENCH_LANES / BENCH_EVENTS_PER_LANE shrink the big store for a quick try of the bench itself.
const LANES = Number(process.env.BENCH_LANES ?? 10_000);
const EVENTS_PER_LANE = Number(process.env.BENCH_EVENTS_PER_LANE ?? 100);
const RUNS = 7;
const UNCLEAN_RUNS = 3;
const NODE_RUNS_PER_ROUND = 2;
/** Idle time between ready and SIGTERM, so the quit finds a host with nothing under way. */
const IDLE_MS = 400;

// ── the big store ──────────────────────────────────────────────────────────────────────────

const TURN_SHAPE = ['user', 'text', 'call', 'result', 'text', 'call', 'result', 'call', 'result', 'text'] as const;
const TOOLS = ['read_file', 'search_files', 'shell', 'write_file'] as const;

/** A lane's transcript: turns of ten events (10% user, 30% assistant text, 30% tool calls, 30% results). */
function* laneEvents(lane: number, count: number): Generator<FillEvent> {
  const r = rng(lane + 1);
  let callId = '';
  for (let i = 0; i < count; i++) {
    const turnId = `turn_l${lane}_${Math.floor(i / TURN_SHAPE.length)}`;
    switch (TURN_SHAPE[i % TURN_SHAPE.length]!) {
      case 'user':
        yield { turnId, event: { kind: 'user_message', payload: { text: sentence(r, 40, 200) } } };
        break;
      case 'text':
        yield { turnId, event: { kind: 'assistant_text', payload: { text: sentence(r, 200, 400), final: true } } };
        break;
      case 'call': {
        const name = TOOLS[Math.floor(r() * TOOLS.length)]!;
        callId = `call_${lane}_${i}`;
        const effect = name === 'shell' || name === 'write_file' ? 'side-effecting' : 'read-only';
        yield { turnId, event: { kind: 'tool_call', payload: { callId, name, args: { path: `src/${sentence(r, 8, 24).replaceAll(' ', '/')}.ts` }, effect } } };
        break;
      }
      case 'result':
        yield { turnId, event: { kind: 'tool_result', payload: { callId, output: sentence(r, 100, 800), isError: r() < 0.05 } } };
        break;
    }
  }
}

function* bigLanes(): Generator<FillLane> {
  for (let lane = 0; lane < LANES; lane++) yield { title: `Conversation ${lane + 1}`, events: laneEvents(lane, EVENTS_PER_LANE) };
}

// ── measurements ───────────────────────────────────────────────────────────────────────────

interface Cycle {
  startMs: number;
  /** CPU time (user + system, every thread) the host had used when its ready line was read. */
  cpuAtReadyMs: number;
  quitMs: number;
  /** Resident set size right before SIGTERM, after IDLE_MS idle. */
  rssMiB: number;
  /** After an unclean exit: spawn → the log line saying the background check found the store sound. */
  checkedMs: number | null;
}

const CHECK_PASSED = 'passed its integrity check';

/**
 * One start → ready → idle → SIGTERM → exit cycle; checks the quit was clean (code 0, marker
 * written). After an unclean exit it first waits for the background integrity check to pass (a
 * quit before that writes no marker, by design).
 */
async function cycle(dataDir: string, entry: string, options: { unclean?: boolean } = {}): Promise<Cycle> {
  const host = spawnHost({ dataDir, entry });
  const { at: readyAt } = await host.ready;
  const cpuAtReadyMs = cpuMsOf(host.child.pid!);
  const startMs = readyAt - host.spawnedAt;
  let checkedMs: number | null = null;
  if (options.unclean) {
    while (!host.stderr.some((line) => line.includes(CHECK_PASSED))) {
      if (host.stderr.some((line) => /damaged|could not/i.test(line))) throw new Error(`the integrity check did not pass: ${host.stderr.join('\n')}`);
      await sleep(10);
    }
    checkedMs = performance.now() - host.spawnedAt;
  }
  await sleep(IDLE_MS);
  const rss = rssMiB(host.child.pid!);
  const signalledAt = performance.now();
  host.child.kill('SIGTERM');
  const exit = await host.exited;
  const quitMs = exit.at - signalledAt;
  if (exit.code !== 0) throw new Error(`host quit with ${JSON.stringify(exit)}: ${host.stderr.join('\n')}`);
  if (!fs.existsSync(path.join(dataDir, CLEAN_EXIT_FILE))) throw new Error(`the quit left no clean-exit marker: ${host.stderr.join('\n')}`);
  return { startMs, cpuAtReadyMs, quitMs, rssMiB: rss, checkedMs };
}

/**
 * Where a bigger store could cost at start: opening it, and one listLanes() (startup recovery
 * scans the lanes a few times). Timed in this process, warm, as a breakdown of the start figure.
 */
async function storeCosts(dataDir: string): Promise<{ openMs: number; listLanesMs: number }> {
  const open: number[] = [];
  const list: number[] = [];
  for (let i = 0; i < 5; i++) {
    let t = performance.now();
    const store = await SessionStore.open({ dataDir });
    open.push(performance.now() - t);
    t = performance.now();
    store.listLanes();
    list.push(performance.now() - t);
    store.close();
  }
  return { openMs: summarize(open).median, listLanesMs: summarize(list).median };
}

/** A Node process from spawn to exit. */
function spawnToExit(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, args, { stdio: 'ignore', env: { PATH: process.env.PATH, HOME: process.env.HOME }, cwd: REPO_ROOT });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(performance.now() - start) : reject(new Error(`node ${args.join(' ')} exited ${code}`))));
  });
}

/** `node -e ''`: the floor of any Node process. */
const bareNode = () => spawnToExit(['-e', '']);

/**
 * CPU time a process has used, from /proc/<pid>/stat (utime + stime, all threads, in clock ticks
 * of 10 ms). On a loaded machine wall time waits for a core; CPU time does not, so a CPU ratio
 * stays meaningful where the wall-time one is not.
 */
const TICK_MS = 1000 / 100; // getconf CLK_TCK is 100 on Linux x86-64
function cpuMsOf(pid: number | 'self'): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

/** The same CPU figure for a bare Node start: a `node -e` that reads its own at its end. */
function bareNodeCpuMs(): Promise<number> {
  return new Promise((resolve, reject) => {
    const code = `const s=require('fs').readFileSync('/proc/self/stat','utf8');const f=s.slice(s.lastIndexOf(')')+2).split(' ');process.stdout.write(String((+f[11]+ +f[12])*${TICK_MS}))`;
    const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'ignore'], env: { PATH: process.env.PATH, HOME: process.env.HOME } });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', () => resolve(Number(out)));
  });
}

/** The bundle's chunk holding the host (run-host.ts and everything it loads at start). */
function bundledHostChunk(): string {
  const dir = path.dirname(HOST_BUNDLE);
  const chunk = fs.readdirSync(dir).find((name) => name.startsWith('run-host-') && name.endsWith('.js'));
  if (!chunk) throw new Error(`no run-host chunk in ${dir}`);
  return path.join(dir, chunk);
}

/** Loads the host's module graph as a start does (past the secret re-exec) and exits: how much of a start is loading code. */
const importAndExit = (file: string) => () => spawnToExit(['--input-type=module', '-e', `await import(${JSON.stringify(file)})`]);

// ── main ───────────────────────────────────────────────────────────────────────────────────

async function main(): Promise<void> {
  const began = performance.now();
  const log = (line: string) => console.log(line);
  const machine = machineInfo();
  log('Baton host start/quit benchmark');
  log(`  cpu ${String(machine.cpu)} × ${String(machine.cores)} cores, ${String(machine.memoryGiB)} GiB, ${String(machine.os)}`);
  log(`  node ${String(machine.node)}, data in ${String(machine.tmpdir)}, ${String(machine.date)}, load ${String(machine.loadavg)}`);

  let t = performance.now();
  buildHostBundle();
  log(`  built the host bundle (${path.relative(REPO_ROOT, HOST_BUNDLE)}) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const importSources = importAndExit(path.join(REPO_ROOT, 'electron', 'host', 'run-host.ts'));
  const importBundle = importAndExit(bundledHostChunk());

  const emptyDir = tempDir('host-empty');
  const bigDir = tempDir('host-big');
  try {
    // Fixtures.
    t = performance.now();
    const filled = await fillStore(bigDir, bigLanes());
    const events = filled.reduce((n, lane) => n + lane.events, 0);
    const fillSeconds = (performance.now() - t) / 1000;
    log(`  filled ${filled.length.toLocaleString('en-US')} lanes / ${events.toLocaleString('en-US')} events (${mb(storeBytes(bigDir))}) in ${fillSeconds.toFixed(1)} s`);
    // Today's daily backup, as a store in daily use has one; otherwise the first start copies the whole file.
    t = performance.now();
    const store = await SessionStore.open({ dataDir: bigDir });
    await store.backupNow('daily');
    store.close();
    log(`  took the daily backup in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const inProcess = await storeCosts(bigDir);
    log(`  in this process, big store: SessionStore.open ${fmt(inProcess.openMs)} ms, listLanes() of ${LANES.toLocaleString('en-US')} lanes ${fmt(inProcess.listLanesMs)} ms (medians of 5)`);

    // Warm-up: the empty directory's first start creates the store and takes its first backup.
    await cycle(emptyDir, HOST_BUNDLE);
    await cycle(emptyDir, HOST_BUNDLE);
    // The filled store has no clean-exit marker yet: its first start checks it.
    await cycle(bigDir, HOST_BUNDLE, { unclean: true });
    for (let i = 0; i < 3; i++) await bareNode();
    await importSources();
    await importBundle();

    // Measured rounds; the kinds interleave so drift on the machine touches all of them alike.
    const emptyCycles: Cycle[] = [];
    const bigCycles: Cycle[] = [];
    const sourceCycles: Cycle[] = [];
    const uncleanCycles: Cycle[] = [];
    const node: number[] = [];
    const nodeCpu: number[] = [];
    const sourceModules: number[] = [];
    const bundleModules: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      emptyCycles.push(await cycle(emptyDir, HOST_BUNDLE));
      for (let i = 0; i < NODE_RUNS_PER_ROUND; i++) node.push(await bareNode());
      for (let i = 0; i < NODE_RUNS_PER_ROUND; i++) nodeCpu.push(await bareNodeCpuMs());
      sourceModules.push(await importSources());
      bundleModules.push(await importBundle());
      sourceCycles.push(await cycle(bigDir, HOST_SOURCES));
      bigCycles.push(await cycle(bigDir, HOST_BUNDLE));
      if (run < UNCLEAN_RUNS) {
        // A start after an unclean exit: no marker, so the store is checked (in the background).
        fs.rmSync(path.join(bigDir, CLEAN_EXIT_FILE), { force: true });
        uncleanCycles.push(await cycle(bigDir, HOST_BUNDLE, { unclean: true }));
      }
      const last = (cycles: Cycle[]) => fmt(cycles.at(-1)!.startMs);
      log(`  round ${run + 1}/${RUNS}: start ${last(emptyCycles)} / ${last(bigCycles)} ms (bundle: empty / big), ${last(sourceCycles)} ms (sources, big)${run < UNCLEAN_RUNS ? `, ${last(uncleanCycles)} ms after an unclean exit` : ''}, RSS ${fmt(bigCycles.at(-1)!.rssMiB)} MiB, load ${loadAverage()}`);
    }

    const startEmpty = summarize(emptyCycles.map((c) => c.startMs));
    const startBig = summarize(bigCycles.map((c) => c.startMs));
    const startSources = summarize(sourceCycles.map((c) => c.startMs));
    const startUnclean = summarize(uncleanCycles.map((c) => c.startMs));
    const checked = summarize(uncleanCycles.map((c) => c.checkedMs ?? Number.NaN));
    const quitEmpty = summarize(emptyCycles.map((c) => c.quitMs));
    const quitBig = summarize(bigCycles.map((c) => c.quitMs));
    const rssBig = summarize(bigCycles.map((c) => c.rssMiB));
    const rssEmpty = summarize(emptyCycles.map((c) => c.rssMiB));
    const nodeFloor = summarize(node);
    const nodeCpuFloor = summarize(nodeCpu);
    const cpuBig = summarize(bigCycles.map((c) => c.cpuAtReadyMs));
    const cpuSources = summarize(sourceCycles.map((c) => c.cpuAtReadyMs));
    const cpuUnclean = summarize(uncleanCycles.map((c) => c.cpuAtReadyMs));
    const sourceLoad = summarize(sourceModules);
    const bundleLoad = summarize(bundleModules);

    const big = `${LANES.toLocaleString('en-US')} lanes / ${events.toLocaleString('en-US')} events`;
    const row = (label: string, s: Summary, base: Summary, baseLabel: string) => [label, String(s.n), fmt(s.median), fmt(s.p95), fmt(s.min), ratio(s.median, base.median), baseLabel];
    log('');
    log(
      table(
        ['measurement', 'n', 'median ms', 'max ms', 'min ms', 'median ratio', 'against'],
        [
          row("node -e '' spawn → exit", nodeFloor, nodeFloor, 'itself'),
          row("node: import the host's modules → exit, sources", sourceLoad, nodeFloor, "node -e ''"),
          row("node: import the host's modules → exit, bundle", bundleLoad, nodeFloor, "node -e ''"),
          row('host start → ready, empty dir (bundle)', startEmpty, nodeFloor, "node -e ''"),
          row(`host start → ready, ${big} (bundle)`, startBig, nodeFloor, "node -e ''"),
          row(`  same, from the sources`, startSources, nodeFloor, "node -e ''"),
          row(`  same (bundle), first start after an unclean exit`, startUnclean, startBig, 'clean start'),
          row(`  … until the background check passed`, checked, startBig, 'clean start'),
          row('host SIGTERM → exit (idle), empty dir', quitEmpty, nodeFloor, "node -e ''"),
          row('host SIGTERM → exit (idle), big store', quitBig, nodeFloor, "node -e ''"),
        ],
      ),
    );
    log('');
    log(
      table(
        ['CPU time (user + system, all threads)', 'n', 'median ms', 'max ms', 'min ms', 'median ratio', 'against'],
        [
          row("node -e ''", nodeCpuFloor, nodeCpuFloor, 'itself'),
          row(`host until ready, ${big} (bundle)`, cpuBig, nodeCpuFloor, "node -e ''"),
          row('  same, from the sources', cpuSources, nodeCpuFloor, "node -e ''"),
          row('  same (bundle), after an unclean exit', cpuUnclean, cpuBig, 'clean start'),
        ],
      ),
    );
    log('CPU time is read from /proc in 10 ms ticks; unlike wall time it does not grow while the process waits for a core.');
    log('');
    log(`Host RSS idle ${IDLE_MS} ms after ready: ${fmt(rssBig.median)} MiB with ${big} (max ${fmt(rssBig.max)}), ${fmt(rssEmpty.median)} MiB with an empty dir.`);
    log(`With ${RUNS} runs, "max" is the p95. Load at the end: ${loadAverage()}.`);

    const summary = {
      machine,
      fixture: { lanes: filled.length, events, storeBytes: storeBytes(bigDir), fillSeconds },
      bigStoreInProcessMs: inProcess,
      nodeSpawnToExitMs: nodeFloor,
      hostModulesImportToExitMs: { sources: sourceLoad, bundle: bundleLoad },
      startToReadyMs: { empty: startEmpty, big: startBig, bigFromSources: startSources, bigAfterUncleanExit: startUnclean, bigUncleanCheckPassed: checked },
      quitToExitMs: { empty: quitEmpty, big: quitBig },
      rssIdleMiB: { empty: rssEmpty, big: rssBig },
      cpuMs: { node: nodeCpuFloor, bigAtReady: cpuBig, bigFromSourcesAtReady: cpuSources, bigAfterUncleanExitAtReady: cpuUnclean },
      ratios: {
        startBigVsNode: startBig.median / nodeFloor.median,
        cpuBigVsNode: cpuBig.median / nodeCpuFloor.median,
        startEmptyVsNode: startEmpty.median / nodeFloor.median,
        startSourcesVsBundle: startSources.median / startBig.median,
        startUncleanVsClean: startUnclean.median / startBig.median,
        quitEmptyVsNode: quitEmpty.median / nodeFloor.median,
        quitBigVsNode: quitBig.median / nodeFloor.median,
      },
      loadAtEnd: loadAverage(),
      seconds: (performance.now() - began) / 1000,
    };
    log(`BENCH_JSON ${JSON.stringify(summary)}`);
  } finally {
    fs.rmSync(emptyDir, { recursive: true, force: true });
    fs.rmSync(bigDir, { recursive: true, force: true });
  }
}

await main();
