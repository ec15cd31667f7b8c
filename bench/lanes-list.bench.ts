/**
 * `lanes.list` and `app.status` against the number of conversations (issue 9, item 8: the list
 * cost 1 + 2N queries, one lane read and one queue count per conversation).
 *
 * The real core and GatewayService over a store filled raw with N lanes (one short turn each, a
 * queued message on every tenth), timed in this process: median and p95 of several calls.
 *
 * Run: `node bench/lanes-list.bench.ts [lanes…]` (default 1000 10000). Prints a table, then one
 * `BENCH_JSON {...}` line for machines.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { MemorySecretStore } from '../electron/core/agent/memory-secret-store.ts';
import { openBatonCore } from '../electron/core/baton-core.ts';
import { EventHub } from '../electron/core/protocol/event-hub.ts';
import { GatewayService } from '../electron/core/protocol/gateway-service.ts';
import { STORE_FILE } from '../electron/core/sessions/store.ts';
import { SettingsStore } from '../electron/core/settings/settings-store.ts';
import type { AgentFactory } from '../electron/core/agent/agent.ts';
import { fillStore, fmt, machineInfo, summarize, table, tempDir, type FillLane } from './bench-kit.ts';

const SIZES = process.argv.slice(2).map(Number).filter((n) => n > 0);
const RUNS = 15;

function* lanes(count: number): Iterable<FillLane> {
  for (let i = 0; i < count; i++) {
    yield {
      title: `Conversation ${i}`,
      events: [
        { turnId: `turn_${i}`, event: { kind: 'user_message', payload: { text: `question ${i}` } } },
        { turnId: `turn_${i}`, event: { kind: 'assistant_text', payload: { text: `answer ${i}`, final: true } } },
      ],
    };
  }
}

const noAgents: AgentFactory = {
  create: () => Promise.reject(new Error('the bench runs no turns')),
};

async function measure(size: number): Promise<{ size: number; list: ReturnType<typeof summarize>; status: ReturnType<typeof summarize> }> {
  const dataDir = tempDir(`lanes-${size}`);
  const filled = await fillStore(dataDir, lanes(size));
  const db = new Database(path.join(dataDir, STORE_FILE));
  const queue = db.prepare('INSERT INTO queued_inputs (lane_key, text, created_at) VALUES (?, ?, ?)');
  db.transaction(() => filled.forEach((lane, i) => i % 10 === 0 && queue.run(lane.laneKey, 'later', 1)))();
  db.close();

  const settings = SettingsStore.open({ dir: dataDir });
  // No replay at startup: the queued messages stay queued, so every run lists the same store.
  settings.set('autoResume', false);
  const hub = new EventHub({ log: () => {} });
  const core = await openBatonCore({
    dataDir,
    agents: noAgents,
    settings: () => ({ ...settings.get() }),
    app: { performExit: () => {}, forceExit: () => {} },
    events: hub,
    log: () => {},
    requestRestart: () => {},
  });
  // Startup replays queued input; stop it from starting turns before the figures are taken.
  core.gateway.closeIntake();
  const service = new GatewayService({ core, settings, secrets: new MemorySecretStore(), hub, version: 'bench' });
  const time = async (method: 'lanes.list' | 'app.status'): Promise<number[]> => {
    const samples: number[] = [];
    for (let i = 0; i < RUNS + 2; i++) {
      const start = performance.now();
      const result = await service.handle(method, {});
      const took = performance.now() - start;
      if (method === 'lanes.list' && (result as unknown[]).length !== size) throw new Error(`listed ${(result as unknown[]).length} of ${size}`);
      if (i >= 2) samples.push(took);
    }
    return samples;
  };
  const list = summarize(await time('lanes.list'));
  const status = summarize(await time('app.status'));
  core.close();
  return { size, list, status };
}

const results = [];
for (const size of SIZES.length > 0 ? SIZES : [1_000, 10_000]) results.push(await measure(size));
console.log(
  table(
    ['lanes', 'lanes.list median ms', 'p95 ms', 'app.status median ms', 'p95 ms'],
    results.map((r) => [String(r.size), fmt(r.list.median), fmt(r.list.p95), fmt(r.status.median), fmt(r.status.p95)]),
  ),
);
console.log(`BENCH_JSON ${JSON.stringify({ machine: machineInfo(), runs: RUNS, results })}`);
