/**
 * Headless host start and quit (issue "The chat window", Performance): host start to ready with
 * 10,000 conversations and 1,000,000 events, against the same start on an empty data directory;
 * quit with no running turn to process exit, against a bare `node -e ''` start-and-exit.
 *
 * Start: `node electron/host/main.ts --data-dir D --port 0` is timed from just before `spawn` to
 * its `BATON_READY {json}` line. Quit: after the host has been idle for a moment, SIGTERM is sent
 * and timed to the child's `exit` event (a full drain with nothing to wait for, the clean-exit
 * marker written and fsynced, sockets and the store closed). The big store is created by
 * `SessionStore` and bulk-filled raw (10,000 lanes, one session each, 100 events per session in
 * completed turns of 10). Every measured start follows a clean quit, as in daily use; a start
 * after an unclean exit (no clean-exit marker, so the store runs `quick_check` first) is measured
 * separately.
 *
 * Two more reference points: a process that only imports the host's module graph and exits
 * (how much of the start is loading code), and an in-process `SessionStore.open` + `listLanes()`
 * on the big store (how much the data adds).
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
  fillStore,
  fmt,
  loadAverage,
  machineInfo,
  mb,
  ratio,
  REPO_ROOT,
  rng,
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
const UNCLEAN_RUNS = 2;
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
  quitMs: number;
}

/** One start → ready → idle → SIGTERM → exit cycle; checks the quit was clean (code 0, marker written). */
async function cycle(dataDir: string): Promise<Cycle> {
  const host = spawnHost({ dataDir });
  const { at: readyAt } = await host.ready;
  const startMs = readyAt - host.spawnedAt;
  await sleep(IDLE_MS);
  const signalledAt = performance.now();
  host.child.kill('SIGTERM');
  const exit = await host.exited;
  const quitMs = exit.at - signalledAt;
  if (exit.code !== 0) throw new Error(`host quit with ${JSON.stringify(exit)}: ${host.stderr.join('\n')}`);
  if (!fs.existsSync(path.join(dataDir, CLEAN_EXIT_FILE))) throw new Error(`the quit left no clean-exit marker: ${host.stderr.join('\n')}`);
  return { startMs, quitMs };
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

/** Loads the host's whole module graph (type stripping included) and exits: main.ts runs nothing when imported. */
const hostModules = () => spawnToExit(['--input-type=module', '-e', `await import(${JSON.stringify(path.join(REPO_ROOT, 'electron', 'host', 'main.ts'))})`]);

// ── main ───────────────────────────────────────────────────────────────────────────────────

async function main(): Promise<void> {
  const began = performance.now();
  const log = (line: string) => console.log(line);
  const machine = machineInfo();
  log('Baton host start/quit benchmark');
  log(`  cpu ${String(machine.cpu)} × ${String(machine.cores)} cores, ${String(machine.memoryGiB)} GiB, ${String(machine.os)}`);
  log(`  node ${String(machine.node)}, data in ${String(machine.tmpdir)}, ${String(machine.date)}, load ${String(machine.loadavg)}`);

  const emptyDir = tempDir('host-empty');
  const bigDir = tempDir('host-big');
  try {
    // Fixtures.
    let t = performance.now();
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

    // A start after an unclean exit: no marker, so the store is quick_check'ed before use.
    const unclean: number[] = [];
    for (let i = 0; i < UNCLEAN_RUNS; i++) {
      fs.rmSync(path.join(bigDir, CLEAN_EXIT_FILE), { force: true });
      unclean.push((await cycle(bigDir)).startMs);
    }
    log(`  start after an unclean exit (quick_check of ${mb(storeBytes(bigDir))}): ${unclean.map((ms) => fmt(ms)).join(', ')} ms`);
    // Warm-up of the empty directory: its first start creates the store and takes its first backup.
    await cycle(emptyDir);
    await cycle(emptyDir);
    for (let i = 0; i < 3; i++) await bareNode();
    await hostModules();

    // Measured rounds; the kinds interleave so drift on the machine touches all of them alike.
    const emptyCycles: Cycle[] = [];
    const bigCycles: Cycle[] = [];
    const node: number[] = [];
    const modules: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      emptyCycles.push(await cycle(emptyDir));
      for (let i = 0; i < NODE_RUNS_PER_ROUND; i++) node.push(await bareNode());
      modules.push(await hostModules());
      bigCycles.push(await cycle(bigDir));
      log(`  round ${run + 1}/${RUNS}: start ${fmt(emptyCycles.at(-1)!.startMs)} / ${fmt(bigCycles.at(-1)!.startMs)} ms, quit ${fmt(emptyCycles.at(-1)!.quitMs)} / ${fmt(bigCycles.at(-1)!.quitMs)} ms (empty / big), load ${loadAverage()}`);
    }

    const startEmpty = summarize(emptyCycles.map((c) => c.startMs));
    const startBig = summarize(bigCycles.map((c) => c.startMs));
    const quitEmpty = summarize(emptyCycles.map((c) => c.quitMs));
    const quitBig = summarize(bigCycles.map((c) => c.quitMs));
    const nodeFloor = summarize(node);
    const moduleLoad = summarize(modules);
    const uncleanSummary = summarize(unclean);

    const row = (label: string, s: Summary, base: Summary, baseLabel: string) => [label, String(s.n), fmt(s.median), fmt(s.p95), fmt(s.min), ratio(s.median, base.median), baseLabel];
    log('');
    log(
      table(
        ['measurement', 'n', 'median ms', 'max ms', 'min ms', 'median ratio', 'against'],
        [
          row('node -e \'\' spawn → exit', nodeFloor, nodeFloor, 'itself'),
          row('node: import the host\'s modules → exit', moduleLoad, startEmpty, 'empty'),
          row('host start → ready, empty dir', startEmpty, startEmpty, 'empty'),
          row(`host start → ready, ${LANES.toLocaleString('en-US')} lanes / ${events.toLocaleString('en-US')} events`, startBig, startEmpty, 'empty'),
          row('  same, after an unclean exit', uncleanSummary, startEmpty, 'empty'),
          row('host SIGTERM → exit (idle), empty dir', quitEmpty, nodeFloor, "node -e ''"),
          row(`host SIGTERM → exit (idle), big store`, quitBig, nodeFloor, "node -e ''"),
        ],
      ),
    );
    log('');
    log(`Start-to-ready ratios are against the empty data directory; quit ratios are against a whole \`node -e ''\` start and exit.`);
    log(`With ${RUNS} runs, "max" is the p95. Load at the end: ${loadAverage()}.`);

    const summary = {
      machine,
      fixture: { lanes: filled.length, events, storeBytes: storeBytes(bigDir), fillSeconds },
      bigStoreInProcessMs: inProcess,
      nodeSpawnToExitMs: nodeFloor,
      hostModulesImportToExitMs: moduleLoad,
      startToReadyMs: { empty: startEmpty, big: startBig, bigAfterUncleanExit: uncleanSummary },
      quitToExitMs: { empty: quitEmpty, big: quitBig },
      ratios: {
        startBigVsEmpty: startBig.median / startEmpty.median,
        quitEmptyVsNode: quitEmpty.median / nodeFloor.median,
        quitBigVsNode: quitBig.median / nodeFloor.median,
        startEmptyVsNode: startEmpty.median / nodeFloor.median,
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
