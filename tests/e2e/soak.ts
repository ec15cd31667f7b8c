/**
 * Kill soak (SPEC L2, L7, L15, L18–L20, L22, L26): the headless host runs turns in several
 * conversations at once against a scripted model while messages keep arriving, and is SIGKILLed at
 * random instants, round after round. Between a kill and the relaunch (the store is exclusively
 * locked while the host runs) the store is opened and checked: it is sound, and every message
 * the soak got an acknowledgement for is in it. After each relaunch every conversation the kill
 * interrupted is recovered and resumed. At the end the host is left to finish everything and quits
 * cleanly; then no conversation may be left running, resume pending or short of a completed turn.
 *
 *   npm run soak -- [--rounds N] [--conversations M] [--seed S] [--max-kill-delay-ms MS]
 *
 * Driven over the real protocol (GatewayClient over a WebSocket); no browser. The same function
 * runs a short soak in CI (soak-short.spec.ts).
 */
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { SessionStore, STORE_FILE } from '../../electron/core/sessions/store.ts';
import type { GatewayClient } from '../../shared/protocol/client.ts';
import type { ChatRequestBody, ChatScript, ChatStep, RecordedRequest } from '../fixtures/scripted-openai-server.ts';
import { batonNotes, Supervisor } from './support/supervisor.ts';

export interface SoakOptions {
  rounds: number;
  conversations: number;
  /** Seeds the kill instants, the message timing and the model's pacing. */
  seed?: number;
  /** Kills land uniformly between 0 and this long after a launch is ready. */
  maxKillDelayMs?: number;
  log?: (line: string) => void;
}

export interface SoakReport {
  seed: number;
  rounds: number;
  conversations: number;
  kills: number;
  launches: number;
  messagesAcked: number;
  messagesUnacked: number;
  /** Acknowledged messages a check did not find in the store (must be 0). */
  messagesMissing: number;
  /** Turns by outcome in the final store. */
  turnsCompleted: number;
  turnsInterrupted: number;
  turnsFailed: number;
  /** Conversations startup recovery found with an open turn journal (L15), over all launches. */
  recovered: number;
  /** Model requests that carried the resume note (L19): every resumed turn, automatic or not. */
  resumes: number;
  autoResumed: number;
  /** Interrupted conversations that had a message waiting: it resumed them, with the note (L7, L20). */
  resumedByQueuedMessage: number;
  /** Resume-pending conversations left for the user (already auto-resumed once, L20) that the soak resumed by hand. */
  manualResumes: number;
  integrityFailures: number;
  problems: string[];
  durationMs: number;
}

interface Ack {
  laneKey: string;
  text: string;
  round: number;
}

