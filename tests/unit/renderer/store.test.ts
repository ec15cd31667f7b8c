import { describe, expect, it } from 'vitest';
import type { LaneStatus } from '../../../shared/gateway-events.ts';
import { DEFAULT_SETTINGS, type ProviderView } from '../../../shared/settings.ts';
import type { StoredEvent } from '../../../shared/transcript.ts';
import { laneConditionView } from '../../../renderer/src/state/app-state.ts';
import { MemoryOutbox } from '../../../renderer/src/state/outbox.ts';
import { AppStore } from '../../../renderer/src/state/store.ts';
import { GatewayError } from '../../../shared/protocol/client.ts';
import { EventLog } from './events.ts';
import { appStatus } from './app-status.ts';
import { FakeGateway, settle } from './fake-gateway.ts';
import { lane } from './lanes.ts';

const status = (instanceId: string) => appStatus(instanceId);

function setup(lanes: LaneStatus[], events: StoredEvent[] = []) {
  let instance = 'i1';
  let currentLanes = lanes;
  let currentEvents = events;
  const gateway = new FakeGateway({
    'app.status': () => status(instance),
    'lanes.list': () => currentLanes,
    'settings.get': () => ({ settings: { ...DEFAULT_SETTINGS, providers: [] }, providers: [], warnings: [], notices: [] }),
    'transcript.get': ({ laneKey }) => ({ sessionId: currentLanes.find((l) => l.laneKey === laneKey)!.sessionId, events: currentEvents }),
    'message.send': () => ({ status: 'queued-for-restart', message: 'Baton is restarting. Your message is saved and will be sent when it is back.' }),
    'lanes.create': () => lane('new', { updatedAt: 5 }),
  });
  const store = new AppStore(gateway);
  store.start();
  return {
    gateway,
    store,
    restartHost(next: { lanes: LaneStatus[]; events: StoredEvent[] }) {
      instance = 'i2';
      currentLanes = next.lanes;
      currentEvents = next.events;
    },
  };
}

