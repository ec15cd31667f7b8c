/**
 * What each `baton` command does, over the contract's methods (shared/protocol/contract.ts).
 * Results go to stdout (an answer, a list, an export); messages about what happened go to stderr,
 * so `baton send --wait` and `baton export` can be piped.
 */
import { unescapeMessage } from '../../shared/commands.ts';
import { conversationExportText, readAllSessions } from '../../shared/conversation-export.ts';
import type { GatewayEvent, LaneStatus } from '../../shared/gateway-events.ts';
import { CONDITION_WORDS, countConditions, laneCondition } from '../../shared/lane-condition.ts';
import { describeResumeReason } from '../../shared/lifecycle.ts';
import type { ApprovalChoice, StoredEvent } from '../../shared/transcript.ts';
import type { Command } from './cli-args.ts';
import { displayTitle, resolveConversation } from './conversations.ts';
import { CliError, EXIT, type ExitCode } from './exit-codes.ts';
import type { BatonConnection } from './host-connection.ts';
import { followTurn, type FollowedOutcome } from './turn-follower.ts';
import { exportStore, importStore } from './store-transfer.ts';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** The whole of stdin (for a message given as "-"). */
  readStdin(): Promise<string>;
}

export interface CommandContext {
  connection: BatonConnection;
  dataDir: string;
  io: CliIo;
  now?: () => number;
}

type RemoteCommand = Exclude<Command, { name: 'help' }>;

export async function runCommand(command: RemoteCommand, context: CommandContext): Promise<ExitCode> {
  switch (command.name) {
    case 'status':
      return status(context, command.json);
    case 'list':
      return list(context, command.json);
    case 'send':
      return send(context, command);
    case 'approve':
    case 'deny':
      return answerApproval(context, command);
    case 'stop':
      return stop(context, command.conversation);
    case 'resume':
      return resume(context, command.conversation, command.wait);
    case 'restart':
      return restart(context);
    case 'export':
      return exportConversation(context, command.conversation, command.format, command.allSessions);
    case 'export-store':
      return exportStore(context, command.format, command.file);
    case 'import':
      return importStore(context, command.file);
  }
}

async function lanes(context: CommandContext): Promise<LaneStatus[]> {
  return context.connection.client.call('lanes.list', {});
}

async function conversation(context: CommandContext, wanted: string): Promise<LaneStatus> {
  return resolveConversation(await lanes(context), wanted);
}

function named(lane: LaneStatus): string {
  return `“${displayTitle(lane)}”`;
}

/** The lane's condition in the words every front end uses (shared/lane-condition.ts). */
export function laneState(lane: LaneStatus): string {
  const condition = laneCondition(lane);
  const parts: string[] = [CONDITION_WORDS[condition].state];
  if (condition === 'interrupted') parts[0] += ` by ${describeResumeReason(lane.resumeReason)}${lane.resumeStale ? ' (not resumed automatically: too old)' : ''}`;
  if (lane.queuedInputs > 0) parts.push(`${lane.queuedInputs} queued`);
  return parts.join(', ');
}

// ── status and list ────────────────────────────────────────────────────────────────────────

async function status(context: CommandContext, json: boolean): Promise<ExitCode> {
  const { client, endpoint } = context.connection;
  const [app, all] = await Promise.all([client.call('app.status', {}), lanes(context)]);
  const counts = countConditions(all);
  const conversations = {
    total: all.length,
    ...counts,
    queuedMessages: all.reduce((sum, l) => sum + l.queuedInputs, 0),
  };
  // The address without its token: enough to recognise, not enough to connect.
  const address = `${endpoint.origin}/`;
  if (json) {
    context.io.out(
      `${JSON.stringify(
        {
          running: true,
          version: app.version,
          instanceId: app.instanceId,
          address,
          pid: endpoint.address.pid,
          dataDir: context.dataDir,
          draining: app.draining,
          previousExit: app.previousExit,
          conversations,
          update: app.update,
        },
        null,
        2,
      )}\n`,
    );
    return EXIT.ok;
  }
  const lines = [
    `Baton ${app.version} is running at ${address} (process ${endpoint.address.pid}).`,
    `Data directory: ${context.dataDir}`,
    `Conversations: ${conversations.total} — ${(['running', 'awaiting-approval', 'interrupted', 'suspended'] as const).map((c) => CONDITION_WORDS[c].count(counts[c])).join(', ')}, ${conversations.queuedMessages} queued message${conversations.queuedMessages === 1 ? '' : 's'}`,
  ];
  if (app.draining) lines.push('Baton is shutting down or restarting: running turns are being drained.');
  if (app.previousExit) lines.push(`Last exit: ${app.previousExit.reason} at ${new Date(app.previousExit.at).toISOString()} (version ${app.previousExit.version})`);
  context.io.out(`${lines.join('\n')}\n`);
  return EXIT.ok;
}

