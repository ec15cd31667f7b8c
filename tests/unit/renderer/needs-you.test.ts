/**
 * "Needs you" everywhere (issue 10, SPEC L31, L8, L29): the sidebar's order and filter, the window
 * title, the drain's words for a turn blocked on a person, the relaunch summary, the one
 * notification per wait, and a relaunch banner's dismissal that outlives a reload but not a relaunch.
 */
import { describe, expect, it } from 'vitest';
import type { LaneStatus } from '../../../shared/gateway-events.ts';
import { DEFAULT_SETTINGS } from '../../../shared/settings.ts';
import {
  approvalNoticeWords,
  awaitingChange,
  drainTurns,
  filterCounts,
  LANE_FILTERS,
  matchesFilter,
  relaunchSummary,
  stillToDecide,
  windowTitle,
} from '../../../shared/lane-condition.ts';
import { globalDrainBanner, laneDrainBanner } from '../../../electron/core/lifecycle/drain-banners.ts';
import { relaunchBannerKey, sortedLanes } from '../../../renderer/src/state/app-state.ts';
import { AppStore, type KeyValueStorage } from '../../../renderer/src/state/store.ts';
import { appStatus } from './app-status.ts';
import { FakeGateway, settle } from './fake-gateway.ts';
import { lane } from './lanes.ts';

const waiting = (key: string, updatedAt: number) => lane(key, { activity: 'running', awaitingApproval: true, updatedAt });
const interrupted = (key: string, updatedAt: number) => lane(key, { resumePending: true, resumeReason: 'restart', updatedAt });
const running = (key: string, updatedAt: number) => lane(key, { activity: 'running', updatedAt });

function mapOf(lanes: LaneStatus[]): Map<string, LaneStatus> {
  return new Map(lanes.map((l) => [l.laneKey, l]));
}

describe('L31: who needs you comes first', () => {
  const lanes = mapOf([
    lane('idle-new', { updatedAt: 900 }),
    running('run', 800),
    interrupted('int-old', 100),
    waiting('wait-old', 50),
    interrupted('int-new', 300),
    waiting('wait-new', 700),
    lane('suspended', { suspended: true, updatedAt: 1_000 }),
  ]);

  it('L31: awaiting approval first, then interrupted, then the rest, each newest first', () => {
    expect(sortedLanes(lanes).map((l) => l.laneKey)).toEqual(['wait-new', 'wait-old', 'int-new', 'int-old', 'suspended', 'idle-new', 'run']);
  });

  it('L31: the sidebar filter shows one condition each, with counts', () => {
    expect(filterCounts(lanes.values())).toEqual({ all: 7, running: 1, 'needs-you': 2, interrupted: 2 });
    const shown = Object.fromEntries(LANE_FILTERS.map((f) => [f, sortedLanes(lanes).filter((l) => matchesFilter(l, f)).map((l) => l.laneKey)]));
    expect(shown).toEqual({
      all: ['wait-new', 'wait-old', 'int-new', 'int-old', 'suspended', 'idle-new', 'run'],
      running: ['run'],
      'needs-you': ['wait-new', 'wait-old'],
      interrupted: ['int-new', 'int-old'],
    });
  });

  it('L31: the window title counts who needs you, in the tray’s words', () => {
    expect(windowTitle([lane('a'), running('b', 1)])).toBe('Baton');
    expect(windowTitle([waiting('a', 1)])).toBe('Baton — 1 needs you');
    expect(windowTitle(lanes.values())).toBe('Baton — 2 need you · 2 interrupted');
    expect(windowTitle([interrupted('a', 1)])).toBe('Baton — 1 interrupted');
  });

  it('L31: a notification names the conversation that waits', () => {
    expect(approvalNoticeWords('Fix the build')).toEqual({ title: 'Fix the build needs you', body: 'A tool call is waiting for your approval.' });
    expect(approvalNoticeWords('  ').title).toBe('A conversation needs you');
  });

  it('L31: a wait is notified once, when it starts, not on every push while it lasts', () => {
    const first = awaitingChange(new Set(), [waiting('a', 1), running('b', 1)]);
    expect(first.started).toEqual(['a']);
    const again = awaitingChange(first.awaiting, [waiting('a', 2), waiting('b', 2)]);
    expect(again.started).toEqual(['b']);
    const answered = awaitingChange(again.awaiting, [running('a', 3), waiting('b', 3)]);
    expect(answered.started).toEqual([]);
    expect(awaitingChange(answered.awaiting, [waiting('a', 4)]).started).toEqual(['a']);
  });
});

