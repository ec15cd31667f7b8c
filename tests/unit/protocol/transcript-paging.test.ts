/**
 * Issue 13: `transcript.get` in pages (newest first, before / after / around a row) over the real
 * protocol and store, and `lanes.search` hits that say which message matched.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { GatewayClient } from '../../../shared/protocol/client.ts';
import type { StoredEvent } from '../../../shared/transcript.ts';
import { rejection, ServiceHarness } from '../../fixtures/host-service-harness.ts';

let harness: ServiceHarness | null = null;
afterEach(() => {
  harness?.cleanup();
  harness = null;
});

/** A lane holding `count` messages, alternating user and assistant, stored as a finished conversation. */
async function laneWith(client: GatewayClient, count: number, text = (i: number) => `message number ${i}`): Promise<{ laneKey: string; seqs: number[] }> {
  const lane = await client.call('lanes.create', { title: 'Long one' });
  const store = harness!.core.store;
  const seqs: number[] = [];
  for (let i = 0; i < count; i++) {
    const event = i % 2 === 0 ? ({ kind: 'user_message', payload: { text: text(i) } } as const) : ({ kind: 'assistant_text', payload: { text: text(i), final: true } } as const);
    seqs.push(store.appendEvent(lane.sessionId, null, event).seq);
  }
  return { laneKey: lane.laneKey, seqs };
}

const seqsOf = (events: readonly StoredEvent[]) => events.map((e) => e.seq);

describe('transcript.get in pages (issue 13)', () => {
  it('issue 13: pages newest first until hasMore is false; together they are the whole transcript, which the call without a limit still returns', async () => {
    harness = await ServiceHarness.start();
    const client = await harness.client();
    const { laneKey, seqs } = await laneWith(client, 25);

    const newest = await client.call('transcript.get', { laneKey, limit: 10 });
    expect(seqsOf(newest.events)).toEqual(seqs.slice(15));
    expect(newest).toMatchObject({ hasMore: true, hasNewer: false });
    const middle = await client.call('transcript.get', { laneKey, limit: 10, before: newest.events[0]!.seq });
    expect(seqsOf(middle.events)).toEqual(seqs.slice(5, 15));
    expect(middle).toMatchObject({ hasMore: true, hasNewer: true });
    const oldest = await client.call('transcript.get', { laneKey, limit: 10, before: middle.events[0]!.seq });
    expect(seqsOf(oldest.events)).toEqual(seqs.slice(0, 5));
    expect(oldest).toMatchObject({ hasMore: false, hasNewer: true });

    // The CLI and the export still read everything in one call, with no paging fields.
    const whole = await client.call('transcript.get', { laneKey });
    expect(seqsOf(whole.events)).toEqual(seqs);
    expect(whole.hasMore).toBeUndefined();
    expect([...oldest.events, ...middle.events, ...newest.events]).toEqual(whole.events);
  });

  it('issue 13: a page that ends exactly at the first row says there is nothing older; an empty conversation is one empty page', async () => {
    harness = await ServiceHarness.start();
    const client = await harness.client();
    const { laneKey, seqs } = await laneWith(client, 20);
    const newest = await client.call('transcript.get', { laneKey, limit: 10 });
    const oldest = await client.call('transcript.get', { laneKey, limit: 10, before: newest.events[0]!.seq });
    expect(seqsOf(oldest.events)).toEqual(seqs.slice(0, 10));
    expect(oldest.hasMore).toBe(false);
    const all = await client.call('transcript.get', { laneKey, limit: 20 });
    expect(all).toMatchObject({ hasMore: false, hasNewer: false });

    const empty = await client.call('lanes.create', {});
    expect(await client.call('transcript.get', { laneKey: empty.laneKey, limit: 10 })).toEqual({ sessionId: empty.sessionId, events: [], hasMore: false, hasNewer: false });
  });

  it('issue 13: around a row gives that row with rows on both sides; near either end the page is cut there; afterSeq pages forward', async () => {
    harness = await ServiceHarness.start();
    const client = await harness.client();
    const { laneKey, seqs } = await laneWith(client, 30);

    const around = await client.call('transcript.get', { laneKey, limit: 10, around: seqs[12]! });
    expect(seqsOf(around.events)).toEqual(seqs.slice(7, 17));
    expect(around).toMatchObject({ hasMore: true, hasNewer: true });

    const nearStart = await client.call('transcript.get', { laneKey, limit: 10, around: seqs[1]! });
    expect(seqsOf(nearStart.events)).toEqual(seqs.slice(0, 6));
    expect(nearStart).toMatchObject({ hasMore: false, hasNewer: true });

    const atEnd = await client.call('transcript.get', { laneKey, limit: 10, around: seqs[29]! });
    expect(seqsOf(atEnd.events)).toEqual(seqs.slice(20));
    expect(atEnd).toMatchObject({ hasMore: true, hasNewer: false });

    const forward = await client.call('transcript.get', { laneKey, limit: 10, afterSeq: around.events.at(-1)!.seq });
    expect(seqsOf(forward.events)).toEqual(seqs.slice(17, 27));
    expect(forward).toMatchObject({ hasMore: true, hasNewer: true });
    const last = await client.call('transcript.get', { laneKey, limit: 10, afterSeq: forward.events.at(-1)!.seq });
    expect(seqsOf(last.events)).toEqual(seqs.slice(27));
    expect(last).toMatchObject({ hasMore: true, hasNewer: false });
  });

  it('issue 13: a page of a running turn holds the text streamed so far; later pieces arrive as deltas on that row', async () => {
    harness = await ServiceHarness.start();
    const client = await harness.client();
    const { laneKey } = await laneWith(client, 12);
    harness.agents.script(laneKey, { steps: [{ text: 'streamed so far' }, { gate: 'held' }] });
    await client.call('message.send', { laneKey, text: 'go on' });
    await harness.agents.reached.waitFor(1);
    const page = await client.call('transcript.get', { laneKey, limit: 3 });
    expect(page.events.map((e) => [e.kind, e.payload])).toEqual([
      ['assistant_text', { text: 'message number 11', final: true }],
      ['user_message', expect.objectContaining({ text: 'go on' })],
      ['assistant_text', { text: 'streamed so far', final: false }],
    ]);
    expect(page.hasMore).toBe(true);
    expect(await client.call('turn.stop', { laneKey })).toEqual({ stopped: true });
    await harness.core.gateway.whenIdle();
  });

  it('issue 13 / L35: a conversation deleted and restored pages exactly as before', async () => {
    harness = await ServiceHarness.start();
    const client = await harness.client();
    const { laneKey } = await laneWith(client, 15);
    const before = await client.call('transcript.get', { laneKey, limit: 6, around: (await client.call('transcript.get', { laneKey })).events[7]!.seq });
    await client.call('lanes.delete', { laneKey });
    await client.call('lanes.restore', { laneKey });
    const after = await client.call('transcript.get', { laneKey, limit: 6, around: before.events[3]!.seq });
    expect(after).toEqual(before);
    const newest = await client.call('transcript.get', { laneKey, limit: 6 });
    expect(newest.events.map((e) => e.payload)).toEqual((await client.call('transcript.get', { laneKey })).events.slice(9).map((e) => e.payload));
  });

  it('R1: more than one cursor, a cursor without a limit, or a limit out of range is refused', async () => {
    harness = await ServiceHarness.start();
    const client = await harness.client();
    const { laneKey, seqs } = await laneWith(client, 4);
    expect((await rejection(client.call('transcript.get', { laneKey, limit: 2, before: seqs[2]!, afterSeq: seqs[0]! }))).code).toBe('INVALID_INPUT');
    expect((await rejection(client.call('transcript.get', { laneKey, around: seqs[2]! }))).code).toBe('INVALID_INPUT');
    expect((await rejection(client.call('transcript.get', { laneKey, limit: 0 }))).code).toBe('INVALID_PARAMS');
    expect((await rejection(client.call('transcript.get', { laneKey, limit: 100_000 }))).code).toBe('INVALID_PARAMS');
  });
});

