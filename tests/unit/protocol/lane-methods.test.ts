/**
 * Issue 11: conversations you can manage (rename, pin, delete → trash → restore) and the retry of a
 * failed turn, over the protocol: GatewayClient → in-memory transport → ProtocolServer →
 * GatewayService → the real core (SQLite, scripted agents).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { PushEvent } from '../../../shared/protocol/contract.ts';
import { Recorder } from '../../support/recorder.ts';
import { rejection, ServiceHarness } from '../../fixtures/host-service-harness.ts';

let harness: ServiceHarness | null = null;
afterEach(() => {
  harness?.cleanup();
  harness = null;
});

function record(client: { onEvent: (listener: (event: PushEvent) => void) => unknown }): Recorder<PushEvent> {
  const recorder = new Recorder<PushEvent>();
  client.onEvent((event) => recorder.push(event));
  return recorder;
}

async function start() {
  harness = await ServiceHarness.start();
  const client = await harness.client();
  return { h: harness, client, events: record(client) };
}

describe('turn.retry (issue 11, L35)', () => {
  it('L35: a retry runs the failed turn again on the same message, which the transcript and the agent see once', async () => {
    const { h, client } = await start();
    const { laneKey } = await client.call('lanes.create', {});
    h.agents.script(laneKey, { steps: [{ text: 'half' }, { fail: 'the model broke' }] }, { steps: [{ gate: 'retrying' }, { text: 'whole answer' }] });
    await client.call('message.send', { laneKey, text: 'please answer' });
    await h.core.gateway.whenIdle();

    // A double click: the second request arrives while the retry runs and starts nothing more.
    expect(await client.call('turn.retry', { laneKey })).toEqual({ status: 'started', message: 'Retrying.' });
    await h.agents.reached.waitFor((gate) => gate === 'retrying');
    expect(await client.call('turn.retry', { laneKey })).toEqual({ status: 'started', message: 'Already retrying.' });
    h.agents.release('retrying');
    await h.core.gateway.whenIdle();

    const { events } = await client.call('transcript.get', { laneKey });
    expect(events.filter((e) => e.kind === 'user_message').map((e) => e.payload)).toEqual([{ text: 'please answer' }]);
    expect(events.map((e) => e.kind)).toEqual(['user_message', 'assistant_text', 'error', 'assistant_text']);
    expect(h.agents.inputs.items).toHaveLength(2);
    const retried = h.agents.inputs.items[1]!;
    expect(retried.userText).toBe('please answer');
    expect(retried.history).toEqual([]);
  });

  it('L35: turn.retry is refused with a clear error when nothing failed, for an unknown lane and for bad params', async () => {
    const { h, client } = await start();
    const { laneKey } = await client.call('lanes.create', {});
    const nothing = await rejection(client.call('turn.retry', { laneKey }));
    expect(nothing.code).toBe('INVALID_INPUT');
    expect(nothing.message).toMatch(/only a failed turn can be retried/i);
    await client.call('message.send', { laneKey, text: 'fine' });
    await h.core.gateway.whenIdle();
    expect((await rejection(client.call('turn.retry', { laneKey }))).code).toBe('INVALID_INPUT');
    expect((await rejection(client.call('turn.retry', { laneKey: 'lane_none' }))).code).toBe('NOT_FOUND');
    expect((await rejection(client.call('turn.retry', {} as never))).code).toBe('INVALID_PARAMS');
  });
});

describe('lanes.rename, lanes.pin, lanes.delete, lanes.restore (issue 11, L35)', () => {
  it('issue 11: rename validates the title, answers the new status and tells every window', async () => {
    const { client, events } = await start();
    const { laneKey } = await client.call('lanes.create', {});
    const renamed = await client.call('lanes.rename', { laneKey, title: '  Trip   plans ' });
    expect(renamed).toMatchObject({ laneKey, title: 'Trip plans' });
    await events.waitFor((e) => e.channel === 'gateway' && e.event.type === 'lane' && e.event.lane.title === 'Trip plans');
    expect((await rejection(client.call('lanes.rename', { laneKey, title: '   ' }))).code).toBe('INVALID_INPUT');
    expect((await rejection(client.call('lanes.rename', { laneKey, title: 'x'.repeat(201) }))).code).toBe('INVALID_PARAMS');
    expect((await rejection(client.call('lanes.rename', { laneKey: 'lane_none', title: 'Hi' }))).code).toBe('NOT_FOUND');
    expect((await client.call('lanes.list', {})).map((l) => l.title)).toEqual(['Trip plans']);
  });

  it('issue 11: a pinned conversation is listed first until it is unpinned', async () => {
    const { client } = await start();
    const a = await client.call('lanes.create', { title: 'A' });
    await client.call('lanes.create', { title: 'B' });
    expect((await client.call('lanes.list', {})).map((l) => l.title)).toEqual(['B', 'A']);
    expect(await client.call('lanes.pin', { laneKey: a.laneKey, pinned: true })).toMatchObject({ pinned: true });
    expect((await client.call('lanes.list', {})).map((l) => l.title)).toEqual(['A', 'B']);
    await client.call('lanes.pin', { laneKey: a.laneKey, pinned: false });
    expect((await client.call('lanes.list', {})).map((l) => l.title)).toEqual(['B', 'A']);
    expect((await rejection(client.call('lanes.pin', { laneKey: 'lane_none', pinned: true }))).code).toBe('NOT_FOUND');
    expect((await rejection(client.call('lanes.pin', { laneKey: a.laneKey } as never))).code).toBe('INVALID_PARAMS');
  });

  it('L35: deleting a conversation with a running turn stops the turn first; its queued input waits in the trash and runs after a restore', async () => {
    const { h, client } = await start();
    h.settings.set('busyInput', 'queue');
    const { laneKey } = await client.call('lanes.create', { title: 'Busy' });
    h.agents.script(laneKey, { steps: [{ text: 'working' }, { gate: 'held' }] }, { steps: [{ text: 'later answer' }] });
    await client.call('message.send', { laneKey, text: 'long job' });
    await h.agents.reached.waitFor(1);
    await client.call('message.send', { laneKey, text: 'next one' });

    const deleted = await client.call('lanes.delete', { laneKey });
    expect(deleted).toMatchObject({ laneKey, activity: 'idle', queuedInputs: 1, deletedAt: expect.any(Number) });
    const { events } = await client.call('transcript.get', { laneKey });
    // The interruption is recorded like a Stop's, before the conversation went to the trash.
    expect(events.at(-1)).toMatchObject({ kind: 'interruption', payload: { cause: 'stop', reason: 'The conversation was deleted.' } });
    expect(h.agents.inputs.items).toHaveLength(1);
    expect(await client.call('lanes.list', {})).toEqual([]);
    expect((await client.call('lanes.list', { view: 'trash' })).map((l) => l.laneKey)).toEqual([laneKey]);
    expect(await client.call('lanes.search', { query: 'long job' })).toEqual([]);
    expect((await rejection(client.call('message.send', { laneKey, text: 'hello?' }))).code).toBe('INVALID_INPUT');
    // Deleting again changes nothing.
    expect(await client.call('lanes.delete', { laneKey })).toMatchObject({ deletedAt: deleted.deletedAt });

    expect(await client.call('lanes.restore', { laneKey })).toMatchObject({ laneKey, deletedAt: null });
    await h.agents.inputs.waitFor(2);
    await h.core.gateway.whenIdle();
    expect(h.agents.inputs.items[1]!.userText).toBe('next one');
    expect((await client.call('lanes.list', {})).map((l) => l.laneKey)).toEqual([laneKey]);
    expect(await client.call('lanes.list', { view: 'trash' })).toEqual([]);
    expect((await rejection(client.call('lanes.delete', { laneKey: 'lane_none' }))).code).toBe('NOT_FOUND');
    expect((await rejection(client.call('lanes.restore', { laneKey: 'lane_none' }))).code).toBe('NOT_FOUND');
    expect((await rejection(client.call('lanes.list', { view: 'bin' } as never))).code).toBe('INVALID_PARAMS');
  });
});
