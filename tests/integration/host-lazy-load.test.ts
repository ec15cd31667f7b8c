/**
 * Issue 13 (start → ready) with real processes: the headless host loads the provider SDKs and the
 * MCP SDK only when first used, from the sources and from the bundle (out/…/main.js, built here by
 * the same Vite config `npm run build:host` uses); and the bundle keeps R4: nothing but the small
 * entry loads while the secrets are still in the process environment, before the re-exec.
 *
 * What a process loads is recorded by a resolve hook preloaded with --import
 * (tests/fixtures/record-module-loads.ts): every module URL, and whether a provider key was still in
 * the environment when it was resolved.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connectHostClient, type HostReady } from '../fixtures/host-process.ts';
import { startScriptedOpenAIServer, textReply, type ScriptedOpenAIServer } from '../fixtures/scripted-openai-server.ts';

const REPO = path.resolve(import.meta.dirname, '../..');
const HOOK = path.join(REPO, 'tests/fixtures/record-module-loads.ts');
/** Beside out/host (so the bundle finds the repository at '../..' as the real one does), never over it. */
const BUNDLE_DIR = path.join(REPO, 'out', `host-lazy-load-${process.pid}`);
const KEY = 'sk-lazy-load-test-key-0123456789';

interface Load {
  url: string;
  secretsInEnvironment: boolean;
}

let dataDir: string;
let model: ScriptedOpenAIServer;
const children: (() => void)[] = [];

beforeAll(() => {
  // The production config, into a folder of this test's own (a running supervisor may use out/host).
  execFileSync(process.execPath, [path.join(REPO, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'electron/host/vite.config.ts', '--outDir', BUNDLE_DIR], {
    cwd: REPO,
    stdio: 'pipe',
  });
}, 120_000);

afterAll(() => fs.rmSync(BUNDLE_DIR, { recursive: true, force: true }));

beforeEach(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-lazy-'));
  model = await startScriptedOpenAIServer();
});

afterEach(async () => {
  for (const kill of children.splice(0)) kill();
  await model.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Starts `entry` with the recording hook and keys in its environment; resolves at its ready line. */
async function startRecorded(entry: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<{ ready: HostReady; loads: () => Load[] }> {
  const logFile = path.join(dataDir, 'module-loads.jsonl');
  const child = spawn(process.execPath, ['--import', HOOK, entry, '--data-dir', dataDir, '--port', '0'], {
    cwd: REPO,
    stdio: 'pipe',
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      BATON_MODULE_LOG: logFile,
      OPENAI_BASE_URL: model.url,
      OPENAI_API_KEY: KEY,
      OPENAI_MODEL: 'scripted',
      ...extraEnv,
    },
  });
  children.push(() => child.kill('SIGKILL'));
  const stderr: string[] = [];
  readline.createInterface({ input: child.stderr }).on('line', (line) => stderr.push(line));
  const ready = await new Promise<HostReady>((resolve, reject) => {
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith('BATON_READY ')) resolve(JSON.parse(line.slice('BATON_READY '.length)) as HostReady);
    });
    child.on('exit', (code) => reject(new Error(`host exited (${code}) before it was ready: ${stderr.join('\n')}`)));
  });
  const loads = () =>
    fs
      .readFileSync(logFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Load);
  return { ready, loads };
}

const SDKS = ['/node_modules/openai/', '/node_modules/@anthropic-ai/sdk/', '/node_modules/@modelcontextprotocol/sdk/'];
const loadedSdks = (loads: Load[]) => SDKS.filter((sdk) => loads.some((load) => load.url.includes(sdk)));

/** Chunks of the bundle by the source module they start from (Rolldown names chunks after it). */
const loadedChunks = (loads: Load[], name: string) => loads.filter((load) => load.url.startsWith(`file://${BUNDLE_DIR}/${name}-`));

/** One turn through the scripted OpenAI-compatible server: the first use of a provider. */
async function oneTurn(ready: HostReady): Promise<void> {
  model.enqueue(textReply('Hello from the model.'));
  const client = await connectHostClient(ready);
  const lane = await client.call('lanes.create', {});
  await client.call('message.send', { laneKey: lane.laneKey, text: 'hi' });
  await model.waitForRequest(1);
  await client.close();
}

describe('issue 13: heavy modules load when first used', () => {
  it('issue 13: from the sources, the host is ready without the provider or MCP SDKs; the first turn loads its provider', async () => {
    const host = await startRecorded('electron/host/main.ts');
    expect(loadedSdks(host.loads())).toEqual([]);

    await oneTurn(host.ready);
    expect(loadedSdks(host.loads())).toContain('/node_modules/openai/');
    // No MCP server is configured, so the MCP SDK never loads at all.
    expect(loadedSdks(host.loads())).not.toContain('/node_modules/@modelcontextprotocol/sdk/');
  });

  it('issue 13/R4: the bundle is ready without the provider and MCP chunks, and loads only its entry before the secret re-exec', async () => {
    const host = await startRecorded(path.join(BUNDLE_DIR, 'main.js'));
    const atReady = host.loads();
    expect(loadedChunks(atReady, 'run-host')).not.toEqual([]);
    expect(loadedChunks(atReady, 'provider-config')).toEqual([]);
    expect(loadedChunks(atReady, 'mcp-server-connection')).toEqual([]);
    // Inlined: no package is resolved from node_modules but the native SQLite binding.
    expect(atReady.filter((load) => load.url.includes('/node_modules/') && !load.url.includes('/node_modules/better-sqlite3/'))).toEqual([]);
    // R4: while the key was in the environment, only the entry and its two small shared chunks
    // loaded (the secret table, and describeError for the handoff's own error words).
    const beforeReExec = atReady.filter((load) => load.secretsInEnvironment && load.url.startsWith('file://'));
    expect(beforeReExec.map((load) => path.basename(new URL(load.url).pathname).replace(/-[\w-]{8}\.js$/, '.js')).sort()).toEqual(['command-environment.js', 'errors.js', 'main.js']);
    expect(fs.readFileSync(`/proc/${host.ready.pid}/environ`, 'utf8')).not.toContain(KEY);

    await oneTurn(host.ready);
    expect(loadedChunks(host.loads(), 'provider-config')).not.toEqual([]);
    expect(loadedChunks(host.loads(), 'mcp-server-connection')).toEqual([]);
  });

  it('issue 13: with an MCP server configured, the MCP SDK is loaded at start (the servers start before the core)', async () => {
    const server = path.join(REPO, 'tests/fixtures/mcp-test-server.ts');
    fs.writeFileSync(path.join(dataDir, 'config.json'), JSON.stringify({ mcpServers: [{ name: 'fx', command: process.execPath, args: [server] }] }));
    const host = await startRecorded('electron/host/main.ts');
    expect(loadedSdks(host.loads())).toContain('/node_modules/@modelcontextprotocol/sdk/');
  });
});
