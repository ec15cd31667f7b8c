import { describe, expect, it } from 'vitest';
import { INITIAL_UPDATE_STATE } from '../../../electron/core/update/update-policy.ts';
import { relaunchNotice, turnFinishedNotice } from '../../../electron/shell/notifications/notification-words.ts';
import { trayModel } from '../../../electron/shell/tray/tray-model.ts';

const idle = { ...INITIAL_UPDATE_STATE };

function actions(model: ReturnType<typeof trayModel>) {
  return model.items.filter((item) => item.action !== null).map((item) => `${item.action}${item.enabled ? '' : ':off'}`);
}

describe('tray (L28)', () => {
  it('shows live counts of running and interrupted (resume-pending) conversations in the menu and the tooltip', () => {
    const model = trayModel({ lanes: { running: 2, 'awaiting-approval': 0, interrupted: 1 }, leaving: false, update: idle });
    expect(model.items[0]!.label).toBe('2 running · 1 interrupted');
    expect(model.tooltip).toBe('Baton — 2 running · 1 interrupted');
  });

  it('L31: a turn waiting for approval is counted as needing you, and a drain still counts it', () => {
    const model = trayModel({ lanes: { running: 1, 'awaiting-approval': 2, interrupted: 0 }, leaving: false, update: { ...idle, phase: 'ready', version: '2.0.0' } });
    expect(model.items[0]!.label).toBe('1 running · 2 need you');
    expect(model.items.find((i) => i.action === 'install-update')!.label).toBe('Restart to update (drains 3 running turns)');
  });

  it('offers Open, New chat, Check for updates, Restart and Quit', () => {
    expect(actions(trayModel({ lanes: { running: 0, 'awaiting-approval': 0, interrupted: 0 }, leaving: false, update: idle }))).toEqual(['open', 'new-chat', 'check-for-updates', 'restart', 'quit']);
  });

  it('with an update ready: Restart to update (saying how many turns it drains) and Install when idle', () => {
    const model = trayModel({ lanes: { running: 3, 'awaiting-approval': 0, interrupted: 0 }, leaving: false, update: { ...idle, phase: 'ready', version: '2.0.0' } });
    expect(actions(model)).toEqual(['open', 'new-chat', 'install-update', 'install-when-idle', 'restart', 'quit']);
    expect(model.items.find((i) => i.action === 'install-update')!.label).toBe('Restart to update (drains 3 running turns)');
    expect(model.tooltip).toContain('Update v2.0.0 ready');
  });

  it('while leaving, only Open and Quit stay enabled', () => {
    const model = trayModel({ lanes: { running: 1, 'awaiting-approval': 0, interrupted: 0 }, leaving: true, update: idle });
    expect(actions(model)).toEqual(['open', 'new-chat:off', 'check-for-updates:off', 'restart:off', 'quit']);
    expect(model.items[0]!.label).toBe('Finishing 1 running turn…');
  });

  it('a check or download under way disables Check for updates and shows progress', () => {
    const model = trayModel({ lanes: { running: 0, 'awaiting-approval': 0, interrupted: 0 }, leaving: false, update: { ...idle, phase: 'downloading', version: '2.0.0', progress: 0.25 } });
    expect(actions(model)).toContain('check-for-updates:off');
    expect(model.tooltip).toContain('Downloading update v2.0.0 (25%)');
  });
});

describe('notifications (L20, L29)', () => {
  it('"Updated to vX — N conversations resumed" after an update relaunch', () => {
    expect(relaunchNotice('1.0.0', '2.0.0', 2)).toEqual({ title: 'Updated to v2.0.0', body: 'Updated to v2.0.0 — 2 conversations resumed.' });
    expect(relaunchNotice('1.0.0', '2.0.0', 0)!.body).toBe('Updated to v2.0.0.');
  });

  it('"N conversations resumed" after any other relaunch that resumed work, else nothing', () => {
    expect(relaunchNotice('1.0.0', '1.0.0', 1)!.body).toBe('1 conversation resumed where it left off.');
    expect(relaunchNotice(null, '1.0.0', 3)!.body).toBe('3 conversations resumed where they left off.');
    expect(relaunchNotice('1.0.0', '1.0.0', 0)).toBeNull();
  });

  it('a finished or failed turn is announced; an interrupted one is not', () => {
    expect(turnFinishedNotice('Refactor', 'completed')).toEqual({ title: 'Refactor', body: 'The agent finished its turn.' });
    expect(turnFinishedNotice('', 'failed')!.title).toBe('A conversation');
    expect(turnFinishedNotice('x', 'interrupted')).toBeNull();
  });
});
