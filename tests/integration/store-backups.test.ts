/**
 * Issue 11 (SPEC L36, R2, L9, L30) with real processes: the headless host as a child process, the
 * `baton` command line, a scripted OpenAI-compatible server. The whole store goes out
 * (`baton export --store`, JSON Lines and SQLite) and into a fresh data dir (`baton import`), every
 * event compared; a backup is restored through the drain (exit 75, the running turn marked, the
 * store after the relaunch is the backup's); a damaged backup is refused and the current store kept.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GatewayEvent } from '../../shared/gateway-events.ts';
import type { GatewayClient } from '../../shared/protocol/client.ts';
import type { PushEvent } from '../../shared/protocol/contract.ts';
import { sendInChunks } from '../../shared/chunked-upload.ts';
import { STORE_IMPORT_LIMITS } from '../../shared/store-transfer.ts';
import { CliProcess, type CliResult } from '../fixtures/cli-process.ts';
import { HostProcess } from '../fixtures/host-process.ts';
import { addLongConversations, FRAME_CAP } from '../fixtures/long-conversations.ts';
import { createGate, startScriptedOpenAIServer, textReply, type ScriptedOpenAIServer } from '../fixtures/scripted-openai-server.ts';
import { Recorder } from '../support/recorder.ts';

let model: ScriptedOpenAIServer;
const dirs: string[] = [];
const hosts: HostProcess[] = [];

beforeEach(async () => {
  model = await startScriptedOpenAIServer();
});

afterEach(async () => {
  for (const host of hosts.splice(0)) host.kill();
  await model.close();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-backups-'));
  dirs.push(dir);
  return dir;
}

async function startHost(dataDir: string, port?: number): Promise<HostProcess> {
  const host = await HostProcess.start(dataDir, { OPENAI_BASE_URL: model.url, OPENAI_API_KEY: 'sk-test', OPENAI_MODEL: 'scripted' }, port === undefined ? {} : { port });
  hosts.push(host);
  return host;
}

function baton(dataDir: string, ...args: string[]): Promise<CliResult> {
  return new CliProcess(dataDir, args).done;
}

function gatewayEvents(client: GatewayClient): Recorder<GatewayEvent> {
  const events = new Recorder<GatewayEvent>();
  client.onEvent((event: PushEvent) => {
    if (event.channel === 'gateway') events.push(event.event);
  });
  return events;
}

/** Sends a message in a new conversation and waits until its answer is final and the lane idle. */
async function converse(client: GatewayClient, events: Recorder<GatewayEvent>, title: string, text: string, answer: string): Promise<string> {
  const lane = await client.call('lanes.create', { title });
  model.enqueue(textReply(answer));
  const from = events.items.length;
  await client.call('message.send', { laneKey: lane.laneKey, text });
  const final = await events.waitFor((e) => e.type === 'transcript' && e.laneKey === lane.laneKey && e.event.kind === 'assistant_text' && e.event.payload.final, from);
  await events.waitFor((e) => e.type === 'lane' && e.lane.laneKey === lane.laneKey && e.lane.activity === 'idle', events.items.indexOf(final));
  return lane.laneKey;
}

/** Every session's events of every conversation, as a window reads them. */
async function everything(client: GatewayClient) {
  const lanes = await client.call('lanes.list', {});
  const out: Record<string, unknown> = {};
  for (const lane of lanes) {
    const sessions = await client.call('sessions.list', { laneKey: lane.laneKey });
    out[lane.laneKey] = {
      title: lane.title,
      sessions: await Promise.all(
        sessions.map(async (s) => (await client.call('transcript.get', { laneKey: lane.laneKey, sessionId: s.sessionId })).events.map(({ seq: _seq, ...rest }) => rest)),
      ),
    };
  }
  return out;
}

