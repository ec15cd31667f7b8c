/**
 * The chat window (issue "The chat window", Performance), measured in headless Chromium against
 * a real headless host and a scripted OpenAI-compatible model server:
 *
 * 1. Provider-to-DOM streaming throughput: the model streams N one-word chunks; timed from the
 *    moment the scripted server receives the request and starts sending to the moment the last
 *    word is in the assistant message's DOM (a MutationObserver in the page, on the same wall
 *    clock). tokens/s = N / elapsed. The page's main thread between the first and the last token:
 *    the longest task from a Chromium trace (wall and CPU time, so tasks under 50 ms show too),
 *    the tasks of 50 ms or more (trace, and a Long Tasks API observer registered before the page
 *    loads), and the longest long animation frame.
 *    Baseline, in the same process and host: a plain Node protocol client (GatewayClient over
 *    `ws`, same frames and schema checks, no rendering: the answer's row, then its deltas appended
 *    at their offsets), two ways: the window's own answer as that client received it during the
 *    window's run (it is subscribed to every lane: same answer, same moment, same load — the goal's
 *    "what a plain Node client receives"), and the client's own runs, alternating with the
 *    window's (an idle browser then leaves the host more of the 2 cores). Three streams: unpaced
 *    2,000 tokens (a burst of about 50 ms: mostly latency), unpaced 20,000 tokens (the rate), and
 *    5 ms between chunks (a fast real model, ≤200 tokens/s).
 * 2. First paint of a 10,000- and a 100,000-message conversation (bulk-filled into the store
 *    before the host starts): in a fresh page that has opened a small warm-up conversation, click
 *    its lane-item and time (in the page) until the newest message is in the DOM and in view, then
 *    to the next frame; the main thread's longest task to then, and until the list has settled
 *    (the rows around the view come later). Baseline: the same for a 10-message conversation in the same data
 *    directory. The Node client's `transcript.get` of the newest page (what the window asks for,
 *    issue 13) shows the share of host and protocol.
 * 3. Window JS heap (issue 13 goal ≤ 80 MB) with each conversation open, after a forced garbage
 *    collection (CDP `HeapProfiler.collectGarbage`, then `Runtime.getHeapUsage`), fresh page each.
 *
 * Run: `npm run bench:ui` (builds the renderer into bench/out/renderer first). Prints tables, then
 * one `BENCH_JSON {...}` line for machines. `BENCH_UI_PARTS=stream` (or `paint`) runs one part only.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { GatewayClient } from '../shared/protocol/client.ts';
import { startScriptedOpenAIServer, type ChatScript, type ChatStep, type ScriptedOpenAIServer } from '../tests/fixtures/scripted-openai-server.ts';
import {
  connectGateway,
  epochMs,
  fillStore,
  fmt,
  loadAverage,
  machineInfo,
  ratio,
  REPO_ROOT,
  rng,
  sentence,
  sleep,
  spawnHost,
  summarize,
  table,
  tempDir,
  type FillEvent,
  type HostReadyLine,
  type SpawnedHost,
} from './bench-kit.ts';

// ── parameters ─────────────────────────────────────────────────────────────────────────────

const CHROMIUM = process.env.BATON_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
const VIEWPORT = { width: 1280, height: 800 };
const RENDERER_OUT = path.join(REPO_ROOT, 'bench', 'out', 'renderer');

const STREAMS = [
  { label: 'unpaced', chunks: 2_000, chunkDelayMs: 0, runs: 9 },
  { label: 'paced 5 ms', chunks: 1_000, chunkDelayMs: 5, runs: 5 },
  { label: 'unpaced, long', chunks: 20_000, chunkDelayMs: 0, runs: 5 },
] as const;
const BIG_MESSAGES = 10_000;
const HUGE_MESSAGES = 100_000;
/** The window's page size (renderer/src/state/store.ts TRANSCRIPT_PAGE_ROWS), for the Node client's share. */
const PAGE_ROWS = 200;
const SMALL_MESSAGES = 10;
const PAINT_RUNS = 5;
const HEAP_RUNS = 3;
const TIMEOUT_MS = 60_000;
const PARTS = new Set((process.env.BENCH_UI_PARTS ?? 'stream,paint').split(',').map((part) => part.trim()));

// ── the renderer ───────────────────────────────────────────────────────────────────────────

/** A build of the renderer for this bench only, so renderer/dist (which tests may be serving) is untouched. */
function buildRenderer(): number {
  const start = performance.now();
  const vite = path.join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  const result = spawnSync(
    process.execPath,
    [vite, 'build', '--config', path.join(REPO_ROOT, 'renderer', 'vite.config.ts'), '--outDir', RENDERER_OUT, '--emptyOutDir', '--logLevel', 'warn', ...(PROFILE_DIR ? ['--minify', 'false'] : [])],
    { cwd: REPO_ROOT, stdio: 'inherit' },
  );
  if (result.status !== 0 || !fs.existsSync(path.join(RENDERER_OUT, 'index.html'))) throw new Error('the renderer build failed');
  return (performance.now() - start) / 1000;
}

// ── in-page instrumentation (strings: this file is type-checked without DOM types) ─────────

/** Before any page script: record every long task and long animation frame. */
const INIT_SCRIPT = `
  window.__bench = { longtasks: [], frames: [] };
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__bench.longtasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch {}
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__bench.frames.push({ start: e.startTime, duration: e.duration, blocking: e.blockingDuration });
    }).observe({ type: 'long-animation-frame', buffered: true });
  } catch {}
`;

