import { describe, expect, it } from 'vitest';
import { laneBadges } from '../../../renderer/src/lib/lane-badges.ts';
import { providerDraftProblem } from '../../../renderer/src/lib/provider-presets.ts';
import { withToolApproval } from '../../../renderer/src/lib/settings-form.ts';
import { completeSlashCommand, matchSlashCommands, runsAsTyped, SLASH_COMMANDS } from '../../../renderer/src/lib/slash-commands.ts';
import { escapeForResend } from '../../../shared/commands.ts';
import { formatCountdown, formatRelativeTime } from '../../../renderer/src/lib/time-format.ts';
import { interruptionText, resumedText } from '../../../renderer/src/lib/transcript-words.ts';
import { lane } from './lanes.ts';

describe('L8: the drain countdown', () => {
  it.each([
    [60_000, '1:00'],
    [59_001, '1:00'],
    [45_000, '0:45'],
    [65_000, '1:05'],
    [500, '0:01'],
    [0, '0:00'],
    [-3_000, '0:00'],
  ])('%i ms left reads %s', (ms, text) => {
    expect(formatCountdown(ms)).toBe(text);
  });

  it('says how long ago a conversation was active', () => {
    const now = 10 * 24 * 3_600_000;
    expect(formatRelativeTime(now - 10_000, now)).toBe('just now');
    expect(formatRelativeTime(now - 5 * 60_000, now)).toBe('5 min ago');
    expect(formatRelativeTime(now - 3 * 3_600_000, now)).toBe('3 h ago');
    expect(formatRelativeTime(now - 30 * 3_600_000, now)).toBe('yesterday');
  });
});

describe('L24: the slash-command menu', () => {
  it('lists every command for a bare slash, in the documented order', () => {
    expect(matchSlashCommands('/').map((c) => c.name)).toEqual(['new', 'stop', 'resume', 'title', 'status', 'restart', 'help']);
  });

  it('narrows by prefix and closes once an argument starts or for //', () => {
    expect(matchSlashCommands('/re').map((c) => c.name)).toEqual(['resume', 'restart']);
    expect(matchSlashCommands('/st').map((c) => c.name)).toEqual(['stop', 'status']);
    expect(matchSlashCommands('/title x')).toEqual([]);
    expect(matchSlashCommands('//')).toEqual([]);
    expect(matchSlashCommands('hello /')).toEqual([]);
  });

  it('completes commands with arguments with a trailing space', () => {
    const title = SLASH_COMMANDS.find((c) => c.name === 'title')!;
    const help = SLASH_COMMANDS.find((c) => c.name === 'help')!;
    expect(completeSlashCommand(title)).toBe('/title ');
    expect(completeSlashCommand(help)).toBe('/help');
  });

  it('Enter runs a command typed in full unless it needs an argument (issue 11)', () => {
    expect(runsAsTyped('/resume')).toBe(true);
    expect(runsAsTyped('/RESUME')).toBe(true);
    expect(runsAsTyped('/stop')).toBe(true);
    expect(runsAsTyped('/title')).toBe(false);
    expect(runsAsTyped('/res')).toBe(false);
    expect(runsAsTyped('/resume x')).toBe(false);
    expect(runsAsTyped('//resume')).toBe(false);
  });

  it('Retry never turns a message into a command', () => {
    expect(escapeForResend('/etc/hosts is odd')).toBe('//etc/hosts is odd');
    expect(escapeForResend('plain')).toBe('plain');
  });
});

describe('markers between turns', () => {
  it.each([
    ['drain', 'restart_timeout', 'Interrupted — by a restart'],
    ['drain', 'shutdown_timeout', 'Interrupted — by a shutdown'],
    ['drain', 'update_timeout', 'Interrupted — by an update'],
    ['crash', 'crash', 'Interrupted — by a crash'],
    ['crash', null, 'Interrupted — by a crash'],
    ['stop', null, 'Interrupted — stopped by you'],
    ['busy-input', null, 'Interrupted — by your new message'],
  ] as const)('%s / %s reads %j', (cause, reason, text) => {
    expect(interruptionText(cause, reason)).toBe(text);
  });

  it('names why a turn was resumed', () => {
    expect(resumedText('resume', 'update_timeout')).toBe('Resumed after an update');
    expect(resumedText('resume', 'weird')).toBe('Resumed after an interruption');
  });
});

describe('sidebar badges', () => {
  it('L31: shows the lane condition (running, needs you, interrupted, suspended) and the queue', () => {
    expect(laneBadges(lane('a', { activity: 'running', queuedInputs: 2 })).map((b) => b.label)).toEqual(['Running', '2 messages queued']);
    expect(laneBadges(lane('a', { resumePending: true })).map((b) => b.kind)).toEqual(['interrupted']);
    expect(laneBadges(lane('a', { activity: 'running', awaitingApproval: true }))).toEqual([{ kind: 'awaiting-approval', label: 'Needs you' }]);
    expect(laneBadges(lane('a', { activity: 'starting' }))).toEqual([{ kind: 'running', label: 'Starting' }]);
    expect(laneBadges(lane('a', { resumePending: true, suspended: true })).map((b) => b.kind)).toEqual(['suspended']);
    expect(laneBadges(lane('a'))).toEqual([]);
  });
});

describe('settings forms', () => {
  it('checks a provider before saving it', () => {
    expect(providerDraftProblem({ kind: 'openai-compatible', name: 'Ollama', baseUrl: 'http://127.0.0.1:11434/v1', model: 'llama3.2' })).toBeNull();
    expect(providerDraftProblem({ kind: 'anthropic', name: 'Anthropic', baseUrl: '', model: 'claude' })).toBeNull();
    expect(providerDraftProblem({ kind: 'openai-compatible', name: 'X', baseUrl: '', model: 'm' })).toMatch(/base URL/);
    expect(providerDraftProblem({ kind: 'openai-compatible', name: 'X', baseUrl: 'javascript:alert(1)', model: 'm' })).toMatch(/http/);
    expect(providerDraftProblem({ kind: 'openai-compatible', name: '', baseUrl: 'http://x', model: 'm' })).toMatch(/name/);
  });

  it('edits per-tool approval, with default meaning unlisted', () => {
    const current = { shell: 'auto' } as const;
    expect(withToolApproval(current, 'write_file', 'ask')).toEqual({ shell: 'auto', write_file: 'ask' });
    expect(withToolApproval(current, 'shell', 'default')).toEqual({});
  });
});
