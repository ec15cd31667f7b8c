/** One tool call: its name and arguments, its live status, its output, and the approval question. */
import { memo, useState } from 'react';
import { useAppState } from '../state/hooks.ts';
import type { ToolItem } from '../state/transcript-model.ts';
import { TOOL_STATUS_LABELS, type ToolStatus } from '../state/tool-status.ts';

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
  onAnswer: (callId: string, approved: boolean) => Promise<void>;
}

export const ToolCard = memo(function ToolCard({ tool, status, onAnswer }: ToolCardProps) {
  const [sending, setAnswering] = useState(false);
  // An answer cannot reach a Baton that is away; it is asked again after the resume (L31).
  const connected = useAppState((state) => state.connection.state === 'open');
  const answering = sending || !connected;
  const args = formatArgs(tool.args);
  const answer = (approved: boolean) => {
    setAnswering(true);
    void onAnswer(tool.callId, approved).finally(() => setAnswering(false));
  };
  return (
    <article className={`tool-card tool-card--${status}`} data-testid="tool-card" data-status={status} data-call-id={tool.callId} aria-label={`Tool call ${tool.name}: ${TOOL_STATUS_LABELS[status]}`}>
      <header className="tool-head">
        <span className="tool-icon" aria-hidden="true">⚙</span>
        <span className="tool-name">{tool.name}</span>
        {tool.effect === 'side-effecting' && <span className="tool-effect">changes things</span>}
        {tool.effect === 'lifecycle' && <span className="tool-effect">restarts Baton</span>}
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
      {status === 'approval' && (
        <div className="tool-approval-row" role="group" aria-label={`Approve running ${tool.name}?`}>
          <span>Run this tool?</span>
          <button type="button" className="button primary" data-testid="approve-button" disabled={answering} onClick={() => answer(true)}>
            Approve
          </button>
          <button type="button" className="button" data-testid="deny-button" disabled={answering} onClick={() => answer(false)}>
            Deny
          </button>
        </div>
      )}
      {status === 'unknown' && <p className="tool-note">Baton stopped while this was running; it may or may not have taken effect.</p>}
      {tool.result && (
        <details className="tool-output" open={tool.result.isError && tool.result.output.length < 400}>
          <summary>{tool.result.isError ? 'Error output' : 'Output'}</summary>
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
      {status === 'approval' && (
        <div className="tool-approval-row" role="group" aria-label={`Approve running ${name}?`}>
          <span>Run this tool?</span>
          <button type="button" className="button primary" data-testid="approve-button" onClick={() => void onAnswer(tool.callId, true)}>
            Approve
          </button>
          <button type="button" className="button" data-testid="deny-button" onClick={() => void onAnswer(tool.callId, false)}>
            Deny
          </button>
        </div>
      )}
    </article>
  );
}