/** Shared by both watchers: resolves once a frame has been presented after the current one. */
const NEXT_PAINT = `
  const nextPaint = () => new Promise((resolve) => requestAnimationFrame(() => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve(performance.timeOrigin + performance.now());
    channel.port2.postMessage(null);
  }));
`;

/**
 * Watches the newest assistant message until it holds `first` and then `last`; stores a promise of
 * the wall-clock times on `window.__bench.stream`.
 */
function streamWatcher(first: string, last: string): string {
  return `(() => {
    ${NEXT_PAINT}
    const first = ${JSON.stringify(first)}, last = ${JSON.stringify(last)};
    window.__bench.stream = new Promise((resolve, reject) => {
      let firstAt = null;
      const check = () => {
        const messages = document.querySelectorAll('[data-testid="message-assistant"]');
        const text = messages.length ? messages[messages.length - 1].textContent : '';
        const now = performance.timeOrigin + performance.now();
        if (firstAt === null && text.includes(first)) {
          firstAt = now;
          performance.mark('bench-from');
        }
        if (firstAt !== null && text.includes(last)) {
          performance.mark('bench-to');
          observer.disconnect();
          clearTimeout(timer);
          nextPaint().then((paintedAt) => resolve({ firstAt, lastAt: now, paintedAt, chars: text.length }));
        }
      };
      const observer = new MutationObserver(check);
      observer.observe(document.body, { subtree: true, childList: true, characterData: true });
      const timer = setTimeout(() => { observer.disconnect(); reject(new Error('the stream never finished in the DOM')); }, ${TIMEOUT_MS});
    });
    return true;
  })()`;
}

/**
 * Clicks the lane, then resolves once the message holding `sentinel` is in the DOM and in view of
 * the transcript, and once more after the next frame. Times are relative to the click.
 */
function openLaneAndWatch(laneKey: string, sentinel: string): string {
  return `new Promise((resolve, reject) => {
    ${NEXT_PAINT}
    const sentinel = ${JSON.stringify(sentinel)};
    const button = document.querySelector('[data-testid="lane-item"][data-lane-key=${JSON.stringify(laneKey)}]');
    if (!button) { reject(new Error('no lane-item for the lane')); return; }
    let done = false;
    const check = () => {
      if (done) return;
      const scroller = document.querySelector('[data-testid="transcript"]');
      if (!scroller) return;
      const target = [...scroller.querySelectorAll('[data-testid^="message-"]')].find((m) => m.textContent.includes(sentinel));
      if (!target) return;
      const box = scroller.getBoundingClientRect(), row = target.getBoundingClientRect();
      if (row.bottom <= box.top || row.top >= box.bottom || row.height === 0) return;
      done = true;
      const renderedAt = performance.now();
      performance.mark('bench-to');
      observer.disconnect();
      clearTimeout(timer);
      const domRows = scroller.querySelectorAll('.transcript-row').length;
      nextPaint().then((paintedEpoch) => resolve({
        renderedMs: renderedAt - clickAt,
        paintedMs: paintedEpoch - performance.timeOrigin - clickAt,
        domRows,
        scrollHeight: scroller.scrollHeight,
      }));
    };
    const observer = new MutationObserver(check);
    observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    const timer = setTimeout(() => { observer.disconnect(); reject(new Error('the newest message never showed')); }, ${TIMEOUT_MS});
    performance.mark('bench-from');
    const clickAt = performance.now();
    button.click();
    check();
  })`;
}

interface MainThread {
  /** The longest task on the page's main thread (from a Chromium trace, so under 50 ms too). */
  longestTaskMs: number;
  /** The most CPU time (thread time) any one of those tasks used: wall time less waiting for a core. */
  longestTaskCpuMs: number;
  /** Tasks of 50 ms or more in the trace. */
  tasksOver50: number;
  /** Long tasks the page's own Long Tasks API observer reported. */
  longTasksApi: number;
  /** The longest frame the Long Animation Frames API reported (frames of 50 ms or more only). */
  longestFrameMs: number;
  /** With `settleMs`: the longest task (wall, CPU) until that long after the end mark, for work deferred past it. */
  settled?: { longestTaskMs: number; longestTaskCpuMs: number };
}

interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string };
}

const TRACE_CATEGORIES = ['toplevel', 'blink.user_timing', '__metadata'];

/**
 * Runs `body` under a Chromium trace and reads the tasks of the renderer main thread that
 * overlap the page's `bench-from` … `bench-to` marks; adds what the page's observers saw there.
 * `settleMs`: the trace runs on that long past `bench-to`, and `settled` covers the tasks up to then.
 */
