/**
 * The settings file, over `conf` (electron-store's engine) so the Electron shell can later open the
 * same file with electron-store. The file holds only what the user set; defaults live in code, so a
 * changed default reaches users who never touched that setting.
 *
 * R2: a settings file that cannot be read is moved aside (its bytes kept), defaults are used and
 * one notice is recorded for the user. conf's own `clearInvalidConfig` is not used: it overwrites
 * the file, losing what the user wrote.
 */
import fs from 'node:fs';
import path from 'node:path';
import Conf from 'conf';
import { DEFAULT_SETTINGS, normaliseSettings, validateSetting } from '../../../shared/settings.ts';
import type { SettingKey, Settings } from '../../../shared/settings.ts';
import { describeError } from '../../../shared/errors.ts';

export type { Settings, SettingKey, Theme } from '../../../shared/settings.ts';
export { DEFAULT_SETTINGS } from '../../../shared/settings.ts';

export interface SettingsNotice {
  code: 'settings-reset';
  message: string;
  /** Where the unreadable file now is. */
  movedTo: string;
}

export interface OpenSettingsOptions {
  /** Folder the settings file lives in (conf's `cwd`). */
  dir: string;
  /** File name without extension. Default 'config', electron-store's name. */
  configName?: string;
}

type SettingsListener = (settings: Settings) => void;

type RawStore = Record<string, unknown>;

export class SettingsStore {
  readonly path: string;
  readonly #conf: Conf<RawStore>;
  readonly #listeners = new Set<SettingsListener>();
  #warnings: readonly string[] = [];
  #notices: SettingsNotice[];
  #lastGood: Settings = { ...DEFAULT_SETTINGS };
  // Errors thrown by listeners during a write, rethrown by `set()` once every listener has run.
  #listenerErrors: unknown[] = [];

  private constructor(conf: Conf<RawStore>, notices: SettingsNotice[]) {
    this.#conf = conf;
    this.path = conf.path;
    this.#notices = notices;
    conf.onDidAnyChange(() => this.#emit());
    this.get();
  }

  static open(options: OpenSettingsOptions): SettingsStore {
    const configName = options.configName ?? 'config';
    const file = path.resolve(options.dir, `${configName}.json`);
    const notices: SettingsNotice[] = [];

    const problem = unreadableReason(file);
    if (problem !== undefined) notices.push(moveAside(file, configName, problem));

    let conf: Conf<RawStore>;
    try {
      conf = createConf(options.dir, configName);
    } catch (error) {
      // Anything conf refuses about an existing file (permissions, a directory in its place, a
      // check it adds in a later version) leaves the app unable to start; moving it aside does not.
      if (!fs.existsSync(file)) throw error;
      notices.push(moveAside(file, configName, describeError(error)));
      conf = createConf(options.dir, configName);
    }
    return new SettingsStore(conf, notices);
  }

  /** Normalised settings; also refreshes `warnings`. Never throws. */
  get(): Settings {
    let raw: RawStore;
    try {
      raw = this.#conf.store;
    } catch (error) {
      // The file was broken behind our back since the last write; carry on with what we had. The
      // next launch deals with the file (R2).
      this.#warnings = [`The settings file could not be read (${describeError(error)}); using the settings read before.`];
      return { ...this.#lastGood };
    }
    const { settings, warnings } = normaliseSettings(raw);
    this.#warnings = warnings;
    this.#lastGood = settings;
    return { ...settings };
  }

  /** Validates, then persists. Throws on an invalid value or when the file cannot be written. */
  set<K extends SettingKey>(key: K, value: Settings[K]): void {
    const checked = validateSetting(key, value);
    this.#listenerErrors = [];
    this.#conf.set(key, checked);
    const errors = this.#listenerErrors;
    this.#listenerErrors = [];
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, 'Several settings listeners failed.');
  }

  /** Warnings from the latest read, one per problem. */
  get warnings(): readonly string[] {
    return this.#warnings;
  }

  get notices(): readonly SettingsNotice[] {
    return [...this.#notices];
  }

  /** Hands the notices over once, so the user is told once (R2). */
  takeNotices(): SettingsNotice[] {
    return this.#notices.splice(0);
  }

  /** Called with the new settings after each change that alters the file's contents. */
  onChange(listener: SettingsListener): () => void {
    // Wrapped so the same function subscribed twice is two subscriptions, each removable once.
    const entry: SettingsListener = (settings) => listener(settings);
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  #emit(): void {
    const settings = this.get();
    for (const listener of [...this.#listeners]) {
      // One failing listener must not keep the others from hearing about the change.
      try {
        listener({ ...settings });
      } catch (error) {
        this.#listenerErrors.push(error);
      }
    }
  }
}

function createConf(dir: string, configName: string): Conf<RawStore> {
  // No projectName/projectVersion: conf needs the first only without `cwd`, the second only with
  // migrations (there are none).
  return new Conf<RawStore>({
    cwd: dir,
    configName,
    // No `schema`: conf compiles one with ajv at every open (about 40 ms of CPU in a host start,
    // issue 13), and a schema that fails refuses the whole file — one bad hand edit must not cost
    // every other setting. The per-key rules (shared/settings.ts) check values instead.
    // Keys are plain names; a dotted key someone types into the file must not become a path.
    accessPropertiesByDotNotation: false,
    // get() is called often (every drain, every busy message); serve it from memory, not the disk.
    cache: true,
    clearInvalidConfig: false,
  });
}

/**
 * Why the file at `file` is not a settings file, or undefined if it is one or is absent. conf reads
 * a top-level array or number as an empty store and would overwrite it on the next write, so that
 * counts as unreadable too.
 */
function unreadableReason(file: string): string | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    // Absent is normal; any other read failure is left for conf to report.
    return undefined;
  }
  let parsed: unknown;
  try {
    // Editors may save a byte order mark; conf skips it, so this does too.
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return 'it is not valid JSON';
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return 'it does not hold a JSON object';
  }
  return undefined;
}

function moveAside(file: string, configName: string, reason: string): SettingsNotice {
  const dir = path.dirname(file);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  let movedTo = path.join(dir, `${configName}.corrupt-${stamp}.json`);
  // rename() replaces an existing target without a word; never let one rescue erase another.
  for (let n = 1; fs.existsSync(movedTo); n++) {
    movedTo = path.join(dir, `${configName}.corrupt-${stamp}-${n}.json`);
  }
  fs.renameSync(file, movedTo);
  return {
    code: 'settings-reset',
    message:
      `Your settings could not be read (${reason}), so Baton is using the default settings. ` +
      `The old file was kept as ${movedTo}.`,
    movedTo,
  };
}

