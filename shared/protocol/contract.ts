/**
 * The one contract between every front end and the gateway (ENGINEERING.md §2): method → params
 * and result schemas, and the event payload schema. The WebSocket host, the Electron MessagePort
 * and the in-memory test transport all carry exactly these frames, validated on both sides (R1).
 */
import * as z from '../zod.ts';
import { EXIT_REASONS } from '../lifecycle.ts';
import { MAX_TITLE_LENGTH } from '../lane-title.ts';
import { ATTACHMENT_LIMITS, base64Length } from '../attachments.ts';
import { PROVIDER_KINDS, providerViewSchema, settingChangeSchema, settingsViewSchema } from '../settings.ts';
import { mcpServerViewSchema } from '../mcp-status.ts';
import { backupEntrySchema, backupsListResultSchema, STORE_EXPORT_FORMATS, storeExportResultSchema, storeImportChunkParamsSchema, storeImportParamsSchema, storeImportResultSchema } from '../store-transfer.ts';
import { APPROVAL_CHOICES, APPROVAL_REASON_MAX, eventPayloadSchemas, TURN_EVENT_KINDS, type StoredEvent } from '../transcript.ts';
import type { Banner, GatewayEvent, LaneStatus, SendResult } from '../gateway-events.ts';

const storedEventSchema = z
  .object({
    seq: z.number().check(z.int()),
    sessionId: z.string(),
    turnId: z.nullable(z.string()),
    createdAt: z.number(),
    kind: z.enum(TURN_EVENT_KINDS as [string, ...string[]]),
    payload: z.unknown(),
  })
  .check(
    z.superRefine((value, ctx) => {
      const schema = eventPayloadSchemas[value.kind as keyof typeof eventPayloadSchemas];
      const parsed = schema.safeParse(value.payload);
      if (!parsed.success) ctx.addIssue({ code: 'custom', message: `bad ${value.kind} payload: ${parsed.error.message}` });
    }),
  ) as unknown as z.ZodMiniType<StoredEvent>;

export const laneStatusSchema: z.ZodMiniType<LaneStatus> = z.object({
  laneKey: z.string(),
  sessionId: z.string(),
  title: z.string(),
  activity: z.enum(['idle', 'starting', 'running']),
  awaitingApproval: z.boolean(),
  resumePending: z.boolean(),
  resumeReason: z.nullable(z.string()),
  resumeStale: z.boolean(),
  suspended: z.boolean(),
  queuedInputs: z.number().check(z.int()),
  restartFailureCount: z.number().check(z.int()),
  updatedAt: z.number(),
  pinned: z.boolean(),
  deletedAt: z.nullable(z.number()),
  provider: z.optional(z.nullable(z.string())),
  model: z.optional(z.nullable(z.string())),
  profile: z.optional(z.nullable(z.string())),
  instructions: z.optional(z.nullable(z.string())),
  workspaceDir: z.optional(z.nullable(z.string())),
  turnStartedAt: z.optional(z.nullable(z.number())),
  stepCount: z.optional(z.number().check(z.int(), z.minimum(0))),
  currentTool: z.optional(z.nullable(z.string())),
  approvals: z.optional(z.array(z.object({ callId: z.string(), tool: z.string() }))),
  archivedAt: z.optional(z.nullable(z.number())),
});

const exitReason = z.enum(EXIT_REASONS);

export const bannerSchema: z.ZodMiniType<Banner> = z.union([
  z.object({ kind: z.literal('drain'), scope: z.literal('global'), reason: exitReason, deadline: z.number(), runningCount: z.number().check(z.int()), awaitingCount: z.optional(z.number().check(z.int())), text: z.string() }),
  z.object({ kind: z.literal('drain'), scope: z.literal('lane'), laneKey: z.string(), reason: exitReason, deadline: z.number(), text: z.string() }),
  z.object({ kind: z.literal('session-reset'), laneKey: z.string(), previousSessionId: z.string(), text: z.string() }),
]);

