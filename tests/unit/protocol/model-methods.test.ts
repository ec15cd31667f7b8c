/**
 * L34 over the protocol: lanes.setModel, lanes.setProfile and lanes.setOverrides, validated like
 * every other method (R1), through GatewayClient → in-memory transport → ProtocolServer →
 * GatewayService → the real core (SQLite, scripted agents).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { rejection, ServiceHarness } from '../../fixtures/host-service-harness.ts';

let harness: ServiceHarness | null = null;
afterEach(() => {
  harness?.cleanup();
  harness = null;
});

const ENV = { OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', OPENAI_MODEL: 'env-model' };
const ENV_NAME = 'OpenAI-compatible server (127.0.0.1:9)';

async function start() {
  harness = await ServiceHarness.start({ env: ENV });
  const client = await harness.client();
  await client.call('settings.set', {
    key: 'providers',
    value: [
      { name: 'Local', kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:11434/v1', model: 'llama3' },
      { name: 'Cloud', kind: 'anthropic', model: 'claude-x' },
    ],
  });
  return { h: harness, client };
}

describe('lanes.setModel, lanes.setProfile, lanes.setOverrides (L34)', () => {
  it('L34: lanes.setModel stores the provider and model on the conversation and answers its status; an unknown provider is refused', async () => {
    const { h, client } = await start();
    const lane = await client.call('lanes.create', {});
    // The first saved provider is the default when none is chosen.
    expect(lane).toMatchObject({ provider: 'Local', model: 'llama3', profile: null });

    const changed = await client.call('lanes.setModel', { laneKey: lane.laneKey, provider: 'Cloud', model: 'claude-y' });
    expect(changed).toMatchObject({ laneKey: lane.laneKey, provider: 'Cloud', model: 'claude-y' });
    expect(h.core.store.getLane(lane.laneKey)).toMatchObject({ provider: 'Cloud', model: 'claude-y' });
    // The provider from the environment can be chosen by its shown name.
    expect(await client.call('lanes.setModel', { laneKey: lane.laneKey, provider: ENV_NAME, model: 'other' })).toMatchObject({ provider: ENV_NAME });

    const gone = await rejection(client.call('lanes.setModel', { laneKey: lane.laneKey, provider: 'Nope', model: 'm' }));
    expect(gone.code).toBe('INVALID_INPUT');
    expect(gone.message).toMatch(/No provider named “Nope”/);
    expect((await rejection(client.call('lanes.setModel', { laneKey: 'lane_none', provider: 'Local', model: 'm' }))).code).toBe('NOT_FOUND');
    expect((await rejection(client.call('lanes.setModel', { laneKey: lane.laneKey, provider: 'Local', model: '  ' }))).code).toBe('INVALID_PARAMS');
    expect((await rejection(client.call('lanes.setModel', { laneKey: lane.laneKey } as never))).code).toBe('INVALID_PARAMS');
  });

  it('L34: choosing another default provider or renaming one never re-points a conversation by accident; a rename is followed', async () => {
    const { client } = await start();
    const lane = await client.call('lanes.create', {});
    await client.call('settings.set', { key: 'activeProvider', value: 'Cloud' });
    const later = await client.call('lanes.create', {});
    expect(later).toMatchObject({ provider: 'Cloud', model: 'claude-x' });
    expect((await client.call('lanes.list', {})).find((l) => l.laneKey === lane.laneKey)).toMatchObject({ provider: 'Local', model: 'llama3' });

    await client.call('provider.rename', { from: 'Local', to: 'Ollama' });
    expect((await client.call('lanes.list', {})).find((l) => l.laneKey === lane.laneKey)).toMatchObject({ provider: 'Ollama', model: 'llama3' });
  });

  it('L34: lanes.setProfile takes the profile’s provider and model along; Default and unknown profiles', async () => {
    const { client } = await start();
    await client.call('settings.set', {
      key: 'profiles',
      value: [{ name: 'Writer', instructions: 'Write well.', provider: 'Cloud', model: 'claude-w', tools: null, toolApproval: {}, workspaceDir: null, maxSteps: null }],
    });
    const lane = await client.call('lanes.create', {});
    expect(await client.call('lanes.setProfile', { laneKey: lane.laneKey, profile: 'Writer' })).toMatchObject({ profile: 'Writer', provider: 'Cloud', model: 'claude-w' });
    // Back to Default: the conversation keeps the model it has.
    expect(await client.call('lanes.setProfile', { laneKey: lane.laneKey, profile: null })).toMatchObject({ profile: null, provider: 'Cloud', model: 'claude-w' });
    const unknown = await rejection(client.call('lanes.setProfile', { laneKey: lane.laneKey, profile: 'Ghost' }));
    expect(unknown.code).toBe('INVALID_INPUT');
    expect(unknown.message).toMatch(/No profile named “Ghost”/);
  });

  it('L34: lanes.setOverrides sets and drops the conversation’s own instructions and workspace; a relative folder is refused', async () => {
    const { client } = await start();
    const lane = await client.call('lanes.create', {});
    expect(await client.call('lanes.setOverrides', { laneKey: lane.laneKey, instructions: 'Be terse.', workspaceDir: '/tmp/proj' })).toMatchObject({
      instructions: 'Be terse.',
      workspaceDir: '/tmp/proj',
    });
    // A missing field is left alone; null drops the override.
    expect(await client.call('lanes.setOverrides', { laneKey: lane.laneKey, workspaceDir: null })).toMatchObject({ instructions: 'Be terse.', workspaceDir: null });
    const relative = await rejection(client.call('lanes.setOverrides', { laneKey: lane.laneKey, workspaceDir: 'proj' }));
    expect(relative.code).toBe('INVALID_INPUT');
    expect(relative.message).toMatch(/absolute/);
  });

  it('L34: the profiles setting is validated: unique names, not "Default", absolute folders, a step limit from 1 to 500', async () => {
    const { client } = await start();
    const profile = { name: 'A', instructions: null, provider: null, model: null, tools: null, toolApproval: {}, workspaceDir: null, maxSteps: null };
    const bad = [
      [profile, { ...profile, name: 'a' }],
      [{ ...profile, name: 'Default' }],
      [{ ...profile, workspaceDir: 'relative/dir' }],
      [{ ...profile, maxSteps: 0 }],
      [{ ...profile, toolApproval: { shell: 'sometimes' } }],
    ];
    for (const value of bad) {
      const refused = await rejection(client.call('settings.set', { key: 'profiles', value: value as never }));
      expect(refused.code).toBe('INVALID_INPUT');
      expect(refused.message).toMatch(/setting "profiles"/);
    }
    // Only a name is needed; the rest takes the Default's.
    const saved = await client.call('settings.set', { key: 'profiles', value: [{ name: 'Minimal' } as never] });
    expect(saved.settings.profiles).toEqual([{ ...profile, name: 'Minimal' }]);
  });
});