describe('the renderer store', () => {
  it('loads lanes, status and settings when the connection opens', async () => {
    const { gateway, store } = setup([lane('a')]);
    gateway.connect('open');
    await settle();
    expect([...store.getState().lanes.keys()]).toEqual(['a']);
    expect(store.getState().app?.instanceId).toBe('i1');
    expect(store.getState().settings?.providers).toEqual([]);
  });

  it('after a reconnect to a new Baton it refetches lanes and the open transcript, and shows Resume', async () => {
    const log = new EventLog('a-s1');
    const { gateway, store, restartHost } = setup([lane('a', { activity: 'running' })], [log.next('user_message', { text: 'hi' })]);
    gateway.connect('open');
    await settle();
    store.openLane('a');
    await settle();
    expect(gateway.count('transcript.get')).toBe(1);

    gateway.connect('reconnecting');
    restartHost({
      lanes: [lane('a', { resumePending: true, resumeReason: 'restart_timeout' })],
      events: [log.next('user_message', { text: 'hi' }), log.next('interruption', { cause: 'drain', reason: 'restart_timeout' })],
    });
    gateway.connect('open', true);
    await settle();

    expect(gateway.count('lanes.list')).toBe(2);
    expect(gateway.count('transcript.get')).toBe(2);
    const state = store.getState();
    expect(laneConditionView(state, 'a')).toEqual({ condition: 'interrupted', text: 'Interrupted by a restart. Resume where it left off, or discard.' });
    expect(state.transcript.status === 'ready' && state.transcript.model.items.map((item) => item.type)).toEqual(['user', 'interruption']);
  });

  it('a same-instance reconnect does not refetch (missed events are replayed)', async () => {
    const { gateway } = setup([lane('a')]);
    gateway.connect('open');
    await settle();
    gateway.connect('reconnecting');
    gateway.connect('open', false);
    await settle();
    expect(gateway.count('lanes.list')).toBe(1);
  });

  it('L7: says a message was queued for the restart', async () => {
    const { gateway, store } = setup([lane('a')]);
    gateway.connect('open');
    await settle();
    expect(await store.send('a', 'keep this')).toBe(true);
    expect(store.getState().sendFeedback.get('a')?.status).toBe('queued-for-restart');
    expect(store.getState().queuedTexts.get('a')?.map((q) => q.text)).toEqual(['keep this']);
  });

  it('a message the gateway did not take is reported and not claimed as sent', async () => {
    const { gateway, store } = setup([lane('a')]);
    gateway.handlers['message.send'] = () => {
      throw new Error('Not connected to Baton.');
    };
    gateway.connect('open');
    await settle();
    expect(await store.send('a', 'hello')).toBe(false);
    expect(store.getState().errors.at(-1)?.message).toMatch(/not sent: Not connected/);
  });

  it('New chat creates a lane and opens it', async () => {
    const { gateway, store } = setup([]);
    gateway.connect('open');
    await settle();
    expect(await store.newChat()).toBe('new');
    await settle();
    expect(store.getState().openLaneKey).toBe('new');
    expect(store.getState().lanes.has('new')).toBe(true);
  });

  it('reloads the open transcript when its lane moves to a new session', async () => {
    const { gateway, store } = setup([lane('a')]);
    gateway.connect('open');
    await settle();
    store.openLane('a');
    await settle();
    gateway.handlers['transcript.get'] = () => ({ sessionId: 'a-s2', events: [] });
    gateway.push({ type: 'lane', lane: lane('a', { sessionId: 'a-s2' }) });
    await settle();
    expect(gateway.count('transcript.get')).toBe(2);
    const state = store.getState();
    expect(state.transcript.status === 'ready' && state.transcript.model.sessionId).toBe('a-s2');
  });

  it('tells subscribers once per burst of streamed text', async () => {
    const row = new EventLog('a-s1').next('assistant_text', { text: 'x', final: false }, 't1');
    const { gateway, store } = setup([lane('a', { activity: 'running' })], [row]);
    gateway.connect('open');
    await settle();
    store.openLane('a');
    await settle();
    let notified = 0;
    store.subscribe(() => notified++);
    for (let i = 1; i < 50; i++) gateway.push({ type: 'text-delta', laneKey: 'a', turnId: 't1', seq: row.seq, offset: i, delta: 'x' });
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(notified).toBe(1);
    const state = store.getState();
    expect(state.transcript.status === 'ready' && state.transcript.model.items.at(-1)).toMatchObject({ text: 'x'.repeat(50), streaming: true });
  });

  it('issue 9 item 9: a gap in the streamed text fetches the transcript again instead of showing a hole', async () => {
    const log = new EventLog('a-s1');
    const row = log.next('assistant_text', { text: 'Start', final: false }, 't1');
    const { gateway, store } = setup([lane('a', { activity: 'running' })], [row]);
    gateway.connect('open');
    await settle();
    store.openLane('a');
    await settle();
    expect(gateway.count('transcript.get')).toBe(1);

    // " mid" (offset 5) never arrives; a transcript read holds every piece sent before it.
    gateway.handlers['transcript.get'] = () => ({ sessionId: 'a-s1', events: [log.again(row, 'assistant_text', { text: 'Start mid end', final: false })] });
    gateway.push({ type: 'text-delta', laneKey: 'a', turnId: 't1', seq: row.seq, offset: 9, delta: ' end' });
    let state = store.getState();
    expect(state.transcript.status === 'ready' && state.transcript.model).toMatchObject({ missingText: row.seq, items: [{ text: 'Start' }] });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await settle();
    expect(gateway.count('transcript.get')).toBe(2);
    gateway.push({ type: 'text-delta', laneKey: 'a', turnId: 't1', seq: row.seq, offset: 13, delta: '!' });
    state = store.getState();
    expect(state.transcript.status === 'ready' && state.transcript.model).toMatchObject({ missingText: null, items: [{ text: 'Start mid end!' }] });
  });

  /** A settings.get / settings.set pair over an in-memory provider list, as the gateway answers them. */
  function providerGateway(initial: Array<Record<string, unknown>>, options: { activeProvider?: string | null; fromEnv?: boolean } = {}) {
    const { gateway, store } = setup([]);
    const state = { providers: initial, activeProvider: options.activeProvider ?? null, keys: 0 };
    const saved = (): ProviderView[] =>
      state.providers.map((p) => ({ name: String(p.name), kind: p.kind as 'anthropic', model: String(p.model), hasKey: state.keys > 0 && p.name === 'Ollama', source: 'settings' }));
    const env: ProviderView[] = options.fromEnv ? [{ name: 'OpenAI', kind: 'openai-compatible', baseUrl: 'https://api.openai.com/v1', model: 'gpt', hasKey: true, source: 'environment' }] : [];
    const view = () => ({ settings: { ...DEFAULT_SETTINGS, providers: saved(), activeProvider: state.activeProvider }, providers: [...saved(), ...env], warnings: [], notices: [] });
    gateway.handlers['settings.get'] = view;
    gateway.handlers['settings.set'] = ({ key, value }) => {
      if (key === 'providers') state.providers = value as typeof state.providers;
      if (key === 'activeProvider') state.activeProvider = value as string | null;
      return { settings: view().settings };
    };
    gateway.handlers['provider.setKey'] = () => {
      state.keys += 1;
      return { stored: true };
    };
    gateway.handlers['provider.rename'] = ({ from, to }) => {
      state.providers = state.providers.map((p) => (p.name === from ? { ...p, name: to } : p));
      if (state.activeProvider === from) state.activeProvider = to;
      return { renamed: true };
    };
    return { gateway, store, state };
  }

  it('R4: saving a provider sends the key once and keeps it nowhere', async () => {
    const { gateway, store, state } = providerGateway([]);
    gateway.connect('open');
    await settle();

    const outcome = await store.saveProvider({ name: 'Ollama', kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:11434/v1', model: 'llama3.2', apiKey: 'sk-secret' });
    expect(outcome.ok).toBe(true);
    expect(state.providers).toEqual([{ name: 'Ollama', kind: 'openai-compatible', model: 'llama3.2', baseUrl: 'http://127.0.0.1:11434/v1' }]);
    expect(gateway.calls.filter((c) => c.method === 'provider.setKey')).toEqual([{ method: 'provider.setKey', params: { providerName: 'Ollama', apiKey: 'sk-secret' } }]);
    // The first provider is the one in use.
    expect(state.activeProvider).toBe('Ollama');
    expect(JSON.stringify(store.getState().settings)).not.toContain('sk-secret');
    expect(store.getState().settings?.providers.find((p) => p.name === 'Ollama')?.hasKey).toBe(true);
  });

  it('L34, issue 11: adding a provider never re-points the conversations at it', async () => {
    const { gateway, store, state } = providerGateway([{ name: 'Old', kind: 'anthropic', model: 'claude' }]);
    gateway.connect('open');
    await settle();

    const outcome = await store.saveProvider({ name: 'Ollama', kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:11434/v1', model: 'llama3.2', apiKey: '' });
    expect(outcome).toEqual({ ok: true, message: 'Saved “Ollama”. New conversations still use “Old”; choose Make default to switch, or pick it in a conversation’s header.' });
    expect(state.providers.map((p) => p.name)).toEqual(['Old', 'Ollama']);
    expect(gateway.calls.some((c) => c.method === 'settings.set' && (c.params as { key: string }).key === 'activeProvider')).toBe(false);
  });

  it('L34, issue 11: adding a provider while the one from the environment is in use keeps that one in use, by name', async () => {
    const { gateway, store, state } = providerGateway([], { fromEnv: true });
    gateway.connect('open');
    await settle();

    const outcome = await store.saveProvider({ name: 'Ollama', kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:11434/v1', model: 'llama3.2', apiKey: '' });
    expect(outcome).toEqual({ ok: true, message: 'Saved “Ollama”. New conversations still use “OpenAI”; choose Make default to switch, or pick it in a conversation’s header.' });
    // Saved providers come before the environment's, so it has to be named to stay in use.
    expect(state.activeProvider).toBe('OpenAI');
  });

  it('issue 11: editing renames in place; removing the provider in use says which one is used now, or that none is left', async () => {
    const { gateway, store, state } = providerGateway(
      [
        { name: 'A', kind: 'anthropic', model: 'one' },
        { name: 'B', kind: 'anthropic', model: 'two' },
      ],
      { activeProvider: 'A' },
    );
    gateway.connect('open');
    await settle();

    const edited = await store.saveProvider({ name: 'A2', previousName: 'A', kind: 'anthropic', baseUrl: '', model: 'one-b', apiKey: '' });
    expect(edited.ok).toBe(true);
    expect(state.providers).toEqual([
      { name: 'A2', kind: 'anthropic', model: 'one-b' },
      { name: 'B', kind: 'anthropic', model: 'two' },
    ]);
    expect(state.activeProvider).toBe('A2');
    expect(gateway.calls.filter((c) => c.method === 'provider.rename').map((c) => c.params)).toEqual([{ from: 'A', to: 'A2' }]);
    expect(await store.saveProvider({ name: 'B', previousName: 'A2', kind: 'anthropic', baseUrl: '', model: 'x', apiKey: '' })).toEqual({
      ok: false,
      message: 'Another provider is already named “B”.',
    });

    expect(await store.removeProvider('A2')).toEqual({ ok: true, message: 'Removed “A2”. New conversations use “B”.' });
    expect(state.activeProvider).toBeNull();
    expect(await store.removeProvider('B')).toEqual({ ok: true, message: 'Removed “B”. No provider is left: add one to chat.' });
    expect(state.providers).toEqual([]);
  });
});

describe('the outbox (L32)', () => {
  function outboxSetup(outbox: MemoryOutbox, options: { storeId?: string; ids?: string[] } = {}) {
    const sent: Array<{ laneKey: string; text: string; clientMessageId?: string }> = [];
    let refuse: GatewayError | null = null;
    const gateway = new FakeGateway({
      'app.status': () => ({ ...status('i1'), storeId: options.storeId ?? 'store-1' }),
      'lanes.list': () => [lane('a')],
      'settings.get': () => ({ settings: { ...DEFAULT_SETTINGS, providers: [] }, providers: [], warnings: [], notices: [] }),
      'message.send': (params) => {
        if (refuse) {
          const error = refuse;
          refuse = null;
          throw error;
        }
        sent.push(params);
        return { status: 'started', message: 'Sent.' };
      },
    });
    const ids = [...(options.ids ?? ['m-00000001', 'm-00000002', 'm-00000003'])];
    const store = new AppStore(gateway, { outbox, newMessageId: () => ids.shift()! });
    store.start();
    return { gateway, store, sent, refuseNext: (error: GatewayError) => (refuse = error) };
  }

  it('L32: typed while Baton is unreachable, a message waits in the outbox, is shown, and is sent once with its id on reconnect', async () => {
    const outbox = new MemoryOutbox();
    const { gateway, store, sent } = outboxSetup(outbox);
    gateway.connect('reconnecting');
    expect(await store.send('a', 'first')).toBe(true); // safe: the composer may clear
    expect(await store.send('a', 'second')).toBe(true);
    expect(store.getState().outbox.map((e) => e.text)).toEqual(['first', 'second']);
    expect(sent).toEqual([]);

    gateway.connect('open');
    await store.flushOutbox();
    await settle();
    expect(sent).toEqual([
      { laneKey: 'a', text: 'first', clientMessageId: 'm-00000001' },
      { laneKey: 'a', text: 'second', clientMessageId: 'm-00000002' },
    ]);
    expect(await outbox.list()).toEqual([]);
    expect(store.getState().outbox).toEqual([]);
  });

  it('L32: the outbox outlives the page: a new window on the same storage sends what the old one kept', async () => {
    const outbox = new MemoryOutbox();
    const first = outboxSetup(outbox);
    first.gateway.connect('open');
    await settle(); // learns the store id
    first.gateway.connect('reconnecting');
    await first.store.send('a', 'typed before the reload');

    const second = outboxSetup(outbox, { ids: ['m-00000009'] });
    expect(second.sent).toEqual([]);
    await settle();
    expect(second.store.getState().outbox.map((e) => e.text)).toEqual(['typed before the reload']);
    second.gateway.connect('open');
    await second.store.flushOutbox();
    await settle();
    expect(second.sent).toEqual([{ laneKey: 'a', text: 'typed before the reload', clientMessageId: 'm-00000001' }]);
  });

  it('L32: a message kept for another data directory is never sent to this one', async () => {
    const outbox = new MemoryOutbox();
    await outbox.put({ id: 'm-elsewhere', storeId: 'store-other', laneKey: 'a', text: 'not for you', createdAt: 1 });
    const { gateway, store, sent } = outboxSetup(outbox);
    gateway.connect('open');
    await settle();
    await store.flushOutbox();
    expect(sent).toEqual([]);
    expect(store.getState().outbox).toEqual([]);
    expect((await outbox.list()).map((e) => e.id)).toEqual(['m-elsewhere']);
  });

  it('L32: a connection lost mid-send keeps the message; it goes out again with the same id', async () => {
    const outbox = new MemoryOutbox();
    const { gateway, store, sent, refuseNext } = outboxSetup(outbox);
    gateway.connect('open');
    await settle();
    refuseNext(new GatewayError('UNAVAILABLE', 'Not connected to Baton'));
    expect(await store.send('a', 'in flight')).toBe(true);
    expect((await outbox.list()).map((e) => e.id)).toEqual(['m-00000001']);

    await store.flushOutbox();
    expect(sent).toEqual([{ laneKey: 'a', text: 'in flight', clientMessageId: 'm-00000001' }]);
    expect(await outbox.list()).toEqual([]);
  });

  it('L32/R1: a message the gateway refuses leaves the outbox, the composer keeps it when typed live, and a kept one is repeated in the error', async () => {
    const outbox = new MemoryOutbox();
    const { gateway, store, refuseNext } = outboxSetup(outbox);
    gateway.connect('open');
    await settle();
    refuseNext(new GatewayError('STORAGE_FULL', 'Baton could not save your message: the disk is full.'));
    expect(await store.send('a', 'live one')).toBe(false);
    expect(await outbox.list()).toEqual([]);

    gateway.connect('reconnecting');
    await store.send('a', 'kept one');
    refuseNext(new GatewayError('NOT_FOUND', 'No conversation a.'));
    gateway.connect('open');
    await store.flushOutbox();
    await settle();
    expect(await outbox.list()).toEqual([]);
    expect(store.getState().errors.at(-1)?.message).toContain('“kept one”');
  });

  it('L32: a queued message leaves the queued list when its own user message arrives, matched by id, not by text', async () => {
    const outbox = new MemoryOutbox();
    const { gateway, store } = outboxSetup(outbox);
    gateway.handlers['message.send'] = () => ({ status: 'queued', message: 'Queued.' });
    gateway.connect('open');
    await settle();
    await store.send('a', 'same words');
    await store.send('a', 'same words');
    expect(store.getState().queuedTexts.get('a')?.map((q) => q.clientId)).toEqual(['m-00000001', 'm-00000002']);
    const log = new EventLog('a-s1');
    gateway.push({ type: 'transcript', laneKey: 'a', event: log.next('user_message', { text: 'same words', clientId: 'm-00000002' }) });
    await settle();
    expect(store.getState().queuedTexts.get('a')?.map((q) => q.clientId)).toEqual(['m-00000001']);
  });
});
