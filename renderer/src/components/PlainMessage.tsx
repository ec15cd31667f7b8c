/**
 * A message shown as it was sent, unformatted: what a person sees when an answer is over the
 * markdown limits or its formatting failed. Every character stays, selectable and copyable.
 */
import { useMemo } from 'react';

export const PLAIN_MESSAGE_NOTE = 'This message could not be formatted; shown as plain text.';

/** A piece's size; the browser lays out only the pieces in view (content-visibility). */
const LINES_PER_PIECE = 200;
const CHARS_PER_PIECE = 32_768;

/**
 * Cuts a long text into consecutive pieces of at most `lines` lines (each keeps its newline) and
 * `chars` characters. Joined, they are the text exactly, so a copy across pieces is exact too.
 */
export function splitPlainText(text: string, lines = LINES_PER_PIECE, chars = CHARS_PER_PIECE): string[] {
  const pieces: string[] = [];
  let start = 0;
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const newline = text.charCodeAt(i) === 10;
    if (newline) count++;
    if ((newline && count === lines) || i + 1 - start === chars) {
      pieces.push(text.slice(start, i + 1));
      start = i + 1;
      count = 0;
    }
  }
  if (start < text.length || pieces.length === 0) pieces.push(text.slice(start));
  return pieces;
}

export function PlainMessage({ text, reason }: { text: string; reason: string }) {
  const pieces = useMemo(() => splitPlainText(text), [text]);
  return (
    <div className="plain-message-box" data-reason={reason}>
      <p className="format-note" role="note">
        {PLAIN_MESSAGE_NOTE}
      </p>
      <div className="plain-message" data-testid="plain-message">
        {pieces.length === 1
          ? text
          : pieces.map((piece, index) => (
              // Pieces never move, so their index is a stable key.
              <span key={index} className="plain-piece">
                {piece}
              </span>
            ))}
      </div>
    </div>
  );
}
