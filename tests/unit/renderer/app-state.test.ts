import { describe, expect, it } from 'vitest';
import type { GatewayEvent } from '../../../shared/gateway-events.ts';
import type { PushEvent } from '../../../shared/protocol/contract.ts';
import {
  initialState,
  laneConditionView,
  laneLabel,
  needsTranscriptReload,
  reduce,
  sessionResetView,
  sortedLanes,
  type Action,
  type AppState,
} from '../../../renderer/src/state/app-state.ts';
import { EventLog } from './events.ts';
import { lane } from './lanes.ts';

function gateway(event: GatewayEvent): Action {
  const push: PushEvent = { channel: 'gateway', event };
  return { type: 'push', event: push };
}

function run(...actions: Action[]): AppState {
  return actions.reduce(reduce, initialState());
}

describe('lanes in the sidebar', () => {
  it('lists conversations newest activity first', () => {
    const state = run({ type: 'lanes-loaded', lanes: [lane('old', { updatedAt: 1 }), lane('new', { updatedAt: 3 }), lane('mid', { updatedAt: 2 })] });
    expect(sortedLanes(state.lanes).map((l) => l.laneKey)).toEqual(['new', 'mid', 'old']);
  });

  it('labels an untitled conversation with its first message', () => {
    const log = new EventLog('a-s1');
    const state = run(
      { type: 'lanes-loaded', lanes: [lane('a')] },
      gateway({ type: 'transcript', laneKey: 'a', event: log.next('user_message', { text: 'What is the weather on Mars?' }) }),
      gateway({ type: 'transcript', laneKey: 'a', event: log.next('user_message', { text: 'second' }) }),
    );
    expect(laneLabel(state.lanes.get('a')!, state.previews)).toBe('What is the weather on Mars?');
    expect(laneLabel(lane('b', { title: 'Named' }), state.previews)).toBe('Named');
    expect(laneLabel(lane('c'), state.previews)).toBe('New conversation');
  });
});

describe('L20: Interrupted — Resume / Discard', () => {
  it('shows from lane status alone, so it is there after a reconnect', () => {
    const state = run({ type: 'lanes-loaded', lanes: [lane('a', { resumePending: true, resumeReason: 'update_timeout' })] });
    expect(laneConditionView(state, 'a')).toEqual({ condition: 'interrupted', text: 'Interrupted by an update. Resume where it left off, or discard.' });
  });

  it('L21: a stale mark is offered in other words, from the lane summary', () => {
    const state = run({ type: 'lanes-loaded', lanes: [lane('a', { resumePending: true, resumeReason: 'crash', resumeStale: true })] });
    expect(laneConditionView(state, 'a')).toEqual({ condition: 'interrupted', text: 'Interrupted by a crash too long ago to resume automatically. Resume it, or start fresh.' });
  });

  it('goes away while the lane runs and once the mark is cleared', () => {
    let state = run({ type: 'lanes-loaded', lanes: [lane('a', { resumePending: true, resumeReason: 'crash' })] });
    state = reduce(state, gateway({ type: 'lane', lane: lane('a', { resumePending: true, resumeReason: 'crash', activity: 'running' }) }));
    expect(laneConditionView(state, 'a')).toEqual({ condition: 'running', text: null });
    state = reduce(state, gateway({ type: 'lane', lane: lane('a') }));
    expect(laneConditionView(state, 'a')).toEqual({ condition: 'idle', text: null });
  });

  it('L16: is not offered for a suspended lane', () => {
    const state = run({ type: 'lanes-loaded', lanes: [lane('a', { resumePending: true, suspended: true, restartFailureCount: 3 })] });
    expect(laneConditionView(state, 'a')?.condition).toBe('suspended');
  });
});

