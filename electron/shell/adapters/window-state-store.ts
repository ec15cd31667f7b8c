/** The window state (../window/window-state.ts) in electron-store's window-state.json. */
import Store from 'electron-store';
import { DEFAULT_WINDOW_STATE, normaliseWindowState, type WindowState, type WindowStateStorage } from '../window/window-state.ts';

export function windowStateStore(dataDir: string): WindowStateStorage {
  const store = new Store<WindowState>({ name: 'window-state', cwd: dataDir, defaults: DEFAULT_WINDOW_STATE, clearInvalidConfig: true });
  return {
    load: () => normaliseWindowState({ bounds: store.get('bounds'), maximized: store.get('maximized') }),
    save: (state) => store.set(state),
  };
}
