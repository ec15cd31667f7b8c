/**
 * A conversation as a file (SPEC L36): lossless JSON (every stored event exactly as the store
 * holds it, so nothing is lost and it can be read back) and readable Markdown. Environment-neutral
 * so the command line, the window and the desktop app can all use it.
 */
import type { LaneStatus } from './gateway-events.ts';
import type { GatewayClient } from './protocol/client.ts';
import { currentPath, type Fork } from './message-path.ts';
import type { StoredEvent } from './transcript.ts';

export const CONVERSATION_EXPORT_FORMAT = 'baton.conversation';
export const CONVERSATION_EXPORT_VERSION = 1;

export interface ConversationExportInput {
  lane: LaneStatus;
  sessionId: string;
  events: readonly StoredEvent[];
  /** ms since the epoch. */
  exportedAt: number;
  /** The Baton version that exported it. */
  version: string;
  /** Every session of the conversation, oldest first, for an export of all of them; absent for the current one only. */
  sessions?: readonly ExportedSession[];
}

/** One session of a conversation, as sessions.list and transcript.get give it. */
export interface ExportedSession {
  sessionId: string;
  title: string;
  /** ms since the epoch. */
  createdAt: number;
  endedAt: number | null;
  events: readonly StoredEvent[];
}

export interface ConversationExportSessionJson {
  sessionId: string;
  title: string;
  createdAt: string;
  endedAt: string | null;
  events: StoredEvent[];
}

export interface ConversationExportJson {
  format: typeof CONVERSATION_EXPORT_FORMAT;
  version: typeof CONVERSATION_EXPORT_VERSION;
  exportedAt: string;
  exportedBy: string;
  conversation: {
    laneKey: string;
    title: string;
    sessionId: string;
    resumePending: boolean;
    resumeReason: string | null;
    suspended: boolean;
    updatedAt: string;
    provider: string | null;
    model: string | null;
    profile: string | null;
  };
  /** The current session's events. */
  events: StoredEvent[];
  /** Every session, oldest first, when all were exported. */
  sessions?: ConversationExportSessionJson[];
}

/** Every session of a conversation with its events, oldest first, read through the gateway (sessions.list, transcript.get). */
export async function readAllSessions(client: Pick<GatewayClient, 'call'>, laneKey: string): Promise<ExportedSession[]> {
  const sessions = await client.call('sessions.list', { laneKey });
  return Promise.all(
    sessions.map(async ({ sessionId, title, createdAt, endedAt }) => {
      const { events } = await client.call('transcript.get', { laneKey, sessionId });
      return { sessionId, title, createdAt, endedAt, events };
    }),
  );
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function conversationToJson(input: ConversationExportInput): ConversationExportJson {
  const { lane } = input;
  return {
    format: CONVERSATION_EXPORT_FORMAT,
    version: CONVERSATION_EXPORT_VERSION,
    exportedAt: iso(input.exportedAt),
    exportedBy: `Baton ${input.version}`,
    conversation: {
      laneKey: lane.laneKey,
      title: lane.title,
      sessionId: input.sessionId,
      resumePending: lane.resumePending,
      resumeReason: lane.resumeReason,
      suspended: lane.suspended,
      updatedAt: iso(lane.updatedAt),
      // L34: the agent its next turn uses (each answer's own is in its event).
      provider: lane.provider ?? null,
      model: lane.model ?? null,
      profile: lane.profile ?? null,
    },
    events: [...input.events],
    ...(input.sessions
      ? {
          sessions: input.sessions.map((session) => ({
            sessionId: session.sessionId,
            title: session.title,
            createdAt: iso(session.createdAt),
            endedAt: session.endedAt === null ? null : iso(session.endedAt),
            events: [...session.events],
          })),
        }
      : {}),
  };
}

/** A fenced block whose fence is longer than any backtick run inside, so content cannot close it. */
function fenced(text: string, language = ''): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${language}\n${text}${text.endsWith('\n') ? '' : '\n'}${fence}`;
}

function json(value: unknown): string {
  try {
    return JSON.stringify(value, null, 2) ?? 'null';
  } catch {
    return String(value);
  }
}

function quote(text: string): string {
  return text
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
}

function eventToMarkdown(event: StoredEvent, toolNames: Map<string, string>): string | null {
  switch (event.kind) {
    case 'user_message':
      return `### You\n\n${event.payload.text}`;
    case 'assistant_text':
      if (event.payload.text === '') return null;
      return `### Assistant${event.payload.model ? ` · ${event.payload.model}` : ''}${event.payload.final ? '' : ' (interrupted)'}\n\n${event.payload.text}`;
    case 'tool_call':
      toolNames.set(event.payload.callId, event.payload.name);
      return `**Tool call** \`${event.payload.name}\` (${event.payload.effect}, id \`${event.payload.callId}\`)\n\n${fenced(json(event.payload.args), 'json')}`;
    case 'tool_dispatch':
    case 'tool_output': // issue 10: the live view of what the result below holds
      return null;
    case 'tool_result': {
      const name = toolNames.get(event.payload.callId) ?? event.payload.callId;
      return `**Tool result** \`${name}\`${event.payload.isError ? ' (error)' : ''}\n\n${fenced(event.payload.output)}`;
    }
    case 'approval_request':
      // The decision may name the tool before its call event is read.
      toolNames.set(event.payload.callId, event.payload.name);
      return `**Approval asked** for \`${event.payload.name}\` (id \`${event.payload.callId}\`)`;
    case 'approval_decision':
      return `**${event.payload.approved ? 'Approved' : 'Denied'}**: \`${toolNames.get(event.payload.callId) ?? event.payload.callId}\``;
    case 'interruption':
      return quote(`*Interrupted* (${event.payload.cause}${event.payload.reason ? `: ${event.payload.reason}` : ''})`);
    case 'error':
      return quote(`**Error:** ${event.payload.message}`);
    case 'note_marker':
      return `*— ${noteWords(event.payload.note, event.payload.reason)} —*`;
    case 'notice':
      return quote(event.payload.text);
    case 'branch':
    case 'version_select':
      return null; // the versions are marked where the path forks (versionsToMarkdown)
    case 'reasoning':
      // Issue 10: thinking is exported, folded away like in the window; redacted thinking has no words.
      if (event.payload.text === '') return null;
      return `<details><summary>Thinking</summary>\n\n${quote(event.payload.text)}\n\n</details>`;
    case 'usage':
      return null;
  }
}

