/**
 * L34 in the window: the header's words for the conversation's agent, the picker's choices, the
 * profile form, each answer's model, and the store's lane model methods against the real gateway
 * service over the real protocol client (in-memory transport).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { agentSummary, profileNames, providerOptions } from '../../../renderer/src/lib/agent-choice.ts';
import { emptyProfileForm, formFromProfile, profileFromForm } from '../../../renderer/src/lib/profile-form.ts';
import { applyTranscriptEvents, buildTranscript, type AssistantItem } from '../../../renderer/src/state/transcript-model.ts';
import { AppStore } from '../../../renderer/src/state/store.ts';
import type { AgentProfile, ProviderView } from '../../../shared/settings.ts';
import { ServiceHarness } from '../../fixtures/host-service-harness.ts';
import { EventLog, SESSION } from './events.ts';

const providers: ProviderView[] = [
  { name: 'Local', kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:11434/v1', model: 'llama3', hasKey: false, source: 'settings' },
  { name: 'Env', kind: 'anthropic', model: 'claude-x', hasKey: true, source: 'environment' },
];

describe('the conversation header’s agent (L34)', () => {
  it('L34: the header names the provider and model, the profile, and says when the provider was removed', () => {
    expect(agentSummary({ provider: 'Local', model: 'llama3', profile: null }, providers)).toMatchObject({ label: 'Local · llama3', profile: 'Default', providerMissing: false });
    const gone = agentSummary({ provider: 'Gone', model: 'm1', profile: 'Writer' }, providers);
    expect(gone).toMatchObject({ label: 'Gone · m1', profile: 'Writer', providerMissing: true });
    expect(gone.description).toMatch(/“Gone” is no longer configured\. Pick another model/);
    // Before the settings arrive nothing is called missing.
    expect(agentSummary({ provider: 'Gone', model: 'm1', profile: null }, null).providerMissing).toBe(false);
    expect(agentSummary({ provider: null, model: null, profile: null }, providers).label).toBe('No model chosen');
  });

  it('L34: the picker offers every provider, the environment’s marked, and shows a removed one without offering it', () => {
    expect(providerOptions(providers, 'Local')).toEqual([
      { name: 'Local', text: 'Local', model: 'llama3', missing: false },
      { name: 'Env', text: 'Env (from environment)', model: 'claude-x', missing: false },
    ]);
    expect(providerOptions(providers, 'Gone')[0]).toEqual({ name: 'Gone', text: 'Gone (removed)', model: '', missing: true });
    expect(profileNames([{ name: 'Writer' } as AgentProfile])).toEqual(['Default', 'Writer']);
  });

  it('L34: each answer shows the model that produced it; older answers show none', () => {
    const log = new EventLog();
    const model = buildTranscript('a', SESSION, [
      log.next('user_message', { text: 'hi' }),
      log.next('assistant_text', { text: 'old answer', final: true }),
      log.next('assistant_text', { text: 'new answer', final: true, provider: 'Local', model: 'llama3' }),
    ]);
    const answers = model.items.filter((item): item is AssistantItem => item.type === 'assistant');
    expect(answers.map((a) => a.modelLabel)).toEqual([undefined, 'Local · llama3']);
    // A streamed row keeps its label when the whole row comes again.
    const streamed = log.next('assistant_text', { text: 'par', final: false, provider: 'Env', model: 'claude-x' }, 'turn-2');
    const after = applyTranscriptEvents(model, [streamed, log.again(streamed, 'assistant_text', { text: 'partial done', final: true, provider: 'Env', model: 'claude-x' })]);
    expect(after.items.at(-1)).toMatchObject({ type: 'assistant', text: 'partial done', modelLabel: 'Env · claude-x' });
  });
});

describe('the profile form (L34)', () => {
  it('L34: a form becomes a profile; empty fields take the Default’s; bad names, folders and limits get words', () => {
    const form = { ...emptyProfileForm(), name: ' Reviewer ', instructions: 'Review only.', provider: 'Local', limitTools: true, tools: ['read_file', 'read_file'], maxSteps: '5' };
    const checked = profileFromForm(form, ['Writer']);
    expect(checked).toEqual({
      ok: true,
      profile: { name: 'Reviewer', instructions: 'Review only.', provider: 'Local', model: null, tools: ['read_file'], toolApproval: {}, workspaceDir: null, maxSteps: 5 },
    });
    if (checked.ok) expect(profileFromForm(formFromProfile(checked.profile), [])).toEqual(checked);
    expect(profileFromForm({ ...form, name: 'default' }, [])).toMatchObject({ ok: false, message: expect.stringMatching(/built-in profile/) });
    expect(profileFromForm({ ...form, name: 'writer' }, ['Writer'])).toMatchObject({ ok: false, message: expect.stringMatching(/already named/) });
    expect(profileFromForm({ ...form, workspaceDir: 'rel/dir' }, [])).toMatchObject({ ok: false, message: expect.stringMatching(/absolute/) });
    expect(profileFromForm({ ...form, maxSteps: '0' }, [])).toMatchObject({ ok: false, message: expect.stringMatching(/1 to 500/) });
    expect(profileFromForm({ ...form, provider: '', model: 'm' }, [])).toMatchObject({ ok: false, message: 'A model needs its provider.' });
    expect(profileFromForm({ ...form, name: '  ' }, [])).toMatchObject({ ok: false, message: 'A profile needs a name.' });
  });
});

describe('the store’s lane model methods over the real service (L34)', () => {
  let harness: ServiceHarness | null = null;
  let stop: (() => void) | null = null;
  afterEach(() => {
    stop?.();
    harness?.cleanup();
    harness = null;
    stop = null;
  });

  it('L34: setLaneModel updates the conversation in the window; a provider that does not exist is refused with the gateway’s words', async () => {
    harness = await ServiceHarness.start({ env: {} });
    const client = await harness.client();
    await client.call('settings.set', { key: 'providers', value: [{ name: 'Local', kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:11434/v1', model: 'llama3' }, { name: 'Cloud', kind: 'anthropic', model: 'c1' }] });
    const store = new AppStore(client);
    stop = store.start();
    await store.refreshLanes();
    const laneKey = (await store.newChat())!;
    expect(store.getState().lanes.get(laneKey)).toMatchObject({ provider: 'Local', model: 'llama3' });

    expect(await store.setLaneModel(laneKey, 'Cloud', 'c2')).toEqual({ ok: true });
    expect(store.getState().lanes.get(laneKey)).toMatchObject({ provider: 'Cloud', model: 'c2' });
    const refused = await store.setLaneModel(laneKey, 'Nope', 'x');
    expect(refused).toMatchObject({ ok: false, message: expect.stringMatching(/No provider named “Nope”/) });
    expect(store.getState().lanes.get(laneKey)).toMatchObject({ provider: 'Cloud', model: 'c2' });

    expect(await store.setLaneOverrides(laneKey, { instructions: 'Be brief.' })).toEqual({ ok: true });
    expect(store.getState().lanes.get(laneKey)).toMatchObject({ instructions: 'Be brief.', workspaceDir: null });
    expect(await store.setLaneProfile(laneKey, 'Ghost')).toMatchObject({ ok: false });
  });
});