async function traceMainThread<T>(browser: Browser, page: Page, body: () => Promise<T>, settleMs = 0): Promise<{ result: T; mainThread: MainThread }> {
  await page.evaluate(`performance.clearMarks()`);
  await browser.startTracing(page, { categories: TRACE_CATEGORIES });
  const outcome = await body().then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  await sleep(200 + settleMs); // performance observers report asynchronously
  const buffer = await browser.stopTracing();
  if (!outcome.ok) throw outcome.error;
  const result = outcome.value;
  const parsed = JSON.parse(buffer.toString('utf8')) as { traceEvents?: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(parsed) ? parsed : (parsed.traceEvents ?? []);
  const from = events.find((e) => e.cat === 'blink.user_timing' && e.name === 'bench-from');
  const to = events.find((e) => e.cat === 'blink.user_timing' && e.name === 'bench-to');
  if (!from || !to) throw new Error('the trace holds no bench marks');
  const tasks = events.filter(
    (e) => e.ph === 'X' && e.name === 'ThreadControllerImpl::RunTask' && e.pid === from.pid && e.tid === from.tid && e.ts + (e.dur ?? 0) >= from.ts && e.ts <= to.ts,
  );
  const durations = tasks.map((e) => (e.dur ?? 0) / 1000);
  const settledTasks = settleMs > 0 ? events.filter(
    (e) => e.ph === 'X' && e.name === 'ThreadControllerImpl::RunTask' && e.pid === from.pid && e.tid === from.tid && e.ts + (e.dur ?? 0) >= from.ts && e.ts <= to.ts + settleMs * 1000,
  ) : null;

  const seen = (await page.evaluate(`(() => {
    const marks = performance.getEntriesByType('mark');
    const from = marks.find((m) => m.name === 'bench-from'), to = marks.find((m) => m.name === 'bench-to');
    const inside = (e) => from && to && e.start + e.duration >= from.startTime && e.start <= to.startTime;
    return { longtasks: window.__bench.longtasks.filter(inside).length, frames: window.__bench.frames.filter(inside).map((f) => f.duration) };
  })()`)) as { longtasks: number; frames: number[] };
  return {
    result,
    mainThread: {
      longestTaskMs: Math.max(0, ...durations),
      longestTaskCpuMs: Math.max(0, ...tasks.map((e) => (e.tdur ?? 0) / 1000)),
      tasksOver50: durations.filter((d) => d >= 50).length,
      longTasksApi: seen.longtasks,
      longestFrameMs: Math.max(0, ...seen.frames),
      ...(settledTasks ? { settled: { longestTaskMs: Math.max(0, ...settledTasks.map((e) => (e.dur ?? 0) / 1000)), longestTaskCpuMs: Math.max(0, ...settledTasks.map((e) => (e.tdur ?? 0) / 1000)) } } : {}),
    },
  };
}

// ── streaming ──────────────────────────────────────────────────────────────────────────────

/** `BENCH_UI_PROFILE=dir`: a CPU profile of the page for each UI stream run and each paint run, to see where its time goes. */
const PROFILE_DIR = process.env.BENCH_UI_PROFILE ?? null;

async function startProfile(page: Page): Promise<(file: string) => Promise<void>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
  return async (file) => {
    const { profile } = await cdp.send('Profiler.stop');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(profile));
    await cdp.detach();
  };
}

const STREAM_WORDS = sentence(rng(7), 4000, 4000).split(' ');

/**
 * A script step that sends nothing and calls `onReached` when the server gets to it (a `wait` on a
 * promise whose `then` is the hook): placed after the last text chunk, it stamps when that was written.
 */
function stampStep(onReached: () => void): ChatStep {
  const until = Promise.resolve();
  const then = until.then.bind(until);
  until.then = ((...args: Parameters<typeof then>) => {
    onReached();
    return then(...args);
  }) as typeof until.then;
  return { type: 'wait', until };
}

/** N one-word chunks of markdown: paragraphs every 60 words, some inline code; unique first and last words. */
function streamScript(chunks: number, chunkDelayMs: number, first: string, last: string, onLastChunk: () => void): ChatScript {
  const steps: ChatStep[] = [{ type: 'text', text: first }];
  for (let i = 1; i < chunks - 1; i++) {
    const word = STREAM_WORDS[i % STREAM_WORDS.length]!;
    const text = i % 17 === 0 ? `\`${word}\`` : word;
    steps.push({ type: 'text', text: i % 60 === 0 ? `\n\n${text}` : ` ${text}` });
  }
  steps.push({ type: 'text', text: ` ${last}` }, stampStep(onLastChunk));
  steps.push({ type: 'finish', reason: 'stop' }, { type: 'usage', promptTokens: 20, completionTokens: chunks });
  return { kind: 'stream', steps, chunkDelayMs: chunkDelayMs || undefined };
}

interface StreamTiming {
  /** Wall clock when the server received the request and began to stream. */
  sentAt: number;
  /** Wall clock when the server had written the last text chunk. */
  lastChunkAt: Promise<number>;
}

/** Queues the stream; the timing starts when the host's request reaches the server. */
function enqueueStream(model: ScriptedOpenAIServer, spec: (typeof STREAMS)[number], first: string, last: string): Promise<StreamTiming> {
  let stamp: (at: number) => void = () => {};
  const lastChunkAt = new Promise<number>((resolve) => (stamp = resolve));
  const script = streamScript(spec.chunks, spec.chunkDelayMs, first, last, () => stamp(epochMs()));
  return new Promise((resolve) => {
    model.enqueue(() => {
      resolve({ sentAt: epochMs(), lastChunkAt });
      return script;
    });
  });
}

async function waitIdle(client: GatewayClient, laneKey: string): Promise<void> {
  const deadline = performance.now() + TIMEOUT_MS;
  while (performance.now() < deadline) {
    const lane = (await client.call('lanes.list', {})).find((l) => l.laneKey === laneKey);
    if (lane && lane.activity === 'idle') return;
    await sleep(50);
  }
  throw new Error(`lane ${laneKey} never became idle`);
}