describe('L8, L31: a drain knows a turn blocked on a person cannot finish by waiting', () => {
  it('L8, L31: the global banner counts running turns and those waiting for your approval apart', () => {
    expect(drainTurns(2, 1)).toBe('1 running turn, 1 waiting for your approval');
    expect(drainTurns(1, 1)).toBe('1 waiting for your approval');
    expect(drainTurns(3)).toBe('3 running turns');
    const banner = globalDrainBanner('restart', 60_000, 60_000, 2, 1);
    expect(banner).toMatchObject({ runningCount: 2, awaitingCount: 1 });
    expect(banner.text).toBe('Baton is restarting: waiting up to 60 seconds for 1 running turn, 1 waiting for your approval.');
    expect(globalDrainBanner('restart', 60_000, 60_000, 1).text).toBe('Baton is restarting: waiting up to 60 seconds for 1 running turn to finish.');
  });

  it('L8, L31: the lane banner of a waiting turn says the approval will be asked again', () => {
    const waitingBanner = laneDrainBanner('a', 'restart', 60_000, 60_000, true);
    expect(waitingBanner.text).toContain('This turn is waiting for your approval: answer within 60 seconds and it goes on');
    expect(waitingBanner.text).toContain('the approval will be asked again when Baton resumes it');
    expect(laneDrainBanner('a', 'restart', 60_000, 60_000).text).toContain('will try to resume where it left off');
  });
});

describe('L29: after a relaunch', () => {
  it('L29: "2 conversations resumed · 1 needs your decision", also after an update', () => {
    expect(relaunchSummary({ updatedFrom: null, version: '1.0.0', resumed: 2, needsDecision: 1 })?.text).toBe('2 conversations resumed · 1 needs your decision.');
    expect(relaunchSummary({ updatedFrom: null, version: '1.0.0', resumed: 0, needsDecision: 2 })?.text).toBe('2 need your decision.');
    expect(relaunchSummary({ updatedFrom: '0.9.0', version: '1.0.0', resumed: 1, needsDecision: 1 })?.text).toBe('Updated to v1.0.0 — 1 conversation resumed · 1 needs your decision.');
    expect(relaunchSummary({ updatedFrom: null, version: '1.0.0', resumed: 1 })?.text).toBe('1 conversation resumed where it left off.');
    expect(relaunchSummary({ updatedFrom: null, version: '1.0.0', resumed: 0, needsDecision: 0 })).toBeNull();
  });

  it('L29: a conversation decided on since the relaunch (resumed, discarded, deleted) no longer "needs your decision"', () => {
    const lanes = new Map([
      ['waiting', interrupted('waiting', 1)],
      ['resumed', { ...lane('resumed'), activity: 'running' as const }],
      ['discarded', lane('discarded')],
    ]);
    expect(stillToDecide(['waiting', 'resumed', 'discarded', 'deleted'], lanes)).toEqual(['waiting']);
  });

  function openWindow(storage: KeyValueStorage, instanceId: string): AppStore {
    const gateway = new FakeGateway({
      'app.status': () => appStatus(instanceId, { previousExit: { reason: 'restart', at: 1, version: '0.1.0' }, startup: { autoResumed: ['a'], awaitingUser: ['b'], suspended: [], replayed: [] } }),
      'lanes.list': () => [lane('a'), interrupted('b', 1)],
      'settings.get': () => ({ settings: { ...DEFAULT_SETTINGS, providers: [] }, providers: [], warnings: [], notices: [] }),
    });
    const store = new AppStore(gateway, { storage });
    store.start();
    gateway.connect('open');
    return store;
  }

  it('L29: a dismissed relaunch banner stays dismissed after a reload, and the next relaunch shows its own', async () => {
    const saved = new Map<string, string>();
    const storage: KeyValueStorage = { getItem: (key) => saved.get(key) ?? null, setItem: (key, value) => void saved.set(key, value) };
    const first = openWindow(storage, 'launch-1');
    await settle();
    expect(first.getState().dismissed.has(relaunchBannerKey('launch-1'))).toBe(false);
    first.dismissRelaunch();
    expect(first.getState().dismissed.has(relaunchBannerKey('launch-1'))).toBe(true);

    const reloaded = openWindow(storage, 'launch-1');
    await settle();
    expect(reloaded.getState().dismissed.has(relaunchBannerKey('launch-1'))).toBe(true);

    const relaunched = openWindow(storage, 'launch-2');
    await settle();
    expect(relaunched.getState().dismissed.has(relaunchBannerKey('launch-2'))).toBe(false);
  });
});
