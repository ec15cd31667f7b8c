/**
 * Assistant text as markdown, rendered safely (R4; the formatter and its rules are in
 * MarkdownFormatter.tsx).
 *
 * Model output may also be built to break the formatter (issue 14 item 3): an answer over the
 * limits in lib/markdown-limits.ts is never parsed, and one that fails anyway is caught here; both
 * show as plain text with a note. The same holds for every partial text while an answer streams.
 *
 * The formatter (react-markdown, KaTeX, highlight.js: most of the window's code) is its own chunk,
 * loaded when the first answer is shown, not with the window (issue 13). Until it is there, the
 * text shows at once, unformatted, as the same plain text React escapes, never a blank.
 */
import { memo, useEffect, useMemo, useState, type ComponentType } from 'react';
import { checkMarkdownLimits, MARKDOWN_LIMITS, type MarkdownLimits } from '../lib/markdown-limits.ts';
import { ErrorBoundary } from './ErrorBoundary.tsx';
import { PlainMessage } from './PlainMessage.tsx';

type Formatter = ComponentType<{ text: string }>;

let formatter: Formatter | null = null;
let loading: Promise<Formatter> | null = null;

/** Loads the formatter chunk (once); resolves when every Markdown renders formatted, synchronously. */
export function loadMarkdownFormatter(): Promise<Formatter> {
  loading ??= import('./MarkdownFormatter.tsx').then((module) => (formatter = module.MarkdownFormatter));
  return loading;
}

/** The formatter when loaded; otherwise null, and a re-render once it is. */
function useFormatter(): Formatter | null {
  // Functions in state go through updaters: React would call a bare one as an initializer.
  const [loaded, setLoaded] = useState<Formatter | null>(() => formatter);
  useEffect(() => {
    if (loaded !== null) return;
    let live = true;
    // A failed load keeps the plain text: formatting is a nicety, the words are what matter.
    loadMarkdownFormatter().then((ready) => live && setLoaded(() => ready), () => undefined);
    return () => {
      live = false;
    };
  }, [loaded]);
  return loaded;
}

interface MarkdownProps {
  text: string;
  /** The guard's limits; only tests of the unguarded formatter pass others. */
  limits?: Readonly<MarkdownLimits>;
}

export const Markdown = memo(function Markdown({ text, limits = MARKDOWN_LIMITS }: MarkdownProps) {
  const verdict = useMemo(() => checkMarkdownLimits(text, limits), [text, limits]);
  const Formatter = useFormatter();
  if (!verdict.ok) return <PlainMessage text={text} reason={verdict.limit} />;
  if (Formatter === null) {
    return (
      <div className="markdown plain-message" data-testid="markdown-pending">
        {text}
      </div>
    );
  }
  // Once formatting failed, the message stays plain (with its newest text) until it is shown
  // afresh: retrying on every streamed piece would fail, and cost, again and again.
  return (
    <ErrorBoundary fallback={() => <PlainMessage text={text} reason="error" />}>
      <Formatter text={text} />
    </ErrorBoundary>
  );
});
