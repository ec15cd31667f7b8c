/** A Copy button that says for a moment whether it worked (issue 11). */
import { useEffect, useState } from 'react';
import { copyText } from '../lib/clipboard.ts';
import { ACTION_WORDS } from '../lib/transcript-words.ts';

const FEEDBACK_MS = 1500;

export function CopyButton({ text, label, testId }: { text: string; label: string; testId: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), FEEDBACK_MS);
    return () => clearTimeout(timer);
  }, [state]);
  return (
    <button
      type="button"
      className="action-button"
      data-testid={testId}
      aria-label={label}
      title={label}
      onClick={() => void copyText(text).then((copied) => setState(copied ? 'copied' : 'failed'))}
    >
      {state === 'copied' ? ACTION_WORDS.copied : state === 'failed' ? ACTION_WORDS.copyFailed : ACTION_WORDS.copy}
    </button>
  );
}
