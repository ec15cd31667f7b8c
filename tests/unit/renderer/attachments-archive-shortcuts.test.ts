/**
 * Issue 11 in the window: attachment drafts checked before Send, a chunked upload through the real
 * service into the real workspace, the Archived view, the next conversation that needs you, and the
 * shortcut table (keys, help words, desktop menu accelerators).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { addDrafts, pastedName, toBase64 } from '../../../renderer/src/lib/attachment-drafts.ts';
import { nextNeedingYou } from '../../../renderer/src/lib/lane-navigation.ts';
import { AppStore } from '../../../renderer/src/state/store.ts';
import { appMenuTemplate, shortcutKeyPress } from '../../../electron/shell/window/app-menu.ts';
import { ATTACHMENT_LIMITS } from '../../../shared/attachments.ts';
import { matchShortcut, menuAccelerator, SHORTCUTS, shortcutText, type KeyPress } from '../../../shared/shortcuts.ts';
import { closeAfterEach, windowStore } from './window-store.ts';
import { until } from './store-wait.ts';
import { lane } from './lanes.ts';

const toClose = closeAfterEach();

let ids = 0;
const newId = () => `d${++ids}`;
const entry = (name: string, type: string, size: number) => ({ file: new Blob([new Uint8Array(Math.min(size, 16))]), name, type, size });

describe('attachment drafts in the composer (issue 11)', () => {
  it('issue 11: unsupported types, files over 20 MB and an 11th attachment are refused with words; the rest are kept', () => {
    const { drafts, problems } = addDrafts(
      [],
      [entry('notes.txt', 'text/plain', 10), entry('photo.heic', 'image/heic', 10), entry('huge.iso', 'application/octet-stream', ATTACHMENT_LIMITS.maxBytes + 1), entry('dot.png', 'image/png', 10)],
      newId,
    );
    expect(drafts.map((d) => [d.name, d.kind])).toEqual([
      ['notes.txt', 'file'],
      ['dot.png', 'image'],
    ]);
    expect(problems).toEqual([expect.stringMatching(/HEIC image, which models cannot read/), expect.stringMatching(/“huge\.iso” is 20\.0 MB; an attachment can be at most 20\.0 MB/)]);
    const ten = addDrafts([], Array.from({ length: 10 }, (_, i) => entry(`f${i}.txt`, 'text/plain', 1)), newId).drafts;
    const more = addDrafts(ten, [entry('eleventh.txt', 'text/plain', 1)], newId);
    expect(more.drafts).toHaveLength(10);
    expect(more.problems).toEqual([expect.stringMatching(/“eleventh\.txt” was not added: A message can have at most 10 attachments/)]);
  });

  it('issue 11: a pasted image gets a name that says when; a named file keeps its name', () => {
    expect(pastedName({ name: 'image.png', type: 'image/png' }, new Date(2026, 0, 2, 3, 4, 5))).toBe('pasted-20260102-030405.png');
    expect(pastedName({ name: 'chart.webp', type: 'image/webp' }, new Date())).toBe('chart.webp');
  });

  it('issue 11: base64 of a chunk matches Node’s', () => {
    const bytes = new Uint8Array(100_000).map((_, i) => i % 251);
    expect(toBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
  });

  it('issue 11: a 2.5 MB file goes up in three chunks and lands in the workspace; the message names it', async () => {
    const { h, store } = await windowStore();
    const laneKey = (await store.newChat())!;
    h.agents.script(laneKey, { steps: [{ text: 'read it' }] });
    const bytes = new Uint8Array(Math.floor(2.5 * 1024 * 1024)).map((_, i) => (i * 7) % 256);
    const { drafts } = addDrafts([], [{ file: new Blob([bytes]), name: 'data.bin', type: 'application/octet-stream', size: bytes.length }], newId);
    const progress: number[] = [];
    expect(await store.sendWithAttachments(laneKey, 'here', drafts, (sent) => progress.push(sent))).toBe(true);
    expect(progress).toEqual([1024 * 1024, 2 * 1024 * 1024, bytes.length]);
    await h.core.gateway.whenIdle();
    expect(Buffer.compare(fs.readFileSync(path.join(h.dataDir, 'workspace', 'attachments', 'data.bin')), Buffer.from(bytes))).toBe(0);
    const { events } = await (await h.client()).call('transcript.get', { laneKey });
    expect(events.find((e) => e.kind === 'user_message')!.payload).toMatchObject({ text: 'here', attachments: [{ name: 'data.bin', path: 'attachments/data.bin' }] });
  });
});

describe('the Archived view in the window (issue 11)', () => {
  it('issue 11: archiving keeps the conversation openable but out of the list; the Archived view reads it back after a reload', async () => {
    const { h, store } = await windowStore();
    const laneKey = (await store.newChat())!;
    expect(await store.archiveLane(laneKey, true)).toBe(true);
    expect(store.getState().lanes.get(laneKey)!.archivedAt).toEqual(expect.any(Number));
    // A fresh window lists active conversations only; the Archived view brings the archived ones in.
    const fresh = new AppStore(await h.client());
    toClose.push(fresh.start());
    await until(fresh, () => fresh.getState().app !== null && fresh.getState().connection.state === 'open');
    await fresh.refreshLanes();
    expect(fresh.getState().lanes.has(laneKey)).toBe(false);
    await fresh.showArchive(true);
    expect(fresh.getState().archiveOpen).toBe(true);
    expect(fresh.getState().lanes.get(laneKey)?.archivedAt).toEqual(expect.any(Number));
    await fresh.archiveLane(laneKey, false);
    expect(fresh.getState().lanes.get(laneKey)!.archivedAt).toBeNull();
  });

  it('issue 11: the next conversation that needs you goes round approvals first, then interrupted ones, skipping idle ones', () => {
    const lanes = new Map(
      [
        lane('idle'),
        lane('ask', { activity: 'running', awaitingApproval: true, updatedAt: 5 }),
        lane('broken', { resumePending: true, updatedAt: 9 }),
        lane('binned', { resumePending: true, deletedAt: 3 }),
      ].map((l) => [l.laneKey, l] as const),
    );
    expect(nextNeedingYou(lanes, null)).toBe('ask');
    expect(nextNeedingYou(lanes, 'ask')).toBe('broken');
    expect(nextNeedingYou(lanes, 'broken')).toBe('ask');
    expect(nextNeedingYou(lanes, 'idle')).toBe('ask');
    expect(nextNeedingYou(new Map([['idle', lane('idle')]]), null)).toBeNull();
  });
});

const press = (key: string, mods: Partial<KeyPress> = {}): KeyPress => ({ key, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods });

describe('the shortcut table (issue 11)', () => {
  it('issue 11: Ctrl on Linux and Windows, ⌘ on macOS; ? only outside a text field; Alt combinations are never ours', () => {
    expect(matchShortcut(press('n', { ctrlKey: true }), false, true)).toBe('new-chat');
    expect(matchShortcut(press('n', { metaKey: true }), true, true)).toBe('new-chat');
    expect(matchShortcut(press('n', { ctrlKey: true }), true, false)).toBeNull();
    expect(matchShortcut(press('k', { ctrlKey: true }), false, true)).toBe('search');
    expect(matchShortcut(press('f', { ctrlKey: true }), false, false)).toBe('search');
    expect(matchShortcut(press(',', { ctrlKey: true }), false, true)).toBe('settings');
    expect(matchShortcut(press('j', { ctrlKey: true }), false, true)).toBe('next-needs-you');
    expect(matchShortcut(press('A', { ctrlKey: true, shiftKey: true }), false, false)).toBe('archive');
    expect(matchShortcut(press('a', { ctrlKey: true }), false, false)).toBeNull();
    expect(matchShortcut(press('?', { shiftKey: true }), false, false)).toBe('shortcuts-help');
    expect(matchShortcut(press('?', { shiftKey: true }), false, true)).toBeNull();
    expect(matchShortcut(press('n', { ctrlKey: true, altKey: true }), false, false)).toBeNull();
    expect(shortcutText('Mod+Shift+A', true)).toBe('⌘⇧A');
    expect(shortcutText('Mod+Shift+A', false)).toBe('Ctrl+Shift+A');
  });

  it('issue 11: the desktop menu shows each shortcut with the same keys, leaves the key to the window, and presses it when chosen', () => {
    const ran: string[] = [];
    for (const platform of ['linux', 'darwin'] as const) {
      const menu = appMenuTemplate({ platform, isPackaged: true, appName: 'Baton', quit: () => {}, shortcut: (id) => ran.push(id) });
      const conversation = menu.find((item) => item.label === 'Conversation')!;
      const entries = conversation.submenu as Array<{ label: string; accelerator: string; registerAccelerator: boolean; click: () => void }>;
      expect(entries.map((e) => [e.label, e.accelerator])).toEqual(SHORTCUTS.map((s) => [s.label, menuAccelerator(s.keys[0]!)]));
      expect(entries.every((e) => e.registerAccelerator === false)).toBe(true);
      entries[0]!.click();
    }
    expect(ran).toEqual(['new-chat', 'new-chat']);
    expect(shortcutKeyPress('archive', 'darwin')[0]).toEqual({ type: 'keyDown', keyCode: 'A', modifiers: ['meta', 'shift'] });
    expect(shortcutKeyPress('settings', 'linux')[0]).toEqual({ type: 'keyDown', keyCode: ',', modifiers: ['control'] });
    // None of ours takes a key the Edit roles or Quit need (Electron's role accelerators, lib/browser/api/menu-item-roles.ts).
    const taken = ['CmdOrCtrl+Q', 'CmdOrCtrl+Z', 'Shift+CmdOrCtrl+Z', 'CmdOrCtrl+X', 'CmdOrCtrl+C', 'CmdOrCtrl+V', 'CmdOrCtrl+A', 'CmdOrCtrl+R', 'CmdOrCtrl+W', 'CmdOrCtrl+M', 'CmdOrCtrl+H'];
    for (const shortcut of SHORTCUTS) for (const combo of shortcut.keys) expect(taken).not.toContain(menuAccelerator(combo));
  });
});
