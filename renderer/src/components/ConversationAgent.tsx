/**
 * L34: the conversation header's agent — the model in use (provider · model), its profile, and a
 * picker to change them for this conversation only: a provider, a model from the provider's own
 * list (free text allowed), a profile, and the conversation's own instructions and workspace.
 * Native controls throughout, so it works from the keyboard; Escape closes it and returns focus.
 */
import { lazy, Suspense, useRef, useState } from 'react';
import type { LaneStatus } from '../../../shared/gateway-events.ts';
import { DEFAULT_PROFILE_NAME } from '../../../shared/settings.ts';
import { agentSummary } from '../lib/agent-choice.ts';
import { useAppState } from '../state/hooks.ts';

// The picker loads when first opened (issue 13: the window's initial JS stays small).
const AgentPicker = lazy(() => import('./AgentPicker.tsx').then((module) => ({ default: module.AgentPicker })));

export function ConversationAgent({ lane }: { lane: LaneStatus }) {
  const settings = useAppState((state) => state.settings);
  const [open, setOpen] = useState(false);
  const toggleRef = useRef<HTMLButtonElement>(null);
  const summary = agentSummary(lane, settings?.providers ?? null);
  const close = () => {
    setOpen(false);
    toggleRef.current?.focus();
  };
  return (
    <div className="conversation-agent" data-testid="conversation-agent">
      <button
        ref={toggleRef}
        type="button"
        className={`button agent-toggle${summary.providerMissing ? ' agent-missing' : ''}`}
        aria-expanded={open}
        aria-label={`Model and profile: ${summary.description}`}
        title={summary.description}
        onClick={() => setOpen((was) => !was)}
        data-testid="model-picker-toggle"
        data-provider={lane.provider ?? ''}
        data-model={lane.model ?? ''}
      >
        <span data-testid="lane-model">{summary.label}</span>
        {summary.profile !== DEFAULT_PROFILE_NAME && <span className="badge" data-testid="lane-profile">{summary.profile}</span>}
        {summary.providerMissing && <span className="badge badge-danger">provider removed</span>}
      </button>
      {open && (
        <Suspense fallback={null}>
          <AgentPicker lane={lane} onClose={close} />
        </Suspense>
      )}
    </div>
  );
}
