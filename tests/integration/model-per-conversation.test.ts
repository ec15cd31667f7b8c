/**
 * L34 with real processes: the headless host as a child process, two scripted OpenAI-compatible
 * servers (one per provider), a real restart (SIGUSR1 → drain → exit 75 → relaunch). A
 * conversation on the second provider is resumed on it after the restart although the default is
 * the first; every assertion is about which server got the request, with which model.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HostProcess, recordGatewayEvents } from '../fixtures/host-process.ts';
import { createGate, startScriptedOpenAIServer, textReply, type ScriptedOpenAIServer } from '../fixtures/scripted-openai-server.ts';

let dataDir: string;
let alpha: ScriptedOpenAIServer;
let beta: ScriptedOpenAIServer;
const hosts: HostProcess[] = [];

beforeEach(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-models-'));
  [alpha, beta] = await Promise.all([startScriptedOpenAIServer(), startScriptedOpenAIServer()]);
  fs.writeFileSync(
    path.join(dataDir, 'config.json'),
    JSON.stringify({
      drainTimeoutSeconds: 0,
      graceSeconds: 2,
      providers: [
        { name: 'Alpha', kind: 'openai-compatible', baseUrl: alpha.url, model: 'alpha-1' },
        { name: 'Beta', kind: 'openai-compatible', baseUrl: beta.url, model: 'beta-1' },
      ],
      activeProvider: 'Alpha',
    }),
  );
});

afterEach(async () => {
  for (const host of hosts.splice(0)) host.kill();
  await Promise.all([alpha.close(), beta.close()]);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function startHost(port?: number): Promise<HostProcess> {
  const host = await HostProcess.start(dataDir, { BATON_ACCESS_TOKEN: 'model-per-conversation-token-0123456789' }, port === undefined ? {} : { port });
  hosts.push(host);
  return host;
}

describe('a conversation keeps its agent across a real restart (L34)', () => {
  it('L34: two conversations on two providers reach their own servers; after SIGUSR1 and the relaunch the interrupted one resumes on its own model', async () => {
    const host = await startHost();
    const client = await host.client();
    const events = recordGatewayEvents(client);

    const onAlpha = await client.call('lanes.create', {});
    const onBeta = await client.call('lanes.create', {});
    expect(onAlpha).toMatchObject({ provider: 'Alpha', model: 'alpha-1' });
    expect(await client.call('lanes.setModel', { laneKey: onBeta.laneKey, provider: 'Beta', model: 'beta-2' })).toMatchObject({ provider: 'Beta', model: 'beta-2' });

    alpha.enqueue(textReply('Alpha here.'));
    await client.call('message.send', { laneKey: onAlpha.laneKey, text: 'hi alpha' });
    await events.waitFor((e) => e.type === 'transcript' && e.laneKey === onAlpha.laneKey && e.event.kind === 'assistant_text' && e.event.payload.final);

    // A turn on Beta that is still streaming when Baton restarts.
    const never = createGate();
    beta.enqueue({ kind: 'stream', steps: [{ type: 'text', text: 'Working' }, { type: 'wait', until: never.promise }] });
    await client.call('message.send', { laneKey: onBeta.laneKey, text: 'a long job' });
    await beta.waitForRequest(1);
    host.signal('SIGUSR1');
    expect((await host.exited).code).toBe(75);

    // The relaunch auto-resumes the Beta conversation on Beta with its own model, whatever the default.
    beta.enqueue(textReply('Resumed on Beta.'));
    const again = await startHost(host.ready.port);
    const resumed = await beta.waitForRequest(2);
    expect(resumed.body.model).toBe('beta-2');
    expect(resumed.body.messages.some((m) => m.role === 'system' && String(m.content).includes('interrupted by a restart'))).toBe(true);

    const second = await again.client();
    const secondEvents = recordGatewayEvents(second);
    const lanes = await second.call('lanes.list', {});
    if (lanes.find((l) => l.laneKey === onBeta.laneKey)?.activity !== 'idle') {
      await secondEvents.waitFor((e) => e.type === 'lane' && e.lane.laneKey === onBeta.laneKey && e.lane.activity === 'idle');
    }
    const transcript = await second.call('transcript.get', { laneKey: onBeta.laneKey });
    expect(transcript.events.findLast((e) => e.kind === 'assistant_text')).toMatchObject({ payload: { text: 'Resumed on Beta.', final: true, provider: 'Beta', model: 'beta-2' } });
    expect(alpha.requests.map((r) => r.body.model)).toEqual(['alpha-1']);
    expect(beta.requests.map((r) => r.body.model)).toEqual(['beta-2', 'beta-2']);
    expect((await second.call('lanes.list', {})).map((l) => [l.laneKey, l.provider, l.model]).sort()).toEqual(
      [
        [onAlpha.laneKey, 'Alpha', 'alpha-1'],
        [onBeta.laneKey, 'Beta', 'beta-2'],
      ].sort(),
    );
    client.close();
    second.close();
  });
});