/** mulberry32: small, fast, good enough to spread kill instants. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SETTINGS = {
  // Messages sent to a busy conversation wait their turn, so a resumed turn is never cut short by
  // the soak's own traffic: each interrupted turn has to resume and complete.
  busyInput: 'queue',
  // The soak kills the same conversation many times in a row on purpose; suspending it (L16,
  // covered by stuck-loop.spec.ts) would stop the resumes this soak is about.
  stuckLoopThreshold: 1000,
  drainTimeoutSeconds: 5,
};

const SETTLE_TIMEOUT_MS = 60_000;

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const started = Date.now();
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const rand = random(seed);
  const between = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const maxKillDelayMs = options.maxKillDelayMs ?? 1500;
  const log = options.log ?? (() => {});
  const report: SoakReport = {
    seed,
    rounds: options.rounds,
    conversations: options.conversations,
    kills: 0,
    launches: 0,
    messagesAcked: 0,
    messagesUnacked: 0,
    messagesMissing: 0,
    turnsCompleted: 0,
    turnsInterrupted: 0,
    turnsFailed: 0,
    recovered: 0,
    resumes: 0,
    autoResumed: 0,
    resumedByQueuedMessage: 0,
    manualResumes: 0,
    integrityFailures: 0,
    problems: [],
    durationMs: 0,
  };
  const problem = (text: string) => {
    report.problems.push(text);
    log(`PROBLEM: ${text}`);
  };

  const supervisor = await Supervisor.create({ settings: SETTINGS });
  const { model } = supervisor;
  // Every request gets a streamed answer of random length and pace (about 20 ms to 1.5 s).
  const answer = (request: RecordedRequest<ChatRequestBody>): ChatScript => {
    model.enqueue(answer);
    const chunks = between(2, 12);
    const steps: ChatStep[] = [];
    for (let i = 0; i < chunks; i++) steps.push({ type: 'text', text: `chunk ${i} of request ${request.index}. ` });
    steps.push({ type: 'finish', reason: 'stop' }, { type: 'usage', promptTokens: 10, completionTokens: chunks });
    return { kind: 'stream', chunkDelayMs: between(10, 120), steps };
  };
  model.enqueue(answer);

  const acks: Ack[] = [];
  const laneKeys: string[] = [];
  /** Lanes whose turn journal was open at the last kill, with the turn id: recovery must close exactly these. */
  let openTurns = new Map<string, string>();
  let keepDataDir = false;

  /** Starts a launch and checks what startup recovery did with the last kill's open turns. */
  const launch = async (): Promise<GatewayClient> => {
    const host = await supervisor.start();
    report.launches += 1;
    const client = await host.client();
    const { startup } = await client.call('app.status', {});
    // Logged before the ready line, but on stderr: another pipe, so it may be read later.
    const isRecoveredLine = (line: string) => line.includes('Recovered ');
    const recoveredLine =
      openTurns.size > 0
        ? await Promise.race([host.stderr.waitFor(isRecoveredLine), sleep(5_000).then(() => undefined)])
        : host.stderr.items.find(isRecoveredLine);
    const recoveredCount = recoveredLine ? Number(/Recovered (\d+)/.exec(recoveredLine)?.[1]) : 0;
    report.recovered += recoveredCount;
    if (recoveredCount !== openTurns.size) problem(`launch ${report.launches}: recovered ${recoveredCount} conversations, expected ${openTurns.size}`);
    if (startup.suspended.length > 0) problem(`launch ${report.launches}: suspended ${startup.suspended.join(', ')}`);
    for (const laneKey of openTurns.keys()) {
      if (startup.autoResumed.includes(laneKey)) continue;
      if (startup.replayed.includes(laneKey)) report.resumedByQueuedMessage += 1;
      // L20: an automatic resume that was itself killed is not repeated; the lane waits for the
      // person, who resumes it below (counted as a manual resume).
      else if (!startup.awaitingUser.includes(laneKey)) problem(`launch ${report.launches}: ${laneKey} was interrupted by the kill but neither resumed, replayed nor offered`);
    }
    report.autoResumed += startup.autoResumed.length;
    // L20: auto-resume runs once per interrupted turn; one whose resume never got to start waits for the user.
    for (const laneKey of startup.awaitingUser) {
      const { accepted } = await client.call('resume.accept', { laneKey });
      if (accepted) report.manualResumes += 1;
    }
    return client;
  };

  /** Between a kill and the next launch: the store is sound and holds everything acknowledged. */
  const inspect = async (when: string): Promise<void> => {
    const store = await SessionStore.open({ dataDir: supervisor.dataDir });
    try {
      const damage = store.integrityProblems();
      if (damage !== null) {
        report.integrityFailures += 1;
        problem(`${when}: integrity check failed: ${damage}`);
      }
      const texts = new Map<string, Set<string>>();
      for (const lane of store.listLanes()) {
        const seen = new Set<string>();
        for (const session of store.listSessions(lane.laneKey)) {
          for (const event of store.listEvents(session.sessionId)) if (event.kind === 'user_message') seen.add(event.payload.text);
        }
        for (const queued of store.listQueuedInputs(lane.laneKey)) seen.add(queued.text);
        texts.set(lane.laneKey, seen);
      }
      for (const ack of acks) {
        if (texts.get(ack.laneKey)?.has(ack.text)) continue;
        report.messagesMissing += 1;
        problem(`${when}: acknowledged message "${ack.text}" is missing from ${ack.laneKey}`);
      }
      const open = new Map<string, string>();
      for (const lane of store.listLanes()) {
        if (!lane.activeTurn) continue;
        // An open journal entry must be from the launch just killed: the previous one was recovered.
        if (openTurns.get(lane.laneKey) === lane.activeTurn.turnId) problem(`${when}: ${lane.laneKey} still has turn ${lane.activeTurn.turnId} open after startup recovery`);
        open.set(lane.laneKey, lane.activeTurn.turnId);
      }
      openTurns = open;
    } finally {
      store.close();
    }
  };

  try {
    for (let round = 1; round <= options.rounds; round++) {
      const client = await launch();
      if (round === 1) {
        for (let i = 0; i < options.conversations; i++) laneKeys.push((await client.call('lanes.create', { title: `soak ${i + 1}` })).laneKey);
      }

      // Messages arrive at random instants, some after the kill (refused, so never acknowledged).
      const killAt = between(0, maxKillDelayMs);
      const sends: Promise<void>[] = [];
      laneKeys.forEach((laneKey, c) => {
        const count = between(1, 2);
        for (let m = 1; m <= count; m++) {
          const text = `soak round ${round} conversation ${c + 1} message ${m}`;
          sends.push(
            new Promise<void>((resolve) => {
              setTimeout(() => {
                client.call('message.send', { laneKey, text }).then(
                  () => {
                    acks.push({ laneKey, text, round });
                    report.messagesAcked += 1;
                    resolve();
                  },
                  () => {
                    report.messagesUnacked += 1;
                    resolve();
                  },
                );
              }, between(0, killAt + 200));
            }),
          );
        }
      });

      await sleep(killAt); // the random instant is the point of a soak
      const exit = await supervisor.crash();
      report.kills += 1;
      if (exit.signal !== 'SIGKILL') problem(`round ${round}: the host exited with ${JSON.stringify(exit)} before it was killed`);
      // Fails the sends in flight; those still to come are refused (the last fires within 200 ms).
      client.close();
      await Promise.all(sends);
      await inspect(`after kill ${round}`);
      log(
        `round ${round}/${options.rounds}: killed after ${killAt} ms; ${openTurns.size} turn(s) cut short; ` +
          `${report.messagesAcked} message(s) acknowledged so far`,
      );
    }

    // Let everything finish: every interrupted conversation resumes and completes.
    const client = await launch();
    await settle(client, laneKeys, (text) => problem(text));
    const exit = await supervisor.quit();
    if (exit.code !== 0) problem(`the final quit exited with ${JSON.stringify(exit)}`);
    openTurns = new Map();
    await inspect('after the final quit');

    const store = await SessionStore.open({ dataDir: supervisor.dataDir });
    try {
      for (const lane of store.listLanes()) {
        if (lane.activeTurn || lane.resumePending || lane.suspended || lane.restartFailureCount > 0) {
          problem(`at the end ${lane.laneKey} is not settled: ${JSON.stringify({ activeTurn: lane.activeTurn, resumePending: lane.resumePending, suspended: lane.suspended, failures: lane.restartFailureCount })}`);
        }
        if (store.listQueuedInputs(lane.laneKey).length > 0) problem(`at the end ${lane.laneKey} still has queued messages`);
        const last = store.lastTurn(lane.sessionId);
        if (last && last.outcome !== 'completed') problem(`at the end the last turn of ${lane.laneKey} is ${last.outcome ?? 'open'}`);
      }
    } finally {
      store.close();
    }
    const db = new Database(path.join(supervisor.dataDir, STORE_FILE), { readonly: true });
    try {
      const rows = db.prepare('SELECT outcome, COUNT(*) AS n FROM turns GROUP BY outcome').all() as Array<{ outcome: string | null; n: number }>;
      for (const row of rows) {
        if (row.outcome === 'completed') report.turnsCompleted = row.n;
        else if (row.outcome === 'interrupted') report.turnsInterrupted = row.n;
        else if (row.outcome === 'failed') report.turnsFailed = row.n;
        else problem(`${row.n} turn(s) were never closed`);
      }
    } finally {
      db.close();
    }
    if (report.turnsFailed > 0) problem(`${report.turnsFailed} turn(s) failed; the scripted model never fails`);

    for (const request of model.requests) {
      const notes = batonNotes(request);
      if (notes.length > 1) problem(`model request #${request.index} carried ${notes.length} Baton notes`);
      if (notes.some((note) => note.includes('was interrupted by'))) report.resumes += 1;
    }
    if (report.resumes < report.recovered) problem(`${report.recovered} interrupted turns recovered but only ${report.resumes} resumes reached the model`);
  } catch (error) {
    keepDataDir = true;
    throw error;
  } finally {
    if (report.problems.length > 0) {
      keepDataDir = true;
      log(`Data directory kept for inspection: ${supervisor.dataDir}`);
    }
    await supervisor.stop({ keepDataDir });
  }
  report.durationMs = Date.now() - started;
  return report;
}

