/**
 * Issue 11 message actions over the protocol (L35, L26, R1): message.edit, turn.regenerate,
 * turn.continue and message.selectVersion — GatewayClient → in-memory transport → ProtocolServer →
 * GatewayService → the real core (SQLite, scripted agents). The log stays append-only: no stored
 * row is changed or removed by any of them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { currentPath } from '../../../shared/message-path.ts';
import { rejection, ServiceHarness } from '../../fixtures/host-service-harness.ts';
import { withRawDb } from '../../support/temp-store.ts';

let harness: ServiceHarness | null = null;
afterEach(() => {
  harness?.cleanup();
  harness = null;
});

type Row = { seq: number; session_id: string; turn_id: string | null; kind: string; payload: string; created_at: number };
/** The events table as stored, read while the core is closed (it holds the file's lock while open). */
function closedRows(h: ServiceHarness): Row[] {
  h.dropConnections();
  h.core.close();
  return withRawDb(h.dataDir, (db) => db.prepare('SELECT seq, session_id, turn_id, kind, payload, created_at FROM events ORDER BY seq').all() as Row[]);
}

describe('message actions over the protocol (issue 11, L35)', () => {
  it('L35, L26: edit, regenerate and a version switch only append — every earlier row is unchanged and readable', async () => {
    harness = await ServiceHarness.start();
    let client = await harness.client();
    const { laneKey } = await client.call('lanes.create', {});
    harness.agents.script(laneKey, { steps: [{ text: 'Answer one.' }] }, { steps: [{ text: 'Answer two.' }] });
    await client.call('message.send', { laneKey, text: 'one' });
    await harness.core.gateway.whenIdle();
    await client.call('message.send', { laneKey, text: 'two' });
    await harness.core.gateway.whenIdle();

    const before = closedRows(harness);
    await harness.launch((agents) => agents.script(laneKey, { steps: [{ text: 'Answer to the edit.' }] }, { steps: [{ text: 'Answer one, again.' }] }));
    client = await harness.client();

    const { events } = await client.call('transcript.get', { laneKey });
    const one = events.find((e) => e.kind === 'user_message' && e.payload.text === 'one')!.seq;
    const two = events.find((e) => e.kind === 'user_message' && e.payload.text === 'two')!.seq;
    expect(await client.call('message.edit', { laneKey, seq: two, text: 'two, edited' })).toEqual({ status: 'started', message: 'Sent.' });
    await harness.core.gateway.whenIdle();
    expect(await client.call('turn.regenerate', { laneKey, seq: one })).toEqual({ status: 'started', message: 'Sent.' });
    await harness.core.gateway.whenIdle();
    expect(await client.call('message.selectVersion', { laneKey, seq: two })).toEqual({ selected: true });

    const after = (await client.call('transcript.get', { laneKey })).events;
    expect(currentPath(after).seqs.map((seq) => after.find((e) => e.seq === seq)!.kind)).toEqual(['user_message', 'assistant_text', 'user_message', 'assistant_text']);
    expect(currentPath(after).seqs[2]).toBe(two);

    const rows = closedRows(harness);
    await harness.launch();
    // Append-only: the earlier rows are byte for byte what they were; the new ones come after them.
    expect(rows.slice(0, before.length)).toEqual(before);
    expect(rows.slice(before.length).map((r) => r.kind)).toEqual(['user_message', 'assistant_text', 'branch', 'assistant_text', 'version_select']);
    expect(JSON.parse(rows.at(-5)!.payload)).toEqual({ text: 'two, edited', replaces: two });
    expect(JSON.parse(rows.at(-3)!.payload)).toEqual({ fromSeq: one });
  });

  it('R1, L35: bad params are INVALID_PARAMS; a finished answer cannot be continued; a version that does not exist is refused', async () => {
    harness = await ServiceHarness.start();
    const client = await harness.client();
    const { laneKey } = await client.call('lanes.create', {});
    expect((await rejection(client.call('message.edit', { laneKey, seq: 0, text: 'x' }))).code).toBe('INVALID_PARAMS');
    expect((await rejection(client.call('message.edit', { laneKey, seq: 1, text: '' }))).code).toBe('INVALID_PARAMS');
    expect((await rejection(client.call('turn.regenerate', { laneKey, seq: 1.5 }))).code).toBe('INVALID_PARAMS');
    expect((await rejection(client.call('message.selectVersion', { laneKey } as never))).code).toBe('INVALID_PARAMS');
    expect((await rejection(client.call('turn.continue', { laneKey: 'lane_none' }))).code).toBe('NOT_FOUND');

    await client.call('message.send', { laneKey, text: 'hi' });
    await harness.core.gateway.whenIdle();
    const refused = await rejection(client.call('turn.continue', { laneKey }));
    expect(refused.code).toBe('INVALID_INPUT');
    expect(refused.message).toMatch(/stopped or interrupted/);
    expect((await rejection(client.call('message.selectVersion', { laneKey, seq: 1 }))).code).toBe('INVALID_INPUT');
    expect((await rejection(client.call('message.edit', { laneKey, seq: 999, text: 'x' }))).code).toBe('INVALID_INPUT');
  });

  it('L35: while a turn runs every action answers BUSY and says to stop first; the running turn is untouched', async () => {
    harness = await ServiceHarness.start();
    const client = await harness.client();
    const { laneKey } = await client.call('lanes.create', {});
    harness.agents.script(laneKey, { steps: [{ text: 'Hi.' }] }, { steps: [{ gate: 'held' }, { text: 'Done.' }] });
    await client.call('message.send', { laneKey, text: 'hi' });
    await harness.core.gateway.whenIdle();
    await client.call('message.send', { laneKey, text: 'long' });
    await harness.agents.reached.waitFor((gate) => gate === 'held');
    for (const call of [
      client.call('message.edit', { laneKey, seq: 1, text: 'x' }),
      client.call('turn.regenerate', { laneKey }),
      client.call('turn.continue', { laneKey }),
      client.call('message.selectVersion', { laneKey, seq: 1 }),
    ]) {
      const error = await rejection(call);
      expect(error.code).toBe('BUSY');
      expect(error.message).toMatch(/stop it first/);
    }
    harness.agents.release('held');
    await harness.core.gateway.whenIdle();
    const { events } = await client.call('transcript.get', { laneKey });
    expect(events.at(-1)).toMatchObject({ kind: 'assistant_text', payload: { text: 'Done.', final: true } });
  });
});