interface StreamRun {
  tokensPerSecond: number;
  elapsedMs: number;
  firstTokenMs: number;
  /** Last token in the DOM (or the client) after the server wrote it. */
  lagMs: number;
  mainThread: MainThread | null;
  /**
   * A window run only: the same answer as the Node client received it meanwhile (it is subscribed
   * to every lane), under the same load — the browser's own work slows the host down too, which
   * the alternating Node run does not see.
   */
  beside: Omit<StreamRun, 'mainThread' | 'beside'> | null;
}

async function uiStreamRun(browser: Browser, page: Page, client: GatewayClient, model: ScriptedOpenAIServer, spec: (typeof STREAMS)[number], run: string): Promise<StreamRun> {
  const lane = await client.call('lanes.create', { title: `UI stream ${run}` });
  await page.click(`[data-testid="lane-item"][data-lane-key="${lane.laneKey}"]`);
  await page.fill('[data-testid="composer-input"]', 'Write a long answer.');
  const first = `alpha${run}`;
  const last = `omega${run}`;
  await page.evaluate(streamWatcher(first, last));
  const watch = watchLaneText(client, lane.laneKey, first, last);
  const timing = enqueueStream(model, spec, first, last);
  const profiler = PROFILE_DIR ? await startProfile(page) : null;
  const { result: dom, mainThread } = await traceMainThread(browser, page, async () => {
    await page.click('[data-testid="send-button"]');
    return (await page.evaluate('window.__bench.stream')) as { firstAt: number; lastAt: number; paintedAt: number };
  });
  if (profiler) await profiler(path.join(PROFILE_DIR!, `stream-${run}.cpuprofile`));
  const { sentAt, lastChunkAt } = await timing;
  const lastChunk = await lastChunkAt;
  const node = await watch.times;
  watch.off();
  await waitIdle(client, lane.laneKey);
  const elapsedMs = dom.lastAt - sentAt;
  const nodeElapsedMs = node.lastAt - sentAt;
  return {
    tokensPerSecond: spec.chunks / (elapsedMs / 1000),
    elapsedMs,
    firstTokenMs: dom.firstAt - sentAt,
    lagMs: dom.lastAt - lastChunk,
    mainThread,
    beside: { tokensPerSecond: spec.chunks / (nodeElapsedMs / 1000), elapsedMs: nodeElapsedMs, firstTokenMs: node.firstAt - sentAt, lagMs: node.lastAt - lastChunk },
  };
}

/**
 * What the Node client receives of a lane's answer: the time its first and its last word arrived.
 * The answer's first piece comes with its row, the rest as deltas at their offsets (issue 9 item 9).
 */
function watchLaneText(client: GatewayClient, laneKey: string, first: string, last: string): { times: Promise<{ firstAt: number; lastAt: number }>; off: () => void } {
  let text = '';
  let firstAt = 0;
  let done: (times: { firstAt: number; lastAt: number }) => void = () => {};
  const times = new Promise<{ firstAt: number; lastAt: number }>((resolve) => (done = resolve));
  const off = client.onEvent((push) => {
    if (push.channel !== 'gateway') return;
    const event = push.event;
    if (event.type === 'transcript' && event.laneKey === laneKey && event.event.kind === 'assistant_text') text = event.event.payload.text;
    else if (event.type === 'text-delta' && event.laneKey === laneKey && event.offset === text.length) text += event.delta;
    else return;
    const now = epochMs();
    if (!firstAt && text.includes(first)) firstAt = now;
    if (text.endsWith(last)) done({ firstAt, lastAt: now });
  });
  return { times, off };
}

async function nodeStreamRun(client: GatewayClient, model: ScriptedOpenAIServer, spec: (typeof STREAMS)[number], run: string): Promise<StreamRun> {
  const lane = await client.call('lanes.create', { title: `Node stream ${run}` });
  const first = `alpha${run}`;
  const last = `omega${run}`;
  const watch = watchLaneText(client, lane.laneKey, first, last);
  const timing = enqueueStream(model, spec, first, last);
  await client.call('message.send', { laneKey: lane.laneKey, text: 'Write a long answer.' });
  const { sentAt, lastChunkAt } = await timing;
  const { firstAt, lastAt: end } = await watch.times;
  const lastChunk = await lastChunkAt;
  watch.off();
  await waitIdle(client, lane.laneKey);
  const elapsedMs = end - sentAt;
  return { tokensPerSecond: spec.chunks / (elapsedMs / 1000), elapsedMs, firstTokenMs: firstAt - sentAt, lagMs: end - lastChunk, mainThread: null, beside: null };
}

// ── first paint of a long conversation ─────────────────────────────────────────────────────

/** Alternating user / assistant messages (markdown answers); each ends with a unique marker word. */
function* conversation(messages: number, seed: number): Generator<FillEvent> {
  const r = rng(seed);
  for (let i = 1; i <= messages; i++) {
    const turnId = `turn_${seed}_${Math.ceil(i / 2)}`;
    const marker = `msg${seed}x${i}`;
    if (i % 2 === 1) {
      yield { turnId, event: { kind: 'user_message', payload: { text: `${sentence(r, 40, 200)} ${marker}` } } };
    } else {
      const text = `**${sentence(r, 10, 30)}.** ${sentence(r, 100, 200)}\n\n- \`${sentence(r, 6, 14)}\`\n- ${sentence(r, 20, 60)}\n\n${sentence(r, 60, 140)} ${marker}`;
      yield { turnId, event: { kind: 'assistant_text', payload: { text, final: true } } };
    }
  }
}