/** Waits (on lane events) until every conversation is idle, not resume pending, with nothing queued. */
async function settle(client: GatewayClient, laneKeys: readonly string[], problem: (text: string) => void): Promise<void> {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  let wake: () => void = () => {};
  const off = client.onEvent((event) => {
    if (event.channel === 'gateway' && event.event.type === 'lane') wake();
  });
  try {
    for (;;) {
      const changed = new Promise<void>((resolve) => (wake = resolve));
      const lanes = (await client.call('lanes.list', {})).filter((lane) => laneKeys.includes(lane.laneKey));
      const busy = lanes.filter((lane) => lane.activity !== 'idle' || lane.resumePending || lane.queuedInputs > 0 || lane.suspended);
      if (busy.length === 0) return;
      const left = deadline - Date.now();
      if (left <= 0) {
        problem(`conversations did not settle: ${JSON.stringify(busy)}`);
        return;
      }
      // A lane waiting for the user (nothing will push an event for it) is resumed by hand.
      for (const lane of busy) {
        if (lane.activity === 'idle' && lane.resumePending && lane.queuedInputs === 0) await client.call('resume.accept', { laneKey: lane.laneKey });
      }
      await Promise.race([changed, sleep(Math.min(left, 1000))]);
    }
  } finally {
    off();
  }
}

