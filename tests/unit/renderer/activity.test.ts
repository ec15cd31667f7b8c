/**
 * Issue 10, the activity view (L31): which turns it lists, in which order, and the words of their
 * progress and elapsed time — from lane summaries alone.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../shared/settings.ts';
import { AppStore } from '../../../renderer/src/state/store.ts';
import { appStatus } from './app-status.ts';
import { FakeGateway, settle } from './fake-gateway.ts';
import { activityCount, activityKind, activityLanes, formatElapsed, progressWords } from '../../../renderer/src/lib/activity.ts';
import { lane } from './lanes.ts';

describe('activity view (issue 10, L31)', () => {
  const lanes = [
    lane('idle'),
    lane('suspended', { suspended: true }),
    lane('trashed', { activity: 'running', turnStartedAt: 10, deletedAt: 20 }),
    lane('run-late', { activity: 'running', turnStartedAt: 500, stepCount: 1 }),
    lane('run-early', { activity: 'running', turnStartedAt: 100 }),
    lane('starting', { activity: 'starting', turnStartedAt: 700 }),
    lane('queued', { queuedInputs: 2, updatedAt: 50 }),
    lane('interrupted', { resumePending: true, resumeReason: 'restart_timeout', updatedAt: 900 }),
    lane('waiting', { activity: 'running', awaitingApproval: true, turnStartedAt: 800, approvals: [{ callId: 'c1', tool: 'shell' }] }),
  ];

  it('L31: lists every running, starting, queued, waiting and interrupted turn — never idle, suspended or trashed ones — who needs you first, then the longest-running', () => {
    expect(activityLanes(lanes).map((l) => l.laneKey)).toEqual(['waiting', 'interrupted', 'queued', 'run-early', 'run-late', 'starting']);
    expect(activityCount(lanes)).toBe(6);
    expect(lanes.map(activityKind)).toEqual([null, null, 'running', 'running', 'running', 'starting', 'queued', 'interrupted', 'awaiting-approval']);
  });

  it('issue 10: progress reads "N steps · tool" and elapsed time "m:ss" or "h:mm:ss"', () => {
    expect(progressWords(lane('a', { activity: 'running', stepCount: 3, currentTool: 'shell' }))).toBe('3 steps · shell');
    expect(progressWords(lane('a', { activity: 'running', stepCount: 1, currentTool: null }))).toBe('1 step');
    expect(progressWords(lane('a', { activity: 'running' }))).toBe('');
    expect(formatElapsed(7_400)).toBe('0:07');
    expect(formatElapsed(754_000)).toBe('12:34');
    expect(formatElapsed(3_723_000)).toBe('1:02:03');
    expect(formatElapsed(-5)).toBe('0:00');
  });
});

describe('a notification opens its conversation (issue 10)', () => {
  function windowWith(options: { openFirst?: string | null; remembered?: string } = {}) {
    const gateway = new FakeGateway({
      'app.status': () => appStatus('i1'),
      'lanes.list': () => [lane('a'), lane('b'), lane('c')],
      'settings.get': () => ({ settings: { ...DEFAULT_SETTINGS, providers: [] }, providers: [], warnings: [], notices: [] }),
      'transcript.get': (params) => ({ sessionId: `${params.laneKey}-s1`, events: [] }),
    });
    const saved = new Map<string, string>(options.remembered ? [['baton.openLane', options.remembered]] : []);
    const store = new AppStore(gateway, { storage: { getItem: (key) => saved.get(key) ?? null, setItem: (key, value) => void saved.set(key, value) }, openFirst: options.openFirst ?? null });
    store.start();
    gateway.connect('open');
    return { gateway, store };
  }

  it('issue 10: the desktop\'s open-lane push selects that conversation and loads it; an unknown one changes nothing', async () => {
    const { gateway, store } = windowWith({ remembered: 'a' });
    await settle();
    expect(store.getState().openLaneKey).toBe('a');
    gateway.pushEvent({ channel: 'open-lane', laneKey: 'b' });
    await settle();
    expect(store.getState().openLaneKey).toBe('b');
    expect(store.getState().transcript).toMatchObject({ status: 'ready', model: { laneKey: 'b' } });
    gateway.pushEvent({ channel: 'open-lane', laneKey: 'gone' });
    await settle();
    expect(store.getState().openLaneKey).toBe('b');
  });

  it('issue 10: a window opened for a notification opens its conversation first, not the remembered one', async () => {
    const { store } = windowWith({ openFirst: 'c', remembered: 'a' });
    await settle();
    expect(store.getState().openLaneKey).toBe('c');
  });
});