function noteWords(note: 'resume' | 'tool-tail' | 'continue', reason: string | null): string {
  if (note === 'resume') return `Resumed after an interruption${reason ? ` (${reason})` : ''}`;
  return note === 'continue' ? 'Continued after a stop' : 'Continued after unanswered tool results';
}

/** What a version says first: the edited message, or the first text of the answer. */
function versionText(events: readonly StoredEvent[], seq: number): string {
  const start = events.findIndex((event) => event.seq === seq);
  const first = events[start];
  if (!first) return '';
  if (first.kind === 'user_message') return first.payload.text;
  const answer = events.slice(start).find((event) => event.turnId === first.turnId && event.kind === 'assistant_text' && event.payload.text !== '');
  return answer?.kind === 'assistant_text' ? answer.payload.text : '(no text)';
}

/** L35: the earlier (or later) versions not exported in full are marked where the path forks. */
function versionsToMarkdown(events: readonly StoredEvent[], fork: Fork): string {
  const count = fork.versions.length;
  const others = fork.versions.flatMap((seq, index) => (index === fork.index ? [] : [quote(`*Version ${index + 1} of ${count}, not shown:* ${versionText(events, seq)}`)]));
  return [...others, `*Version ${fork.index + 1} of ${count}:*`].join('\n\n');
}

export function conversationToMarkdown(input: ConversationExportInput): string {
  const { lane } = input;
  const title = lane.title.trim() === '' ? 'Untitled conversation' : lane.title;
  const header = [
    `# ${title}`,
    '',
    `- Conversation: \`${lane.laneKey}\``,
    `- Session: \`${input.sessionId}\``,
    `- Exported: ${iso(input.exportedAt)} by Baton ${input.version}`,
    ...(lane.model ? [`- Model: ${[lane.provider, lane.model].filter(Boolean).join(' · ')}${lane.profile ? ` (profile ${lane.profile})` : ''}`] : []),
    ...(lane.resumePending ? [`- Interrupted turn waiting to resume (${lane.resumeReason ?? 'unknown reason'})`] : []),
  ].join('\n');
  if (!input.sessions) return `${[header, ...eventsToMarkdown(input.events)].join('\n\n')}\n`;
  const sections = input.sessions.flatMap((session, index) => [
    [
      // A session started by /new has no title of its own; the conversation's is in the heading above.
      `## Session ${index + 1}${session.title.trim() === '' ? '' : `: ${session.title}`}${session.sessionId === input.sessionId ? ' (current)' : ''}`,
      '',
      `- Session: \`${session.sessionId}\``,
      `- Started: ${iso(session.createdAt)}${session.endedAt === null ? '' : `, ended: ${iso(session.endedAt)}`}`,
    ].join('\n'),
    ...eventsToMarkdown(session.events),
  ]);
  return `${[header, ...sections].join('\n\n')}\n`;
}

/** The current path (L35), with the other versions marked where it forks; the JSON export keeps every event. */
function eventsToMarkdown(events: readonly StoredEvent[]): string[] {
  const toolNames = new Map<string, string>();
  const path = currentPath(events);
  return events.flatMap((event) => {
    if (!path.onPath.has(event.seq)) return [];
    const fork = path.forks.get(event.seq);
    const part = eventToMarkdown(event, toolNames);
    return [...(fork ? [versionsToMarkdown(events, fork)] : []), ...(part === null ? [] : [part])];
  });
}

/** The export as the text of its file: Markdown, or the JSON pretty-printed. */
export function conversationExportText(input: ConversationExportInput, format: 'md' | 'json'): string {
  return format === 'md' ? conversationToMarkdown(input) : `${JSON.stringify(conversationToJson(input), null, 2)}\n`;
}

// Characters no OS allows in a file name (Windows is the strictest), and control characters.
// eslint-disable-next-line no-control-regex
const UNSAFE_FILE_CHARS = /[<>:"/\\|?*\u0000-\u001f\u007f]+/g;
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;
const MAX_TITLE_IN_FILE_NAME = 80;

/**
 * The file an export is saved as: the conversation's title made safe for every OS (no reserved
 * characters or names, no leading or trailing dots or spaces, not too long), then the date.
 */
export function exportFileName(title: string, exportedAt: number, format: 'md' | 'json'): string {
  let safe = title.replace(UNSAFE_FILE_CHARS, ' ').replace(/\s+/g, ' ').trim();
  safe = [...safe].slice(0, MAX_TITLE_IN_FILE_NAME).join('').replace(/^[\s.]+|[\s.]+$/g, '');
  if (safe === '' || WINDOWS_RESERVED.test(safe)) safe = safe === '' ? 'Conversation' : `Conversation ${safe}`;
  return `${safe} ${iso(exportedAt).slice(0, 10)}.${format}`;
}
