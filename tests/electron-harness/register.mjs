/**
 * The harness process: runs the BUILT desktop main process (package.json "main", out/main/index.js)
 * unchanged under Node 24 — the Node that Electron 45 embeds — with only the `electron` module
 * replaced by ./fake-electron. Started as `node --expose-gc register.mjs [app args…]` by the
 * `baton` launcher script the test-side launcher writes (tests/electron-harness/launcher.ts).
 *
 * What it sets up, after lib/browser/init.ts and Electron's startup:
 * - module.registerHooks (synchronous hooks, so they apply to `import` *and* to the
 *   `require('electron')` inside electron-updater, electron-log and electron-store) maps
 *   `electron`, `electron/main` and `electron/common` to the fake;
 * - process.type = 'browser', process.versions.electron, process.resourcesPath (app-update.yml,
 *   package-type), process.execPath/argv as a packaged app sees them ([exe, ...args]);
 * - process.exit becomes app.exit, 'quit' becomes the process 'exit' event, Electron's default
 *   SIGINT/SIGTERM/SIGHUP → quit handlers and its default uncaught-exception dialog (init.ts,
 *   electron_browser_main_parts_posix.cc);
 * - the default application menu at 'will-finish-launching' when the app sets none;
 * - `ready` only after the entry module's import() has settled (Electron 45 with an ESM entry:
 *   init.ts awaits the import, node_bindings.cc JoinAppCode, then DidFinishLaunching);
 * - the platform model (BATON_HARNESS_PLATFORM): process.platform reports it, after the real
 *   platform's better-sqlite3 prebuild has been loaded (a macOS .node cannot load on Linux).
 */
import fs from 'node:fs';
import { createRequire, registerHooks } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const fakeElectron = pathToFileURL(path.join(here, 'fake-electron/index.ts')).href;
const appDir = path.resolve(process.env.BATON_HARNESS_APP ?? path.join(here, '../..'));
process.env.BATON_HARNESS_APP = appDir;
process.env.BATON_HARNESS_NODE ??= process.execPath;
const realExit = process.exit.bind(process);

// The real platform's native SQLite binding, loaded before the platform model takes over.
const appRequire = createRequire(path.join(appDir, 'package.json'));
{
  const Database = appRequire('better-sqlite3');
  new Database(':memory:').close();
}

// The platform model covers the app and its libraries; the real Chromium behind the windows
// still runs on the real OS, so playwright-core (which launches and talks to it) sees the truth.
const modelled = process.env.BATON_HARNESS_PLATFORM ?? 'linux';
const realPlatform = process.platform;
if (modelled !== realPlatform) {
  Object.defineProperty(process, 'platform', {
    get: () => (/[\\/]playwright-core[\\/]/.test(new Error().stack ?? '') ? realPlatform : modelled),
    enumerable: true,
    configurable: true,
  });
}

// The harness's own Chromium driver (playwright-core, behind the fake windows) must not take part
// in the app's signal handling: Electron's main process has no such listeners. playwright-core's
// bundled signal-exit would otherwise count listeners across copies, decide it is alone and
// re-raise SIGTERM at the app (seen with strace: kill(self, SIGTERM) right after the test's one).
const fromPlaywright = () => /[\\/]playwright-core[\\/]/.test(new Error().stack ?? '');
for (const method of ['on', 'addListener', 'prependListener', 'once', 'prependOnceListener']) {
  const original = process[method];
  process[method] = function (event, listener) {
    if (typeof event === 'string' && event.startsWith('SIG') && fromPlaywright()) return this;
    return original.call(this, event, listener);
  };
}

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier === 'electron' || specifier === 'electron/main' || specifier === 'electron/common') {
      return { url: fakeElectron, format: 'module-typescript', shortCircuit: true };
    }
    return nextResolve(specifier, context);
  },
});

// process as Electron's browser process presents itself.
Object.defineProperty(process, 'type', { value: 'browser', enumerable: true, configurable: true });
Object.defineProperty(process, 'versions', { value: { ...process.versions, electron: '45.4.1', chrome: '140.0.7339.41' }, enumerable: true, configurable: true });
Object.defineProperty(process, 'resourcesPath', { value: path.resolve(process.env.BATON_HARNESS_RESOURCES ?? appDir), enumerable: true, configurable: true });
const exe = process.env.BATON_HARNESS_EXEC ?? process.execPath;
process.execPath = exe;
process.argv = [exe, ...process.argv.slice(2)];

const control = await import(pathToFileURL(path.join(here, 'fake-electron/control.ts')).href);
await control.connectControl();
const electron = await import('electron');
const appModule = await import(pathToFileURL(path.join(here, 'fake-electron/app.ts')).href);
const menuModule = await import(pathToFileURL(path.join(here, 'fake-electron/menu.ts')).href);
const { app, dialog } = electron;

appModule.installProcessExit(realExit);
appModule.installElectronSignalHandlers();
appModule.installDefaultUncaughtExceptionHandler((title, content) => dialog.showErrorBox(title, content));
app.once('will-finish-launching', () => menuModule.installDefaultApplicationMenu(process.platform));
menuModule.setRoleAction('quit', () => app.quit());

// A fake AppImage's mount directory vanishes with the process, as the FUSE mount does.
const mount = process.env.BATON_HARNESS_APPIMAGE_MOUNT;
if (mount) {
  const unmount = () => fs.rmSync(mount, { recursive: true, force: true });
  appModule.beforeProcessExit(unmount);
  process.on('exit', unmount);
}

// Test hooks into the main process that are not Electron: an uncaught exception on demand (D8).
control.onCommand('main.throw', (args) => {
  setTimeout(() => {
    throw new Error(String(args.message ?? 'harness: an uncaught exception in main'));
  }, 0);
});

// When the app installs its own signal handlers (replacing Electron's, as libuv's sigaction does).
process.on('newListener', (event) => {
  if (event !== 'SIGTERM' && event !== 'SIGINT' && event !== 'SIGHUP') return;
  // Who installed it: the app's bundle, or a library (when-exit, loaded by conf, re-raises signals).
  const frame = (new Error().stack ?? '').split('\n').find((line) => /out[\\/]main[\\/]|node_modules[\\/]/.test(line) && !line.includes('register.mjs'));
  const from = frame ? (/out[\\/]main[\\/]/.test(frame) ? 'app' : (/node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(frame)?.[1] ?? 'library')) : 'unknown';
  control.report('process.listener', { event, from });
});

// Electron's message loop keeps the process alive until quit; Node's would end when idle.
setInterval(() => undefined, 1 << 30);

const pkg = JSON.parse(fs.readFileSync(path.join(appDir, 'package.json'), 'utf8'));
const entry = path.join(appDir, pkg.main ?? 'index.js');
control.report('loading', { entry, pid: process.pid });
try {
  await import(pathToFileURL(entry).href);
} catch (error) {
  // Electron shows "App threw an error during load" and goes on without the app's code.
  control.report('load-error', { message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  dialog.showErrorBox('App threw an error during load', error instanceof Error ? (error.stack ?? error.message) : String(error));
}
await app.markReady();
