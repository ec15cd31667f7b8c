/** Issue 10: a tool card's elapsed time (ticking while the call runs) and how it ended. */
import { useNow } from '../state/hooks.ts';
import { elapsedMs, exitBadge, formatElapsed, type ToolStatus } from '../state/tool-status.ts';
import type { ToolItem } from '../state/transcript-model.ts';

export function ToolTiming({ tool, status }: { tool: ToolItem; status: ToolStatus }) {
  const now = useNow(1_000, status === 'running' && tool.startedAt !== undefined);
  const elapsed = elapsedMs(tool, status, now);
  const badge = exitBadge(tool.result?.details);
  return (
    <>
      {elapsed !== null && (
        <span className="tool-elapsed" data-testid="tool-elapsed" title="Time the call has taken">
          {formatElapsed(elapsed)}
        </span>
      )}
      {badge && (
        <span className={`tool-exit tool-exit--${badge.tone}`} data-testid="tool-exit" data-exit={badge.value}>
          {badge.label}
        </span>
      )}
    </>
  );
}
