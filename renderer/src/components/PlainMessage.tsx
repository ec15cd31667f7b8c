/**
 * A message shown as it was sent, unformatted: what a person sees when an answer is over the
 * markdown limits or its formatting failed. Every character stays, selectable and copyable.
 */
export const PLAIN_MESSAGE_NOTE = 'This message could not be formatted; shown as plain text.';

export function PlainMessage({ text, reason }: { text: string; reason: string }) {
  return (
    <div className="plain-message-box" data-reason={reason}>
      <p className="format-note" role="note">
        {PLAIN_MESSAGE_NOTE}
      </p>
      <div className="plain-message" data-testid="plain-message">
        {text}
      </div>
    </div>
  );
}
