/**
 * L2/L7 end to end: the headless host with its data directory on a real, full filesystem. Every
 * message the window was told is saved is there after a restart; every other one was refused with
 * a clear "the disk is full" error (the window keeps such text in the composer).
 */
import { afterEach, expect, it } from 'vitest';
import { GatewayError } from '../../shared/protocol/client.ts';
import { HostProcess } from '../fixtures/host-process.ts';
import { mountTmpfs, type Tmpfs } from '../support/tmpfs.ts';

const disk = mountTmpfs(4096);
const unavailable = 'unavailable' in disk ? disk.unavailable : null;
if (unavailable) console.log(`skipped: the real full-disk host test needs a tmpfs (${unavailable})`);

let host: HostProcess | null = null;

afterEach(() => {
  host?.kill();
  host = null;
  if (!unavailable) (disk as Tmpfs).unmount();
});

it.skipIf(unavailable !== null)('L2/L7: on a full disk, message.send acknowledges only what it stored and refuses the rest with STORAGE_FULL', async () => {
  const fsDisk = disk as Tmpfs;
  host = await HostProcess.start(fsDisk.dir);
  let client = await host.client();
  const lane = await client.call('lanes.create', { title: 'full disk' });
  fsDisk.fill();

  const acknowledged: string[] = [];
  const refused: GatewayError[] = [];
  for (let i = 0; i < 40; i++) {
    const text = `message ${i} `.padEnd(2_000, 'm');
    try {
      await client.call('message.send', { laneKey: lane.laneKey, text });
      acknowledged.push(text);
    } catch (error) {
      if (!(error instanceof GatewayError)) throw error;
      refused.push(error);
    }
  }
  expect(refused.length).toBeGreaterThan(0);
  for (const error of refused) {
    expect(error.code).toBe('STORAGE_FULL');
    expect(error.message).toMatch(/^Baton could not save your message: the disk is full/);
  }

  // Restart with room again: every acknowledged message is in the conversation, in order.
  host.closeClients();
  host.signal('SIGTERM');
  await host.exited;
  fsDisk.free();
  host = await HostProcess.start(fsDisk.dir);
  client = await host.client();
  const { events } = await client.call('transcript.get', { laneKey: lane.laneKey });
  const stored = events.filter((event) => event.kind === 'user_message').map((event) => (event.payload as { text: string }).text);
  const queued = (await client.call('lanes.list', {})).find((l) => l.laneKey === lane.laneKey)?.queuedInputs ?? 0;
  // A message is either in the transcript or still queued to run; none is missing.
  expect(stored.length + queued).toBe(acknowledged.length);
  expect(stored).toEqual(acknowledged.slice(0, stored.length));
});
