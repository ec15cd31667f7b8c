/**
 * Issue 13 in the window: a conversation read in pages. The model folds pages (older ones put
 * above, newer ones after a search hit); streamed text for rows outside the loaded page is no gap;
 * the store runs against the real gateway service (real SQLite, real protocol client) to page a
 * long conversation back to its start and to open one at a search hit.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { appendPage, applyTextCheckpoint, applyTextDelta, applyTranscriptEvent, buildTranscript, prependPage, type ToolItem, type TranscriptModel } from '../../../renderer/src/state/transcript-model.ts';
import { AppStore, TRANSCRIPT_PAGE_ROWS } from '../../../renderer/src/state/store.ts';
import { DEFAULT_SETTINGS } from '../../../shared/settings.ts';
import type { StoredEvent } from '../../../shared/transcript.ts';
import { ServiceHarness } from '../../fixtures/host-service-harness.ts';
import { until } from './store-wait.ts';
import { appStatus } from './app-status.ts';
import { EventLog, SESSION } from './events.ts';
import { FakeGateway, settle } from './fake-gateway.ts';
import { lane } from './lanes.ts';

const toClose: Array<() => void> = [];
afterEach(() => toClose.splice(0).reverse().forEach((close) => close()));

function tool(model: TranscriptModel, callId: string): ToolItem | undefined {
  return model.items.find((item): item is ToolItem => item.type === 'tool' && item.callId === callId);
}

describe('a transcript model of pages (issue 13)', () => {
  it('issue 13: an older page goes above the rows shown; a result whose call was on the older page joins its card; a card both pages made shows once', () => {
    const log = new EventLog();
    const all = [
      log.next('user_message', { text: 'build it' }),
      log.next('tool_call', { callId: 'c1', name: 'shell', args: { command: 'make' }, effect: 'side-effecting' }),
      log.next('tool_call', { callId: 'c2', name: 'shell', args: { command: 'make test' }, effect: 'side-effecting' }),
      // ── page boundary ──
      log.next('tool_dispatch', { callId: 'c1' }),
      log.next('tool_result', { callId: 'c1', output: 'built', isError: false }),
      log.next('approval_request', { callId: 'c2', name: 'shell', args: { command: 'make test' } }),
      log.next('approval_decision', { callId: 'c2', approved: true }),
      log.next('assistant_text', { text: 'Built and tested.', final: true }),
    ];
    const newest = buildTranscript('lane', SESSION, all.slice(3), { hasOlder: true, hasNewer: false });
    expect(newest).toMatchObject({ firstSeq: all[3]!.seq, lastSeq: all[7]!.seq, hasOlder: true, hasNewer: false });
    expect(tool(newest, 'c1')).toBeUndefined(); // its call is on the page not loaded yet
    expect(newest.unresolved.map((e) => e.kind)).toEqual(['tool_dispatch', 'tool_result']);

    const both = prependPage(newest, all.slice(0, 3), false);
    const whole = buildTranscript('lane', SESSION, all);
    expect(both.items.map((item) => item.key)).toEqual(whole.items.map((item) => item.key));
    expect(tool(both, 'c1')).toMatchObject({ dispatched: true, result: { output: 'built', isError: false } });
    expect(both.items.filter((item) => item.key === 'tool:c2')).toHaveLength(1);
    expect(tool(both, 'c2')).toMatchObject({ approval: 'approved' });
    expect(both).toMatchObject({ firstSeq: all[0]!.seq, hasOlder: false, unresolved: [] });
  });

  it('issue 13: streamed text for a row older than the page, or past a page opened at a search hit, is not a gap; past the newest page it still is', () => {
    const log = new EventLog();
    const old = log.next('assistant_text', { text: 'an old answer', final: false }, 't-old');
    const rows = Array.from({ length: 4 }, (_, i) => log.next('user_message', { text: `m${i}` }, null));
    const live = log.next('assistant_text', { text: 'Live', final: false }, 't-live');

    const newest = buildTranscript('lane', SESSION, [...rows, live], { hasOlder: true, hasNewer: false });
    expect(applyTextDelta(newest, { type: 'text-delta', laneKey: 'lane', turnId: 't-old', seq: old.seq, offset: 13, delta: '!' })).toBe(newest);
    expect(applyTextCheckpoint(newest, { type: 'text-checkpoint', laneKey: 'lane', turnId: 't-old', seq: old.seq, length: 99 })).toBe(newest);
    expect(applyTextDelta(newest, { type: 'text-delta', laneKey: 'lane', turnId: 't-live', seq: live.seq, offset: 4, delta: ' text' }).items.at(-1)).toMatchObject({ text: 'Live text' });
    // A row after the newest one held never reached this window: that is a gap to read again.
    expect(applyTextDelta(newest, { type: 'text-delta', laneKey: 'lane', turnId: 't-next', seq: live.seq + 5, offset: 3, delta: 'x' }).missingText).toBe(live.seq + 5);

    const atHit = buildTranscript('lane', SESSION, rows.slice(0, 2), { hasOlder: true, hasNewer: true, focusSeq: rows[1]!.seq });
    expect(applyTextDelta(atHit, { type: 'text-delta', laneKey: 'lane', turnId: 't-live', seq: live.seq, offset: 4, delta: ' text' })).toBe(atHit);
    expect(applyTranscriptEvent(atHit, live)).toBe(atHit); // it comes with the newer page
    const caughtUp = appendPage(atHit, [...rows.slice(2), live], false);
    expect(caughtUp.items.map((item) => item.seq)).toEqual([...rows.map((r) => r.seq), live.seq]);
    expect(caughtUp).toMatchObject({ hasNewer: false, focusSeq: rows[1]!.seq, missingText: null });
    expect(applyTextDelta(caughtUp, { type: 'text-delta', laneKey: 'lane', turnId: 't-live', seq: live.seq, offset: 4, delta: ' text' }).items.at(-1)).toMatchObject({ text: 'Live text' });
  });
});

/** A store on the real gateway service, and a conversation of `count` finished messages. */
async function windowWithConversation(count: number, text = (i: number) => `message ${i}`) {
  const h = await ServiceHarness.start();
  toClose.push(() => h.cleanup());
  const store = new AppStore(await h.client());
  toClose.push(store.start());
  await until(store, () => store.getState().app !== null);
  const laneKey = (await store.newChat())!;
  const sessionId = h.core.store.getLane(laneKey)!.sessionId;
  const seqs: number[] = [];
  for (let i = 0; i < count; i++) {
    const event = i % 2 === 0 ? ({ kind: 'user_message', payload: { text: text(i) } } as const) : ({ kind: 'assistant_text', payload: { text: text(i), final: true } } as const);
    seqs.push(h.core.store.appendEvent(sessionId, null, event).seq);
  }
  return { h, store, laneKey, seqs };
}


