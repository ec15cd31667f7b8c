/**
 * Issue 11 in the window's store: Retry without a duplicate, rename, pin, delete → Undo / Trash →
 * restore. The store runs against the real gateway service over the real protocol client
 * (in-memory transport) and the real core (SQLite, scripted agents).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { reduce, initialState, sortedLanes } from '../../../renderer/src/state/app-state.ts';
import { AppStore } from '../../../renderer/src/state/store.ts';
import { ServiceHarness } from '../../fixtures/host-service-harness.ts';
import { until } from './store-wait.ts';
import { lane } from './lanes.ts';

/** What each test opened, closed after it newest first. */
const toClose: Array<() => void> = [];
afterEach(() => toClose.splice(0).reverse().forEach((close) => close()));

async function windowStore(): Promise<{ h: ServiceHarness; store: AppStore }> {
  const h = await ServiceHarness.start();
  toClose.push(() => h.cleanup());
  const store = new AppStore(await h.client());
  toClose.push(store.start());
  await until(store, () => store.getState().app !== null);
  return { h, store };
}


describe('Retry in the window (issue 11, L35)', () => {
  it('L35: Retry asks the gateway to run the failed turn again; the message is not sent a second time, even on a double click', async () => {
    const { h, store } = await windowStore();
    const laneKey = (await store.newChat())!;
    h.agents.script(laneKey, { steps: [{ fail: 'the model broke' }] }, { steps: [{ gate: 'again' }, { text: 'done' }] });
    await store.send(laneKey, 'do the thing');
    await h.core.gateway.whenIdle();

    const clicks = [store.retry(laneKey), store.retry(laneKey)];
    expect(await Promise.all(clicks)).toEqual([true, false]);
    await h.agents.reached.waitFor((gate) => gate === 'again');
    h.agents.release('again');
    await h.core.gateway.whenIdle();

    const users = h.core.store.listEvents(h.core.store.getLane(laneKey)!.sessionId).filter((e) => e.kind === 'user_message');
    expect(users.map((e) => e.payload)).toEqual([expect.objectContaining({ text: 'do the thing' })]);
    expect(h.agents.inputs.items.map((input) => input.userText)).toEqual(['do the thing', 'do the thing']);
  });
});

describe('managing conversations in the window (issue 11)', () => {
  it('issue 11: rename and pin show in the list at once; pinned conversations sort first', async () => {
    const { store } = await windowStore();
    const a = (await store.newChat())!;
    const b = (await store.newChat())!;
    expect(await store.renameLane(a, 'Groceries')).toBe(true);
    expect(await store.pinLane(a, true)).toBe(true);
    expect(store.getState().lanes.get(a)).toMatchObject({ title: 'Groceries', pinned: true });
    expect(sortedLanes(store.getState().lanes).map((l) => l.laneKey)).toEqual([a, b]);
    expect(await store.renameLane(a, '   ')).toBe(false);
    expect(store.getState().errors.at(-1)?.message).toMatch(/Could not rename the conversation: A title cannot be empty/);
  });

  it('L35: delete closes the open conversation and offers Undo; Undo restores and reopens it; the Trash view lists and restores', async () => {
    const { store } = await windowStore();
    const a = (await store.newChat())!;
    await store.renameLane(a, 'Taxes');
    expect(store.getState().openLaneKey).toBe(a);

    expect(await store.deleteLane(a)).toBe(true);
    expect(store.getState().lanes.has(a)).toBe(false);
    expect(store.getState().openLaneKey).toBeNull();
    expect(store.getState().undoDelete).toEqual({ laneKey: a, label: 'Taxes' });

    expect(await store.restoreLane(a)).toBe(true);
    expect(store.getState().lanes.get(a)).toMatchObject({ title: 'Taxes', deletedAt: null });
    expect(store.getState().undoDelete).toBeNull();
    expect(store.getState().openLaneKey).toBe(a);

    await store.deleteLane(a);
    await store.showTrash();
    expect(store.getState().trash?.map((l) => l.laneKey)).toEqual([a]);
    await store.restoreLane(a);
    expect(store.getState().trash).toEqual([]);
    expect(store.getState().lanes.has(a)).toBe(true);
    await store.showTrash(false);
    expect(store.getState().trash).toBeNull();
  });

  it('issue 11: a lane push from another window moves a conversation to the shown Trash and back', () => {
    let state = reduce(initialState(), { type: 'lanes-loaded', lanes: [lane('a'), lane('b', { deletedAt: 5 })] });
    expect([...state.lanes.keys()]).toEqual(['a']);
    state = reduce(state, { type: 'open-lane', laneKey: 'a' });
    state = reduce(state, { type: 'trash-loaded', lanes: [] });
    state = reduce(state, { type: 'push', event: { channel: 'gateway', event: { type: 'lane', lane: lane('a', { deletedAt: 9 }) } } });
    expect(state.lanes.size).toBe(0);
    expect(state.openLaneKey).toBeNull();
    expect(state.trash?.map((l) => l.laneKey)).toEqual(['a']);
    state = reduce(state, { type: 'push', event: { channel: 'gateway', event: { type: 'lane', lane: lane('a') } } });
    expect(state.trash).toEqual([]);
    expect([...state.lanes.keys()]).toEqual(['a']);
  });
});
