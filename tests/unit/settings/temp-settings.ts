/** Throw-away settings folders, removed after each test whether it passed or not. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';

export interface TempSettings {
  /** A new, empty folder. */
  dir(): string;
  /** A new folder whose settings file holds exactly `text`, as a hand edit would leave it. */
  dirWithFile(text: string, configName?: string): string;
}

export function useTempSettings(): TempSettings {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });
  const dir = (): string => {
    const created = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-settings-test-'));
    dirs.push(created);
    return created;
  };
  return {
    dir,
    dirWithFile(text, configName = 'config') {
      const created = dir();
      fs.writeFileSync(path.join(created, `${configName}.json`), text);
      return created;
    },
  };
}

/** The settings file as JSON; for checking what was persisted, independent of the store. */
export function readJson(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}
