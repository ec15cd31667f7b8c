/**
 * The platform model a harness process plays (BATON_HARNESS_PLATFORM: linux, darwin or win32)
 * and the knobs of its fake OS. register.mjs makes `process.platform` report the modelled
 * platform after loading what must load for the real one (the better-sqlite3 prebuild), so the
 * app's own `process.platform` branches run as they would there.
 */
export type ModelPlatform = 'linux' | 'darwin' | 'win32';

function readPlatform(): ModelPlatform {
  const value = process.env.BATON_HARNESS_PLATFORM ?? 'linux';
  if (value === 'linux' || value === 'darwin' || value === 'win32') return value;
  throw new Error(`BATON_HARNESS_PLATFORM must be linux, darwin or win32, not ${value}`);
}

function readNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Error(`${name} must be a number, not ${raw}`);
  return value;
}

export const harness = {
  platform: readPlatform(),
  /** Electron decides `app.isPackaged` from the executable's name; the harness is told. */
  packaged: process.env.BATON_HARNESS_PACKAGED !== '0',
  /** Directory holding package.json and out/ (Electron: resources/app or app.asar). */
  appDir: process.env.BATON_HARNESS_APP ?? process.cwd(),
  /** process.resourcesPath: app-update.yml, package-type. */
  resourcesPath: process.env.BATON_HARNESS_RESOURCES ?? process.cwd(),
  /** How long a synchronous dialog blocks the main thread: a person takes seconds to click. */
  dialogBlockMs: readNumber('BATON_HARNESS_DIALOG_BLOCK_MS', 5000),
  /** safeStorage backend: basic_text, gnome_libsecret, kwallet5, unknown; 'blocking' models a keychain prompt. */
  safeStorageBackend: process.env.BATON_HARNESS_SAFE_STORAGE ?? 'gnome_libsecret',
  /** A keychain prompt blocks the sync safeStorage calls this long. */
  safeStoragePromptMs: readNumber('BATON_HARNESS_SAFE_STORAGE_PROMPT_MS', 0),
  /** Squirrel.Mac fetches the update zip this long after electron-updater said "downloaded". */
  squirrelDelayMs: readNumber('BATON_HARNESS_SQUIRREL_DELAY_MS', 0),
  /** Whether Squirrel.Mac's own download fails (its 'error' event) instead of landing. */
  squirrelFails: process.env.BATON_HARNESS_SQUIRREL_FAILS === '1',
};
