/**
 * The main window (issue 8 findings 4, 15, 18, 24), with the `electron` module replaced by the
 * BrowserWindow model in ./electron-window-model.ts. `ready-to-show` comes once the page painted
 * (here: when the test says so); Windows' `query-session-end` is preventable.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeBrowserWindow, type Rect } from './electron-window-model.ts';

type Bounds = Rect;

vi.mock('electron', async () => (await import('./electron-window-model.ts')).electronWindowModule);

const { WindowManager } = await import('../../../electron/shell/adapters/window-manager.ts');
type FakeWindow = FakeBrowserWindow;

function memoryState(initial = { bounds: { width: 1200, height: 800 } as Partial<Bounds> & { width: number; height: number }, maximized: false }) {
  const saves: Array<{ bounds: Partial<Bounds>; maximized: boolean }> = [];
  const waiters: Array<() => void> = [];
  let current = initial;
  return {
    saves,
    whenSaved: () => new Promise<void>((resolve) => waiters.push(resolve)),
    storage: {
      load: () => current,
      save: (state: typeof initial) => {
        current = state;
        saves.push(state);
        for (const resolve of waiters.splice(0)) resolve();
      },
    },
  };
}

function manager(state: ReturnType<typeof memoryState>, extra: Partial<{ platform: NodeJS.Platform; dark: boolean; onQueryEndSession: (event: { preventDefault(): void }) => void }> = {}) {
  return new WindowManager({
    preloadPath: '/app/out/preload/index.cjs',
    state: state.storage,
    platform: extra.platform ?? 'linux',
    prefersDark: () => extra.dark ?? false,
    onClose: () => 'close',
    onQueryEndSession: extra.onQueryEndSession ?? (() => {}),
    onSessionEnd: () => {},
    saveDelayMs: 10,
    log: () => {},
  });
}

function lastWindow(): FakeWindow {
  const window = FakeBrowserWindow.all.at(-1);
  if (!window) throw new Error('no window was created');
  return window;
}

beforeEach(() => {
  FakeBrowserWindow.all = [];
});
afterEach(() => {
  vi.useRealTimers();
});

describe('main window', () => {
  it('is shown only once it has painted (ready-to-show), on a background matching the theme', () => {
    const windows = manager(memoryState(), { dark: true });
    windows.show();
    const window = lastWindow();
    expect(window.options.show).toBe(false);
    expect(window.options.backgroundColor).toBe('#17191d');
    expect(window.visible).toBe(false);
    window.emit('ready-to-show');
    expect(window.visible).toBe(true);
  });

  it('a page that fails to load still gets its window shown', () => {
    const windows = manager(memoryState());
    windows.show();
    const window = lastWindow();
    window.webContents.emit('did-fail-load');
    expect(window.visible).toBe(true);
  });

  it('issue 10: a window created for a notification loads with its conversation in the address; an existing one is only shown (the caller tells its page)', () => {
    const windows = manager(memoryState());
    expect(windows.show('lane_1 x')).toBe(true);
    const window = lastWindow();
    expect(window.loaded).toEqual(['app://baton/index.html#open=lane_1%20x']);
    window.emit('ready-to-show');
    window.hide();
    expect(windows.show('lane_2')).toBe(false);
    expect(window.visible).toBe(true);
    expect(window.loaded).toHaveLength(1);
    expect(FakeBrowserWindow.all).toHaveLength(1);
  });

  it('a saved maximised window is maximised at ready-to-show, not before', () => {
    const state = memoryState({ bounds: { width: 900, height: 700 }, maximized: true });
    const windows = manager(state);
    windows.show();
    const window = lastWindow();
    expect(window.visible).toBe(false);
    expect(window.maximized).toBe(false);
    window.emit('ready-to-show');
    expect(window.maximized).toBe(true);
  });

  it('saves its bounds when the user resizes or moves it, once the events settle', async () => {
    const state = memoryState();
    const windows = manager(state);
    windows.show();
    const window = lastWindow();
    window.emit('ready-to-show');
    const saved = state.whenSaved();
    window.userSetsBounds({ x: 10, y: 20, width: 1000, height: 700 });
    window.userSetsBounds({ x: 30, y: 40, width: 1001, height: 701 });
    await saved;
    expect(state.saves).toEqual([{ bounds: { x: 30, y: 40, width: 1001, height: 701 }, maximized: false }]);
  });

  it('saves its bounds before being destroyed for a restart or update (destroy emits no close)', () => {
    const state = memoryState();
    const windows = manager(state);
    windows.show();
    const window = lastWindow();
    window.bounds = { x: 5, y: 6, width: 800, height: 600 };
    windows.destroyAll();
    expect(window.destroyed).toBe(true);
    expect(state.saves.at(-1)).toEqual({ bounds: { x: 5, y: 6, width: 800, height: 600 }, maximized: false });
  });

  it('saveState() writes the state at once (before app.exit)', () => {
    const state = memoryState();
    const windows = manager(state);
    windows.show();
    lastWindow().bounds = { x: 1, y: 2, width: 640, height: 480 };
    windows.saveState();
    expect(state.saves.at(-1)?.bounds).toEqual({ x: 1, y: 2, width: 640, height: 480 });
  });

  it('spellcheck downloads no dictionaries: off on Linux and Windows, the OS checker on macOS', () => {
    manager(memoryState(), { platform: 'linux' }).show();
    expect((lastWindow().options.webPreferences as { spellcheck: boolean }).spellcheck).toBe(false);
    manager(memoryState(), { platform: 'win32' }).show();
    expect((lastWindow().options.webPreferences as { spellcheck: boolean }).spellcheck).toBe(false);
    manager(memoryState(), { platform: 'darwin' }).show();
    expect((lastWindow().options.webPreferences as { spellcheck: boolean }).spellcheck).toBe(true);
  });

  it("Windows query-session-end reaches the lifecycle with a preventable event", () => {
    const seen: boolean[] = [];
    const windows = manager(memoryState(), { platform: 'win32', onQueryEndSession: (event) => (event.preventDefault(), seen.push(true)) });
    windows.show();
    let prevented = false;
    lastWindow().emit('query-session-end', { preventDefault: () => void (prevented = true) });
    expect(seen).toEqual([true]);
    expect(prevented).toBe(true);
  });

  it('a crashed page is reloaded (a blank window never stays), but not in a loop', () => {
    const state = memoryState();
    manager(state).show();
    const window = lastWindow();
    window.webContents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 139 });
    expect(window.webContents.reloads).toBe(1);
    window.webContents.emit('render-process-gone', {}, { reason: 'clean-exit', exitCode: 0 });
    expect(window.webContents.reloads).toBe(1);
    for (let i = 0; i < 5; i++) window.webContents.emit('render-process-gone', {}, { reason: 'oom', exitCode: 0 });
    expect(window.webContents.reloads).toBe(3);
  });
});
