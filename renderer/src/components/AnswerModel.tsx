/**
 * L34: the model that produced an answer, shown under it — beside the answer's article, not in
 * it, so reading or copying the answer gets its words only.
 */
import type { ReactNode } from 'react';
import type { AssistantItem } from '../state/transcript-model.ts';

export function AnswerModel({ item, children }: { item: AssistantItem; children: ReactNode }) {
  if (!item.modelLabel) return children;
  return (
    <>
      {children}
      <p className="answer-model muted small" data-testid="answer-model">
        {item.modelLabel}
      </p>
    </>
  );
}