async function list(context: CommandContext, json: boolean): Promise<ExitCode> {
  const all = await lanes(context);
  if (json) {
    context.io.out(`${JSON.stringify(all, null, 2)}\n`);
    return EXIT.ok;
  }
  if (all.length === 0) {
    context.io.err('No conversations yet. Start one with: baton send --new "your message"\n');
    return EXIT.ok;
  }
  const rows = [...all].sort((a, b) => b.updatedAt - a.updatedAt).map((lane) => [lane.laneKey, laneState(lane), displayTitle(lane)] as const);
  const keyWidth = Math.max(3, ...rows.map((r) => r[0].length));
  const stateWidth = Math.max(5, ...rows.map((r) => r[1].length));
  const line = (cells: readonly [string, string, string]) => `${cells[0].padEnd(keyWidth)}  ${cells[1].padEnd(stateWidth)}  ${cells[2]}`.trimEnd();
  context.io.out(`${[line(['KEY', 'STATE', 'TITLE']), ...rows.map(line)].join('\n')}\n`);
  return EXIT.ok;
}

// ── turns ──────────────────────────────────────────────────────────────────────────────────

function outcomeExit(context: CommandContext, lane: LaneStatus, outcome: FollowedOutcome): ExitCode {
  switch (outcome.kind) {
    case 'completed':
      return EXIT.ok;
    case 'failed':
      context.io.err(`The turn failed: ${outcome.message}\n`);
      return EXIT.refused;
    case 'interrupted':
      context.io.err(
        `The turn was interrupted (${outcome.cause}${outcome.reason ? `: ${outcome.reason}` : ''}). ` +
          `If Baton offers to resume it: baton resume ${lane.laneKey}\n`,
      );
      return EXIT.interrupted;
    case 'not-started':
      context.io.err(`The turn in ${named(lane)} did not start.\n`);
      return EXIT.refused;
  }
}

async function send(context: CommandContext, command: Extract<Command, { name: 'send' }>): Promise<ExitCode> {
  const { client } = context.connection;
  const text = command.text === '-' ? await context.io.readStdin() : command.text;
  if (text.trim() === '') throw new CliError(EXIT.usage, 'The message is empty.');
  const lane = command.conversation === null ? await client.call('lanes.create', {}) : await conversation(context, command.conversation);
  const stored = unescapeMessage(text);
  const follower = command.wait
    ? followTurn({
        client,
        laneKey: lane.laneKey,
        // Our turn is the one that begins with our message (queued messages run in order).
        startsTurn: (event: GatewayEvent) =>
          event.type === 'transcript' && event.laneKey === lane.laneKey && event.event.kind === 'user_message' && event.event.payload.text === stored
            ? event.event.turnId
            : null,
        out: context.io.out,
        err: context.io.err,
      })
    : null;
  let result;
  try {
    result = await client.call('message.send', { laneKey: lane.laneKey, text });
  } catch (error) {
    follower?.detach();
    throw error;
  }
  if (result.status === 'command') {
    follower?.detach();
    context.io.out(`${result.message}\n`);
    return EXIT.ok;
  }
  if (command.conversation === null) {
    // For scripts: the new conversation's key is the one thing on stdout (unless the answer goes there).
    if (command.wait) context.io.err(`New conversation ${lane.laneKey}\n`);
    else context.io.out(`${lane.laneKey}\n`);
  }
  if (result.status === 'queued-for-restart') {
    follower?.detach();
    context.io.err(`${result.message}${command.wait ? ' Not waiting for the answer: see it later with baton export.' : ''}\n`);
    return EXIT.ok;
  }
  if (!follower) {
    context.io.err(`${result.message}\n`);
    return EXIT.ok;
  }
  if (result.status !== 'started') context.io.err(`${result.message}\n`);
  const outcome = await Promise.race([follower.outcome, context.connection.lost]);
  return outcomeExit(context, lane, outcome);
}

/** Approval requests of the current session that have no decision and no result yet. */
function waitingApprovals(events: readonly StoredEvent[]): Array<{ callId: string; name: string; args: unknown }> {
  const answered = new Set<string>();
  for (const event of events) {
    if (event.kind === 'approval_decision' || event.kind === 'tool_result') answered.add(event.payload.callId);
  }
  const waiting: Array<{ callId: string; name: string; args: unknown }> = [];
  for (const event of events) {
    if (event.kind === 'approval_request' && !answered.has(event.payload.callId)) waiting.push(event.payload);
  }
  return waiting;
}

/** Issue 10: what `baton approve` / `baton deny` did, in a sentence. */
function answeredWords(decision: ApprovalChoice, tool: string, callId: string, where: string, reason: string | null): string {
  const call = `${tool} (${callId}) in ${where}`;
  switch (decision) {
    case 'once':
      return `Approved ${call}.`;
    case 'conversation':
      return `Approved ${call}, and for the rest of this conversation.`;
    case 'always':
      return `Approved ${call}; ${tool} is now always allowed (Settings).`;
    case 'deny':
      return reason ? `Denied ${call}: ${reason}` : `Denied ${call}.`;
  }
}

