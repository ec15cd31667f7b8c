import { DEFAULT_MODEL_PRICES } from '../../../shared/model-prices.ts';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_SETTINGS, SettingsStore } from '../../../electron/core/settings/settings-store.ts';
import type { Settings } from '../../../electron/core/settings/settings-store.ts';
import { readJson, useTempSettings } from './temp-settings.ts';

const temp = useTempSettings();

function openWith(contents: Record<string, unknown>): SettingsStore {
  return SettingsStore.open({ dir: temp.dirWithFile(JSON.stringify(contents)) });
}

function corruptFiles(dir: string, configName = 'config'): string[] {
  return fs.readdirSync(dir).filter((name) => name.startsWith(`${configName}.corrupt-`));
}

describe('defaults', () => {
  it('a first launch gets every default and no warnings', () => {
    const store = SettingsStore.open({ dir: temp.dir() });
    expect(store.get()).toEqual({
      drainTimeoutSeconds: 60,
      osShutdownBudgetSeconds: 3,
      graceSeconds: 5,
      busyInput: 'interrupt',
      autoResume: true,
      resumeFreshnessHours: 24,
      stuckLoopThreshold: 3,
      hideToTrayWhileRunning: true,
      workspaceDir: null,
      theme: 'system',
      providers: [],
      activeProvider: null,
      maxSteps: 25,
      toolApproval: {},
      systemPrompt: null,
      mcpServers: [],
      shellSandbox: 'auto',
      modelPrices: { ...DEFAULT_MODEL_PRICES },
      anthropicThinkingBudget: 0,
      profiles: [],
    } satisfies Settings);
    expect(store.warnings).toEqual([]);
    expect(store.notices).toEqual([]);
  });

  it('opening does not write defaults into the file, so a later change of default reaches the user', () => {
    const dir = temp.dir();
    const store = SettingsStore.open({ dir });
    store.get();
    expect(fs.existsSync(store.path)).toBe(false);

    store.set('theme', 'dark');
    expect(readJson(store.path)).toEqual({ theme: 'dark' });
  });

  it('the file lives in the given folder under the given name', () => {
    const dir = temp.dir();
    expect(SettingsStore.open({ dir }).path).toBe(path.join(dir, 'config.json'));
    expect(SettingsStore.open({ dir, configName: 'settings' }).path).toBe(path.join(dir, 'settings.json'));
  });
});

describe('L10: drain timeout leniency', () => {
  it('L10: a negative drain timeout becomes 0', () => {
    const store = openWith({ drainTimeoutSeconds: -5 });
    expect(store.get().drainTimeoutSeconds).toBe(0);
    expect(store.warnings).toEqual([]);
  });

  it('L10: a drain timeout of 0 stays 0 (interrupt at once)', () => {
    expect(openWith({ drainTimeoutSeconds: 0 }).get().drainTimeoutSeconds).toBe(0);
  });

  it.each([
    ['a word', 'abc', '"abc"'],
    ['null', null, 'null'],
    ['an object', { seconds: 30 }, '{"seconds":30}'],
    ['a boolean', true, 'true'],
    ['an empty string', '', '""'],
  ])('L10: an unparsable drain timeout (%s) uses 60 and warns', (_label, bad, shown) => {
    const store = openWith({ drainTimeoutSeconds: bad });
    expect(store.get().drainTimeoutSeconds).toBe(60);
    expect(store.warnings).toHaveLength(1);
    expect(store.warnings[0]).toContain('"drainTimeoutSeconds"');
    expect(store.warnings[0]).toContain(shown);
    expect(store.warnings[0]).toContain('60');
  });

  it('L10: a quoted number is read as that number', () => {
    const store = openWith({ drainTimeoutSeconds: '30', graceSeconds: ' 2.5 ', osShutdownBudgetSeconds: '-1' });
    expect(store.get()).toMatchObject({ drainTimeoutSeconds: 30, graceSeconds: 2.5, osShutdownBudgetSeconds: 0 });
    expect(store.warnings).toEqual([]);
  });

  it('L10: fractions of a second are kept', () => {
    expect(openWith({ drainTimeoutSeconds: 0.2 }).get().drainTimeoutSeconds).toBe(0.2);
  });

  it('L10: a hex-looking or infinite string is not taken for a number', () => {
    const store = openWith({ drainTimeoutSeconds: '0x1e', graceSeconds: 'Infinity' });
    expect(store.get()).toMatchObject({ drainTimeoutSeconds: 60, graceSeconds: 5 });
    expect(store.warnings).toHaveLength(2);
  });

  it('L10: the OS shutdown budget (default 3) is as lenient as the drain timeout', () => {
    expect(openWith({}).get().osShutdownBudgetSeconds).toBe(3);
    expect(openWith({ osShutdownBudgetSeconds: -2 }).get().osShutdownBudgetSeconds).toBe(0);
    expect(openWith({ osShutdownBudgetSeconds: '1.5' }).get().osShutdownBudgetSeconds).toBe(1.5);
    const store = openWith({ osShutdownBudgetSeconds: 'soon' });
    expect(store.get().osShutdownBudgetSeconds).toBe(3);
    expect(store.warnings[0]).toMatch(/"osShutdownBudgetSeconds".*"soon"/);
  });

  it('L11: the grace period (default 5) is as lenient as the drain timeout', () => {
    expect(openWith({}).get().graceSeconds).toBe(5);
    expect(openWith({ graceSeconds: -1 }).get().graceSeconds).toBe(0);
    const store = openWith({ graceSeconds: [5] });
    expect(store.get().graceSeconds).toBe(5);
    expect(store.warnings[0]).toMatch(/"graceSeconds".*\[5\]/);
  });
});