/** A running host with these conversations answered; returns its data dir and a client. */
async function sourceWith(...chats: Array<[title: string, text: string, answer: string]>) {
  const sourceDir = tempDir();
  const source = await startHost(sourceDir);
  const client = await source.client();
  const events = gatewayEvents(client);
  for (const [title, text, answer] of chats) await converse(client, events, title, text, answer);
  return { sourceDir, client };
}

describe('whole-store export and import through the command line (L36)', () => {
  it('L36: export --store (JSON Lines) then import into a fresh data dir: every event the same; a second import never overwrites', async () => {
    const { sourceDir, client } = await sourceWith(['Garden', 'Plan the garden', 'Beds of **beans** and tomatoes.'], ['Taxes', 'When is the deadline?', 'The 31st — ünïcödé ✓']);
    const expected = await everything(client);
    const archive = path.join(tempDir(), 'store.jsonl');
    const exported = await baton(sourceDir, 'export', '--store', archive);
    expect(exported).toMatchObject({ code: 0, stderr: expect.stringContaining('Exported 2 conversations') });

    const targetDir = tempDir();
    const targetClient = await (await startHost(targetDir)).client();
    const imported = await baton(targetDir, 'import', archive);
    expect(imported.code).toBe(0);
    expect(imported.stderr).toContain('Imported 2 conversations');
    expect(await everything(targetClient)).toEqual(expected);

    // Both conversations are here already: they come in anew, the originals untouched.
    const again = await baton(targetDir, 'import', archive);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/was already here: imported as lane_\w+, titled "\(imported\)"/);
    const titles = (await targetClient.call('lanes.list', {})).map((lane) => lane.title).sort();
    expect(titles).toEqual(['Garden', 'Garden (imported)', 'Taxes', 'Taxes (imported)']);
    const after = await everything(targetClient);
    for (const [key, value] of Object.entries(expected)) expect(after[key]).toEqual(value);
  });

  it('L36: export --store --format sqlite (the online backup) then import into a fresh data dir: every event the same', async () => {
    const { sourceDir, client } = await sourceWith(['Garden', 'Plan the garden', 'Beds of beans.']);
    const expected = await everything(client);
    const copy = path.join(tempDir(), 'store.db');
    expect((await baton(sourceDir, 'export', '--store', '--format', 'sqlite', copy)).code).toBe(0);
    expect(fs.readFileSync(copy).subarray(0, 15).toString('latin1')).toBe('SQLite format 3');

    const targetDir = tempDir();
    const targetClient = await (await startHost(targetDir)).client();
    expect((await baton(targetDir, 'import', copy)).code).toBe(0);
    expect(await everything(targetClient)).toEqual(expected);
  });

  it('L36/R1: a damaged archive or one from a newer schema is refused whole with the line it failed at (exit 5); nothing is imported', async () => {
    const { sourceDir } = await sourceWith(['Garden', 'Plan the garden', 'Beans.']);
    const archive = path.join(tempDir(), 'store.jsonl');
    expect((await baton(sourceDir, 'export', '--store', archive)).code).toBe(0);
    const lines = fs.readFileSync(archive, 'utf8').trimEnd().split('\n');

    const targetDir = tempDir();
    const targetClient = await (await startHost(targetDir)).client();
    const damaged = path.join(tempDir(), 'damaged.jsonl');
    fs.writeFileSync(damaged, [...lines.slice(0, -1), lines.at(-1)!.slice(0, 30)].join('\n'));
    const refused = await baton(targetDir, 'import', damaged);
    expect(refused.code).toBe(5);
    expect(refused.stderr).toContain(`damaged at line ${lines.length}: it is not JSON`);

    const newer = path.join(tempDir(), 'newer.jsonl');
    const header = JSON.parse(lines[0]!) as { schemaVersion: number };
    fs.writeFileSync(newer, [JSON.stringify({ ...header, schemaVersion: header.schemaVersion + 1 }), ...lines.slice(1)].join('\n'));
    const tooNew = await baton(targetDir, 'import', newer);
    expect(tooNew.code).toBe(5);
    expect(tooNew.stderr).toContain('written by a newer Baton');
    expect(await targetClient.call('lanes.list', {})).toEqual([]);
  });
});

