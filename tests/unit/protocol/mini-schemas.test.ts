/**
 * R1 with shared/ on zod/mini (issue 13 size goal): the contract's checks and error messages are
 * exactly those the classic zod definitions gave. Each case below rebuilds one of the shapes as it
 * was written with classic zod and feeds both the same good and bad values.
 */
import { describe, expect, it } from 'vitest';
import { z as classic } from 'zod';
import { contract, serverFrameSchema } from '../../../shared/protocol/contract.ts';
import { ATTACHMENT_LIMITS } from '../../../shared/attachments.ts';
import { agentProfilesSchema, checkSetting, isAbsolutePath, mcpServerConfigSchema } from '../../../shared/settings.ts';
import { eventPayloadSchemas } from '../../../shared/transcript.ts';

interface Parser {
  safeParse(value: unknown): { success: true; data: unknown } | { success: false; error: { message: string } };
}

/** The same verdict, the same output, the same message (issues, paths, words) for every value. */
function expectSameChecks(mini: Parser, old: Parser, values: unknown[]): void {
  for (const value of values) {
    const a = mini.safeParse(value);
    const b = old.safeParse(value);
    expect({ value, success: a.success }).toEqual({ value, success: b.success });
    if (a.success && b.success) expect(a.data).toEqual(b.data);
    if (!a.success && !b.success) expect(a.error.message).toBe(b.error.message);
  }
}

const laneKey = classic.string().min(1).max(200);

