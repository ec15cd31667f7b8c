/**
 * The desktop composition root (ENGINEERING.md §2): the Electron main process hosts the gateway
 * and the store; every way out goes through the drain (SPEC L27). Built by electron-vite to
 * out/main/index.js (package.json "main"); `npm start` runs it where Electron can run.
 *
 * Where things live (app.getPath('userData'): ~/.config/Baton, ~/Library/Application Support/Baton,
 * %APPDATA%\Baton): config.json (settings, the same file and schema as the core's `conf` settings,
 * which is electron-store's default name and place), window-state.json (electron-store),
 * secrets.json (ciphertext from safeStorage only), the SQLite store and its backups, and the logs
 * (electron-log: ~/.config/Baton/logs, ~/Library/Logs/Baton, %APPDATA%\Baton\logs).
 */
import fs from 'node:fs';
import path from 'node:path';
import { app, autoUpdater as nativeUpdater, BrowserWindow, dialog, Menu, nativeTheme, powerMonitor } from 'electron';
import log from 'electron-log/main';
import { DisposableStore } from '../../shared/disposables.ts';
import { EXIT_CODES, QUIT_SIGNALS, type ExitReason } from '../../shared/lifecycle.ts';
import { GatewayRuntime } from '../core/runtime/gateway-runtime.ts';
import { SettingsStore } from '../core/settings/settings-store.ts';
import { toUpdateState } from '../core/update/update-policy.ts';
import { registerAppScheme, serveRenderer } from './adapters/app-protocol.ts';
import { electronUpdaterAdapter } from './adapters/electron-updater.ts';
import { catchMainProcessErrors, throttled } from './adapters/error-reporting.ts';
import { serveGatewayPorts } from './adapters/gateway-ipc.ts';
import { Notifier } from './adapters/notifier.ts';
import { watchOsShutdown, type PowerMonitorLike } from './adapters/power-monitor.ts';
import { safeStorageCipher } from './adapters/safe-storage.ts';
import { TrayAdapter } from './adapters/tray.ts';
import { WindowManager } from './adapters/window-manager.ts';
import { windowStateStore } from './adapters/window-state-store.ts';
import { DesktopLifecycle } from './lifecycle/desktop-lifecycle.ts';
import { relaunch } from './lifecycle/relaunch.ts';
import { ApprovalNotices } from './notifications/approval-notices.ts';
import { relaunchNotice, turnFinishedNotice } from './notifications/notification-words.ts';
import { KEYCHAIN_UNAVAILABLE_MESSAGE, KeychainSecretStore } from './secrets/keychain-secret-store.ts';
import { trayIcon } from './tray/tray-icon.ts';
import { trayModel, type TrayAction } from './tray/tray-model.ts';
import { UpdateController } from './update/update-controller.ts';
import { appMenuTemplate, shortcutKeyPress } from './window/app-menu.ts';

const UPDATE_CHECK_INTERVAL_MS = 4 * 60 * 60 * 1000;
const FIRST_UPDATE_CHECK_DELAY_MS = 30_000;
const TRAY_REFRESH_MS = 250;
const ERROR_NOTICE_INTERVAL_MS = 60_000;

/** Set once notifications can be shown (after ready): tells the user about an uncaught error. */
let errorNotice: (() => void) | null = null;

function say(message: string): void {
  log.info(message);
}

/** out/main/index.js → out/renderer and out/preload; a plain renderer build as the fallback. */
function buildPaths(): { rendererDir: string; preloadPath: string } {
  const here = import.meta.dirname;
  const built = path.join(here, '../renderer');
  const rendererDir = fs.existsSync(path.join(built, 'index.html')) ? built : path.join(app.getAppPath(), 'renderer/dist');
  return { rendererDir, preloadPath: path.join(here, '../preload/index.cjs') };
}

