/**
 * Issue 9 item 5: the settings are declared once (shared/settings.ts) and the wire carries them
 * typed per key, so a front end reads `settings.drainTimeoutSeconds` as a number it can trust (R1).
 */
import { describe, expect, it } from 'vitest';
import { builtinTools } from '../../../electron/core/agent/tools/builtin-tools.ts';
import { contract } from '../../../shared/protocol/contract.ts';
import { BUILTIN_TOOL_NAMES, DEFAULT_SETTINGS, isAbsolutePath, validateSetting, type SettingsView } from '../../../shared/settings.ts';

const view: SettingsView = { ...DEFAULT_SETTINGS, providers: [{ name: 'Local', kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1', model: 'm', hasKey: false, source: 'settings' }] };
const getResult = contract['settings.get'].result;

describe('settings on the wire, typed per key', () => {
  it('R1: settings.get carries every setting with its own type; a front end refuses a value of the wrong type', () => {
    const reply = { settings: view, providers: view.providers, warnings: [], notices: [] };
    expect(getResult.parse(reply).settings).toEqual(view);
    expect(getResult.safeParse({ ...reply, settings: { ...view, busyInput: 'sometimes' } }).success).toBe(false);
    expect(getResult.safeParse({ ...reply, settings: { ...view, drainTimeoutSeconds: 'soon' } }).success).toBe(false);
    const { autoResume: _missing, ...withoutOne } = view;
    expect(getResult.safeParse({ ...reply, settings: withoutOne }).success).toBe(false);
  });

  it('R4: a provider reaches a front end as a view: a key reference does not survive the contract', () => {
    const reply = { settings: { ...view, providers: [{ ...view.providers[0]!, keyRef: 'provider:Local' }] }, providers: view.providers, warnings: [], notices: [] };
    expect(JSON.stringify(getResult.parse(reply))).not.toContain('keyRef');
  });

  it('settings.set takes { key, value }; the key and value are then checked by the key’s own rule', () => {
    const params = contract['settings.set'].params;
    expect(params.safeParse({ key: 'busyInput', value: 'queue' }).success).toBe(true);
    expect(params.safeParse({ key: 'busyInput' }).success).toBe(false);
    expect(params.safeParse('busyInput=queue').success).toBe(false);
    expect(() => validateSetting('busyInput', 'sometimes')).toThrow('expected "interrupt" or "queue"');
  });
});

describe('one list each', () => {
  it('the settings panel offers approval for exactly the built-in tools', () => {
    expect([...BUILTIN_TOOL_NAMES].sort()).toEqual(builtinTools().map((tool) => tool.name).sort());
  });

  it('a workspace folder must be absolute, judged without node:path (POSIX, and Windows drive or UNC paths)', () => {
    expect(['/home/me/work', 'C:\\work', 'D:/work', '\\\\server\\share'].map(isAbsolutePath)).toEqual([true, true, true, true]);
    expect(['work', './work', '~/work', ''].map(isAbsolutePath)).toEqual([false, false, false, false]);
  });
});
