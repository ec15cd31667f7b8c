/**
 * Issue 14 item 6, the low-severity input holes, over the real protocol stack (GatewayClient →
 * ProtocolServer → GatewayService → the real core on SQLite): a message for a conversation that
 * does not exist is refused instead of creating one; a title follows one rule whether it comes
 * from `lanes.create` or `/title`; a provider's base URL is http or https only.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ProviderSettingInput } from '../../../shared/settings.ts';
import { providerFromConfig } from '../../../electron/core/agent/providers/provider-config.ts';
import { MAX_QUEUED_MESSAGES_PER_CONVERSATION } from '../../../electron/core/protocol/gateway-service.ts';
import { MAX_TITLE_LENGTH } from '../../../shared/lane-title.ts';
import { rejection, ServiceHarness } from '../../fixtures/host-service-harness.ts';

let harness: ServiceHarness | null = null;
afterEach(() => {
  harness?.cleanup();
  harness = null;
});

describe('issue 14 item 6: message.send needs an existing conversation', () => {
  it('a message for an unknown conversation key is refused with NOT_FOUND and creates nothing', async () => {
    harness = await ServiceHarness.start();
    const client = await harness.client();
    const error = await rejection(client.call('message.send', { laneKey: 'lane-nobody-made', text: 'hello?' }));
    expect(error).toMatchObject({ code: 'NOT_FOUND', message: 'No conversation lane-nobody-made.' });
    expect(await client.call('lanes.list', {})).toEqual([]);
    expect(harness.core.store.getLane('lane-nobody-made')).toBeNull();
    // Commands are messages too: they cannot make a conversation either.
    expect(await rejection(client.call('message.send', { laneKey: 'lane-nobody-made', text: '/title Sneaky' }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(harness.core.store.listLanes()).toEqual([]);
  });

  it("the window's flow still works: lanes.create, then message.send to the new key", async () => {
    harness = await ServiceHarness.start();
    const client = await harness.client();
    const { laneKey } = await client.call('lanes.create', {});
    harness.agents.script(laneKey, { steps: [{ text: 'Hi' }] });
    expect(await client.call('message.send', { laneKey, text: 'hi' })).toEqual({ status: 'started', message: 'Sent.' });
  });
});

describe('issue 14 item 5: messages waiting in one conversation are bounded', () => {
  it(`after ${MAX_QUEUED_MESSAGES_PER_CONVERSATION} waiting messages the next is refused with BUSY; commands still work; nothing accepted is lost`, async () => {
    harness = await ServiceHarness.start();
    harness.settings.set('busyInput', 'queue');
    const client = await harness.client();
    const { laneKey } = await client.call('lanes.create', {});
    harness.agents.script(laneKey, { steps: [{ text: 'busy' }, { gate: 'held' }] });
    await client.call('message.send', { laneKey, text: 'a long job' });
    await harness.agents.reached.waitFor(1);

    for (let i = 1; i <= MAX_QUEUED_MESSAGES_PER_CONVERSATION; i++) {
      const last = i === MAX_QUEUED_MESSAGES_PER_CONVERSATION;
      const params = { laneKey, text: `waiting ${i}`, ...(last ? { clientMessageId: 'the-last-one-0001' } : {}) };
      expect(await client.call('message.send', params)).toMatchObject({ status: 'queued' });
    }
    const refused = await rejection(client.call('message.send', { laneKey, text: 'one too many' }));
    expect(refused).toMatchObject({ code: 'BUSY', message: expect.stringContaining(`${MAX_QUEUED_MESSAGES_PER_CONVERSATION} messages waiting`) });
    // L32: a window resending a message that was already taken gets its first answer, not BUSY.
    expect(await client.call('message.send', { laneKey, text: `waiting ${MAX_QUEUED_MESSAGES_PER_CONVERSATION}`, clientMessageId: 'the-last-one-0001' })).toMatchObject({
      status: 'queued',
    });
    expect(harness.core.store.countQueuedInputs(laneKey)).toBe(MAX_QUEUED_MESSAGES_PER_CONVERSATION);
    expect(harness.core.store.listQueuedInputs(laneKey).at(-1)?.text).toBe(`waiting ${MAX_QUEUED_MESSAGES_PER_CONVERSATION}`);
    expect((await client.call('lanes.list', {}))[0]).toMatchObject({ laneKey, queuedInputs: MAX_QUEUED_MESSAGES_PER_CONVERSATION });
    // A command is not a message that waits: /stop still gets through a full queue.
    expect(await client.call('message.send', { laneKey, text: '/stop' })).toMatchObject({ status: 'command', message: 'Stopping the running turn.' });
  });
});

describe('issue 14 item 6: one title rule for lanes.create and /title', () => {
  it('/title with 5,000 characters is refused and the title is kept; lanes.create refuses the same length', async () => {
    harness = await ServiceHarness.start();
    const client = await harness.client();
    const { laneKey } = await client.call('lanes.create', { title: 'Original' });

    const reply = await client.call('message.send', { laneKey, text: `/title ${'t'.repeat(5_000)}` });
    expect(reply).toEqual({
      status: 'command',
      message: `A title can have at most ${MAX_TITLE_LENGTH} characters; this one has 5,000. The title was not changed.`,
    });
    expect(harness.core.store.getLane(laneKey)!.title).toBe('Original');
    expect(await rejection(client.call('lanes.create', { title: 't'.repeat(5_000) }))).toMatchObject({ code: 'INVALID_PARAMS' });
  });

  it('a title at the limit is accepted both ways; one over it is refused both ways; spacing is folded the same way', async () => {
    harness = await ServiceHarness.start();
    const client = await harness.client();
    const atLimit = 'a'.repeat(MAX_TITLE_LENGTH);
    const created = await client.call('lanes.create', { title: atLimit });
    expect(created.title).toBe(atLimit);
    expect(await rejection(client.call('lanes.create', { title: `${atLimit}b` }))).toMatchObject({ code: 'INVALID_PARAMS' });

    expect((await client.call('message.send', { laneKey: created.laneKey, text: `/title ${atLimit}b` })).message).toMatch(/at most 200/);
    expect(harness.core.store.getLane(created.laneKey)!.title).toBe(atLimit);

    expect((await client.call('message.send', { laneKey: created.laneKey, text: '/title  Budget\n 2027  plan ' })).message).toBe('Renamed to “Budget 2027 plan”.');
    const folded = await client.call('lanes.create', { title: '  Budget\n 2027  plan ' });
    expect(folded.title).toBe('Budget 2027 plan');
  });
});

describe('issue 14 item 6: a provider base URL is http or https', () => {
  it.each(['javascript:alert(1)', 'file:///etc/passwd', 'ftp://models.example/v1', 'data:text/plain,hi'])('settings.set refuses %s', async (baseUrl) => {
    harness = await ServiceHarness.start();
    const client = await harness.client();
    const error = await rejection(client.call('settings.set', { key: 'providers', value: [{ name: 'Bad', kind: 'openai-compatible', baseUrl, model: 'm' }] }));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toMatch(/http:\/\/ or https:\/\//);
    expect(harness.settings.get().providers).toEqual([]);
  });

  it('http and https addresses are accepted', async () => {
    harness = await ServiceHarness.start();
    const client = await harness.client();
    const value = [
      { name: 'Local', kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:11434/v1', model: 'm' },
      { name: 'Hosted', kind: 'anthropic', baseUrl: 'https://api.anthropic.com', model: 'm' },
    ] satisfies ProviderSettingInput[];
    await client.call('settings.set', { key: 'providers', value });
    expect((await client.call('settings.get', {})).providers.map((p) => p.baseUrl)).toEqual(['http://127.0.0.1:11434/v1', 'https://api.anthropic.com']);
  });

  it('a provider built from elsewhere (the environment) with a file: URL is refused with a readable error', () => {
    expect(() => providerFromConfig({ kind: 'openai-compatible', name: 'Env', baseUrl: 'file:///etc/passwd', model: 'm', apiKey: null })).toThrow(
      /base URL of Env cannot be used: "file:\/\/\/etc\/passwd" is not an http:\/\/ or https:\/\/ address/,
    );
    expect(() => providerFromConfig({ kind: 'openai-compatible', name: 'Env', baseUrl: 'http://127.0.0.1:9/v1', model: 'm', apiKey: null })).not.toThrow();
  });
});