function readyModel(store: AppStore): TranscriptModel {
  const slot = store.getState().transcript;
  if (slot.status !== 'ready') throw new Error(`transcript is ${slot.status}`);
  return slot.model;
}

describe('the window reads a long conversation in pages (issue 13)', () => {
  it('issue 13: a conversation opens at its newest page; older pages go above until the first message (its preview); none lost or doubled', async () => {
    const { store, laneKey, seqs } = await windowWithConversation(450);
    store.openLane(laneKey);
    await until(store, () => store.getState().transcript.status === 'ready');
    let model = readyModel(store);
    expect(model.items.map((item) => item.seq)).toEqual(seqs.slice(-TRANSCRIPT_PAGE_ROWS));
    expect(model.hasOlder).toBe(true);
    // An untitled conversation is named by its first message, which this page does not hold.
    expect(store.getState().previews.has(laneKey)).toBe(false);

    while (readyModel(store).hasOlder) await store.loadOlder(laneKey);
    expect(store.getState().previews.get(laneKey)).toBe('message 0');
    model = readyModel(store);
    expect(model.items.map((item) => item.seq)).toEqual(seqs);
    expect(model.items[0]).toMatchObject({ type: 'user', text: 'message 0' });
    // Nothing older: asking again reads nothing.
    await store.loadOlder(laneKey);
    expect(readyModel(store)).toBe(model);
  });

  it('issue 13: a search result opens its conversation around the message, marked; newer pages follow up to a message sent meanwhile', async () => {
    const { h, store, laneKey, seqs } = await windowWithConversation(600, (i) => (i === 123 ? 'where is the pelican report' : `message ${i}`));
    store.search('pelican');
    await until(store, () => (store.getState().search.results?.length ?? 0) > 0);
    const [hit] = store.getState().search.results!;
    expect(hit).toMatchObject({ laneKey, seq: seqs[123] });
    store.openSearchResult(hit!);
    await until(store, () => store.getState().transcript.status === 'ready');
    const model = readyModel(store);
    expect(model.focusSeq).toBe(seqs[123]);
    expect(model.items.map((item) => item.seq)).toContain(seqs[123]);
    expect(model).toMatchObject({ hasOlder: true, hasNewer: true });

    h.agents.script(laneKey, { steps: [{ text: 'Noted.' }] });
    await store.send(laneKey, 'one more thing');
    await h.core.gateway.whenIdle();
    expect(readyModel(store).items.some((item) => item.type === 'user' && item.text === 'one more thing')).toBe(false); // beyond the page shown

    while (readyModel(store).hasNewer) await store.loadNewer(laneKey);
    const caughtUp = readyModel(store);
    const texts = caughtUp.items.map((item) => (item.type === 'user' || item.type === 'assistant' ? item.text : item.type));
    expect(texts.slice(-2)).toEqual(['one more thing', 'Noted.']);
    expect(new Set(caughtUp.items.map((item) => item.key)).size).toBe(caughtUp.items.length);
    expect(caughtUp.items.map((item) => item.seq).filter((seq) => seq <= seqs.at(-1)!)).toEqual(seqs.slice(seqs.indexOf(caughtUp.firstSeq)));
  });
});