// Discriminated unions: a frame is checked against its own shape only. A plain union tries every
// shape before the right one and builds an error for each miss, per streamed piece (issue 13).
export const gatewayEventSchema: z.ZodMiniType<GatewayEvent> = z.discriminatedUnion('type', [
  z.object({ type: z.literal('transcript'), laneKey: z.string(), event: storedEventSchema }),
  z.object({ type: z.literal('text-delta'), laneKey: z.string(), turnId: z.string(), seq: z.number().check(z.int()), offset: z.number().check(z.int(), z.minimum(0)), delta: z.string() }),
  z.object({ type: z.literal('text-checkpoint'), laneKey: z.string(), turnId: z.string(), seq: z.number().check(z.int()), length: z.number().check(z.int(), z.minimum(0)) }),
  z.object({ type: z.literal('tool-output-delta'), laneKey: z.string(), turnId: z.string(), seq: z.number().check(z.int()), callId: z.string(), offset: z.number().check(z.int(), z.minimum(0)), delta: z.string() }),
  z.object({ type: z.literal('lane'), lane: laneStatusSchema }),
  z.object({ type: z.literal('banner'), banner: bannerSchema }),
]);

export const UPDATE_STATES = ['idle', 'checking', 'downloading', 'ready', 'installing', 'error'] as const;
export const updateStateSchema = z.object({
  state: z.enum(UPDATE_STATES),
  version: z.nullable(z.string()),
  progress: z.nullable(z.number().check(z.minimum(0), z.maximum(1))),
  error: z.nullable(z.string()),
});
export type UpdateState = z.infer<typeof updateStateSchema>;

/** `settings.get`'s answer; also pushed whole whenever a setting changes (issue 10: every window shows it at once). */
export const settingsReplySchema = z.object({ settings: settingsViewSchema, providers: z.array(providerViewSchema), warnings: z.array(z.string()), notices: z.array(z.string()) });

/** Everything the host pushes, with a per-instance sequence number for gap-free catch-up. */
export const pushEventSchema = z.discriminatedUnion('channel', [
  z.object({ channel: z.literal('gateway'), event: gatewayEventSchema }),
  z.object({ channel: z.literal('update'), state: updateStateSchema }),
  /** Every MCP server, sent whenever one's state, tools or settings change. */
  z.object({ channel: z.literal('mcp'), servers: z.array(mcpServerViewSchema) }),
  /** Issue 10: the settings changed (in any window, the CLI, an approval's "Always allow"): what settings.get answers now. */
  z.object({ channel: z.literal('settings'), reply: settingsReplySchema }),
  /** Issue 10, desktop: a notification about this conversation was clicked; the window selects it. */
  z.object({ channel: z.literal('open-lane'), laneKey: z.string().check(z.minLength(1), z.maxLength(200)) }),
]);
export type PushEvent = z.infer<typeof pushEventSchema>;

/** A window's own id for a message it sends (L32): short, URL-safe, chosen by the window. */
export const clientMessageIdSchema = z.string().check(z.regex(/^[A-Za-z0-9_-]{8,64}$/, 'a client message id is 8–64 letters, digits, _ or -'));

const sendResultSchema: z.ZodMiniType<SendResult> = z.object({
  status: z.enum(['started', 'queued', 'interrupting', 'queued-for-restart', 'command']),
  message: z.string(),
});

const laneKey = z.string().check(z.minLength(1), z.maxLength(200));

/** The most rows one `transcript.get` page may ask for (issue 13). */
export const TRANSCRIPT_PAGE_MAX = 5000;

// ── provider setup checks (issue 11): models list, test connection, local servers ─────────────

/**
 * Which provider to check: a saved one by name, or a draft from the setup form. A draft may borrow
 * the stored key of a saved provider (`keyFrom`) only while its kind and base URL are that
 * provider's, so a stored key never goes to another server (R4).
 */