export function formatReport(report: SoakReport): string {
  return [
    `Kill soak (seed ${report.seed}): ${report.rounds} rounds × ${report.conversations} conversations in ${(report.durationMs / 1000).toFixed(1)} s`,
    `  kills: ${report.kills}, launches: ${report.launches}`,
    `  messages acknowledged: ${report.messagesAcked}, missing from the store: ${report.messagesMissing}; refused or lost in flight at a kill: ${report.messagesUnacked}`,
    `  turns completed: ${report.turnsCompleted}, interrupted: ${report.turnsInterrupted}, failed: ${report.turnsFailed}`,
    `  open turns recovered at startup: ${report.recovered}; resumes: ${report.resumes} (auto at launch: ${report.autoResumed}, through a waiting message: ${report.resumedByQueuedMessage}, by hand: ${report.manualResumes})`,
    `  integrity failures: ${report.integrityFailures}`,
    `  problems: ${report.problems.length === 0 ? 'none' : `\n    ${report.problems.join('\n    ')}`}`,
  ].join('\n');
}

function readArgs(argv: readonly string[]): SoakOptions {
  const options: SoakOptions = { rounds: 30, conversations: 4 };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split('=', 2) as [string, string | undefined];
    const value = () => {
      const raw = inline ?? argv[++i];
      const n = Number(raw);
      if (raw === undefined || !Number.isInteger(n) || n < 0) throw new Error(`${flag} needs a whole number`);
      return n;
    };
    if (flag === '--rounds') options.rounds = Math.max(1, value());
    else if (flag === '--conversations') options.conversations = Math.max(1, value());
    else if (flag === '--seed') options.seed = value();
    else if (flag === '--max-kill-delay-ms') options.maxKillDelayMs = value();
    else throw new Error(`Unknown option ${flag}. Usage: npm run soak -- [--rounds N] [--conversations M] [--seed S] [--max-kill-delay-ms MS]`);
  }
  return options;
}

if (import.meta.main) {
  const options = readArgs(process.argv.slice(2));
  const report = await runSoak({ ...options, log: (line) => console.log(line) });
  console.log(formatReport(report));
  process.exitCode = report.problems.length === 0 && report.integrityFailures === 0 ? 0 : 1;
}