describe('L25: Restore previous session', () => {
  it('comes from the session-reset banner', () => {
    const state = run(gateway({ type: 'banner', banner: { kind: 'session-reset', laneKey: 'a', previousSessionId: 'old', text: 'Reset.' } }));
    expect(sessionResetView(state, 'a')).toMatchObject({ previousSessionId: 'old', text: 'Reset.' });
  });

  it('comes from the transcript’s notice after a reload, until a restore notice follows', () => {
    const log = new EventLog('a-s2');
    let state = run({ type: 'lanes-loaded', lanes: [lane('a', { sessionId: 'a-s2' })] }, { type: 'open-lane', laneKey: 'a' }, { type: 'transcript-loading', laneKey: 'a' }, {
      type: 'transcript-loaded',
      laneKey: 'a',
      sessionId: 'a-s2',
      events: [log.next('notice', { code: 'session-reset', text: 'The previous session was reset.', data: { previousSessionId: 'a-s1' } }, null)],
    });
    expect(sessionResetView(state, 'a')).toMatchObject({ previousSessionId: 'a-s1' });
    state = reduce(state, gateway({ type: 'transcript', laneKey: 'a', event: log.next('notice', { code: 'session-restored', text: 'Restored.' }, null) }));
    expect(sessionResetView(state, 'a')).toBeNull();
  });

  it('can be dismissed', () => {
    let state = run(gateway({ type: 'banner', banner: { kind: 'session-reset', laneKey: 'a', previousSessionId: 'old', text: 'Reset.' } }));
    state = reduce(state, { type: 'dismiss', key: sessionResetView(state, 'a')!.dismissKey });
    expect(sessionResetView(state, 'a')).toBeNull();
  });
});

describe('drain banners (L8)', () => {
  const global: GatewayEvent = { type: 'banner', banner: { kind: 'drain', scope: 'global', reason: 'restart', deadline: 60_000, runningCount: 2, text: 'Baton is restarting.' } };
  const perLane: GatewayEvent = { type: 'banner', banner: { kind: 'drain', scope: 'lane', laneKey: 'a', reason: 'restart', deadline: 60_000, text: 'Baton is restarting.' } };

  it('a lane’s banner goes when its turn finishes during the drain', () => {
    let state = run({ type: 'lanes-loaded', lanes: [lane('a', { activity: 'running' })] }, gateway(global), gateway(perLane));
    expect(state.banners.laneDrain.has('a')).toBe(true);
    state = reduce(state, gateway({ type: 'lane', lane: lane('a') }));
    expect(state.banners.laneDrain.has('a')).toBe(false);
    expect(state.banners.globalDrain).not.toBeNull();
  });

  it('all drain banners go when a new Baton instance answers', () => {
    let state = run(gateway(global), gateway(perLane), { type: 'connection', state: 'reconnecting', resync: false, at: 1 });
    state = reduce(state, { type: 'connection', state: 'open', resync: true, at: 2 });
    expect(state.banners.globalDrain).toBeNull();
    expect(state.banners.laneDrain.size).toBe(0);
  });
});