/** A store whose archive is over the frame cap. */
async function bigSource() {
  const { sourceDir, client } = await sourceWith();
  await addLongConversations(client, model);
  return { sourceDir, client };
}

describe('an archive over the host\'s 4 MiB frame cap imports in chunks (L36, L30)', () => {
  it('L36: through the real host over WebSocket: store.importChunk then store.import { uploadId } imports it whole; sent as one message the frame is refused', async () => {
    const { client } = await bigSource();
    const expected = await everything(client);
    const exported = await client.call('store.export', { format: 'json' });
    const archive = Buffer.from(exported.data);
    expect(archive.length).toBeGreaterThan(FRAME_CAP);

    const targetDir = tempDir();
    const target = await startHost(targetDir);
    // The old way, one message: the host closes the socket on a frame over its cap; nothing imported.
    const oneShot = await target.client();
    await expect(oneShot.call('store.import', { format: 'json', data: exported.data })).rejects.toThrow(/connection to Baton was lost/);
    oneShot.close();

    const targetClient = await target.client();
    expect(await targetClient.call('lanes.list', {})).toEqual([]);
    const uploadId = await sendInChunks(
      { size: archive.length, chunkBytes: STORE_IMPORT_LIMITS.chunkBytes, name: 'the archive', read: (start, end) => archive.subarray(start, end).toString('base64') },
      (chunk) => targetClient.call('store.importChunk', { ...chunk, size: archive.length }),
    );
    const report = await targetClient.call('store.import', { format: 'json', uploadId });
    expect(report).toMatchObject({ lanes: 24, renamed: [] });
    expect(await everything(targetClient)).toEqual(expected);
    expect(fs.readdirSync(targetDir).filter((name) => name.startsWith('.upload-'))).toEqual([]);
  });

  it('L36: baton import FILE of a JSON Lines archive and of a SQLite copy, each over 4 MiB, goes through the host in chunks', async () => {
    const { sourceDir, client } = await bigSource();
    const expected = await everything(client);
    const archive = path.join(tempDir(), 'store.jsonl');
    const copy = path.join(tempDir(), 'store.db');
    expect((await baton(sourceDir, 'export', '--store', archive)).code).toBe(0);
    expect((await baton(sourceDir, 'export', '--store', '--format', 'sqlite', copy)).code).toBe(0);
    expect(fs.statSync(archive).size).toBeGreaterThan(FRAME_CAP);
    expect(fs.statSync(copy).size).toBeGreaterThan(FRAME_CAP);

    for (const file of [archive, copy]) {
      const targetDir = tempDir();
      const targetClient = await (await startHost(targetDir)).client();
      const imported = await baton(targetDir, 'import', file);
      expect(imported.stderr).toContain('Imported 24 conversations');
      expect(imported.code).toBe(0);
      expect(await everything(targetClient)).toEqual(expected);
    }
  });
});