async function main(): Promise<void> {
  // Tests and portable setups may point the data folder elsewhere; must happen before `ready`.
  const dataDirOverride = process.env.BATON_USER_DATA_DIR;
  if (dataDirOverride) app.setPath('userData', path.resolve(dataDirOverride));

  // A second launch hands over to the running instance, which shows its window.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  registerAppScheme();
  // No log.initialize(): it would add electron-log's own preload to every session, and the
  // window's sandboxed preload is deliberately the only one.
  // L39: log, never electron-log's default synchronous error box; tell the user without blocking.
  const reportError = throttled(() => errorNotice?.(), ERROR_NOTICE_INTERVAL_MS);
  catchMainProcessErrors(log.errorHandler, reportError);

  // Windows shows notifications only for an app with a user model id (the installer's appId).
  if (process.platform === 'win32') app.setAppUserModelId('dev.baton.desktop');
  await app.whenReady();
  const dataDir = app.getPath('userData');
  fs.mkdirSync(dataDir, { recursive: true });
  const version = app.getVersion();
  const { rendererDir, preloadPath } = buildPaths();
  serveRenderer(rendererDir, say);
  // Not Electron's default menu, whose View menu ships Reload and DevTools.
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      appMenuTemplate({
        platform: process.platform,
        isPackaged: app.isPackaged,
        appName: app.getName(),
        quit: () => app.quit(),
        // Issue 11: a menu entry presses its own keys in the window, whose one handler does the rest.
        shortcut: (id) => shortcutKeyPress(id, process.platform).forEach((input) => BrowserWindow.getFocusedWindow()?.webContents.sendInputEvent(input)),
      }),
    ),
  );

  const settings = SettingsStore.open({ dir: dataDir });
  const startupMessages: string[] = [...settings.takeNotices().map((notice) => notice.message), ...settings.warnings];

  // Without a usable keychain the store keeps keys in memory for this launch only (never clear text).
  // Asked now, awaited only when the launch messages are shown: the keychain never holds up startup.
  const secrets = new KeychainSecretStore({ dir: dataDir, cipher: safeStorageCipher(process.platform), log: say });
  const keychainPersistent = secrets.isPersistent();

  // Every listener and timer this root adds to app, process and the other Electron modules, and the
  // IPC handler: removed in one go when the app really quits (issue 9, item 7).
  const disposables = new DisposableStore();
  app.once('quit', () => disposables.dispose());

  // Late-bound: the lifecycle, the runtime and the updater refer to one another.
  let lifecycle: DesktopLifecycle | null = null;
  let updates: UpdateController | null = null;
  let tray: TrayAdapter | null = null;
  // Declared before anything can call scheduleTrayRefresh (the gateway emits during startup).
  let trayTimer: NodeJS.Timeout | null = null;

  const windows = new WindowManager({
    preloadPath,
    state: windowStateStore(dataDir),
    platform: process.platform,
    prefersDark: () => nativeTheme.shouldUseDarkColors,
    onClose: (event) => lifecycle?.onWindowClose(event) ?? 'close',
    onQueryEndSession: (event) => void lifecycle?.onQueryEndSession(event),
    onSessionEnd: () => lifecycle?.onSessionEnd(),
    log: say,
  });

  const notifier = new Notifier(say);
  const tell = (title: string, body: string) => notifier.notify({ title, body }, () => windows.show());
  // Issue 10: a notification about a conversation opens it: a new page reads it from its address,
  // a page already there is told over its gateway port (the `open-lane` push).
  const openConversation = (laneKey: string) => {
    if (!windows.show(laneKey) && runtime.started) runtime.hub.publish({ channel: 'open-lane', laneKey });
  };
  errorNotice = () => tell('Baton hit an unexpected error', 'It was written to the log; running conversations go on.');

  const runtime: GatewayRuntime = new GatewayRuntime({
    dataDir,
    settings,
    secrets,
    version,
    app: {
      performExit: (action) => lifecycle?.performExit(action),
      forceExit: (action) => (lifecycle ? lifecycle.forceExit(action) : app.exit(EXIT_CODES.startFailed)),
    },
    // The one exit route: the window's restart, settings restarts and /restart typed in a chat all
    // come here, as do the tray, the menu and the signals below. With an update ready the lifecycle
    // turns a restart into the update route (L37).
    requestExit: (reason: ExitReason) => void lifecycle?.requestExit(reason),
    updateState: () => toUpdateState(updates?.state ?? { phase: 'idle', version: null, progress: null, error: null, installWhenIdle: false }),
    onStarted: ({ core, hub }) => {
      // L31: an OS notification (Approve / Deny where shown) when a turn starts waiting in the background.
      const approvals = new ApprovalNotices({
        notify: (notice, onClick, actions) => notifier.notify(notice, onClick, actions),
        windowInFront: () => windows.isVisible() && BrowserWindow.getFocusedWindow() !== null,
        pendingApprovals: (laneKey) => core.gateway.pendingApprovals(laneKey),
        answer: (laneKey, callId, approved) => core.gateway.answerApproval(laneKey, callId, approved),
        openConversation,
        log: say,
      });
      hub.listen((frame) => {
        scheduleTrayRefresh();
        if (frame.event.channel === 'gateway' && frame.event.event.type === 'lane') approvals.onLane(frame.event.event.lane);
      });
      core.gateway.onTurnEnded((end) => {
        updates?.dispatch({ type: 'turns-changed', running: core.gateway.runningLanes().length });
        scheduleTrayRefresh();
        if (windows.isVisible() || lifecycle?.leaving) return;
        const notice = turnFinishedNotice(core.store.getLane(end.laneKey)?.title ?? '', end.outcome);
        if (notice) notifier.notify(notice, () => openConversation(end.laneKey));
      });
    },
    log: say,
  });

  const updater = electronUpdaterAdapter({
    dispatch: (event) => updates?.dispatch(event),
    onInstallError: (message) => lifecycle?.installFailed(message) ?? false,
    onBeforeQuitForUpdate: () => lifecycle?.onBeforeQuitForUpdate(),
    logger: log,
    nativeUpdater,
    onAppQuit: (listener) => app.on('quit', (_event, exitCode) => listener(exitCode)),
  });

  lifecycle = new DesktopLifecycle({
    app: {
      quit: () => app.quit(),
      // app.exit destroys the windows without 'close': keep their size and place first.
      exit: (code) => {
        windows.saveState();
        app.exit(code);
      },
      // The _electron smoke spec relaunches by itself, so no stray instance outlives the test.
      relaunch: () => {
        if (process.env.BATON_NO_RELAUNCH === '1') return;
        // From an AppImage: $APPIMAGE, not argv[0] under the vanishing .mount_* dir (L13).
        relaunch({ env: process.env, isPackaged: app.isPackaged, argv: process.argv, pid: process.pid, appRelaunch: () => app.relaunch(), log: say });
      },
      releaseSingleInstanceLock: () => app.releaseSingleInstanceLock(),
    },
    windows,
    installer: updater.installer,
    gateway: runtime,
    platform: process.platform,
    hideToTrayWhileRunning: () => settings.get().hideToTrayWhileRunning,
    updateReady: () => updates?.ready ?? false,
    beginUpdateInstall: () => updates?.dispatch({ type: 'install' }),
    // Exits asked for before the gateway runs wait for it (L27), as in the headless host.
    startsRunning: false,
    onInstallFailed: (message) => updates?.dispatch({ type: 'install-failed', message }),
    log: say,
  });
  const shell = lifecycle;

  updates = new UpdateController({
    driver: updater.driver,
    publish: (state) => {
      if (runtime.started) runtime.hub.setUpdateState(state);
    },
    // The tray shows every change, Install when idle armed included (the windows do not see that).
    changed: () => scheduleTrayRefresh(),
    install: () => void shell.requestExit('update'),
    restartGateway: () => void shell.recoverFromFailedInstall(),
    tellUser: (message) => tell('Update not installed', message),
    log: say,
  });
  const policy = updates;

  // ── every way out goes through the drain (L27) ──
  disposables.on(app, 'before-quit', (event: Electron.Event) => shell.onBeforeQuit(event));
  disposables.on(app, 'window-all-closed', () => shell.onWindowAllClosed());
  disposables.on(app, 'second-instance', () => windows.show());
  disposables.on(app, 'activate', () => windows.show());
  // Electron's typings give 'shutdown' listeners no argument, but its docs and its code pass a
  // preventable event (power-monitor.md: "If the event handler invokes e.preventDefault() …").
  // These two stay until the process is gone, outside `disposables`: removing the last 'shutdown'
  // listener releases logind's delay lock while Baton is still exiting, and removing a signal
  // listener restores the default action, so a late SIGTERM would kill the exit under way.
  watchOsShutdown(powerMonitor as unknown as PowerMonitorLike, () => shell.onSessionEnd(), say);
  for (const signal of QUIT_SIGNALS) process.on(signal, () => shell.onSignal(signal));

  try {
    await runtime.start();
  } catch (error) {
    // R2: e.g. a damaged store is never overwritten; the message names the file and the newest backup.
    const message = error instanceof Error ? error.message : String(error);
    log.error(`Baton could not start: ${message}`);
    // No turn runs yet, but the asynchronous box keeps the main process responsive (signals, a
    // second launch) while the user reads it (L39).
    await dialog
      .showMessageBox({ type: 'error', title: 'Baton could not start', message: 'Baton could not start', detail: message, buttons: ['Quit'] })
      .catch(() => undefined);
    app.exit(EXIT_CODES.startFailed);
    return;
  }
  shell.gatewayStarted();
  disposables.add(serveGatewayPorts({ owns: (contents) => windows.owns(contents), accept: (transport) => void runtime.accept(transport), log: say }));

  // ── tray (L28) ──
  const onTrayAction = (action: TrayAction) => {
    switch (action) {
      case 'open':
        windows.show();
        return;
      case 'new-chat':
        if (runtime.started) void runtime.service.handle('lanes.create', {}).catch((error: Error) => say(`New chat failed: ${error.message}`));
        windows.show();
        return;
      case 'restart':
        void shell.restart();
        return;
      case 'install-update':
        policy.dispatch({ type: 'install' });
        return;
      case 'install-when-idle':
        policy.dispatch({ type: 'install-when-idle', running: runtime.runningTurns() });
        return;
      case 'check-for-updates':
        policy.dispatch({ type: 'check' });
        return;
      case 'quit':
        app.quit();
        return;
    }
  };
  tray = new TrayAdapter(onTrayAction, trayIcon(process.platform, nativeTheme.shouldUseDarkColors));
  disposables.on(nativeTheme, 'updated', () => tray?.setIcon(trayIcon(process.platform, nativeTheme.shouldUseDarkColors)));
  disposables.add(() => {
    if (trayTimer) clearTimeout(trayTimer);
    trayTimer = null;
  });
  // Test hook for tests/electron/desktop-smoke.spec.ts: the tray cannot be clicked by Playwright.
  if (process.env.BATON_TEST_HOOKS === '1') Object.assign(globalThis, { __batonTest: { trayAction: onTrayAction } });
  function scheduleTrayRefresh(): void {
    if (trayTimer || !tray) return;
    trayTimer = setTimeout(() => {
      trayTimer = null;
      tray?.render(trayModel({ lanes: runtime.laneConditions(), leaving: shell.leaving, update: policy.state }));
    }, TRAY_REFRESH_MS);
  }
  scheduleTrayRefresh();

  windows.show();

  // ── what the user should hear about this launch ──
  const core = runtime.core;
  const resumed = relaunchNotice(core.updatedFrom, version, core.startup.autoResumed.length, core.startup.awaitingUser.length);
  if (resumed) tell(resumed.title, resumed.body);
  if (!(await keychainPersistent)) startupMessages.push(KEYCHAIN_UNAVAILABLE_MESSAGE);
  for (const message of startupMessages) {
    say(message);
    tell('Baton', message);
  }

  // ── updates: a background check shortly after launch and every few hours (L29) ──
  if (app.isPackaged) {
    const firstCheck = setTimeout(() => policy.dispatch({ type: 'check' }), FIRST_UPDATE_CHECK_DELAY_MS).unref();
    const checks = setInterval(() => policy.dispatch({ type: 'check' }), UPDATE_CHECK_INTERVAL_MS).unref();
    disposables.add(() => {
      clearTimeout(firstCheck);
      clearInterval(checks);
    });
  } else {
    say('Not a packaged build: automatic update checks are off.');
  }
}

main().catch((error: unknown) => {
  log.error(`Baton failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  app.exit(EXIT_CODES.startFailed);
});
