/**
 * Issue 10: the model's thinking, as a collapsible block. Open while it streams, closed when the
 * answer begins; a person's own choice (per message) wins over both.
 */
import { useState } from 'react';
import { chooseOpen, chosenOpen } from '../lib/reasoning-open.ts';
import { THINKING_WORDS } from '../lib/usage-words.ts';
import type { ReasoningItem } from '../state/transcript-model.ts';

export function ReasoningBlock({ item, cutShort, memoryKey }: { item: ReasoningItem; cutShort: boolean; memoryKey: string }) {
  const [choice, setChoice] = useState(() => chosenOpen(memoryKey));
  const open = choice ?? item.streaming;
  const toggle = () => {
    chooseOpen(memoryKey, !open);
    setChoice(!open);
  };
  return (
    <section
      className={`reasoning${item.streaming ? ' streaming' : ''}`}
      data-testid="reasoning"
      data-open={open ? 'true' : 'false'}
      data-streaming={item.streaming ? 'true' : 'false'}
      aria-busy={item.streaming}
    >
      <button type="button" className="reasoning-toggle" aria-expanded={open} onClick={toggle} title={open ? THINKING_WORDS.hide : THINKING_WORDS.show}>
        <span aria-hidden="true">{open ? '▾' : '▸'}</span> {item.streaming ? THINKING_WORDS.streaming : THINKING_WORDS.done}
      </button>
      {open && (
        <div className="reasoning-text" data-testid="reasoning-text">
          {item.text !== '' ? <p>{item.text}</p> : <p className="reasoning-redacted">{item.redacted ? THINKING_WORDS.redacted : THINKING_WORDS.hidden}</p>}
          {cutShort && <p className="cut-short">{THINKING_WORDS.cutShort}</p>}
        </div>
      )}
    </section>
  );
}
