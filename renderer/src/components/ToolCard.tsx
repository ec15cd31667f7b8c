/** One tool call: its name and arguments, its live status, its output, and the approval question. */
import { lazy, memo, Suspense, useState, type FormEvent, type KeyboardEvent } from 'react';
import { keptOutputText } from '../../../shared/tool-output.ts';
import { APPROVAL_CHOICE_WORDS as WORDS } from '../../../shared/lane-condition.ts';
import { APPROVAL_REASON_MAX, type ApprovalAnswer, type ApprovalChoice } from '../../../shared/transcript.ts';
import { useAppState } from '../state/hooks.ts';
import type { ToolItem } from '../state/transcript-model.ts';
import { TOOL_STATUS_LABELS, type ToolStatus } from '../state/tool-status.ts';
import { ToolTiming } from './ToolTiming.tsx';

// The output area and the diff load with the first card that has one (issue 13: the window's initial JS stays small).
const LiveOutput = lazy(() => import('./ToolOutput.tsx').then((module) => ({ default: module.LiveOutput })));
const DiffView = lazy(() => import('./ToolOutput.tsx').then((module) => ({ default: module.DiffView })));

const PREVIEW_CHARS = 90;

export function formatArgs(args: unknown): string {
  if (args === null || args === undefined) return '';
  if (typeof args === 'string') return args;
  try {
    return JSON.stringify(args, null, 2);
  } catch {
    return String(args);
  }
}

function preview(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > PREVIEW_CHARS ? `${flat.slice(0, PREVIEW_CHARS - 1)}…` : flat;
}

interface ToolCardProps {
  tool: ToolItem;
  status: ToolStatus;
  onAnswer: (callId: string, answer: ApprovalAnswer) => Promise<void>;
}

/**
 * Issue 10: Approve once / Allow in this conversation / Always allow <tool>, and Deny, which opens
 * an optional reason field (Enter denies, Escape goes back) whose words reach the model.
 */
export function ApprovalChoices({ toolName, disabled, onAnswer }: { toolName: string; disabled: boolean; onAnswer: (answer: ApprovalAnswer) => void }) {
  const [denying, setDenying] = useState(false);
  const [reason, setReason] = useState('');
  const choose = (decision: Exclude<ApprovalChoice, 'deny'>) => () => onAnswer({ decision });
  const deny = (event: FormEvent) => {
    event.preventDefault();
    onAnswer({ decision: 'deny', ...(reason.trim() ? { reason: reason.trim() } : {}) });
  };
  const cancelOnEscape = (event: KeyboardEvent) => {
    if (event.key !== 'Escape') return;
    event.stopPropagation();
    setDenying(false);
  };
  if (denying) {
    return (
      <form className="tool-approval-row tool-deny-form" aria-label={`Deny running ${toolName}`} onSubmit={deny} onKeyDown={cancelOnEscape}>
        <label>
          <span>{WORDS.reasonLabel}</span>
          <input type="text" data-testid="deny-reason" autoFocus maxLength={APPROVAL_REASON_MAX} value={reason} onChange={(event) => setReason(event.target.value)} />
        </label>
        <button type="submit" className="button" data-testid="deny-send-button" disabled={disabled}>
          {WORDS.sendDeny}
        </button>
        <button type="button" className="button" onClick={() => setDenying(false)}>
          {WORDS.cancelDeny}
        </button>
      </form>
    );
  }
  return (
    <div className="tool-approval-row" role="group" aria-label={`Approve running ${toolName}?`}>
      <span>{WORDS.question}</span>
      <button type="button" className="button primary" data-testid="approve-button" disabled={disabled} onClick={choose('once')}>
        {WORDS.once}
      </button>
      <button type="button" className="button" data-testid="approve-conversation-button" disabled={disabled} onClick={choose('conversation')}>
        {WORDS.conversation}
      </button>
      <button type="button" className="button" data-testid="approve-always-button" disabled={disabled} onClick={choose('always')}>
        {WORDS.always(toolName)}
      </button>
      <button type="button" className="button" data-testid="deny-button" disabled={disabled} onClick={() => setDenying(true)}>
        {WORDS.deny}
      </button>
    </div>
  );
}

