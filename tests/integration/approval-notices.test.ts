/**
 * L31 (issue 10): the desktop app's OS notification when a conversation starts waiting for an
 * approval in the background, with Approve / Deny where Electron shows buttons (macOS), answered
 * through the gateway's approval route. The real gateway and agent loop run a real turn against the
 * scripted OpenAI-compatible server; only `electron` is replaced, by a Notification modelled on
 * Electron's docs (options.actions as buttons, an 'action' event with the button's index).
 */
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LaneStatus } from '../../shared/gateway-events.ts';
import { startScriptedOpenAIServer, textReply, toolCallReply, type ScriptedOpenAIServer } from '../fixtures/scripted-openai-server.ts';
import type { CoreHarness } from '../support/core-harness.ts';
import { startScriptedModelCore } from '../support/scripted-model-core.ts';

interface Shown extends EventEmitter {
  options: { title: string; body: string; actions?: Array<{ type: string; text: string }> };
}

const model = vi.hoisted(() => ({ shown: [] as unknown[] }));

vi.mock('electron', () => ({
  Notification: class extends EventEmitter {
    readonly options: unknown;
    constructor(options: unknown) {
      super();
      this.options = options;
    }
    static isSupported(): boolean {
      return true;
    }
    show(): void {
      model.shown.push(this);
    }
  },
}));

const { Notifier } = await import('../../electron/shell/adapters/notifier.ts');
const { ApprovalNotices } = await import('../../electron/shell/notifications/approval-notices.ts');

let server: ScriptedOpenAIServer;
let harness: CoreHarness | null = null;

beforeEach(async () => {
  server = await startScriptedOpenAIServer();
  model.shown.length = 0;
});

afterEach(async () => {
  harness?.cleanup();
  harness = null;
  await server.close();
});

async function startCore(): Promise<CoreHarness> {
  harness = await startScriptedModelCore(server);
  return harness;
}

/** Wires the notices as electron/shell/main.ts does, the window in front or not. */
function wire(h: CoreHarness, platform: NodeJS.Platform, inFront: boolean) {
  const notifier = new Notifier(() => {}, platform);
  const opened: string[] = [];
  const notices = new ApprovalNotices({
    notify: (notice, onClick, actions) => notifier.notify(notice, onClick, actions),
    windowInFront: () => inFront,
    pendingApprovals: (laneKey) => h.core.gateway.pendingApprovals(laneKey),
    answer: (laneKey, callId, approved) => h.core.gateway.answerApproval(laneKey, callId, approved),
    openConversation: (laneKey) => void opened.push(laneKey),
    log: () => {},
  });
  return { notices, opened };
}

/** A real turn whose model asks to run `command` in the shell; resolves with the lane push that says it waits. */
async function askToRun(h: CoreHarness, command: string, request: string): Promise<LaneStatus> {
  server.enqueue(toolCallReply([{ id: 'c1', name: 'shell', args: { command } }]), textReply('Done.'));
  await h.core.gateway.send('a', request);
  const event = await h.sink.waitFor((e) => e.type === 'lane' && e.lane.awaitingApproval);
  if (event.type !== 'lane') throw new Error('not a lane event');
  return event.lane;
}

describe('desktop approval notifications (L31)', () => {
  it('L31: macOS: a background wait shows "needs you" with Approve / Deny, and Approve answers through the approval route once', async () => {
    const h = await startCore();
    const { notices } = wire(h, 'darwin', false);
    const lane = await askToRun(h, 'echo yes > approved.txt', 'write the file');
    notices.onLane(lane);
    notices.onLane(lane); // another push during the same wait: no second notification

    expect(model.shown).toHaveLength(1);
    const shown = model.shown[0] as Shown;
    expect(shown.options).toMatchObject({ title: `${lane.title} needs you`, body: 'A tool call is waiting for your approval.' });
    expect(shown.options.actions).toEqual([
      { type: 'button', text: 'Approve' },
      { type: 'button', text: 'Deny' },
    ]);

    shown.emit('action', {}, 0);
    await h.core.gateway.whenIdle();
    expect(fs.readFileSync(path.join(h.dataDir, 'workspace', 'approved.txt'), 'utf8')).toBe('yes\n');
    expect(h.core.gateway.pendingApprovals('a')).toEqual([]);
  });

  it('L31: Deny answers no: the command does not run and the model is told', async () => {
    const h = await startCore();
    const { notices } = wire(h, 'darwin', false);
    notices.onLane(await askToRun(h, 'echo no > denied.txt', 'write the file'));
    (model.shown[0] as Shown).emit('action', {}, 1);
    await h.core.gateway.whenIdle();
    expect(fs.existsSync(path.join(h.dataDir, 'workspace', 'denied.txt'))).toBe(false);
    expect(String(server.requests.at(-1)!.body.messages.at(-1)!.content)).toContain('declined');
  });

  it('L31, issue 10: where Electron shows no buttons (Linux, Windows) the notification has none and a click brings the window with that conversation selected', async () => {
    const h = await startCore();
    const { notices, opened } = wire(h, 'linux', false);
    notices.onLane(await askToRun(h, 'true', 'run it'));
    const shown = model.shown[0] as Shown;
    expect(shown.options.actions).toBeUndefined();
    shown.emit('click', {});
    expect(opened).toEqual(['a']);
    h.core.gateway.answerApproval('a', 'c1', false);
    await h.core.gateway.whenIdle();
  });

  it('issue 10: an Approve clicked after the call stopped waiting (answered in the window) opens that conversation instead', async () => {
    const h = await startCore();
    const { notices, opened } = wire(h, 'darwin', false);
    notices.onLane(await askToRun(h, 'true', 'run it'));
    h.core.gateway.answerApproval('a', 'c1', { decision: 'deny' });
    (model.shown[0] as Shown).emit('action', {}, 0);
    expect(opened).toEqual(['a']);
    await h.core.gateway.whenIdle();
  });

  it('L31: with the window in front nothing is shown: the badge and the card are in view', async () => {
    const h = await startCore();
    const { notices } = wire(h, 'darwin', true);
    notices.onLane(await askToRun(h, 'true', 'run it'));
    expect(model.shown).toHaveLength(0);
    h.core.gateway.answerApproval('a', 'c1', false);
    await h.core.gateway.whenIdle();
  });
});
