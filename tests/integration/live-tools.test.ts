/**
 * Issue 10, live tools, with real processes: the headless host runs a turn against the scripted
 * OpenAI-compatible server whose model calls the real `shell` tool; its command is a real child
 * process whose output reaches a real WebSocket client while it runs. The host is then SIGKILLed
 * mid-command and relaunched on the same data dir: what was flushed is there (L26) and the turn is
 * interrupted as any crash leaves it (L15, L18). The full output of a long command is read back
 * through `tool.output`, also after a restart.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GatewayEvent } from '../../shared/gateway-events.ts';
import { GatewayError } from '../../shared/protocol/client.ts';
import { TOOL_OUTPUT_HEAD_CHARS, TOOL_OUTPUT_TAIL_CHARS } from '../../shared/tool-output.ts';
import type { EventPayload, StoredEvent } from '../../shared/transcript.ts';
import { HostProcess, recordGatewayEvents } from '../fixtures/host-process.ts';
import { startScriptedOpenAIServer, textReply, toolCallReply, type ScriptedOpenAIServer } from '../fixtures/scripted-openai-server.ts';
import type { Recorder } from '../support/recorder.ts';

let dataDir: string;
let workspaceDir: string;
let model: ScriptedOpenAIServer;
const hosts: HostProcess[] = [];

beforeEach(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-live-tools-'));
  workspaceDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-live-ws-'));
  fs.writeFileSync(path.join(dataDir, 'config.json'), JSON.stringify({ toolApproval: { shell: 'auto' }, workspaceDir, autoResume: false }));
  model = await startScriptedOpenAIServer();
});

afterEach(async () => {
  for (const host of hosts.splice(0)) host.kill();
  // A command left waiting by a killed host ends once its gate is gone.
  fs.rmSync(path.join(workspaceDir, 'gate'), { recursive: true, force: true });
  await model.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(workspaceDir, { recursive: true, force: true });
});

async function startHost(): Promise<HostProcess> {
  const host = await HostProcess.start(dataDir, { OPENAI_BASE_URL: model.url, OPENAI_API_KEY: 'sk-test', OPENAI_MODEL: 'scripted' });
  hosts.push(host);
  return host;
}

type ToolOutputRow = StoredEvent & { kind: 'tool_output'; payload: EventPayload<'tool_output'> };
const isOutputRow = (event: StoredEvent): event is ToolOutputRow => event.kind === 'tool_output';

/** The output a window holds from the row and the deltas it was sent. */
function liveText(events: Recorder<GatewayEvent>): string {
  let text = '';
  for (const e of events.items) {
    if (e.type === 'transcript' && isOutputRow(e.event)) text = e.event.payload.head + e.event.payload.tail;
    if (e.type === 'tool-output-delta' && e.offset === text.length) text += e.delta;
  }
  return text;
}

/** A command that prints, waits until the test removes its gate folder, then goes on. */
function gated(before: string, after: string): string {
  fs.mkdirSync(path.join(workspaceDir, 'gate'));
  return `${before}; while [ -d gate ]; do sleep 0.05; done; ${after}`;
}

async function rejection(promise: Promise<unknown>): Promise<GatewayError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  if (!(error instanceof GatewayError)) throw new Error(`expected a GatewayError, got ${String(error)}`);
  return error;
}

