import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { CleanExitMarker } from '../../../electron/core/lifecycle/clean-exit-marker.ts';
import { DrainCoordinator } from '../../../electron/core/lifecycle/drain-coordinator.ts';
import type { StoreConnection } from '../../../electron/core/sessions/store-connection.ts';
import { StoreCorruptError } from '../../../electron/core/sessions/store-errors.ts';
import { SessionStore } from '../../../electron/core/sessions/store.ts';
import { CoreHarness, FakeApp } from '../../support/core-harness.ts';

let harness: CoreHarness;

afterEach(() => harness?.cleanup());

/** Starts a turn on each lane that parks at a gate, and waits until every one is running there. */
async function parkTurns(h: CoreHarness, lanes: string[], options: { interrupts?: 'honour' | 'ignore' } = {}): Promise<void> {
  for (const lane of lanes) {
    h.agents.script(lane, { steps: [{ text: `working on ${lane}`, chunks: 2 }, { gate: `gate-${lane}` }, { text: ' done' }], interrupts: options.interrupts ?? 'honour' });
    await h.core.gateway.send(lane, `task for ${lane}`);
  }
  await h.agents.reached.waitFor(lanes.length, (name) => lanes.some((lane) => name === `gate-${lane}`));
}

function lane(h: CoreHarness, key: string) {
  return h.core.store.getLane(key)!;
}