export const ToolCard = memo(function ToolCard({ tool, status, onAnswer }: ToolCardProps) {
  const [sending, setAnswering] = useState(false);
  // An answer cannot reach a Baton that is away; it is asked again after the resume (L31).
  const connected = useAppState((state) => state.connection.state === 'open');
  const answering = sending || !connected;
  const args = formatArgs(tool.args);
  const answer = (choice: ApprovalAnswer) => {
    setAnswering(true);
    void onAnswer(tool.callId, choice).finally(() => setAnswering(false));
  };
  return (
    <article className={`tool-card tool-card--${status}`} data-testid="tool-card" data-status={status} data-call-id={tool.callId} aria-label={`Tool call ${tool.name}: ${TOOL_STATUS_LABELS[status]}`}>
      <header className="tool-head">
        <span className="tool-icon" aria-hidden="true">⚙</span>
        <span className="tool-name">{tool.name}</span>
        {tool.effect === 'side-effecting' && <span className="tool-effect">changes things</span>}
        {tool.effect === 'lifecycle' && <span className="tool-effect">restarts Baton</span>}
        <ToolTiming tool={tool} status={status} />
        <span className={`tool-status status-${status}`} data-testid="tool-status">
          {TOOL_STATUS_LABELS[status]}
        </span>
      </header>
      {args !== '' && (
        <details className="tool-args">
          <summary>
            <span className="visually-hidden">Arguments: </span>
            <code>{preview(args)}</code>
          </summary>
          <pre>{args}</pre>
        </details>
      )}
      {status === 'approval' && <ApprovalChoices toolName={tool.name} disabled={answering} onAnswer={answer} />}
      {tool.decisionText && status !== 'approval' && (
        <p className="tool-note" data-testid="tool-decision">
          {tool.decisionText}
        </p>
      )}
      {status === 'unknown' && <p className="tool-note">Baton stopped while this was running; it may or may not have taken effect.</p>}
      {tool.output && (
        <Suspense fallback={<pre className="tool-live-output">{keptOutputText(tool.output.kept)}</pre>}>
          <LiveOutput tool={tool} output={tool.output} running={status === 'running'} />
        </Suspense>
      )}
      {tool.result?.details?.diff && (
        <Suspense fallback={null}>
          <DiffView diff={tool.result.details.diff} />
        </Suspense>
      )}
      {tool.result && (
        <details className="tool-output" open={!tool.output && tool.result.isError && tool.result.output.length < 400}>
          <summary>{tool.output ? 'Result sent to the model' : tool.result.isError ? 'Error output' : 'Output'}</summary>
          <pre>{tool.result.output === '' ? '(no output)' : tool.result.output}</pre>
        </details>
      )}
    </article>
  );
});

/** Text that cannot throw, whatever the model put in a tool call. */
function safeText(read: () => string): string {
  try {
    return read();
  } catch {
    return '(could not be shown)';
  }
}

/**
 * A tool card that failed to render (issue 14 item 3): its name, arguments and output as plain
 * text, and, if it waits for an answer, the same Approve and Deny, so the turn is never stuck
 * behind a card nobody can see.
 */
export function ToolCardFallback({ tool, status, onAnswer }: ToolCardProps) {
  const name = safeText(() => String(tool.name));
  const args = safeText(() => formatArgs(tool.args));
  const output = safeText(() => (tool.result ? String(tool.result.output) : ''));
  return (
    <article className="tool-card tool-card--fallback" data-testid="tool-card" data-status={status} data-call-id={tool.callId} aria-label={`Tool call ${name}`}>
      <p className="format-note" role="note">
        This tool call could not be formatted; shown as plain text.
      </p>
      <div className="plain-message" data-testid="plain-message">
        {[`Tool: ${name}`, args !== '' ? `Arguments:\n${args}` : '', output !== '' ? `Output:\n${output}` : ''].filter(Boolean).join('\n\n')}
      </div>
      {status === 'approval' && <ApprovalChoices toolName={name} disabled={false} onAnswer={(answer) => void onAnswer(tool.callId, answer)} />}
    </article>
  );
}