interface PaintRun {
  paintedMs: number;
  renderedMs: number;
  domRows: number;
  /** Rows in the DOM once the list has settled (`PAINT_SETTLE_MS` after the newest message showed). */
  settledRows: number;
  mainThread: MainThread;
}

/**
 * How long after the newest message showed the main thread is still watched: the list draws the
 * rows around the view in later tasks (issue 13), and those count as opening the conversation too.
 */
const PAINT_SETTLE_MS = 500;

interface PaintTarget {
  laneKey: string;
  sentinel: string;
}

/** A new browser context's page on the app, instrumented, once it lists `laneKey`; the caller closes the context. */
async function freshPage(browser: Browser, ready: HostReadyLine, laneKey: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  await page.addInitScript({ content: INIT_SCRIPT });
  await page.goto(ready.url);
  await page.waitForSelector(`[data-testid="lane-item"][data-lane-key="${laneKey}"]`);
  return { context, page };
}

/** Numbers the paint runs' CPU profiles (`BENCH_UI_PROFILE`). */
let paintProfiles = 0;

/**
 * A fresh page opens a small warm-up conversation first (so the markdown and list code has run
 * once, as in a window that has been in use), then the target is clicked and timed.
 */
async function paintRun(browser: Browser, ready: HostReadyLine, warmUp: PaintTarget, target: PaintTarget): Promise<PaintRun> {
  const { laneKey, sentinel } = target;
  const { context, page } = await freshPage(browser, ready, laneKey);
  try {
    await page.evaluate(openLaneAndWatch(warmUp.laneKey, warmUp.sentinel));
    await sleep(300); // let the page's own work settle before the click
    const profiler = PROFILE_DIR ? await startProfile(page) : null;
    const { result, mainThread } = await traceMainThread(
      browser,
      page,
      async () => (await page.evaluate(openLaneAndWatch(laneKey, sentinel))) as { renderedMs: number; paintedMs: number; domRows: number },
      PAINT_SETTLE_MS,
    );
    if (profiler) await profiler(path.join(PROFILE_DIR!, `paint-${sentinel}-${String(++paintProfiles)}.cpuprofile`));
    const settledRows = (await page.evaluate(`document.querySelectorAll('[data-testid="transcript"] .transcript-row').length`)) as number;
    return { paintedMs: result.paintedMs, renderedMs: result.renderedMs, domRows: result.domRows, settledRows, mainThread };
  } finally {
    await context.close();
  }
}

/**
 * The window's JS heap with `target` open (issue 13: ≤ 80 MB with 100,000 messages): a fresh page
 * opens it, then a forced full collection, then V8's used heap size, in MiB.
 */
async function heapRun(browser: Browser, ready: HostReadyLine, target: PaintTarget): Promise<number> {
  const { context, page } = await freshPage(browser, ready, target.laneKey);
  try {
    await page.evaluate(openLaneAndWatch(target.laneKey, target.sentinel));
    await sleep(300); // the markdown chunk and the first measurements settle
    const cdp = await context.newCDPSession(page);
    await cdp.send('HeapProfiler.enable');
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    await cdp.detach();
    return usedSize / 1024 / 1024;
  } finally {
    await context.close();
  }
}

// ── main ───────────────────────────────────────────────────────────────────────────────────

function streamSummary(runs: StreamRun[]) {
  const threads = runs.map((r) => r.mainThread).filter((m): m is MainThread => m !== null);
  return {
    tokensPerSecond: summarize(runs.map((r) => r.tokensPerSecond)),
    elapsedMs: summarize(runs.map((r) => r.elapsedMs)),
    firstTokenMs: summarize(runs.map((r) => r.firstTokenMs)),
    lagMs: summarize(runs.map((r) => r.lagMs)),
    longestTaskMs: threads.length ? summarize(threads.map((m) => m.longestTaskMs)) : null,
    longestTaskCpuMs: threads.length ? summarize(threads.map((m) => m.longestTaskCpuMs)) : null,
    tasksOver50: threads.length ? summarize(threads.map((m) => m.tasksOver50)) : null,
    longTasksApi: threads.length ? summarize(threads.map((m) => m.longTasksApi)) : null,
    longestFrameMs: threads.length ? summarize(threads.map((m) => m.longestFrameMs)) : null,
  };
}