describe('invalid values in the file fall back per key and keep the file', () => {
  it('L23: an unknown busyInput in the file uses "interrupt", warns, and leaves the file and other settings alone', () => {
    const text = JSON.stringify({ busyInput: 'explode', theme: 'dark', drainTimeoutSeconds: 10 }, null, 2);
    const dir = temp.dirWithFile(text);
    const store = SettingsStore.open({ dir });

    expect(store.get()).toMatchObject({ busyInput: 'interrupt', theme: 'dark', drainTimeoutSeconds: 10 });
    expect(store.warnings).toEqual([
      'Setting "busyInput" has an invalid value "explode" (expected "interrupt" or "queue"); using the default "interrupt".',
    ]);
    expect(fs.readFileSync(store.path, 'utf8')).toBe(text);
    expect(store.notices).toEqual([]);
    expect(corruptFiles(dir)).toEqual([]);
  });

  it('L23: busyInput "queue" is read as queue', () => {
    expect(openWith({ busyInput: 'queue' }).get().busyInput).toBe('queue');
  });

  it('L16: a stuck-loop threshold below 1 or not whole uses 3 and warns; a quoted whole number is read', () => {
    for (const bad of [0, -2, 2.5, 'many']) {
      const store = openWith({ stuckLoopThreshold: bad });
      expect(store.get().stuckLoopThreshold).toBe(3);
      expect(store.warnings[0]).toContain('"stuckLoopThreshold"');
    }
    expect(openWith({ stuckLoopThreshold: '5' }).get().stuckLoopThreshold).toBe(5);
    expect(openWith({ stuckLoopThreshold: 1 }).get().stuckLoopThreshold).toBe(1);
  });

  it('L21: a negative or unparsable freshness limit uses 24 hours and warns', () => {
    for (const bad of [-1, 'a day']) {
      const store = openWith({ resumeFreshnessHours: bad });
      expect(store.get().resumeFreshnessHours).toBe(24);
      expect(store.warnings[0]).toContain('"resumeFreshnessHours"');
    }
    expect(openWith({ resumeFreshnessHours: 0.5 }).get().resumeFreshnessHours).toBe(0.5);
  });

  it('L20/L27: a non-boolean switch uses its default and warns', () => {
    const store = openWith({ autoResume: 'no', hideToTrayWhileRunning: 0 });
    expect(store.get()).toMatchObject({ autoResume: true, hideToTrayWhileRunning: true });
    expect(store.warnings).toHaveLength(2);
    expect(openWith({ autoResume: false }).get().autoResume).toBe(false);
  });

  it('a relative or non-string workspace folder uses the default folder and warns', () => {
    for (const bad of ['work/agents', 42]) {
      const store = openWith({ workspaceDir: bad });
      expect(store.get().workspaceDir).toBeNull();
      expect(store.warnings[0]).toContain('"workspaceDir"');
    }
    const absolute = path.resolve('/srv/agents');
    expect(openWith({ workspaceDir: absolute }).get().workspaceDir).toBe(absolute);
  });

  it('an unknown theme uses "system" and warns', () => {
    const store = openWith({ theme: 'neon' });
    expect(store.get().theme).toBe('system');
    expect(store.warnings[0]).toMatch(/"theme".*"neon"/);
  });

  it('an unknown key is pointed out but kept in the file across writes', () => {
    const store = openWith({ drainTimeout: 5 });
    expect(store.warnings).toEqual(['Unknown setting "drainTimeout" is ignored.']);
    store.set('theme', 'light');
    expect(readJson(store.path)).toEqual({ drainTimeout: 5, theme: 'light' });
  });

  it('a warning disappears once the setting is fixed with set()', () => {
    const store = openWith({ busyInput: 'explode' });
    expect(store.warnings).toHaveLength(1);
    store.set('busyInput', 'queue');
    expect(store.get().busyInput).toBe('queue');
    expect(store.warnings).toEqual([]);
  });

  it('a file saved with a byte order mark is read, not treated as corrupt', () => {
    const dir = temp.dirWithFile(`\uFEFF${JSON.stringify({ theme: 'dark' })}`);
    const store = SettingsStore.open({ dir });
    expect(store.get().theme).toBe('dark');
    expect(store.notices).toEqual([]);
  });
});