describe('streamed text missed with older pages loaded (issue 13)', () => {
  it('issue 13: the rows are read again from the one missing text (by seq), and the older pages the reader loaded stay', async () => {
    const log = new EventLog('a-s1');
    const history: StoredEvent[] = Array.from({ length: 300 }, (_, i) => log.next('user_message', { text: `m${i}` }, null));
    const row = log.next('assistant_text', { text: 'Start', final: false }, 't1');
    let stored = [...history, row];
    const gateway = new FakeGateway({
      'app.status': () => appStatus('i1'),
      'lanes.list': () => [lane('a', { activity: 'running' })],
      'settings.get': () => ({ settings: { ...DEFAULT_SETTINGS, providers: [] }, providers: [], warnings: [], notices: [] }),
      // Pages as the gateway cuts them (tests/unit/protocol/transcript-paging.test.ts checks the real one).
      'transcript.get': ({ before, afterSeq, limit }) => {
        const rows = stored.filter((e) => (before === undefined || e.seq < before) && (afterSeq === undefined || e.seq > afterSeq));
        const page = limit === undefined ? rows : afterSeq !== undefined ? rows.slice(0, limit) : rows.slice(-limit);
        return { sessionId: 'a-s1', events: page, hasMore: page[0] !== undefined && page[0].seq > stored[0]!.seq, hasNewer: page.at(-1) !== undefined && page.at(-1)!.seq < stored.at(-1)!.seq };
      },
    });
    const store = new AppStore(gateway);
    toClose.push(store.start());
    gateway.connect('open');
    await settle();
    store.openLane('a');
    await settle();
    await store.loadOlder('a');
    expect(readyModel(store).items).toHaveLength(301);

    // " mid" (offset 5) never arrives; the gateway holds every piece.
    stored = [...history, log.again(row, 'assistant_text', { text: 'Start mid end', final: false })];
    gateway.push({ type: 'text-delta', laneKey: 'a', turnId: 't1', seq: row.seq, offset: 9, delta: ' end' });
    expect(readyModel(store).missingText).toBe(row.seq);
    await until(store, () => store.getState().transcript.status === 'ready' && readyModel(store).missingText === null);
    const resync = gateway.calls.filter((call) => call.method === 'transcript.get').at(-1)!.params;
    expect(resync).toMatchObject({ afterSeq: row.seq - 1 });
    const model = readyModel(store);
    expect(model.items).toHaveLength(301);
    expect(model.items.at(-1)).toMatchObject({ text: 'Start mid end' });
    expect(model).toMatchObject({ hasOlder: false, firstSeq: history[0]!.seq });
  });
});