describe('connection', () => {
  it('notes a reconnect, not the first connect', () => {
    let state = run({ type: 'connection', state: 'open', resync: false, at: 1 });
    expect(state.connection.reconnectedAt).toBeNull();
    state = reduce(state, { type: 'connection', state: 'reconnecting', resync: false, at: 2 });
    state = reduce(state, { type: 'connection', state: 'open', resync: false, at: 3 });
    expect(state.connection).toEqual({ state: 'open', reconnectedAt: 3, everOpened: true, lostBecause: null });
  });

  const open: Action = { type: 'connection', state: 'open', resync: false, at: 1 };
  const lost: Action = { type: 'connection', state: 'reconnecting', resync: false, at: 2 };
  const drainFor = (reason: 'quit' | 'restart' | 'signal' | 'restore'): Action =>
    gateway({ type: 'banner', banner: { kind: 'drain', scope: 'global', reason, deadline: 60_000, runningCount: 1, text: 'Baton is leaving.' } });

  it('L30/L33: after a quit drain the window says Baton has quit, clears the frozen drain banner and every running indicator', () => {
    const state = run(open, { type: 'lanes-loaded', lanes: [lane('a', { activity: 'running' }), lane('b')] }, drainFor('quit'), lost);
    expect(state.connection.lostBecause).toBe('quit');
    expect(state.banners.globalDrain).toBeNull();
    expect(state.lanes.get('a')?.activity).toBe('idle');
  });

  it('L33: a connection lost with no drain is a crash; the running indicator goes too', () => {
    const state = run(open, { type: 'lanes-loaded', lanes: [lane('a', { activity: 'running' })] }, lost);
    expect(state.connection.lostBecause).toBe('crash');
    expect(state.lanes.get('a')?.activity).toBe('idle');
  });

  it('L8/L30: a connection lost after a restart drain keeps its banners: Baton is coming back', () => {
    const state = run(open, { type: 'lanes-loaded', lanes: [lane('a', { activity: 'running' })] }, drainFor('restart'), lost);
    expect(state.connection.lostBecause).toBe('restart');
    expect(state.banners.globalDrain).not.toBeNull();
    expect(reduce(state, { type: 'connection', state: 'open', resync: true, at: 3 }).connection.lostBecause).toBeNull();
  });

  it('L36 (issue 11): a connection lost after a restore drain is a restart too: Baton comes back on the backup', () => {
    const state = run(open, { type: 'lanes-loaded', lanes: [lane('a', { activity: 'running' })] }, drainFor('restore'), lost);
    expect(state.connection.lostBecause).toBe('restart');
    expect(state.banners.globalDrain).not.toBeNull();
  });
});

describe('the open transcript', () => {
  it('keeps pushes that arrive while it loads and applies them on top', () => {
    const log = new EventLog('a-s1');
    const stored = log.next('user_message', { text: 'hi' });
    const pushed = log.next('assistant_text', { text: 'Hello', final: true });
    const state = run(
      { type: 'lanes-loaded', lanes: [lane('a', { activity: 'running' })] },
      { type: 'open-lane', laneKey: 'a' },
      { type: 'transcript-loading', laneKey: 'a' },
      gateway({ type: 'transcript', laneKey: 'a', event: pushed }),
      { type: 'transcript-loaded', laneKey: 'a', sessionId: 'a-s1', events: [stored] },
    );
    expect(state.transcript.status).toBe('ready');
    if (state.transcript.status !== 'ready') return;
    expect(state.transcript.model.items.map((item) => item.type)).toEqual(['user', 'assistant']);
  });

  it('keeps showing the old rows while a refetch runs', () => {
    const log = new EventLog('a-s1');
    let state = run({ type: 'lanes-loaded', lanes: [lane('a')] }, { type: 'open-lane', laneKey: 'a' }, { type: 'transcript-loading', laneKey: 'a' }, {
      type: 'transcript-loaded',
      laneKey: 'a',
      sessionId: 'a-s1',
      events: [log.next('user_message', { text: 'hi' })],
    });
    state = reduce(state, { type: 'transcript-loading', laneKey: 'a' });
    expect(state.transcript.status === 'loading' && state.transcript.previous?.items.length).toBe(1);
  });

  it('must be fetched again when the lane moves to another session', () => {
    const state = run({ type: 'lanes-loaded', lanes: [lane('a')] }, { type: 'open-lane', laneKey: 'a' }, { type: 'transcript-loaded', laneKey: 'a', sessionId: 'a-s1', events: [] });
    expect(needsTranscriptReload(state, { type: 'lane', lane: lane('a', { sessionId: 'a-s2' }) })).toBe(true);
    expect(needsTranscriptReload(state, { type: 'lane', lane: lane('a') })).toBe(false);
    expect(needsTranscriptReload(state, { type: 'lane', lane: lane('b', { sessionId: 'b-s9' }) })).toBe(false);
  });

  it('streams deltas of the open lane only', () => {
    let state = run({ type: 'lanes-loaded', lanes: [lane('a', { activity: 'running' })] }, { type: 'open-lane', laneKey: 'a' }, { type: 'transcript-loaded', laneKey: 'a', sessionId: 'a-s1', events: [] });
    const row = new EventLog('a-s1').next('assistant_text', { text: 'mi', final: false }, 't');
    state = reduce(state, gateway({ type: 'transcript', laneKey: 'a', event: row }));
    state = reduce(state, gateway({ type: 'text-delta', laneKey: 'b', turnId: 't', seq: row.seq, offset: 2, delta: 'not mine' }));
    state = reduce(state, gateway({ type: 'text-delta', laneKey: 'a', turnId: 't', seq: row.seq, offset: 2, delta: 'ne' }));
    expect(state.transcript.status === 'ready' && state.transcript.model.items.map((item) => item.type === 'assistant' && item.text)).toEqual(['mine']);
    state = reduce(state, gateway({ type: 'lane', lane: lane('a') }));
    expect(state.transcript.status === 'ready' && state.transcript.model.live).toBeNull();
  });
});