describe('R2: corrupt settings file', () => {
  it('R2: a corrupt settings file is moved aside, defaults are used and the user is told once', () => {
    const original = '{ "theme": "dark", oops';
    const dir = temp.dirWithFile(original);
    const store = SettingsStore.open({ dir });

    expect(store.get()).toEqual(DEFAULT_SETTINGS);
    const aside = corruptFiles(dir);
    expect(aside).toHaveLength(1);
    expect(aside[0]).toMatch(/^config\.corrupt-.+\.json$/);
    const movedTo = path.join(dir, aside[0] ?? '');
    expect(fs.readFileSync(movedTo, 'utf8')).toBe(original);

    expect(store.notices).toHaveLength(1);
    const notices = store.takeNotices();
    expect(notices).toEqual([{ code: 'settings-reset', message: expect.stringContaining(movedTo), movedTo }]);
    expect(store.takeNotices()).toEqual([]);
    expect(store.notices).toEqual([]);

    // The next launch finds no corrupt file and says nothing more.
    const reopened = SettingsStore.open({ dir });
    expect(reopened.notices).toEqual([]);
    expect(corruptFiles(dir)).toHaveLength(1);
  });

  it('R2: after a reset, settings are written to a fresh file and the moved-aside copy is untouched', () => {
    const dir = temp.dirWithFile('not json at all');
    const store = SettingsStore.open({ dir });
    store.set('busyInput', 'queue');
    expect(readJson(store.path)).toEqual({ busyInput: 'queue' });
    const aside = corruptFiles(dir);
    expect(aside).toHaveLength(1);
    expect(fs.readFileSync(path.join(dir, aside[0] ?? ''), 'utf8')).toBe('not json at all');
  });

  it.each([
    ['an array', '[1, 2, 3]'],
    ['a bare number', '42'],
    ['null', 'null'],
    ['an empty file', ''],
  ])('R2: a settings file holding %s is moved aside rather than overwritten', (_label, text) => {
    const dir = temp.dirWithFile(text);
    const store = SettingsStore.open({ dir });
    expect(store.get()).toEqual(DEFAULT_SETTINGS);
    expect(store.notices).toHaveLength(1);
    const movedTo = store.notices[0]?.movedTo ?? '';
    expect(fs.readFileSync(movedTo, 'utf8')).toBe(text);
    expect(fs.existsSync(store.path)).toBe(false);
  });

  it('R2: the moved-aside file is named after the config name', () => {
    const dir = temp.dirWithFile('{', 'settings');
    const store = SettingsStore.open({ dir, configName: 'settings' });
    expect(corruptFiles(dir, 'settings')).toHaveLength(1);
    expect(path.basename(store.notices[0]?.movedTo ?? '')).toMatch(/^settings\.corrupt-.+\.json$/);
  });

  it('R2: a second corrupt file in the same instant never overwrites the first rescue', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(new Date('2025-01-15T12:00:00.000Z'));
      const dir = temp.dirWithFile('{first');
      const firstAside = SettingsStore.open({ dir }).notices[0]?.movedTo ?? '';
      fs.writeFileSync(path.join(dir, 'config.json'), '{second');
      const secondAside = SettingsStore.open({ dir }).notices[0]?.movedTo ?? '';

      expect(path.basename(firstAside)).toBe('config.corrupt-2025-01-15T12-00-00-000Z.json');
      expect(secondAside).not.toBe(firstAside);
      expect(fs.readFileSync(firstAside, 'utf8')).toBe('{first');
      expect(fs.readFileSync(secondAside, 'utf8')).toBe('{second');
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('set()', () => {
  it('a provider list with duplicate names or without a model is refused, and a bad list in the file falls back with a warning', () => {
    const dir = temp.dir();
    const store = SettingsStore.open({ dir });
    const local = { name: 'Local', kind: 'openai-compatible' as const, model: 'llama3', keyRef: null };
    expect(() => store.set('providers', [local, local])).toThrow(/providers/);
    expect(() => store.set('providers', [{ ...local, model: '' }])).toThrow(/providers/);
    fs.writeFileSync(store.path, JSON.stringify({ providers: [{ name: 'x' }], maxSteps: 'many' }));
    const reopened = SettingsStore.open({ dir });
    expect(reopened.get()).toMatchObject({ providers: [], maxSteps: 25 });
    expect(reopened.warnings.join('\n')).toMatch(/"providers"[\s\S]*"maxSteps"|"maxSteps"[\s\S]*"providers"/);
  });

  it('R4: shellSandbox is "auto" or "off"; anything else is refused, and falls back to "auto" when read from the file', () => {
    const dir = temp.dir();
    const store = SettingsStore.open({ dir });
    expect(() => store.set('shellSandbox', 'never' as never)).toThrow(/shellSandbox/);
    fs.writeFileSync(store.path, JSON.stringify({ shellSandbox: 'strict' }));
    const reopened = SettingsStore.open({ dir });
    expect(reopened.get().shellSandbox).toBe('auto');
    expect(reopened.warnings.join('\n')).toMatch(/"shellSandbox"/);
  });

  it('issue 10: modelPrices needs input and output prices of 0 or more; anthropicThinkingBudget is 0 or 1024 and up', () => {
    const dir = temp.dir();
    const store = SettingsStore.open({ dir });
    expect(() => store.set('modelPrices', { 'x-*': { input: -1, output: 2 } })).toThrow(/modelPrices/);
    expect(() => store.set('modelPrices', { 'x-*': { input: 1 } } as never)).toThrow(/modelPrices/);
    store.set('modelPrices', { 'x-*': { input: 1, output: 2, cacheRead: 0.1 } });
    expect(() => store.set('anthropicThinkingBudget', 500)).toThrow(/1024/);
    store.set('anthropicThinkingBudget', 2048);
    fs.writeFileSync(store.path, JSON.stringify({ modelPrices: 'cheap', anthropicThinkingBudget: 'lots' }));
    const reopened = SettingsStore.open({ dir });
    expect(reopened.get()).toMatchObject({ modelPrices: DEFAULT_MODEL_PRICES, anthropicThinkingBudget: 0 });
  });

  it('values set survive reopening the store', () => {
    const dir = temp.dir();
    const store = SettingsStore.open({ dir });
    const changed: Settings = {
      drainTimeoutSeconds: 0.2,
      osShutdownBudgetSeconds: 2,
      graceSeconds: 1,
      busyInput: 'queue',
      autoResume: false,
      resumeFreshnessHours: 6,
      stuckLoopThreshold: 5,
      hideToTrayWhileRunning: false,
      workspaceDir: path.resolve('/tmp/baton-workspace'),
      theme: 'dark',
      providers: [{ name: 'Local', kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:11434/v1', model: 'llama3', keyRef: null }],
      activeProvider: 'Local',
      maxSteps: 10,
      toolApproval: { shell: 'auto' },
      systemPrompt: 'Be brief.',
      mcpServers: [{ name: 'notes', command: 'node', args: ['server.js'] }],
      shellSandbox: 'off',
      modelPrices: { 'my-model': { input: 1, output: 2 } },
      anthropicThinkingBudget: 4096,
      profiles: [
        { name: 'Reviewer', instructions: 'Review only.', provider: 'Local', model: 'llama3', tools: ['read_file'], toolApproval: { read_file: 'auto' }, workspaceDir: path.resolve('/tmp/review'), maxSteps: 5 },
      ],
    };
    for (const key of Object.keys(changed) as (keyof Settings)[]) {
      store.set(key, changed[key]);
    }
    expect(store.get()).toEqual(changed);
    expect(SettingsStore.open({ dir }).get()).toEqual(changed);
  });

  it('L23: an invalid busyInput is refused with a clear error and nothing is written', () => {
    const dir = temp.dir();
    const store = SettingsStore.open({ dir });
    expect(() => store.set('busyInput', 'explode' as Settings['busyInput'])).toThrow(
      /Invalid value "explode" for setting "busyInput": expected "interrupt" or "queue"/,
    );
    expect(fs.existsSync(store.path)).toBe(false);
    expect(store.get().busyInput).toBe('interrupt');
  });

  it.each([
    ['drainTimeoutSeconds', Number.NaN],
    ['drainTimeoutSeconds', Number.POSITIVE_INFINITY],
    ['stuckLoopThreshold', 0],
    ['stuckLoopThreshold', 1.5],
    ['resumeFreshnessHours', -3],
    ['workspaceDir', 'relative/dir'],
    ['theme', 'neon'],
    ['autoResume', 'yes'],
  ] as const)('set(%s, %s) throws an Error naming the setting', (key, value) => {
    const store = SettingsStore.open({ dir: temp.dir() });
    expect(() => store.set(key, value as never)).toThrow(new RegExp(`setting "${key}"`));
  });

  it('an unknown key is refused', () => {
    const store = SettingsStore.open({ dir: temp.dir() });
    expect(() => store.set('nonsense' as keyof Settings, 1 as never)).toThrow(/Unknown setting "nonsense"/);
  });

  it('L10: setting a negative drain timeout stores 0', () => {
    const store = SettingsStore.open({ dir: temp.dir() });
    store.set('drainTimeoutSeconds', -10);
    expect(readJson(store.path)).toEqual({ drainTimeoutSeconds: 0 });
  });

  it('workspaceDir can be set back to null (the default folder)', () => {
    const dir = temp.dir();
    const store = SettingsStore.open({ dir });
    store.set('workspaceDir', path.resolve('/tmp/x'));
    store.set('workspaceDir', null);
    expect(SettingsStore.open({ dir }).get().workspaceDir).toBeNull();
  });

  it('a file broken while the app runs makes set() throw instead of overwriting it, and get() keeps the last settings', () => {
    const store = openWith({ theme: 'dark' });
    expect(store.get().theme).toBe('dark');
    fs.writeFileSync(store.path, '{ half an edit');
    expect(() => store.set('theme', 'light')).toThrow(/not valid JSON/);
    expect(fs.readFileSync(store.path, 'utf8')).toBe('{ half an edit');
    expect(store.get().theme).toBe('dark');
  });
});

describe('onChange', () => {
  it('listeners get the normalised settings after a change, not after a no-op, and not once unsubscribed', () => {
    const store = openWith({ drainTimeoutSeconds: 'abc' });
    const seen: Settings[] = [];
    const unsubscribe = store.onChange((settings) => seen.push(settings));

    store.set('theme', 'dark');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ theme: 'dark', drainTimeoutSeconds: 60 });

    store.set('theme', 'dark');
    expect(seen).toHaveLength(1);

    unsubscribe();
    store.set('theme', 'light');
    expect(seen).toHaveLength(1);
  });

  it('a failing listener does not stop the others or the write; set() reports its error afterwards', () => {
    const store = SettingsStore.open({ dir: temp.dir() });
    const seen: string[] = [];
    const unsubscribeBroken = store.onChange(() => {
      throw new Error('listener broke');
    });
    store.onChange((settings) => seen.push(settings.theme));

    expect(() => store.set('theme', 'dark')).toThrow('listener broke');
    expect(seen).toEqual(['dark']);
    expect(readJson(store.path)).toEqual({ theme: 'dark' });

    // The error belongs to that write only.
    unsubscribeBroken();
    expect(() => store.set('theme', 'light')).not.toThrow();
    expect(seen).toEqual(['dark', 'light']);
  });

  it('a listener cannot change what others or later get() calls see', () => {
    const store = SettingsStore.open({ dir: temp.dir() });
    store.onChange((settings) => {
      settings.theme = 'light';
    });
    let seenByOther: string | undefined;
    store.onChange((settings) => {
      seenByOther = settings.theme;
    });
    store.set('theme', 'dark');
    expect(seenByOther).toBe('dark');
    expect(store.get().theme).toBe('dark');
  });
});