async function answerApproval(context: CommandContext, command: Extract<Command, { name: 'approve' | 'deny' }>): Promise<ExitCode> {
  const { client } = context.connection;
  const { callId, decision, reason } = command;
  const lane = await conversation(context, command.conversation);
  // Only a running turn can be waiting; requests left by a turn that ended are asked again on resume (L31).
  // The lane summary names the waiting calls (issue 10); the transcript is read only if it does not.
  const waiting =
    lane.activity !== 'running'
      ? []
      : (lane.approvals?.map((approval) => ({ callId: approval.callId, name: approval.tool })) ??
        waitingApprovals((await client.call('transcript.get', { laneKey: lane.laneKey })).events));
  let target: { callId: string; name: string };
  if (callId === null) {
    if (waiting.length === 0) throw new CliError(EXIT.notFound, `Nothing in ${named(lane)} is waiting for approval.`);
    if (waiting.length > 1) {
      const shown = waiting.map((w) => `  ${w.callId}  ${w.name}`);
      throw new CliError(EXIT.usage, [`${waiting.length} calls in ${named(lane)} wait for approval; name one:`, ...shown].join('\n'));
    }
    target = waiting[0]!;
  } else {
    const found = waiting.find((w) => w.callId === callId);
    if (!found) throw new CliError(EXIT.notFound, `No call ${callId} in ${named(lane)} is waiting for approval.`);
    target = found;
  }
  const { answered } = await client.call('approval.answer', { laneKey: lane.laneKey, callId: target.callId, decision, ...(reason !== null ? { reason } : {}) });
  if (!answered) throw new CliError(EXIT.refused, `The call ${target.callId} in ${named(lane)} is no longer waiting for an answer.`);
  context.io.out(`${answeredWords(decision, target.name, target.callId, named(lane), reason)}\n`);
  return EXIT.ok;
}

async function stop(context: CommandContext, wanted: string): Promise<ExitCode> {
  const lane = await conversation(context, wanted);
  const { stopped } = await context.connection.client.call('turn.stop', { laneKey: lane.laneKey });
  if (!stopped) throw new CliError(EXIT.refused, `Nothing is running in ${named(lane)}.`);
  context.io.out(`Stopping the turn in ${named(lane)} at its next safe point.\n`);
  return EXIT.ok;
}

async function resume(context: CommandContext, wanted: string, wait: boolean): Promise<ExitCode> {
  const { client } = context.connection;
  const lane = await conversation(context, wanted);
  const follower = wait
    ? followTurn({
        client,
        laneKey: lane.laneKey,
        // A resumed turn has no user message: the first event of a turn on this lane is it.
        startsTurn: (event: GatewayEvent) =>
          event.type === 'transcript' && event.laneKey === lane.laneKey ? event.event.turnId : event.type === 'text-delta' && event.laneKey === lane.laneKey ? event.turnId : null,
        out: context.io.out,
        err: context.io.err,
      })
    : null;
  let accepted: boolean;
  try {
    ({ accepted } = await client.call('resume.accept', { laneKey: lane.laneKey }));
  } catch (error) {
    follower?.detach();
    throw error;
  }
  if (!accepted) {
    follower?.detach();
    throw new CliError(
      EXIT.refused,
      lane.suspended
        ? `${named(lane)} was suspended after repeated interruptions; its next message starts a fresh session.`
        : `${named(lane)} has no interrupted turn to resume.`,
    );
  }
  if (!follower) {
    context.io.out(`Resuming ${named(lane)}.\n`);
    return EXIT.ok;
  }
  const outcome = await Promise.race([follower.outcome, context.connection.lost]);
  return outcomeExit(context, lane, outcome);
}

async function restart(context: CommandContext): Promise<ExitCode> {
  const { accepted } = await context.connection.client.call('app.restart', {});
  if (!accepted) throw new CliError(EXIT.refused, 'Baton did not accept the restart.');
  context.io.out('Baton is restarting: running turns are drained, and resumed after the relaunch.\n');
  return EXIT.ok;
}

async function exportConversation(context: CommandContext, wanted: string, format: 'md' | 'json', allSessions: boolean): Promise<ExitCode> {
  const { client } = context.connection;
  const lane = await conversation(context, wanted);
  const [transcript, app] = await Promise.all([client.call('transcript.get', { laneKey: lane.laneKey }), client.call('app.status', {})]);
  const sessions = allSessions ? await readAllSessions(client, lane.laneKey) : undefined;
  const input = {
    lane,
    sessionId: transcript.sessionId,
    events: transcript.events,
    exportedAt: (context.now ?? Date.now)(),
    version: app.version,
    ...(sessions ? { sessions } : {}),
  };
  context.io.out(conversationExportText(input, format));
  return EXIT.ok;
}
