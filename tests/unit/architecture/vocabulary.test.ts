/**
 * Issue 9 item 5: the vocabulary the wire carries is declared once, in shared/, and no layer keeps
 * a hand-made "mirror" of another. Reads the sources as text: a second declaration of one of
 * these names, or a literal copy of one of these unions, is the drift this test exists to stop.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOTS = ['electron', 'renderer/src', 'shared'];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return /\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

const files = ROOTS.flatMap(sources).map((file) => ({ file, text: readFileSync(file, 'utf8') }));

function where(pattern: RegExp): string[] {
  return files.flatMap(({ file, text }) => [...text.matchAll(new RegExp(pattern.source, 'gm'))].map(() => file));
}

describe('one name per concept, declared once (issue 9 item 5)', () => {
  it.each([
    'ProviderKind',
    'ToolApprovalMode',
    'ToolSpec',
    'ConnectionState',
    'EventMeta',
    'TurnEnd',
    'TurnOutcome',
    'BannerState',
    'SettingsView',
    'SlashCommand',
    'LaneCondition',
    'Settings',
    'McpServerConfig',
  ])('%s is declared in one place', (name) => {
    expect(where(new RegExp(`^export (?:type|interface) ${name}\\b`))).toHaveLength(1);
  });

  it.each([
    ["'ask' | 'auto'", /'ask' \| 'auto'/],
    ["'openai-compatible' | 'anthropic'", /'openai-compatible' \| 'anthropic'/],
    ["'connecting' | 'open' | 'reconnecting' | 'closed'", /'connecting' \| 'open' \| 'reconnecting' \| 'closed'/],
  ])('the union %s is written once at most', (_name, pattern) => {
    expect(where(pattern).length).toBeLessThanOrEqual(1);
  });

  it('the wire vocabulary lives in shared/', () => {
    for (const name of ['ProviderKind', 'ToolApprovalMode', 'ConnectionState', 'EventMeta', 'TurnOutcome', 'SettingsView', 'SlashCommand', 'LaneCondition', 'Settings']) {
      expect(where(new RegExp(`^export (?:type|interface) ${name}\\b`)), name).toEqual([expect.stringMatching(/^shared\//)]);
    }
  });

  it('no module keeps a hand-made copy ("Mirrors …") of another layer', () => {
    expect(where(/\bMirrors\b/)).toEqual([]);
  });
});