describe('live tool output over the real host (issue 10, L26)', () => {
  it('issue 10: shell output streams to the window while the command runs; the result carries the exit code', async () => {
    const host = await startHost();
    const client = await host.client();
    const events = recordGatewayEvents(client);
    model.enqueue(toolCallReply([{ id: 'c1', name: 'shell', args: { command: gated('echo first-line; echo oops >&2', 'echo second-line; exit 2') } }]), textReply('It failed with 2.'));
    const lane = await client.call('lanes.create', {});
    await client.call('message.send', { laneKey: lane.laneKey, text: 'build it' });

    await events.waitFor(() => liveText(events).includes('oops'));
    expect(liveText(events)).toBe('first-line\noops\n');
    expect(events.items.some((e) => e.type === 'transcript' && e.event.kind === 'tool_result')).toBe(false); // still running

    fs.rmdirSync(path.join(workspaceDir, 'gate'));
    const result = await events.waitFor((e) => e.type === 'transcript' && e.event.kind === 'tool_result');
    expect(result.type === 'transcript' && result.event.payload).toMatchObject({ callId: 'c1', isError: true, details: { exitCode: 2, signal: null } });
    // The answer after the result (an idle lane event could be the one from before the turn began).
    await events.waitFor((e) => e.type === 'transcript' && e.event.kind === 'assistant_text' && e.event.payload.final);

    const { events: stored } = await client.call('transcript.get', { laneKey: lane.laneKey });
    const rows = stored.filter(isOutputRow);
    expect(rows).toHaveLength(1); // one row per call
    expect(rows[0]!.payload).toMatchObject({ callId: 'c1', head: 'first-line\noops\nsecond-line\n', tail: '', final: true, fullOutput: false });
    // The model read the same output as before, with its exit line.
    expect(model.requests.at(-1)!.body.messages.at(-1)).toMatchObject({ role: 'tool', tool_call_id: 'c1', content: 'first-line\noops\nsecond-line\n[exit code 2]' });
  });

  it('issue 10: a long output keeps its head and tail in the row; tool.output returns all of it, also after a restart, and only to its own conversation', async () => {
    const expected = Array.from({ length: 40_000 }, (_, i) => `${i + 1}\n`).join('');
    let host = await startHost();
    let client = await host.client();
    const events = recordGatewayEvents(client);
    model.enqueue(toolCallReply([{ id: 'c1', name: 'shell', args: { command: 'seq 1 40000' } }]), textReply('Counted.'));
    const lane = await client.call('lanes.create', {});
    const other = await client.call('lanes.create', {});
    await client.call('message.send', { laneKey: lane.laneKey, text: 'count' });
    await events.waitFor((e) => e.type === 'transcript' && e.event.kind === 'assistant_text' && e.event.payload.final);

    const { events: stored } = await client.call('transcript.get', { laneKey: lane.laneKey });
    const row = stored.find(isOutputRow)!;
    expect(row.payload).toMatchObject({ length: expected.length, totalBytes: expected.length, fullOutput: true, final: true });
    expect(row.payload.head).toBe(expected.slice(0, TOOL_OUTPUT_HEAD_CHARS));
    expect(row.payload.tail).toBe(expected.slice(-TOOL_OUTPUT_TAIL_CHARS));
    expect(await client.call('tool.output', { laneKey: lane.laneKey, seq: row.seq })).toEqual({ callId: 'c1', text: expected, complete: true, totalBytes: expected.length });

    // R1: validated like the rest — another conversation, another kind of row, a bad seq.
    expect((await rejection(client.call('tool.output', { laneKey: other.laneKey, seq: row.seq }))).code).toBe('NOT_FOUND');
    expect((await rejection(client.call('tool.output', { laneKey: lane.laneKey, seq: stored[0]!.seq }))).code).toBe('NOT_FOUND');
    expect((await rejection(client.call('tool.output', { laneKey: lane.laneKey, seq: -1 }))).code).toBe('INVALID_PARAMS');

    host.signal('SIGTERM');
    expect(await host.exited).toMatchObject({ code: 0 });
    host = await startHost();
    client = await host.client();
    expect((await client.call('tool.output', { laneKey: lane.laneKey, seq: row.seq })).text).toBe(expected);
  });

  it('L26, L18: SIGKILL of the host mid-command keeps the output flushed before it; after the relaunch the turn is interrupted and the output is there', async () => {
    let host = await startHost();
    let client = await host.client();
    const events = recordGatewayEvents(client);
    model.enqueue(toolCallReply([{ id: 'c1', name: 'shell', args: { command: gated('echo part-1; sleep 0.1; echo part-2', 'echo never-printed') } }]));
    const lane = await client.call('lanes.create', {});
    await client.call('message.send', { laneKey: lane.laneKey, text: 'long job' });
    await events.waitFor(() => liveText(events).includes('part-2'));
    // A transcript read saves what the window was sent (the flush the 250 ms timer would make).
    const before = (await client.call('transcript.get', { laneKey: lane.laneKey })).events.find(isOutputRow)!;
    expect(before.payload).toMatchObject({ head: 'part-1\npart-2\n', final: false });

    host.signal('SIGKILL');
    expect(await host.exited).toMatchObject({ signal: 'SIGKILL' });
    fs.rmdirSync(path.join(workspaceDir, 'gate')); // the orphaned command may end now

    host = await startHost();
    client = await host.client();
    const after = await client.call('transcript.get', { laneKey: lane.laneKey });
    const row = after.events.find(isOutputRow)!;
    expect(row.seq).toBe(before.seq);
    expect(row.payload).toMatchObject({ callId: 'c1', head: 'part-1\npart-2\n', final: false });
    // L15/L18: interrupted by the crash, the call's outcome unknown (no result recorded).
    expect(after.events.some((e) => e.kind === 'tool_result')).toBe(false);
    expect(after.events.at(-1)).toMatchObject({ kind: 'interruption', payload: { cause: 'crash' } });
    const lanes = await client.call('lanes.list', {});
    expect(lanes.find((l) => l.laneKey === lane.laneKey)).toMatchObject({ resumePending: true, resumeReason: 'crash' });
  });
});