async function main(): Promise<void> {
  const began = performance.now();
  const log = (line: string) => console.log(line);
  const machine = machineInfo();
  const chromiumVersion = spawnSync(CHROMIUM, ['--version'], { encoding: 'utf8' }).stdout.trim();
  log('Baton chat window benchmark (headless Chromium, real host, scripted model)');
  log(`  cpu ${String(machine.cpu)} × ${String(machine.cores)} cores, ${String(machine.memoryGiB)} GiB, ${String(machine.os)}`);
  log(`  node ${String(machine.node)}, ${chromiumVersion}, ${String(machine.date)}, load ${String(machine.loadavg)}`);
  log(`  built the renderer into ${path.relative(REPO_ROOT, RENDERER_OUT)} in ${buildRenderer().toFixed(1)} s`);

  const dataDir = tempDir('ui');
  let model: ScriptedOpenAIServer | null = null;
  let host: SpawnedHost | null = null;
  let browser: Browser | null = null;
  let client: GatewayClient | null = null;
  try {
    const paint = PARTS.has('paint');
    const [big, small, warm, huge] = await fillStore(dataDir, [
      { title: 'Ten thousand messages', events: conversation(BIG_MESSAGES, 1) },
      { title: 'Ten messages', events: conversation(SMALL_MESSAGES, 2) },
      { title: 'Warm-up', events: conversation(SMALL_MESSAGES, 3) },
      ...(paint ? [{ title: 'A hundred thousand messages', events: conversation(HUGE_MESSAGES, 4) }] : []),
    ]);
    model = await startScriptedOpenAIServer();
    host = spawnHost({ dataDir, rendererDir: RENDERER_OUT, env: { OPENAI_BASE_URL: model.url, OPENAI_API_KEY: 'sk-bench', OPENAI_MODEL: 'scripted' } });
    const { line: ready } = await host.ready;
    client = await connectGateway(ready);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });

    // ── 1. streaming ──
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    await page.addInitScript({ content: INIT_SCRIPT });
    await page.goto(ready.url);
    await page.waitForSelector('[data-testid="lane-item"]');
    const longTaskApi = (await page.evaluate(`PerformanceObserver.supportedEntryTypes.includes('longtask')`)) as boolean;
    const loafApi = (await page.evaluate(`PerformanceObserver.supportedEntryTypes.includes('long-animation-frame')`)) as boolean;
    if (!longTaskApi) log('  (this Chromium has no Long Tasks API: longest-task figures are missing)');

    const streams: Array<{ spec: (typeof STREAMS)[number]; ui: StreamRun[]; node: StreamRun[] }> = [];
    for (const spec of PARTS.has('stream') ? STREAMS : []) {
      const tag = spec.label.replace(/\W+/g, '');
      // Warm-up: the page's markdown pipeline and the host's stream path get JIT-compiled.
      await uiStreamRun(browser, page, client, model, spec, `${tag}w`);
      await nodeStreamRun(client, model, spec, `${tag}w`);
      const ui: StreamRun[] = [];
      const node: StreamRun[] = [];
      for (let run = 0; run < spec.runs; run++) {
        ui.push(await uiStreamRun(browser, page, client, model, spec, `${tag}u${run}`));
        node.push(await nodeStreamRun(client, model, spec, `${tag}n${run}`));
        const u = ui.at(-1)!;
        log(
          `  ${spec.label} ${spec.chunks} chunks, run ${run + 1}/${spec.runs}: window ${fmt(u.tokensPerSecond)} tok/s (longest task ${fmt(u.mainThread?.longestTaskMs ?? Number.NaN)} ms), ` +
            `node client ${fmt(node.at(-1)!.tokensPerSecond)} tok/s, load ${loadAverage()}`,
        );
      }
      streams.push({ spec, ui, node });
    }
    await context.close();

    // ── 2. first paint of a 10,000- and a 100,000-message conversation ──
    const bigTarget = { laneKey: big!.laneKey, sentinel: `msg1x${BIG_MESSAGES}` };
    const smallTarget = { laneKey: small!.laneKey, sentinel: `msg2x${SMALL_MESSAGES}` };
    const warmTarget = { laneKey: warm!.laneKey, sentinel: `msg3x${SMALL_MESSAGES}` };
    const hugeTarget = huge ? { laneKey: huge.laneKey, sentinel: `msg4x${HUGE_MESSAGES}` } : null;
    if (paint && hugeTarget) {
      // The first search indexes the bulk-filled rows (schema v8 indexes in batches); done here, outside every timing.
      await client.call('lanes.search', { query: 'msg1x1' });
      await paintRun(browser, ready, warmTarget, bigTarget);
      await paintRun(browser, ready, warmTarget, hugeTarget);
      await paintRun(browser, ready, warmTarget, smallTarget);
    }
    const bigRuns: PaintRun[] = [];
    const hugeRuns: PaintRun[] = [];
    const smallRuns: PaintRun[] = [];
    const bigFetch: number[] = [];
    const hugeFetch: number[] = [];
    const smallFetch: number[] = [];
    const wholeFetch: number[] = [];
    let transcriptBytes = 0;
    let pageBytes = 0;
    // The protocol's share: the window's transcript.get (the newest page) from the Node client, no rendering.
    const fetchMs = async (laneKey: string, limit?: number) => {
      const t = performance.now();
      const fetched = await client!.call('transcript.get', { laneKey, ...(limit ? { limit } : {}) });
      return { ms: performance.now() - t, bytes: JSON.stringify(fetched).length };
    };
    for (let run = 0; paint && hugeTarget && run < PAINT_RUNS; run++) {
      bigRuns.push(await paintRun(browser, ready, warmTarget, bigTarget));
      hugeRuns.push(await paintRun(browser, ready, warmTarget, hugeTarget));
      smallRuns.push(await paintRun(browser, ready, warmTarget, smallTarget));
      const bigPage = await fetchMs(bigTarget.laneKey, PAGE_ROWS);
      bigFetch.push(bigPage.ms);
      pageBytes = bigPage.bytes;
      hugeFetch.push((await fetchMs(hugeTarget.laneKey, PAGE_ROWS)).ms);
      smallFetch.push((await fetchMs(smallTarget.laneKey, PAGE_ROWS)).ms);
      // What opening cost before paging (issue 13): the whole 10,000-message transcript.
      const whole = await fetchMs(bigTarget.laneKey);
      wholeFetch.push(whole.ms);
      transcriptBytes = whole.bytes;
      log(
        `  first paint run ${run + 1}/${PAINT_RUNS}: ${fmt(bigRuns.at(-1)!.paintedMs)} ms (${BIG_MESSAGES}) / ${fmt(hugeRuns.at(-1)!.paintedMs)} ms (${HUGE_MESSAGES}) / ` +
          `${fmt(smallRuns.at(-1)!.paintedMs)} ms (${SMALL_MESSAGES}), load ${loadAverage()}`,
      );
    }

    // ── 3. window JS heap with each conversation open ──
    const heap: Record<'small' | 'big' | 'huge', number[]> = { small: [], big: [], huge: [] };
    for (let run = 0; paint && hugeTarget && run < HEAP_RUNS; run++) {
      heap.huge.push(await heapRun(browser, ready, hugeTarget));
      heap.big.push(await heapRun(browser, ready, bigTarget));
      heap.small.push(await heapRun(browser, ready, smallTarget));
      log(`  heap run ${run + 1}/${HEAP_RUNS}: ${fmt(heap.huge.at(-1)!)} MiB (${HUGE_MESSAGES}) / ${fmt(heap.big.at(-1)!)} MiB (${BIG_MESSAGES}) / ${fmt(heap.small.at(-1)!)} MiB (${SMALL_MESSAGES})`);
    }

    // ── report ──
    log('');
    const streamRows: string[][] = [];
    const streamJson = streams.map(({ spec, ui, node }) => {
      const u = streamSummary(ui);
      const n = streamSummary(node);
      // The window's answer as the Node client received it meanwhile; the ratio per run, then its median.
      const beside = ui.map((r) => r.beside!);
      const b = streamSummary(beside.map((r) => ({ ...r, mainThread: null, beside: null })));
      const sameStreamRatio = summarize(ui.map((r) => r.tokensPerSecond / r.beside!.tokensPerSecond));
      const sameStreamFirstTokenDeltaMs = summarize(ui.map((r) => r.firstTokenMs - r.beside!.firstTokenMs));
      streamRows.push(
        [
          `window, ${spec.label}`,
          `${spec.runs}×${spec.chunks}`,
          fmt(u.tokensPerSecond.median),
          fmt(u.tokensPerSecond.min),
          ratio(u.tokensPerSecond.median, n.tokensPerSecond.median),
          fmt(u.firstTokenMs.median),
          fmt(u.lagMs.median),
          fmt(u.longestTaskMs?.median ?? Number.NaN),
          fmt(u.longestTaskMs?.max ?? Number.NaN),
          fmt(u.longestTaskCpuMs?.median ?? Number.NaN),
          `${fmt(u.tasksOver50?.median ?? Number.NaN, 0)} / ${fmt(u.longTasksApi?.median ?? Number.NaN, 0)}`,
          fmt(u.longestFrameMs?.median ?? Number.NaN),
        ],
        [`node client, ${spec.label}`, `${spec.runs}×${spec.chunks}`, fmt(n.tokensPerSecond.median), fmt(n.tokensPerSecond.min), '1.00×', fmt(n.firstTokenMs.median), fmt(n.lagMs.median), '—', '—', '—', '—', '—'],
        [`  same answer, node client`, `${spec.runs}×${spec.chunks}`, fmt(b.tokensPerSecond.median), fmt(b.tokensPerSecond.min), `window ${fmt(sameStreamRatio.median, 2)}×`, fmt(b.firstTokenMs.median), fmt(b.lagMs.median), '—', '—', '—', '—', '—'],
      );
      return {
        label: spec.label,
        chunks: spec.chunks,
        chunkDelayMs: spec.chunkDelayMs,
        window: u,
        nodeClient: n,
        throughputRatio: u.tokensPerSecond.median / n.tokensPerSecond.median,
        nodeSameStream: b,
        sameStreamRatio,
        sameStreamFirstTokenDeltaMs,
      };
    });
    log(
      table(
        ['stream consumer', 'runs×tokens', 'tok/s med', 'tok/s min', 'vs node', 'first tok ms', 'lag ms', 'longest task ms', 'max', 'CPU ms', '≥50 ms trace/API', 'longest LoAF ms'],
        streamRows,
      ),
    );
    log('tok/s = tokens / (last token in the DOM or client − server starts streaming). lag = last token shown − server wrote it.');
    log('node client: its own runs, alternating with the window\'s; same answer: the window\'s answer as the Node client received it');
    log('during the window\'s run (same host load), with the window\'s rate over it per run (median).');
    log('Main thread, between the first and the last token in the DOM: longest task (Chromium trace, wall time; CPU: the most thread time');
    log('of any task there), tasks of ≥50 ms (trace / Long Tasks API),');
    log('longest long animation frame (0: none reached 50 ms); medians over runs of each run\'s figure, "max" is the worst run.');
    log('');
    const paintSummary = (runs: PaintRun[]) => ({
      paintedMs: summarize(runs.map((r) => r.paintedMs)),
      renderedMs: summarize(runs.map((r) => r.renderedMs)),
      domRows: summarize(runs.map((r) => r.domRows)),
      longestTaskMs: summarize(runs.map((r) => r.mainThread.longestTaskMs)),
      longestTaskCpuMs: summarize(runs.map((r) => r.mainThread.longestTaskCpuMs)),
      tasksOver50: summarize(runs.map((r) => r.mainThread.tasksOver50)),
      // Until the list has settled: the rows around the view are drawn after the first paint.
      settledTaskMs: summarize(runs.map((r) => r.mainThread.settled?.longestTaskMs ?? Number.NaN)),
      settledTaskCpuMs: summarize(runs.map((r) => r.mainThread.settled?.longestTaskCpuMs ?? Number.NaN)),
      settledRows: summarize(runs.map((r) => r.settledRows)),
    });
    const bigPaint = paintSummary(bigRuns);
    const smallPaint = paintSummary(smallRuns);
    const hugePaint = paintSummary(hugeRuns);
    const bigFetchMs = summarize(bigFetch);
    const hugeFetchMs = summarize(hugeFetch);
    const smallFetchMs = summarize(smallFetch);
    const wholeFetchMs = summarize(wholeFetch);
    const paintRow = (label: string, s: typeof bigPaint, fetch: typeof bigFetchMs) => [
      label,
      String(s.paintedMs.n),
      fmt(s.renderedMs.median),
      fmt(s.paintedMs.median),
      fmt(s.paintedMs.max),
      ratio(s.paintedMs.median, smallPaint.paintedMs.median),
      `${fmt(s.domRows.median, 0)} → ${fmt(s.settledRows.median, 0)}`,
      fmt(s.longestTaskMs.median),
      fmt(s.longestTaskCpuMs.median),
      fmt(s.tasksOver50.median, 0),
      `${fmt(s.settledTaskMs.median)} / ${fmt(s.settledTaskCpuMs.median)}`,
      fmt(fetch.median),
    ];
    if (paint) log(
      table(
        ['conversation', 'n', 'in DOM ms', 'painted ms', 'max ms', 'vs 10 msgs', 'DOM rows', 'longest task ms', 'CPU ms', 'tasks ≥50 ms', 'settled: longest / CPU ms', 'node transcript.get ms'],
        [
          paintRow(`${HUGE_MESSAGES.toLocaleString('en-US')} messages`, hugePaint, hugeFetchMs),
          paintRow(`${BIG_MESSAGES.toLocaleString('en-US')} messages`, bigPaint, bigFetchMs),
          paintRow(`${SMALL_MESSAGES} messages`, smallPaint, smallFetchMs),
        ],
      ),
    );
    log('Click on the lane-item → newest message in the DOM and in view (in DOM) → the next frame (painted); main-thread tasks');
    log(`from a Chromium trace between the click and the DOM check; settled: the same until ${String(PAINT_SETTLE_MS)} ms after it (DOM rows: at the check → then). Fresh page per run,`);
    log(`after a 10-message warm-up conversation was opened in it. transcript.get: the newest ${PAGE_ROWS}-row page by the Node client (${(pageBytes / 1024).toFixed(0)} kB of JSON);`);
    log(`the whole 10,000-message transcript (as before paging): ${fmt(wholeFetchMs.median)} ms, ${(transcriptBytes / 1024 / 1024).toFixed(1)} MB.`);
    const heapSummary = { huge: summarize(heap.huge), big: summarize(heap.big), small: summarize(heap.small) };
    if (paint) {
      log('');
      log(
        table(
          ['conversation open', 'n', 'JS heap MiB med', 'max', 'vs 10 msgs'],
          (
            [
              [`${HUGE_MESSAGES.toLocaleString('en-US')} messages`, heapSummary.huge],
              [`${BIG_MESSAGES.toLocaleString('en-US')} messages`, heapSummary.big],
              [`${SMALL_MESSAGES} messages`, heapSummary.small],
            ] as const
          ).map(([label, h]) => [label, String(h.n), fmt(h.median), fmt(h.max), ratio(h.median, heapSummary.small.median)]),
        ),
      );
      log('Window JS heap: V8 used heap after HeapProfiler.collectGarbage, with the conversation open in a fresh page.');
    }
    log(`Load at the end: ${loadAverage()}.`);

    const summary = {
      machine: { ...machine, chromium: chromiumVersion, longTaskApi, loafApi },
      streams: streamJson,
      firstPaint: {
        big: { messages: BIG_MESSAGES, ...bigPaint, nodeTranscriptGetMs: bigFetchMs, pageBytes, wholeTranscriptGetMs: wholeFetchMs, transcriptBytes },
        huge: { messages: HUGE_MESSAGES, ...hugePaint, nodeTranscriptGetMs: hugeFetchMs },
        small: { messages: SMALL_MESSAGES, ...smallPaint, nodeTranscriptGetMs: smallFetchMs },
        ratio: bigPaint.paintedMs.median / smallPaint.paintedMs.median,
        hugeRatio: hugePaint.paintedMs.median / smallPaint.paintedMs.median,
      },
      heapMiB: heapSummary,
      loadAtEnd: loadAverage(),
      seconds: (performance.now() - began) / 1000,
    };
    log(`BENCH_JSON ${JSON.stringify(summary)}`);
  } finally {
    await browser?.close().catch(() => undefined);
    client?.close();
    if (host) {
      host.child.kill('SIGTERM');
      await Promise.race([host.exited, sleep(10_000)]);
      if (host.child.exitCode === null && host.child.signalCode === null) host.child.kill('SIGKILL');
    }
    await model?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
