/**
 * R3 under store trouble (a full disk, an I/O error): a turn that cannot start keeps its message
 * and tries again later without spinning, and a journal entry whose end could not be written never
 * blocks the lane.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { Gateway } from '../../../electron/core/gateway/gateway.ts';
import { SessionStore } from '../../../electron/core/sessions/store.ts';
import { ScriptedAgents } from '../../fixtures/scripted-agent.ts';

let dir: string;
let store: SessionStore;
let agents: ScriptedAgents;
let logs: string[];

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-trouble-'));
  store = await SessionStore.open({ dataDir: dir });
  agents = new ScriptedAgents();
  logs = [];
});

afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function diskFull(): Error {
  return Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
}

it('R3: a turn whose start cannot be written keeps the message, says so once, and retries later without spinning', async () => {
  const gateway = new Gateway({ store, agents, settings: () => ({ busyInput: 'interrupt' }), log: (m) => logs.push(m), startRetryMs: 30 });
  const realBegin = store.beginTurn.bind(store);
  let failures = 3;
  store.beginTurn = (input) => {
    if (failures > 0) {
      failures -= 1;
      throw diskFull();
    }
    return realBegin(input);
  };

  await gateway.send('a', 'keep me');
  await agents.inputs.waitFor(1);
  await gateway.whenIdle();

  // Three failed starts, each a fresh attempt after the retry delay: no hot loop.
  expect(agents.created.all).toHaveLength(4);
  expect(agents.inputs.all.map((i) => i.userText)).toEqual(['keep me']);
  expect(store.listQueuedInputs('a')).toEqual([]);
  const notices = store.listEvents(store.getLane('a')!.sessionId).filter((e) => e.kind === 'notice');
  expect(notices.map((e) => (e.payload as { code: string }).code)).toEqual(['start-failed']);
  expect((notices[0]!.payload as { text: string }).text).toContain('Your message is kept');
});

it('R3: a journal entry whose end could not be written is closed by the next turn instead of blocking the lane', async () => {
  const gateway = new Gateway({ store, agents, settings: () => ({ busyInput: 'interrupt' }), log: (m) => logs.push(m), startRetryMs: 30 });
  const realEnd = store.endTurn.bind(store);
  let failing = true;
  store.endTurn = (end) => {
    if (failing) throw diskFull();
    return realEnd(end);
  };
  await gateway.send('a', 'first');
  await gateway.whenIdle();
  expect(store.getLane('a')!.activeTurn).not.toBeNull(); // the end could not be written
  expect(gateway.laneStatus('a')!.activity).toBe('idle');

  failing = false;
  await gateway.send('a', 'second');
  await agents.inputs.waitFor(2);
  await gateway.whenIdle();

  expect(store.getLane('a')!.activeTurn).toBeNull();
  const turns = store.listTurns(store.getLane('a')!.sessionId);
  expect(turns.map((t) => t.outcome)).toEqual(['failed', 'completed']);
  expect(turns[0]!.error).toBe('Baton could not record how this turn ended.');
});
