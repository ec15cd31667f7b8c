/** Issue 11 / L35: pinned conversations and the 30-day trash in the store (schema v7). */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fullOutputPath } from '../../../electron/core/gateway/tool-output-files.ts';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../../electron/core/sessions/migrations.ts';
import { TRASH_DAYS } from '../../../electron/core/sessions/trash.ts';
import { CoreHarness } from '../../support/core-harness.ts';
import { fakeClock, useTempStores } from '../../support/temp-store.ts';

const temp = useTempStores();
const DAY = 24 * 60 * 60 * 1000;

describe('conversations you can manage in the store (issue 11, L35)', () => {
  it('L35: a v6 store migrates to v7 keeping every lane, event and queued input; lanes start unpinned and not deleted', async () => {
    const dir = temp.dataDir();
    const clock = fakeClock();
    const old = await temp.open(dir, { now: clock.now, migrations: MIGRATIONS.filter((m) => m.version <= 6) });
    expect(old.schemaVersion).toBe(6);
    old.ensureLane('a', { title: 'Kept' });
    old.appendEvent(old.getLane('a')!.sessionId, null, { kind: 'user_message', payload: { text: 'hello from v6' } });
    old.enqueueInput('a', 'waiting', { duringDrain: true });
    old.close();

    const store = await temp.open(dir, { now: clock.now });
    expect(store.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
    expect(store.getLane('a')).toMatchObject({ title: 'Kept', pinned: false, deletedAt: null });
    expect(store.listEvents(store.getLane('a')!.sessionId).map((e) => e.payload)).toEqual([{ text: 'hello from v6' }]);
    expect(store.listQueuedInputs('a').map((q) => q.text)).toEqual(['waiting']);
  });

  it('issue 11: pinned lanes are listed first, then by recent activity; pinning does not touch the time', async () => {
    const { clock, store } = await temp.openWithClock();
    for (const key of ['old', 'mid', 'new']) {
      store.ensureLane(key);
      clock.advance(1_000);
    }
    const before = store.getLane('old')!.updatedAt;
    expect(store.lanes.setPinned('old', true)).toBe(true);
    expect(store.getLane('old')).toMatchObject({ pinned: true, updatedAt: before });
    expect(store.listLaneSummaries().map((s) => s.lane.laneKey)).toEqual(['old', 'new', 'mid']);
    expect(store.lanes.setPinned('nobody', true)).toBe(false);
  });

  it('L35: a deleted lane leaves the list for the trash with all it holds, and a restore brings it back unchanged', async () => {
    const { clock, store } = await temp.openWithClock();
    store.ensureLane('a', { title: 'Plans' });
    store.ensureLane('b');
    store.appendEvent(store.getLane('a')!.sessionId, null, { kind: 'user_message', payload: { text: 'keep me' } });
    store.enqueueInput('a', 'later', { duringDrain: true });
    const lane = store.getLane('a')!;

    clock.advance(5_000);
    expect(store.trash.moveToTrash('a')).toBe(true);
    expect(store.trash.moveToTrash('a')).toBe(false);
    expect(store.getLane('a')!.deletedAt).toBe(clock.now());
    expect(store.listLaneSummaries().map((s) => s.lane.laneKey)).toEqual(['b']);
    expect(store.listLaneSummaries('trash')).toEqual([{ lane: { ...lane, deletedAt: clock.now() }, queuedInputs: 1 }]);

    expect(store.trash.restore('a')).toBe(true);
    expect(store.trash.restore('a')).toBe(false);
    expect(store.getLane('a')).toEqual(lane);
    expect(store.listEvents(lane.sessionId).map((e) => e.payload)).toEqual([{ text: 'keep me' }]);
    expect(store.listLaneSummaries('trash')).toEqual([]);
  });

  it(`L35: the purge removes only conversations ${TRASH_DAYS} days in the trash, with their sessions, events, turns and queued input`, async () => {
    const { clock, store } = await temp.openWithClock();
    for (const key of ['expired', 'recent', 'kept']) {
      store.ensureLane(key, { title: key });
      const sessionId = store.getLane(key)!.sessionId;
      store.beginTurn({ laneKey: key, turnId: `turn_${key}`, trigger: 'message', userText: `about ${key}` });
      store.endTurn({ laneKey: key, turnId: `turn_${key}`, outcome: 'completed' });
      store.appendEvent(sessionId, `turn_${key}`, { kind: 'assistant_text', payload: { text: `answer ${key}`, final: true } });
      store.enqueueInput(key, `queued ${key}`, { duringDrain: true });
    }
    const expiredSession = store.getLane('expired')!.sessionId;
    store.trash.moveToTrash('expired');
    clock.advance(2 * DAY);
    store.trash.moveToTrash('recent');

    clock.advance((TRASH_DAYS - 2) * DAY - 1);
    expect(store.trash.purgeExpired().laneKeys).toEqual([]);
    clock.advance(1);
    expect(store.trash.purgeExpired().laneKeys).toEqual(['expired']);

    expect(store.getLane('expired')).toBeNull();
    expect(store.getSession(expiredSession)).toBeNull();
    expect(store.listEvents(expiredSession)).toEqual([]);
    expect(store.getTurn('turn_expired')).toBeNull();
    expect(store.listQueuedInputs('expired')).toEqual([]);
    expect(store.searchLanes('expired')).toEqual([]);
    // The others keep everything: one still in the trash, one never deleted.
    expect(store.listLaneSummaries('trash').map((s) => s.lane.laneKey)).toEqual(['recent']);
    expect(store.listEvents(store.getLane('recent')!.sessionId)).toHaveLength(2);
    expect(store.listEvents(store.getLane('kept')!.sessionId)).toHaveLength(2);
    expect(store.listQueuedInputs('kept')).toHaveLength(1);

    clock.advance(2 * DAY);
    expect(store.trash.purgeExpired().laneKeys).toEqual(['recent']);
  });
});

describe('the trash is emptied at startup (issue 11, L35)', () => {
  it('L35: a launch purges conversations deleted 30 days ago and keeps younger ones', async () => {
    const clock = fakeClock();
    const h = await CoreHarness.start({ now: clock.now });
    try {
      h.core.store.ensureLane('old');
      h.core.store.ensureLane('young');
      h.core.store.ensureLane('kept');
      expect(await h.core.gateway.deleteLane('old')).toBe(true);
      clock.advance(DAY);
      await h.core.gateway.deleteLane('young');
      clock.advance(TRASH_DAYS * DAY - DAY);
      await h.relaunch();
      expect(h.core.store.getLane('old')).toBeNull();
      expect(h.core.store.getLane('young')?.deletedAt).not.toBeNull();
      expect(h.core.store.getLane('kept')?.deletedAt).toBeNull();
    } finally {
      h.cleanup();
    }
  });
});

describe('a purged conversation leaves no tool output behind (issue 10, issue 11, L35)', () => {
  it("L35: the purge removes the files of its tool calls' full outputs and keeps other conversations' files", async () => {
    const clock = fakeClock();
    const h = await CoreHarness.start({ now: clock.now });
    try {
      const dataDir = path.dirname(h.core.store.file);
      const files: Record<string, string> = {};
      for (const key of ['gone', 'kept']) {
        h.core.store.ensureLane(key);
        const sessionId = h.core.store.getLane(key)!.sessionId;
        const payload = { callId: `call_${key}`, head: 'head', tail: 'tail', length: 100_000, totalBytes: 100_000, fullOutput: true, final: true };
        const row = h.core.store.appendEvent(sessionId, null, { kind: 'tool_output', payload });
        // A short output keeps no file: its row has nothing to name.
        h.core.store.appendEvent(sessionId, null, { kind: 'tool_output', payload: { ...payload, callId: `short_${key}`, length: 4, totalBytes: 4, fullOutput: false } });
        files[key] = fullOutputPath(dataDir, { seq: row.seq, sessionId, callId: payload.callId });
        fs.mkdirSync(path.dirname(files[key]!), { recursive: true });
        fs.writeFileSync(files[key]!, 'the whole output');
      }
      expect(await h.core.gateway.deleteLane('gone')).toBe(true);
      expect(await h.core.gateway.deleteLane('kept')).toBe(true);
      h.core.gateway.restoreLane('kept');
      clock.advance((TRASH_DAYS + 1) * DAY);

      expect(await h.core.gateway.purgeTrash()).toEqual(['gone']);
      expect(fs.existsSync(files.gone!)).toBe(false);
      expect(fs.existsSync(files.kept!)).toBe(true);
      // A file already gone is no error, and a second purge finds nothing more.
      expect(await h.core.gateway.purgeTrash()).toEqual([]);
      expect(h.logs.filter((line) => line.includes('tool output'))).toEqual([]);
    } finally {
      h.cleanup();
    }
  });
});

describe('a conversation in the trash is not resumed at launch (issue 11, L20, L35)', () => {
  it('L20/L35: an interrupted conversation deleted before a relaunch is neither auto-resumed nor reported; a restore offers Resume', async () => {
    const h = await CoreHarness.start();
    try {
      h.agents.script('a', { steps: [{ gate: 'slow' }] });
      await h.core.gateway.send('a', 'long job');
      await h.agents.reached.waitFor(1);
      h.settings = { ...h.settings, autoResume: false };
      await h.core.requestExit('restart');
      await h.relaunch();
      expect(h.core.startup.awaitingUser).toEqual(['a']);
      expect(await h.core.gateway.deleteLane('a')).toBe(true);

      h.settings = { ...h.settings, autoResume: true };
      await h.relaunch((agents) => agents.script('a', { steps: [{ text: 'resumed' }] }));
      expect(h.core.startup.autoResumed).toEqual([]);
      expect(h.core.startup.awaitingUser).toEqual([]);
      expect(h.core.gateway.requestResume('a')).toBe(false);
      await h.core.gateway.whenIdle();
      // The interruption is still there to decide on once the conversation is back; no attempt was used up.
      expect(h.core.store.getLane('a')).toMatchObject({ resumePending: true, autoResumedTurnId: null });

      expect(h.core.gateway.restoreLane('a')).toBe(true);
      await h.core.gateway.whenIdle();
      expect(h.core.store.getLane('a')).toMatchObject({ deletedAt: null, resumePending: true });
    } finally {
      h.cleanup();
    }
  });
});