describe('L7/L23: what happened to a message', () => {
  it('remembers queued texts until they run or the queue empties', () => {
    const log = new EventLog('a-s1');
    let state = run(
      { type: 'lanes-loaded', lanes: [lane('a', { activity: 'running', queuedInputs: 2 })] },
      { type: 'send-result', laneKey: 'a', text: 'first', status: 'queued-for-restart', message: 'Saved.', at: 1 },
      { type: 'send-result', laneKey: 'a', text: 'second', status: 'queued-for-restart', message: 'Saved.', at: 2 },
    );
    expect(state.queuedTexts.get('a')?.map((q) => q.text)).toEqual(['first', 'second']);
    expect(state.sendFeedback.get('a')).toMatchObject({ status: 'queued-for-restart', message: 'Saved.' });
    state = reduce(state, gateway({ type: 'transcript', laneKey: 'a', event: log.next('user_message', { text: 'first' }) }));
    expect(state.queuedTexts.get('a')?.map((q) => q.text)).toEqual(['second']);
    state = reduce(state, gateway({ type: 'lane', lane: lane('a', { queuedInputs: 0 }) }));
    expect(state.queuedTexts.has('a')).toBe(false);
  });

  it('does not remember a message that started at once', () => {
    const state = run({ type: 'send-result', laneKey: 'a', text: 'go', status: 'started', message: 'Sent.', at: 1 });
    expect(state.queuedTexts.has('a')).toBe(false);
  });
});

describe('update and status', () => {
  it('takes update pushes and startup banners', () => {
    let state = run({ type: 'push', event: { channel: 'update', state: { state: 'ready', version: '1.2.0', progress: null, error: null } } });
    expect(state.update).toMatchObject({ state: 'ready', version: '1.2.0' });
    state = reduce(state, {
      type: 'app-status',
      status: {
        version: '1.2.0',
        instanceId: 'i2',
        storeId: 'store-1',
        draining: false,
        previousExit: { reason: 'update', at: 1, version: '1.1.0' },
        updatedFrom: '1.1.0',
        startup: { autoResumed: ['a'], awaitingUser: ['b'], suspended: [], replayed: [] },
        banners: [{ kind: 'session-reset', laneKey: 'b', previousSessionId: 'b-s0', text: 'Reset.' }],
        update: { state: 'idle', version: null, progress: null, error: null },
      },
    });
    expect(state.update?.state).toBe('idle');
    expect(state.banners.sessionReset.get('b')?.text).toBe('Reset.');
    expect(state.app?.startup.autoResumed).toEqual(['a']);
  });

  it('keeps the last few errors', () => {
    let state = initialState();
    for (let i = 0; i < 8; i++) state = reduce(state, { type: 'error', message: `e${i}` });
    expect(state.errors.map((e) => e.message)).toEqual(['e3', 'e4', 'e5', 'e6', 'e7']);
    state = reduce(state, { type: 'dismiss-error', id: state.errors[0]!.id });
    expect(state.errors).toHaveLength(4);
  });
});