export const providerTargetSchema = z.union([
  z.object({ providerName: z.string().check(z.minLength(1), z.maxLength(200)) }),
  z.object({
    kind: z.enum(PROVIDER_KINDS),
    name: z.optional(z.string().check(z.maxLength(200))),
    baseUrl: z.optional(z.string().check(z.maxLength(2000))),
    apiKey: z.optional(z.string().check(z.minLength(1), z.maxLength(4096))),
    keyFrom: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
    model: z.optional(z.string().check(z.maxLength(500))),
  }),
]);
export type ProviderTarget = z.infer<typeof providerTargetSchema>;

/** A failed check: the provider error table's code and words (never the key). */
const providerCheckFailure = z.object({ ok: z.literal(false), code: z.string(), message: z.string(), latencyMs: z.number() });

export const providerModelsResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), models: z.array(z.object({ id: z.string(), label: z.optional(z.string()) })), latencyMs: z.number() }),
  providerCheckFailure,
]);

export const providerTestResultSchema = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    modelCount: z.number().check(z.int()),
    latencyMs: z.number(),
    /** Whether the provider's model is in the server's list; null when no model was named. */
    modelListed: z.nullable(z.boolean()),
    message: z.string(),
  }),
  providerCheckFailure,
]);

export const detectedServerSchema = z.object({ id: z.string(), label: z.string(), baseUrl: z.string(), models: z.array(z.string()) });

