/**
 * Where messages are typed. Enter sends, Shift+Enter breaks the line, "/" opens the command menu
 * (Enter runs a command typed in full), Esc stops the running turn.
 * While the lane runs, Stop interrupts it, and a message sent meanwhile follows busyInput (L23):
 * what happened is said right under the box.
 */
import { memo, useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import type { LaneStatus } from '../../../shared/gateway-events.ts';
import { completeSlashCommand, matchSlashCommands, runsAsTyped, type SlashCommand } from '../lib/slash-commands.ts';
import { plural } from '../lib/time-format.ts';
import type { QueuedText, SendFeedback } from '../state/app-state.ts';
import type { OutboxEntry } from '../state/outbox.ts';
import { useNow } from '../state/hooks.ts';
import { SlashMenu, slashOptionId } from './SlashMenu.tsx';

const FEEDBACK_VISIBLE_MS = 10_000;
const MAX_HEIGHT_PX = 240;

interface ComposerProps {
  lane: LaneStatus;
  feedback: SendFeedback | undefined;
  queuedTexts: readonly QueuedText[];
  /** Messages typed here that Baton has not taken yet (L32): kept by the window, sent when it is back. */
  outbox: readonly OutboxEntry[];
  connected: boolean;
  /** Baton is draining or the connection is down: queued messages wait for Baton to be back. */
  waitingForBaton: boolean;
  onSend: (text: string) => Promise<boolean>;
  onStop: () => void;
}

export const Composer = memo(function Composer({ lane, feedback, queuedTexts, outbox, connected, waitingForBaton, onSend, onStop }: ComposerProps) {
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const [menuIndex, setMenuIndex] = useState(0);
  const [menuClosedFor, setMenuClosedFor] = useState<string | null>(null);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const menuId = useId();
  const hintId = useId();
  const running = lane.activity !== 'idle';

  const commands = menuClosedFor === text ? [] : matchSlashCommands(text);
  const menuOpen = commands.length > 0;
  const active = Math.min(menuIndex, commands.length - 1);

  useEffect(() => {
    inputRef.current?.focus();
  }, [lane.laneKey]);

  // Grow with the text up to a limit, then scroll.
  useEffect(() => {
    const input = inputRef.current;
    if (!input) return;
    input.style.height = 'auto';
    input.style.height = `${Math.min(input.scrollHeight, MAX_HEIGHT_PX)}px`;
  }, [text]);

  const send = async () => {
    const message = text;
    if (message.trim() === '' || sending) return;
    setSending(true);
    const sent = await onSend(message);
    setSending(false);
    // A message that did not reach Baton stays in the box; nothing typed is lost.
    if (sent) setText((current) => (current === message ? '' : current));
    inputRef.current?.focus();
  };

  const pick = (command: SlashCommand) => {
    setText(completeSlashCommand(command));
    setMenuIndex(0);
    inputRef.current?.focus();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.nativeEvent.isComposing) return;
    if (menuOpen) {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        const step = event.key === 'ArrowDown' ? 1 : -1;
        setMenuIndex((active + step + commands.length) % commands.length);
        return;
      }
      if (event.key === 'Escape') {
        event.preventDefault();
        setMenuClosedFor(text);
        return;
      }
      const chosen = commands[active]!;
      const completes = completeSlashCommand(chosen) !== text && !runsAsTyped(text);
      if (event.key === 'Tab' || (event.key === 'Enter' && !event.shiftKey && completes)) {
        event.preventDefault();
        pick(chosen);
        return;
      }
    }
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      void send();
      return;
    }
    // Esc stops the running turn (issue 11), as the Stop button does; with nothing running it does nothing.
    if (event.key === 'Escape' && running && connected) {
      event.preventDefault();
      onStop();
    }
  };

  const now = useNow(1000, feedback !== undefined && feedback.status !== 'started' && feedback.status !== 'command');
  const showFeedback = feedback !== undefined && feedback.status !== 'started' && feedback.status !== 'command' && now - feedback.at < FEEDBACK_VISIBLE_MS;

  return (
    <form
      className="composer"
      aria-label="Message composer"
      onSubmit={(event) => {
        event.preventDefault();
        void send();
      }}
    >
      {lane.queuedInputs > 0 && (
        <div className="queued" data-testid="queued-indicator" role="status">
          <span>
            {plural(lane.queuedInputs, 'message')} queued —{' '}
            {waitingForBaton ? 'will be sent when Baton is back' : running ? 'will run when the current turn ends' : 'sending now'}
          </span>
          {queuedTexts.length > 0 && (
            <ul className="queued-texts" aria-label="Queued messages">
              {queuedTexts.map((queued, index) => (
                <li key={queued.clientId ?? index}>{queued.text}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      {outbox.length > 0 && (
        <div className="queued outbox" data-testid="outbox" role="status">
          <span>
            {plural(outbox.length, 'message')} {connected ? 'being sent…' : 'waiting for Baton — kept in this window and sent when Baton is back'}
          </span>
          <ul className="queued-texts" aria-label="Messages waiting for Baton">
            {outbox.map((entry) => (
              <li key={entry.id}>{entry.text}</li>
            ))}
          </ul>
        </div>
      )}
      <div className="composer-box">
        {menuOpen && <SlashMenu id={menuId} commands={commands} active={active} onPick={pick} onHover={setMenuIndex} />}
        <textarea
          ref={inputRef}
          value={text}
          rows={1}
          placeholder={running ? 'Send a message (the running turn is interrupted or queued)…' : 'Message Baton — / for commands'}
          aria-label="Message"
          aria-describedby={hintId}
          aria-controls={menuOpen ? menuId : undefined}
          aria-activedescendant={menuOpen ? slashOptionId(menuId, active) : undefined}
          aria-autocomplete="list"
          data-testid="composer-input"
          onChange={(event) => {
            setText(event.target.value);
            setMenuIndex(0);
          }}
          onKeyDown={onKeyDown}
        />
        <div className="composer-actions">
          {running && (
            <button type="button" className="button danger" data-testid="stop-button" disabled={!connected} onClick={onStop}>
              Stop
            </button>
          )}
          <button type="submit" className="button primary" data-testid="send-button" disabled={sending || text.trim() === ''}>
            Send
          </button>
        </div>
      </div>
      <p id={hintId} className="composer-hint">
        Enter to send, Shift+Enter for a new line, Esc to stop a running turn. Start with // to send text beginning with a slash.
      </p>
      <p className="send-feedback" role="status" data-testid="send-feedback">
        {showFeedback ? feedback.message : ''}
      </p>
    </form>
  );
});
