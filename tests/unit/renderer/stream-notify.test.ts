/**
 * Issue 13 (the words on screen as soon as they arrive): streamed text is told to the window once
 * per animation frame, but a piece that comes after a quiet frame is told at once — waiting for
 * the next frame put the last words of a burst up to 16 ms behind the wire. A hidden window still
 * waits for frames (it gets none while hidden, so it does no work).
 *
 * The store picks frames or timers when it loads, so the page's globals are set before it is imported.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AppStore as AppStoreType } from '../../../renderer/src/state/store.ts';
import { DEFAULT_SETTINGS } from '../../../shared/settings.ts';
import { appStatus } from './app-status.ts';
import { EventLog } from './events.ts';
import { FakeGateway, settle } from './fake-gateway.ts';
import { lane } from './lanes.ts';

const frames: Array<() => void> = [];
const page = { visibilityState: 'visible' as 'visible' | 'hidden' };
let AppStore: typeof AppStoreType;

beforeAll(async () => {
  vi.stubGlobal('document', page);
  vi.stubGlobal('requestAnimationFrame', (callback: () => void) => frames.push(callback));
  vi.stubGlobal('cancelAnimationFrame', () => undefined);
  ({ AppStore } = await import('../../../renderer/src/state/store.ts'));
});
afterAll(() => vi.unstubAllGlobals());

function runFrame(): void {
  for (const callback of frames.splice(0)) callback();
}

async function streamingWindow(now: () => number) {
  const row = new EventLog('a-s1').next('assistant_text', { text: 'x', final: false }, 't1');
  const gateway = new FakeGateway({
    'app.status': () => appStatus('i1'),
    'lanes.list': () => [lane('a', { activity: 'running' })],
    'settings.get': () => ({ settings: { ...DEFAULT_SETTINGS, providers: [] }, providers: [], warnings: [], notices: [] }),
    'transcript.get': () => ({ sessionId: 'a-s1', events: [row] }),
  });
  const store = new AppStore(gateway, { now });
  store.start();
  gateway.connect('open');
  await settle();
  store.openLane('a');
  await settle();
  runFrame();
  let told = 0;
  store.subscribe(() => told++);
  let offset = 1;
  const piece = () => gateway.push({ type: 'text-delta', laneKey: 'a', turnId: 't1', seq: row.seq, offset: offset++, delta: 'x' });
  return { store, piece, told: () => told };
}

describe('streamed text reaches the window', () => {
  it('issue 13: the first piece after a quiet frame at once, the rest of its burst with the next frame', async () => {
    page.visibilityState = 'visible';
    let clock = 1_000;
    const window = await streamingWindow(() => clock);
    clock += 100; // a quiet frame and more since the window was last told anything
    window.piece();
    await settle();
    expect(window.told()).toBe(1); // no frame has run
    for (let i = 0; i < 20; i++) window.piece();
    await settle();
    expect(window.told()).toBe(1);
    runFrame();
    expect(window.told()).toBe(2);
    const state = window.store.getState();
    expect(state.transcript.status === 'ready' && state.transcript.model.items.at(-1)).toMatchObject({ text: 'x'.repeat(22) });
    // Within a frame of the last telling, a piece waits for the frame.
    clock += 5;
    window.piece();
    await settle();
    expect(window.told()).toBe(2);
    runFrame();
    expect(window.told()).toBe(3);
  });

  it('issue 13: a hidden window is told only by frames', async () => {
    page.visibilityState = 'hidden';
    let clock = 1_000;
    const window = await streamingWindow(() => clock);
    clock += 100;
    window.piece();
    await settle();
    expect(window.told()).toBe(0);
    runFrame();
    expect(window.told()).toBe(1);
  });
});