describe('lanes.search opens at the message (issue 13)', () => {
  it('issue 13: a hit names the matched message, and its snippet is centred on the matched word, which is marked', async () => {
    harness = await ServiceHarness.start();
    const client = await harness.client();
    const filler = (i: number) => `${'lorem ipsum dolor sit amet '.repeat(8)}${i === 30 ? 'the flamingo migration ' : ''}${'consectetur adipiscing elit '.repeat(8)}`;
    const { laneKey, seqs } = await laneWith(client, 60, filler);
    const [hit] = await client.call('lanes.search', { query: 'flamingo' });
    expect(hit).toMatchObject({ laneKey, seq: seqs[30], sessionId: (await client.call('transcript.get', { laneKey, limit: 1 })).sessionId });
    expect(hit!.highlights).toHaveLength(1);
    const [start, end] = hit!.highlights![0]!;
    expect(hit!.snippet.slice(start, end)).toBe('flamingo');
    // Centred: the text on each side of the hit is within a word of the same length, both cut with an ellipsis.
    expect(hit!.snippet.startsWith('…') && hit!.snippet.endsWith('…')).toBe(true);
    expect(Math.abs(start - (hit!.snippet.length - end))).toBeLessThan(16);
    // The page around the hit holds it.
    const page = await client.call('transcript.get', { laneKey, limit: 20, around: hit!.seq! });
    expect(seqsOf(page.events)).toContain(seqs[30]);
  });
});