describe('drain (SPEC §4)', () => {
  it('L9/L11: on quit, two lanes still running at the timeout are both marked shutdown_timeout and interrupted', async () => {
    harness = await CoreHarness.start();
    await parkTurns(harness, ['a', 'b']);

    const result = await harness.core.requestExit('quit');

    expect(result.timedOut).toBe(true);
    expect(result.interrupted.sort()).toEqual(['a', 'b']);
    for (const key of ['a', 'b']) {
      const record = lane(harness, key);
      expect(record.resumePending).toBe(true);
      expect(record.resumeReason).toBe('shutdown_timeout');
      expect(record.lastResumeMarkedAt).not.toBeNull();
      expect(record.activeTurn).toBeNull(); // the turn recorded its interruption within the grace period
      expect(record.restartFailureCount).toBe(1);
      const events = harness.core.store.listEvents(record.sessionId);
      expect(events.at(-1)).toMatchObject({ kind: 'interruption', payload: { cause: 'drain', reason: 'shutdown_timeout' } });
    }
    expect(harness.app.actions).toEqual(['quit']);
  });

  it('L9: on restart the marks say restart_timeout and the exit action is relaunch', async () => {
    harness = await CoreHarness.start();
    await parkTurns(harness, ['a', 'b']);

    const result = await harness.core.requestExit('restart');

    expect(result.action).toBe('relaunch');
    expect(lane(harness, 'a').resumeReason).toBe('restart_timeout');
    expect(lane(harness, 'b').resumeReason).toBe('restart_timeout');
    expect(harness.app.actions).toEqual(['relaunch']);
  });

  it('L9/L10: a turn that finishes within the drain was marked ahead, then leaves no mark and is not interrupted', async () => {
    harness = await CoreHarness.start({ settings: { drainTimeoutSeconds: 5 } });
    await parkTurns(harness, ['a']);

    const drained = harness.core.requestExit('quit');
    // Write-ahead: the mark is on disk before the wait begins.
    expect(lane(harness, 'a')).toMatchObject({ resumePending: true, resumeReason: 'shutdown_timeout' });
    harness.agents.release('gate-a');
    const result = await drained;

    expect(result.timedOut).toBe(false);
    expect(result.interrupted).toEqual([]);
    expect(lane(harness, 'a')).toMatchObject({ resumePending: false, resumeReason: null, lastResumeMarkedAt: null, restartFailureCount: 0 });
    const kinds = harness.core.store.listEvents(lane(harness, 'a').sessionId).map((e) => e.kind);
    expect(kinds).not.toContain('interruption');
    expect(result.cleanMarkerWritten).toBe(true);
  });

  it('L10/L11: a lane that finished during the wait is not marked while a stuck one is', async () => {
    harness = await CoreHarness.start({ settings: { drainTimeoutSeconds: 0.5 } });
    await parkTurns(harness, ['done', 'stuck']);

    const drained = harness.core.requestExit('restart');
    harness.agents.release('gate-done');
    const result = await drained;

    expect(result.interrupted).toEqual(['stuck']);
    expect(lane(harness, 'done').resumePending).toBe(false);
    expect(lane(harness, 'stuck')).toMatchObject({ resumePending: true, resumeReason: 'restart_timeout' });
  });

  it('L11: the set of marked lanes equals the set of interrupted lanes (completed, failed and stuck turns)', async () => {
    harness = await CoreHarness.start({ settings: { drainTimeoutSeconds: 0.5 } });
    harness.agents.script('fails', { steps: [{ gate: 'gate-fails' }, { fail: 'model exploded' }] });
    await harness.core.gateway.send('fails', 'go');
    await parkTurns(harness, ['completes', 'stuck']);
    await harness.agents.reached.waitFor(1, (g) => g === 'gate-fails');

    const drained = harness.core.requestExit('quit');
    harness.agents.release('gate-completes');
    harness.agents.release('gate-fails');
    const result = await drained;

    const marked = harness.core.store.listLanes().filter((l) => l.resumePending).map((l) => l.laneKey);
    expect(marked).toEqual(result.interrupted);
    expect(marked).toEqual(['stuck']);
    expect(result.markedAhead.sort()).toEqual(['completes', 'fails', 'stuck']);
  });

  it('L11: a starting lane is neither marked nor interrupted, and its message is replayed after the restart', async () => {
    harness = await CoreHarness.start();
    const hold = harness.agents.holdCreation('starting');
    await harness.core.gateway.send('starting', 'please remember this');
    expect(harness.core.gateway.startingLanes()).toEqual(['starting']);

    const drained = harness.core.requestExit('restart');
    hold.release();
    const result = await drained;

    expect(result.markedAhead).toEqual([]);
    expect(result.interrupted).toEqual([]);
    expect(result.timedOut).toBe(false);
    const record = lane(harness, 'starting');
    expect(record.resumePending).toBe(false);
    expect(record.activeTurn).toBeNull();
    expect(harness.core.store.listQueuedInputs('starting').map((q) => q.text)).toEqual(['please remember this']);

    const core = await harness.relaunch();
    expect(core.startup.replayed).toEqual(['starting']);
    const [input] = await harness.agents.inputs.waitFor(1);
    expect(input!.userText).toBe('please remember this');
    await core.gateway.whenIdle();
    const texts = core.store.listEvents(lane(harness, 'starting').sessionId).filter((e) => e.kind === 'user_message');
    expect(texts.map((e) => e.payload)).toEqual([{ text: 'please remember this' }]);
    expect(core.store.listQueuedInputs('starting')).toEqual([]);
  });

  it('L7: a message sent during the drain is stored as queued input, shown as queued and answered after relaunch', async () => {
    harness = await CoreHarness.start();
    await parkTurns(harness, ['busy']);
    const drained = harness.core.requestExit('restart');

    const reply = await harness.core.gateway.send('other', 'typed while restarting');
    expect(reply.status).toBe('queued-for-restart');
    const laneEvents = harness.sink.events.filter((e) => e.type === 'lane' && e.lane.laneKey === 'other');
    expect(laneEvents.at(-1)).toMatchObject({ lane: { queuedInputs: 1, activity: 'idle' } });
    await drained;
    expect(harness.core.store.listQueuedInputs('other')).toMatchObject([{ text: 'typed while restarting', duringDrain: true }]);

    const core = await harness.relaunch();
    await harness.agents.inputs.waitFor(1, (i) => i.laneKey === 'other');
    await core.gateway.whenIdle();
    const events = core.store.listEvents(lane(harness, 'other').sessionId);
    expect(events.map((e) => e.kind)).toEqual(['user_message', 'assistant_text']);
  });

  it('L9: a kill during the wait still leaves the running lanes marked on disk', async () => {
    harness = await CoreHarness.start({ settings: { drainTimeoutSeconds: 30 } });
    await parkTurns(harness, ['a', 'b']);
    void harness.core.requestExit('update');
    harness.crash(); // nothing after this instant reaches the disk

    const store = await SessionStore.open({ dataDir: harness.dataDir });
    try {
      for (const key of ['a', 'b']) {
        const record = store.getLane(key)!;
        expect(record).toMatchObject({ resumePending: true, resumeReason: 'update_timeout' });
        expect(record.activeTurn).not.toBeNull();
      }
    } finally {
      store.close();
    }
  });

  it('SPEC §4: two triggers make one drain and one exit action', async () => {
    harness = await CoreHarness.start();
    await parkTurns(harness, ['a']);

    const first = harness.core.requestExit('quit');
    const second = harness.core.requestExit('restart');
    expect(second).toBe(first);
    await first;

    expect(harness.app.actions).toEqual(['quit']);
  });

  it('L13: an update joining a quit upgrades the exit action and the mark reason', async () => {
    harness = await CoreHarness.start();
    await parkTurns(harness, ['a']);

    const first = harness.core.requestExit('quit');
    void harness.core.requestExit('update');
    const result = await first;

    expect(result.action).toBe('install-update');
    expect(harness.app.actions).toEqual(['install-update']);
    expect(lane(harness, 'a').resumeReason).toBe('update_timeout');
  });

  it('L9/L13: an update joining a quit after the deadline re-marks the interrupted lanes with update_timeout', async () => {
    harness = await CoreHarness.start({ settings: { drainTimeoutSeconds: 0.05, graceSeconds: 0.5 } });
    await parkTurns(harness, ['a'], { interrupts: 'ignore' });
    const live = harness.core.gateway.registry.get('a')!;
    const interrupted = new Promise<void>((resolve) => live.hardAbort.signal.addEventListener('abort', () => resolve(), { once: true }));

    const quitting = harness.core.requestExit('quit');
    await interrupted; // the deadline passed: marked shutdown_timeout, interrupted, in the grace period
    expect(lane(harness, 'a').resumeReason).toBe('shutdown_timeout');
    void harness.core.requestExit('update');
    const result = await quitting;

    expect(result.action).toBe('install-update');
    expect(lane(harness, 'a').resumeReason).toBe('update_timeout');
    harness.agents.release('gate-a');
  });

  it('L12/L14: the clean-exit marker is written only when the drain did not time out', async () => {
    harness = await CoreHarness.start();
    await parkTurns(harness, ['a']);
    const marker = new CleanExitMarker(harness.dataDir);

    await harness.core.requestExit('restart');
    expect(marker.exists()).toBe(false);
    let core = await harness.relaunch();
    expect(core.previousExit).toBeNull();

    await core.gateway.whenIdle();
    // Issue 13: the marker waits for the background integrity check after the unclean exit.
    expect(await core.integrityCheck?.result).toBe('sound');
    await core.requestExit('quit');
    expect(marker.exists()).toBe(true);
    core = await harness.relaunch();
    expect(core.previousExit).toMatchObject({ reason: 'quit' });
    expect(marker.exists()).toBe(false); // consumed
  });

  it('R2/L12: a store found damaged while running gets no clean-exit marker, so the next launch checks the file', async () => {
    harness = await CoreHarness.start();
    const marker = new CleanExitMarker(harness.dataDir);
    // What better-sqlite3 raises when a read meets a damaged page.
    const connection = (harness.core.store as unknown as { db: StoreConnection }).db;
    expect(() =>
      connection.guard(() => {
        throw Object.assign(new Error('database disk image is malformed'), { code: 'SQLITE_CORRUPT' });
      }),
    ).toThrow(StoreCorruptError);

    const result = await harness.core.requestExit('quit');
    expect(result.cleanMarkerWritten).toBe(false);
    expect(marker.exists()).toBe(false);
  });

  it('L29/L12: after an update whose drain interrupted a turn (no clean marker), the new version still knows it was updated, once', async () => {
    harness = await CoreHarness.start({ settings: { drainTimeoutSeconds: 0 } });
    await parkTurns(harness, ['a']);
    const result = await harness.core.requestExit('update');
    expect(result.interrupted).toEqual(['a']);
    expect(new CleanExitMarker(harness.dataDir).exists()).toBe(false);

    harness.version = '0.2.0';
    let core = await harness.relaunch();
    expect(core.previousExit).toBeNull();
    expect(core.updatedFrom).toBe('0.1.0-test');
    core = await harness.relaunch();
    expect(core.updatedFrom).toBeNull();
  });

  it('L10: a drain timeout of 0 interrupts at once', async () => {
    harness = await CoreHarness.start({ settings: { drainTimeoutSeconds: 0 } });
    await parkTurns(harness, ['a']);
    const result = await harness.core.requestExit('quit');
    expect(result.interrupted).toEqual(['a']);
  });

  it('L10/L27: an OS shutdown uses its short budget, and shortens a quit already draining', async () => {
    harness = await CoreHarness.start({ settings: { drainTimeoutSeconds: 60, osShutdownBudgetSeconds: 0.05 } });
    await parkTurns(harness, ['a']);
    const quitting = harness.core.requestExit('quit');
    void harness.core.requestExit('os-shutdown');
    const result = await quitting;
    expect(result.timedOut).toBe(true);
    expect(result.interrupted).toEqual(['a']);
    expect(lane(harness, 'a').resumeReason).toBe('shutdown_timeout');
  });

  it('L12: the watchdog ends the process when the exit does not happen in time', async () => {
    harness = await CoreHarness.start();
    await parkTurns(harness, ['a'], { interrupts: 'ignore' });
    const app = new FakeApp();
    let forced: () => void = () => {};
    const forcedExit = new Promise<void>((resolve) => (forced = resolve));
    let forcedAction: string | undefined;
    app.forceExit = (action) => {
      app.forced += 1;
      forcedAction = action;
      forced();
    };
    app.performExit = () => new Promise(() => {}); // the exit hangs forever
    const coordinator = new DrainCoordinator({
      gateway: harness.core.gateway,
      store: harness.core.store,
      settings: () => ({ drainTimeoutSeconds: 0.05, graceSeconds: 0.05, osShutdownBudgetSeconds: 0.05 }),
      marker: new CleanExitMarker(harness.dataDir),
      app,
      watchdogMarginMs: 50,
      log: () => {},
    });
    void coordinator.request('restart');
    await forcedExit;
    expect(app.forced).toBe(1);
    expect(forcedAction).toBe('relaunch'); // a forced restart still relaunches (L30)
    // The agent ignored the interrupt, so its journal stays open for crash recovery (L15).
    expect(lane(harness, 'a').activeTurn).not.toBeNull();
    coordinator.dispose();
    harness.agents.release('gate-a');
  });

  it('L8: a restart with one running lane sends exactly one banner to that conversation, hedged, plus a global countdown', async () => {
    harness = await CoreHarness.start();
    await parkTurns(harness, ['a']);
    await harness.core.gateway.send('idle', '/status');

    await harness.core.requestExit('restart');

    const banners = harness.sink.banners().filter((b) => b.kind === 'drain');
    const laneBanners = banners.filter((b) => b.scope === 'lane');
    expect(laneBanners).toHaveLength(1);
    expect(laneBanners[0]).toMatchObject({ laneKey: 'a', reason: 'restart' });
    expect(laneBanners[0]!.text).toContain('restarting');
    expect(laneBanners[0]!.text).toContain('try to resume');
    expect(laneBanners[0]!.text).not.toMatch(/will resume/);
    const global = banners.filter((b) => b.scope === 'global');
    expect(global).toMatchObject([{ runningCount: 1, reason: 'restart' }]);
    expect(global[0]!.kind === 'drain' && global[0]!.deadline).toBeGreaterThan(0);
  });

  it('L9: the write-ahead marks are committed before the first drain banner goes out (issue 13: a kill while 1,000 banners are sent loses no mark)', async () => {
    harness = await CoreHarness.start();
    await parkTurns(harness, ['a', 'b']);
    const markedAtBanner: boolean[] = [];
    const sink = harness.sink;
    const emit = sink.emit.bind(sink);
    sink.emit = (event) => {
      if (event.type === 'banner' && event.banner.kind === 'drain') markedAtBanner.push(['a', 'b'].every((key) => lane(harness, key).resumePending));
      emit(event);
    };

    await harness.core.requestExit('restart');

    expect(markedAtBanner).toEqual([true, true, true]); // the global banner and one per running conversation
    expect(harness.logs.filter((line) => line.startsWith('Write-ahead marks committed for 2 running turns in '))).toHaveLength(1);
  });

  it('L8: a throwing banner sink does not block the exit', async () => {
    harness = await CoreHarness.start();
    await parkTurns(harness, ['a']);
    harness.sink.failBanners = true;

    const result = await harness.core.requestExit('restart');

    expect(harness.app.actions).toEqual(['relaunch']);
    expect(result.interrupted).toEqual(['a']);
    expect(harness.logs.some((line) => line.includes('banner'))).toBe(true);
  });

  it('L12: the clean-exit marker is whole JSON naming the exit reason', async () => {
    harness = await CoreHarness.start();
    await harness.core.requestExit('update');
    const text = fs.readFileSync(new CleanExitMarker(harness.dataDir).file, 'utf8');
    expect(JSON.parse(text)).toMatchObject({ reason: 'update', version: '0.1.0-test' });
  });
});

describe('drain budgets', () => {
  it('L10: a budget beyond a day is capped, so timers never overflow into an instant exit', async () => {
    const { drainBudgetMs, MAX_BUDGET_SECONDS } = await import('../../../electron/core/lifecycle/drain-budget.ts');
    expect(drainBudgetMs('quit', { drainTimeoutSeconds: 3_000_000, osShutdownBudgetSeconds: 3, graceSeconds: 5 })).toBe(MAX_BUDGET_SECONDS * 1000);
    expect(MAX_BUDGET_SECONDS * 1000).toBeLessThan(2 ** 31 - 1);
  });
});