describe('R1: the contract on zod/mini checks exactly as the classic definitions did (issue 13)', () => {
  it('message.send: lengths, the client id pattern, the attachment cap and the text-or-attachment rule', () => {
    const old = classic
      .object({
        laneKey,
        text: classic.string().max(200_000),
        clientMessageId: classic
          .string()
          .regex(/^[A-Za-z0-9_-]{8,64}$/, 'a client message id is 8–64 letters, digits, _ or -')
          .optional(),
        attachments: classic
          .array(classic.object({ uploadId: classic.string().min(1).max(100), thumbnail: classic.string().max(ATTACHMENT_LIMITS.maxThumbnailChars).optional() }))
          .max(ATTACHMENT_LIMITS.maxCount)
          .optional(),
      })
      .refine((p) => p.text.length > 0 || (p.attachments?.length ?? 0) > 0, { message: 'A message needs text or an attachment.', path: ['text'] });
    expectSameChecks(contract['message.send'].params, old, [
      { laneKey: 'k', text: 'hi' },
      { laneKey: 'k', text: 'hi', extra: 1 },
      { laneKey: '', text: 'hi' },
      { laneKey: 'k', text: '' },
      { laneKey: 'k', text: 'hi', clientMessageId: 'bad id!' },
      { laneKey: 'k', text: '', attachments: Array.from({ length: 11 }, () => ({ uploadId: 'u' })) },
      { laneKey: 'k', text: 'x', attachments: [{ uploadId: '' }] },
      { laneKey: 7, text: null },
      'not an object',
    ]);
  });

  it('lanes.setModel and transcript.get: trimming, whole numbers and bounds', () => {
    expectSameChecks(contract['lanes.setModel'].params, classic.object({ laneKey, provider: classic.string().trim().min(1).max(200), model: classic.string().trim().min(1).max(500) }), [
      { laneKey: 'k', provider: '  openai ', model: ' gpt ' },
      { laneKey: 'k', provider: '   ', model: 'm' },
      { laneKey: 'k', provider: 'p', model: 'm'.repeat(501) },
    ]);
    const old = classic.object({
      laneKey,
      sessionId: classic.string().optional(),
      afterSeq: classic.number().int().min(0).optional(),
      before: classic.number().int().min(0).optional(),
      around: classic.number().int().min(0).optional(),
      limit: classic.number().int().min(1).max(5000).optional(),
    });
    expectSameChecks(contract['transcript.get'].params, old, [
      { laneKey: 'k', limit: 50, before: 10 },
      { laneKey: 'k', limit: 0 },
      { laneKey: 'k', limit: 5001 },
      { laneKey: 'k', afterSeq: 1.5 },
      { laneKey: 'k', around: -1, sessionId: 3 },
      { laneKey: 'k', limit: '10' },
    ]);
  });

  it('frames from the host: discriminated unions and a stored event whose payload is checked by its kind', () => {
    const frames = [
      { type: 'response', id: 1, ok: true, value: { anything: 1 } },
      { type: 'response', id: null, ok: false, error: { code: 'BAD_FRAME', message: 'no' } },
      { type: 'response', id: 1, ok: false, error: { code: 'NOPE', message: 'no' } },
      { type: 'response', id: 1.5, ok: true, value: 1 },
      { type: 'event', instanceId: 'i', seq: 1, event: { channel: 'gateway', event: { type: 'text-delta', laneKey: 'k', turnId: 't', seq: 2, offset: -1, delta: 'x' } } },
      { type: 'event', instanceId: 'i', seq: '1', event: { channel: 'gateway', event: { type: 'text-delta' } } },
      { type: 'what' },
    ];
    const old = classic.discriminatedUnion('type', [
      classic.discriminatedUnion('ok', [
        classic.object({ type: classic.literal('response'), id: classic.number().int(), ok: classic.literal(true), value: classic.unknown() }),
        classic.object({
          type: classic.literal('response'),
          id: classic.number().int().nullable(),
          ok: classic.literal(false),
          error: classic.object({ code: classic.enum(['BAD_FRAME', 'UNKNOWN_METHOD', 'INVALID_PARAMS', 'INVALID_INPUT', 'NOT_FOUND', 'UNAVAILABLE', 'BUSY', 'STORAGE_FULL', 'STORAGE_FAILED', 'STORE_CORRUPT', 'INTERNAL']), message: classic.string() }),
        }),
      ]),
      classic.object({
        type: classic.literal('event'),
        instanceId: classic.string(),
        seq: classic.number().int(),
        event: classic.discriminatedUnion('channel', [
          classic.object({
            channel: classic.literal('gateway'),
            event: classic.discriminatedUnion('type', [
              classic.object({ type: classic.literal('text-delta'), laneKey: classic.string(), turnId: classic.string(), seq: classic.number().int(), offset: classic.number().int().min(0), delta: classic.string() }),
            ]),
          }),
        ]),
      }),
    ]);
    // The classic mirror knows one channel and one gateway event: the frames above stay within them.
    expectSameChecks(serverFrameSchema, old, frames);

    const bad = contract['transcript.get'].result.safeParse({
      sessionId: 's',
      events: [{ seq: 1, sessionId: 's', turnId: null, createdAt: 1, kind: 'assistant_text', payload: { text: 3, final: true } }],
    });
    const payload = classic.object({ text: classic.string(), final: classic.boolean(), provider: classic.string().optional(), model: classic.string().optional() }).safeParse({ text: 3, final: true });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toBe(`bad assistant_text payload: ${payload.error?.message}`);
    expectSameChecks(eventPayloadSchemas.assistant_text, classic.object({ text: classic.string(), final: classic.boolean(), provider: classic.string().optional(), model: classic.string().optional() }), [
      { text: 'a', final: false, extra: true },
      { final: 'no' },
    ]);
  });

  it('settings: defaults, lenient numbers, pipes and list-wide rules', () => {
    const profileText = classic.string().trim().min(1).nullable().default(null);
    const oldProfiles = classic
      .array(
        classic.object({
          name: classic
            .string()
            .trim()
            .min(1, 'A profile needs a name')
            .max(100)
            .refine((name) => name.toLowerCase() !== 'default', `"Default" is the built-in profile's name`),
          instructions: classic.string().nullable().default(null),
          provider: profileText,
          model: profileText,
          tools: classic.array(classic.string().min(1)).nullable().default(null),
          toolApproval: classic.record(classic.string(), classic.enum(['ask', 'auto'])).default({}),
          workspaceDir: classic
            .string()
            .refine(isAbsolutePath, 'must be an absolute folder path')
            .nullable()
            .default(null),
          maxSteps: classic.number().int().min(1).max(500).nullable().default(null),
        }),
      )
      .superRefine((profiles, context) => {
        const seen = new Set<string>();
        profiles.forEach((profile, index) => {
          const key = profile.name.toLowerCase();
          if (seen.has(key)) context.addIssue({ code: 'custom', path: [index, 'name'], message: `Another profile is already named "${profile.name}"` });
          seen.add(key);
        });
      });
    expectSameChecks(agentProfilesSchema, oldProfiles, [
      [{ name: ' Writer ', provider: '  ' }],
      [{ name: 'a' }, { name: 'A' }],
      [{ name: 'default' }],
      [{ name: '', maxSteps: 0, workspaceDir: 'relative', tools: [''] }],
      [{ name: 'x', toolApproval: { shell: 'sometimes' } }],
    ]);

    const oldServer = classic
      .custom<Record<string, unknown>>((value) => typeof value === 'object' && value !== null && !Array.isArray(value), 'expected an object')
      .refine((value) => !('command' in value && 'url' in value), 'A server has either a command (stdio) or a url (HTTP), not both')
      .pipe(
        classic.union([
          classic.object({ name: classic.string().refine((n) => n.trim().length > 0, 'A server needs a name'), url: classic.url({ protocol: /^https?$/, error: 'must be an http:// or https:// address' }), headers: classic.record(classic.string(), classic.string()).optional(), enabled: classic.boolean().optional() }),
          classic.object({
            name: classic.string().refine((n) => n.trim().length > 0, 'A server needs a name'),
            command: classic.string().refine((c) => c.trim().length > 0, 'A server needs a command'),
            args: classic.array(classic.string()).optional(),
            env: classic.record(classic.string(), classic.string()).optional(),
            cwd: classic.string().optional(),
            enabled: classic.boolean().optional(),
          }),
        ]),
      );
    expectSameChecks(mcpServerConfigSchema, oldServer, [
      { name: 'fs', command: 'npx', args: ['x'] },
      { name: 'web', url: 'https://example.com/mcp' },
      { name: 'web', url: 'ftp://example.com' },
      { name: 'both', url: 'https://x', command: 'y' },
      { name: ' ', command: '' },
      ['not', 'an', 'object'],
    ]);

    const lenient = classic.union([classic.number(), classic.string().regex(/^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$/).transform(Number)]).pipe(classic.number());
    const oldMaxSteps = lenient.pipe(classic.number().int().min(1).max(500));
    for (const raw of [12, ' 40 ', '7.5', 0, 'many', null]) {
      const mini = checkSetting('maxSteps', raw);
      const old = oldMaxSteps.safeParse(raw);
      expect({ raw, ok: mini.ok }).toEqual({ raw, ok: old.success });
      if (mini.ok && old.success) expect(mini.value).toBe(old.data);
    }
  });
});