export const contract = {
  'app.status': {
    params: z.object({}),
    result: z.object({
      version: z.string(),
      instanceId: z.string(),
      /** Stable per data directory (the store's identity); an instance id changes every launch. */
      storeId: z.string(),
      draining: z.boolean(),
      previousExit: z.nullable(z.object({ reason: exitReason, at: z.number(), version: z.string() })),
      /** L29: the version that ran before this one, when an update was installed since; else null. */
      updatedFrom: z.nullable(z.string()),
      startup: z.object({ autoResumed: z.array(z.string()), awaitingUser: z.array(z.string()), suspended: z.array(z.string()), replayed: z.array(z.string()) }),
      banners: z.array(bannerSchema),
      update: updateStateSchema,
    }),
  },
  'app.restart': { params: z.object({}), result: z.object({ accepted: z.boolean() }) },
  /** `view: 'trash'` (issue 11) lists deleted conversations, newest deletion first; otherwise pinned first, then most recent. */
  'lanes.list': { params: z.object({ view: z.optional(z.enum(['active', 'trash', 'archived'])) }), result: z.array(laneStatusSchema) },
  // Conversations you can manage (issue 11, L35). Deleting moves to the trash (a running turn is
  // stopped first); a trashed conversation is restorable for 30 days, then purged.
  'lanes.rename': { params: z.object({ laneKey, title: z.string().check(z.maxLength(MAX_TITLE_LENGTH)) }), result: laneStatusSchema },
  'lanes.pin': { params: z.object({ laneKey, pinned: z.boolean() }), result: laneStatusSchema },
  'lanes.delete': { params: z.object({ laneKey }), result: laneStatusSchema },
  'lanes.restore': { params: z.object({ laneKey }), result: laneStatusSchema },
  /** Issue 11: archived conversations leave the main list for the Archived view (`lanes.list { view: 'archived' }`); search still finds them. */
  'lanes.archive': { params: z.object({ laneKey, archived: z.boolean() }), result: laneStatusSchema },
  // L34: a conversation keeps its agent. The provider must exist; a change during a turn applies to the next turn.
  'lanes.setModel': { params: z.object({ laneKey, provider: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)), model: z.string().check(z.trim(), z.minLength(1), z.maxLength(500)) }), result: laneStatusSchema },
  /** `profile: null` is the Default profile; a named one must exist. Its provider and model, if it has them, become the conversation's. */
  'lanes.setProfile': { params: z.object({ laneKey, profile: z.nullable(z.string().check(z.minLength(1), z.maxLength(100))) }), result: laneStatusSchema },
  /** The conversation's own instructions and workspace folder (absolute); null drops an override, a missing field leaves it. */
  'lanes.setOverrides': {
    params: z.object({ laneKey, instructions: z.optional(z.nullable(z.string().check(z.maxLength(100_000)))), workspaceDir: z.optional(z.nullable(z.string().check(z.maxLength(4096)))) }),
    result: laneStatusSchema,
  },
  'lanes.create': { params: z.object({ title: z.optional(z.string().check(z.maxLength(MAX_TITLE_LENGTH))) }), result: laneStatusSchema },
  'lanes.search': {
    params: z.object({ query: z.string().check(z.minLength(1), z.maxLength(500)) }),
    result: z.array(
      z.object({
        laneKey: z.string(),
        title: z.string(),
        snippet: z.string(),
        // Issue 13: the matched message (absent for a title match) and the matched words' [start, end) in the snippet.
        seq: z.optional(z.number().check(z.int())),
        sessionId: z.optional(z.string()),
        highlights: z.optional(z.array(z.tuple([z.number().check(z.int()), z.number().check(z.int())]))),
      }),
    ),
  },
  /**
   * Without `limit`: every row (after `afterSeq`), as the CLI and the export want. With `limit`
   * (issue 13): one page in seq order: the newest rows, or those before `before`, after `afterSeq`
   * or around `around` (that row included); `hasMore` says older rows exist, `hasNewer` newer ones.
   */
  'transcript.get': {
    params: z.object({
      laneKey,
      sessionId: z.optional(z.string()),
      afterSeq: z.optional(z.number().check(z.int(), z.minimum(0))),
      before: z.optional(z.number().check(z.int(), z.minimum(0))),
      around: z.optional(z.number().check(z.int(), z.minimum(0))),
      limit: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(TRANSCRIPT_PAGE_MAX))),
    }),
    result: z.object({ sessionId: z.string(), events: z.array(storedEventSchema), hasMore: z.optional(z.boolean()), hasNewer: z.optional(z.boolean()) }),
  },
  /** A conversation's sessions, oldest first (issue 11 export of all sessions); times in ms since the epoch. */
  'sessions.list': {
    params: z.object({ laneKey }),
    // `firstMessage` (issue 11): what the /resume list shows beside the time; absent from older gateways.
    result: z.array(z.object({ sessionId: z.string(), title: z.string(), createdAt: z.number(), endedAt: z.nullable(z.number()), current: z.boolean(), firstMessage: z.optional(z.nullable(z.string())) })),
  },
  'message.send': {
    // clientMessageId (L32): a window resending a message after a lost connection gets the first answer again.
    // Issue 11: `attachments` names finished `attachment.put` uploads; a message may then have no text.
    params: z
      .object({
        laneKey,
        text: z.string().check(z.maxLength(200_000)),
        clientMessageId: z.optional(clientMessageIdSchema),
        attachments: z.optional(
          z
            .array(z.object({ uploadId: z.string().check(z.minLength(1), z.maxLength(100)), thumbnail: z.optional(z.string().check(z.maxLength(ATTACHMENT_LIMITS.maxThumbnailChars))) }))
            .check(z.maxLength(ATTACHMENT_LIMITS.maxCount)),
        ),
      })
      .check(z.refine((p) => p.text.length > 0 || (p.attachments?.length ?? 0) > 0, { message: 'A message needs text or an attachment.', path: ['text'] })),
    result: sendResultSchema,
  },
  /**
   * Issue 11: one chunk of an attachment (at most ATTACHMENT_LIMITS.chunkBytes, base64), in order.
   * The first chunk has no uploadId and gets one; the upload is complete when `received` = `size`.
   */
  'attachment.put': {
    params: z.object({
      uploadId: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
      name: z.string().check(z.minLength(1), z.maxLength(ATTACHMENT_LIMITS.maxNameLength)),
      mimeType: z.string().check(z.maxLength(200)),
      size: z.number().check(z.int(), z.minimum(0), z.maximum(ATTACHMENT_LIMITS.maxBytes)),
      offset: z.number().check(z.int(), z.minimum(0)),
      data: z.string().check(z.maxLength(base64Length(ATTACHMENT_LIMITS.chunkBytes))),
    }),
    result: z.object({ uploadId: z.string(), received: z.number().check(z.int()), complete: z.boolean() }),
  },
  'turn.stop': { params: z.object({ laneKey }), result: z.object({ stopped: z.boolean() }) },
  /** Runs the lane's last turn again when it failed, on the same user message, which is not appended twice (issue 11). */
  'turn.retry': { params: z.object({ laneKey }), result: sendResultSchema },
  // Message actions (issue 11, L35): each starts a new version on an idle lane, or continues a stopped
  // answer; earlier versions stay in the log (docs/message-versions.md). Refused with BUSY while a turn runs.
  /** Edit and resend: `text` becomes a new version of the user message `seq` on the current path. */
  'message.edit': { params: z.object({ laneKey, seq: z.number().check(z.int(), z.minimum(1)), text: z.string().check(z.minLength(1), z.maxLength(200_000)) }), result: sendResultSchema },
  /** A new version of the answer to the user message at or before `seq` (the last one when absent). */
  'turn.regenerate': { params: z.object({ laneKey, seq: z.optional(z.number().check(z.int(), z.minimum(1))) }), result: sendResultSchema },
  /** Continues the answer that was stopped or interrupted, from its partial text. */
  'turn.continue': { params: z.object({ laneKey }), result: sendResultSchema },
  /** Switches the current path to the version starting at `seq` (‹ 1/2 ›); false when it was already shown. */
  'message.selectVersion': { params: z.object({ laneKey, seq: z.number().check(z.int(), z.minimum(1)) }), result: z.object({ selected: z.boolean() }) },
  'resume.accept': { params: z.object({ laneKey }), result: z.object({ accepted: z.boolean() }) },
  'resume.discard': { params: z.object({ laneKey }), result: z.object({ discarded: z.boolean() }) },
  'session.restore': { params: z.object({ laneKey, sessionId: z.string().check(z.minLength(1)) }), result: z.object({ restored: z.boolean() }) },
  /**
   * Issue 10: `decision` once / conversation / always / deny, with an optional deny reason that
   * reaches the model. The old `approved: boolean` form (once / deny) is still accepted for one release.
   */
  'approval.answer': {
    params: z.union([
      z.object({ laneKey, callId: z.string().check(z.minLength(1)), decision: z.enum(APPROVAL_CHOICES), reason: z.optional(z.string().check(z.maxLength(APPROVAL_REASON_MAX))) }),
      z.object({ laneKey, callId: z.string().check(z.minLength(1)), approved: z.boolean() }),
    ]),
    result: z.object({ answered: z.boolean() }),
  },
  /**
   * Issue 10: a tool call's whole output, for "Download full output" when its card shows only the
   * head and tail. `seq` names the call's `tool_output` row in one of the conversation's sessions.
   * `complete: false` when the file was capped or is missing, and the kept head and tail come back instead.
   */
  'tool.output': {
    params: z.object({ laneKey, seq: z.number().check(z.int(), z.minimum(1)) }),
    result: z.object({ callId: z.string(), text: z.string(), complete: z.boolean(), totalBytes: z.number().check(z.int(), z.minimum(0)) }),
  },
  'settings.get': {
    params: z.object({}),
    // Providers appear as views (hasKey, never the key or its reference: R4), in `settings` and beside it.
    result: settingsReplySchema,
  },
  'settings.set': { params: settingChangeSchema, result: z.object({ settings: settingsViewSchema }) },
  /** Sent once; stored with the OS keychain (or memory in the headless host); never returned. */
  'provider.setKey': { params: z.object({ providerName: z.string().check(z.minLength(1)), apiKey: z.string().check(z.minLength(1), z.maxLength(4096)) }), result: z.object({ stored: z.boolean() }) },
  /** The MCP servers with their live state and tools (issue 10). */
  'mcp.status': { params: z.object({}), result: z.object({ servers: z.array(mcpServerViewSchema) }) },
  /** Stops and starts one server; answers once it is running or has failed. */
  'mcp.restart': { params: z.object({ name: z.string().check(z.minLength(1), z.maxLength(200)) }), result: z.object({ server: mcpServerViewSchema }) },
  /** The models the provider's server offers (GET /v1/models; Anthropic's models endpoint). */
  'provider.models': { params: providerTargetSchema, result: providerModelsResultSchema },
  /** Test connection: the models list as a round trip, with its latency, or the clear error. */
  'provider.test': { params: providerTargetSchema, result: providerTestResultSchema },
  /** Model servers on this machine's usual loopback ports (Ollama, LM Studio, llama.cpp, vLLM), probed only on request. */
  'provider.detectLocal': { params: z.object({}), result: z.object({ servers: z.array(detectedServerSchema) }) },
  /** Renames a saved provider with its stored key (and the choice of the provider in use). */
  'provider.rename': { params: z.object({ from: z.string().check(z.minLength(1), z.maxLength(200)), to: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)) }), result: z.object({ renamed: z.boolean() }) },
  // Issue 11 (L36): the whole store out and in (import never overwrites, refuses a newer schema), and its backups.
  'store.export': { params: z.object({ format: z.enum(STORE_EXPORT_FORMATS) }), result: storeExportResultSchema },
  'store.import': { params: storeImportParamsSchema, result: storeImportResultSchema },
  /** One chunk of an archive to import (L36; at most 1 MiB, base64, in order); then `store.import { uploadId }`. */
  'store.importChunk': { params: storeImportChunkParamsSchema, result: z.object({ uploadId: z.string(), received: z.number().check(z.int()), complete: z.boolean() }) },
  'backups.list': { params: z.object({}), result: backupsListResultSchema },
  /** "Back up now": a backup of the running store, labelled manual. */
  'backups.create': { params: z.object({}), result: z.object({ backup: backupEntrySchema }) },
  /** Restores a backup after the relaunch: the current store is backed up first; Baton restarts through the drain (exit reason restore). */
  'backups.restore': { params: z.object({ name: z.string().check(z.minLength(1), z.maxLength(200)) }), result: z.object({ accepted: z.boolean() }) },
  /** Catch up after a reconnect: same instance → missed events replayed; otherwise resync. */
  'events.subscribe': {
    params: z.object({ instanceId: z.optional(z.string()), afterSeq: z.optional(z.number().check(z.int(), z.minimum(0))) }),
    result: z.object({ instanceId: z.string(), resync: z.boolean(), lastSeq: z.number().check(z.int()) }),
  },
} as const;