describe('restore a backup through the drain (L36, R2, L9, L30)', () => {
  async function setUp() {
    const dataDir = tempDir();
    fs.writeFileSync(path.join(dataDir, 'config.json'), JSON.stringify({ drainTimeoutSeconds: 0.5, graceSeconds: 1 }));
    const host = await startHost(dataDir);
    const client = await host.client();
    const events = gatewayEvents(client);
    const kept = await converse(client, events, 'In the backup', 'keep me', 'Kept.');
    const { backup } = await client.call('backups.create', {});
    expect(backup).toMatchObject({ kind: 'manual', size: expect.any(Number) });
    const later = await converse(client, events, 'After the backup', 'not in the backup', 'Later.');
    // A turn still running when the restore is asked for.
    const never = createGate();
    model.enqueue({ kind: 'stream', steps: [{ type: 'text', text: 'Working on it' }, { type: 'wait', until: never.promise }] });
    const from = events.items.length;
    await client.call('message.send', { laneKey: later, text: 'a long job' });
    await events.waitFor((e) => e.type === 'transcript' && e.laneKey === later && e.event.kind === 'assistant_text', from);
    return { dataDir, host, client, events, kept, later, backup };
  }

  it('L36/L9: Restore drains (the running turn marked), exits 75 for the supervisor, and the relaunch opens the backup; the store before is a pre-restore backup', async () => {
    const { dataDir, host, client, events, kept, later, backup } = await setUp();
    const listed = await client.call('backups.list', {});
    expect(listed.backups.map((b) => b.name)).toContain(backup.name);

    expect(await client.call('backups.restore', { name: backup.name })).toEqual({ accepted: true });
    const banner = await events.waitFor((e) => e.type === 'banner' && e.banner.kind === 'drain' && e.banner.scope === 'lane');
    expect(banner).toMatchObject({ banner: { laneKey: later, reason: 'restore' } });
    expect((await host.exited).code).toBe(75);
    expect(host.stderr.items.some((line) => line.includes('(restore): draining 1 running turn'))).toBe(true);

    // What the supervisor does on 75.
    model.enqueue(textReply('unused'));
    const again = await startHost(dataDir, host.ready.port);
    const fresh = await again.client();
    expect((await fresh.call('lanes.list', {})).map((lane) => lane.laneKey)).toEqual([kept]);
    const after = await fresh.call('backups.list', {});
    expect(after.lastRestore).toMatchObject({ outcome: 'restored', backup: backup.name, preRestoreBackup: expect.stringMatching(/pre-restore\.db$/) });
    expect(after.pendingRestore).toBeNull();
    expect(after.backups.map((b) => b.kind)).toContain('pre-restore');
    expect(again.stderr.items.some((line) => line.includes(`Restored the conversations from the backup ${backup.name}`))).toBe(true);

    // The store as the drain left it is itself restorable: the interrupted turn is there, marked (L9).
    const preRestore = after.lastRestore!.preRestoreBackup!;
    expect(await fresh.call('backups.restore', { name: preRestore })).toEqual({ accepted: true });
    expect((await again.exited).code).toBe(75);
    const third = await startHost(dataDir, host.ready.port);
    const third_client = await third.client();
    const lanes = await third_client.call('lanes.list', {});
    expect(lanes.map((lane) => lane.laneKey).sort()).toEqual([kept, later].sort());
  });

  it('R2: a damaged backup is refused at the relaunch; the current store is kept and its interrupted turn resumes (L20)', async () => {
    const { dataDir, host, client, later, backup } = await setUp();
    const file = path.join(dataDir, 'backups', backup.name);
    const bytes = fs.readFileSync(file);
    bytes.fill(0x5a, 4096, Math.min(bytes.length, 4096 * 3));
    fs.writeFileSync(file, bytes);

    expect(await client.call('backups.restore', { name: backup.name })).toEqual({ accepted: true });
    expect((await host.exited).code).toBe(75);

    model.enqueue(textReply('Done after the restart.'));
    const again = await startHost(dataDir, host.ready.port);
    const fresh = await again.client();
    const listed = await fresh.call('backups.list', {});
    expect(listed.lastRestore).toMatchObject({ outcome: 'refused', backup: backup.name, message: expect.stringContaining('The current conversations were kept unchanged') });
    expect((await fresh.call('lanes.list', {})).map((lane) => lane.title).sort()).toEqual(['After the backup', 'In the backup']);
    const status = await fresh.call('app.status', {});
    expect(status.startup.autoResumed).toEqual([later]);
    const resumed = await model.waitForRequest(4);
    expect(resumed.body.messages.some((m) => m.role === 'system' && String(m.content).includes('interrupted by a restart'))).toBe(true);
  });
});
