/**
 * `--wait`: follows one turn of a conversation from the event stream and streams its answer to
 * stdout as it arrives; tool activity and approval requests (L31) go to stderr, so stdout holds
 * the answer alone. Attached before the request that starts the turn, so nothing is missed.
 */
import type { GatewayEvent } from '../../shared/gateway-events.ts';
import { laneCondition } from '../../shared/lane-condition.ts';
import type { GatewayClient } from '../../shared/protocol/client.ts';

export type FollowedOutcome =
  | { kind: 'completed' }
  | { kind: 'failed'; message: string }
  | { kind: 'interrupted'; cause: string; reason: string | null }
  /** The lane went idle without starting the turn (e.g. Baton began a drain; the message stays queued). */
  | { kind: 'not-started' };

export interface TurnFollowerOptions {
  client: GatewayClient;
  laneKey: string;
  /** Returns the turn id when this event shows the followed turn beginning. */
  startsTurn: (event: GatewayEvent) => string | null;
  out: (text: string) => void;
  err: (text: string) => void;
}

function preview(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? '';
  } catch {
    text = String(value);
  }
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

export function followTurn(options: TurnFollowerOptions): { outcome: Promise<FollowedOutcome>; detach: () => void } {
  const { laneKey, out, err } = options;
  let turnId: string | null = null;
  let sawStarting = false;
  /** The assistant message being printed (its row) and how much of its text is out, from its start. */
  let printed: { seq: number; length: number } | null = null;
  let lastChar = '\n';
  let failed: string | null = null;
  let interrupted: { cause: string; reason: string | null } | null = null;

  const write = (text: string) => {
    if (text === '') return;
    out(text);
    lastChar = text.at(-1)!;
  };

  let settle!: (outcome: FollowedOutcome) => void;
  const outcome = new Promise<FollowedOutcome>((resolve) => {
    settle = resolve;
  });

  const detach = options.client.onEvent((push) => {
    if (push.channel !== 'gateway') return;
    const event = push.event;
    if (turnId === null) {
      if (event.type === 'lane' && event.lane.laneKey === laneKey) {
        if (event.lane.activity !== 'idle') sawStarting = true;
        // Idle between an earlier turn and ours is normal while our message or resume still waits.
        else if (sawStarting && event.lane.queuedInputs === 0 && laneCondition(event.lane) !== 'interrupted') {
          detach();
          settle({ kind: 'not-started' });
        }
        return;
      }
      turnId = options.startsTurn(event);
      if (turnId === null) return;
    }
    switch (event.type) {
      case 'text-delta': {
        if (event.laneKey !== laneKey || event.turnId !== turnId || printed?.seq !== event.seq) return;
        // Only the piece that continues what is out: a repeat is skipped, and after a gap the
        // message's whole row, sent when it ends, prints the rest.
        const from = printed.length - event.offset;
        if (from < 0 || from >= event.delta.length) return;
        write(event.delta.slice(from));
        printed.length = event.offset + event.delta.length;
        return;
      }
      case 'text-checkpoint':
        return;
      case 'transcript': {
        if (event.laneKey !== laneKey || event.event.turnId !== turnId) return;
        const stored = event.event;
        if (stored.kind === 'assistant_text') {
          // The row comes with the message's first piece and whole at its end: print what is not out yet.
          if (printed?.seq !== stored.seq) printed = { seq: stored.seq, length: 0 };
          write(stored.payload.text.slice(printed.length));
          printed.length = Math.max(printed.length, stored.payload.text.length);
          if (stored.payload.final) {
            if (lastChar !== '\n') write('\n');
            printed = null;
          }
        } else if (stored.kind === 'tool_call') {
          err(`[tool] ${stored.payload.name} ${preview(stored.payload.args)}\n`);
        } else if (stored.kind === 'approval_request') {
          err(
            `[approval] ${stored.payload.name} ${preview(stored.payload.args)} is waiting for your answer:\n` +
              `  baton approve ${laneKey} ${stored.payload.callId}\n  baton deny ${laneKey} ${stored.payload.callId}\n`,
          );
        } else if (stored.kind === 'error') {
          failed = stored.payload.message;
        } else if (stored.kind === 'interruption') {
          interrupted = { cause: stored.payload.cause, reason: stored.payload.reason };
        }
        return;
      }
      case 'lane':
        if (event.lane.laneKey !== laneKey || event.lane.activity !== 'idle') return;
        // The registry lets go of a turn before anything else runs on the lane: idle means ours ended.
        if (lastChar !== '\n') write('\n');
        detach();
        if (interrupted) settle({ kind: 'interrupted', ...(interrupted as { cause: string; reason: string | null }) });
        else if (failed !== null) settle({ kind: 'failed', message: failed });
        else settle({ kind: 'completed' });
        return;
      case 'banner':
        return;
    }
  });
  return { outcome, detach };
}