export type Contract = typeof contract;
export type MethodName = keyof Contract;
export type Params<M extends MethodName> = z.input<Contract[M]['params']>;
export type Result<M extends MethodName> = z.output<Contract[M]['result']>;

/** BUSY: too many requests waiting for answers on the connection, or messages waiting in the conversation; send again later. */
export const ERROR_CODES = ['BAD_FRAME', 'UNKNOWN_METHOD', 'INVALID_PARAMS', 'INVALID_INPUT', 'NOT_FOUND', 'UNAVAILABLE', 'BUSY', 'STORAGE_FULL', 'STORAGE_FAILED', 'STORE_CORRUPT', 'INTERNAL'] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Frames on the wire. Requests carry an id the response echoes; events carry a sequence number. */
export const clientFrameSchema = z.object({
  type: z.literal('request'),
  id: z.number().check(z.int(), z.minimum(0)),
  method: z.string(),
  params: z.unknown(),
});
export type ClientFrame = z.infer<typeof clientFrameSchema>;

export const serverFrameSchema = z.discriminatedUnion('type', [
  z.discriminatedUnion('ok', [
    z.object({ type: z.literal('response'), id: z.number().check(z.int()), ok: z.literal(true), value: z.unknown() }),
    z.object({ type: z.literal('response'), id: z.nullable(z.number().check(z.int())), ok: z.literal(false), error: z.object({ code: z.enum(ERROR_CODES), message: z.string() }) }),
  ]),
  z.object({ type: z.literal('event'), instanceId: z.string(), seq: z.number().check(z.int()), event: pushEventSchema }),
]);
export type ServerFrame = z.infer<typeof serverFrameSchema>;

export function isMethodName(value: string): value is MethodName {
  return Object.hasOwn(contract, value);
}
