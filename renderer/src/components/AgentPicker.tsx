/**
 * L34: the picker behind the conversation header's agent (ConversationAgent.tsx): a provider, a model
 * from the provider's own list (free text allowed), a profile, and the conversation's own
 * instructions and workspace. Native controls throughout; Escape closes it and returns focus.
 */
import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { LaneStatus } from '../../../shared/gateway-events.ts';
import { DEFAULT_PROFILE_NAME } from '../../../shared/settings.ts';
import { profileNames, providerOptions } from '../lib/agent-choice.ts';
import { useAppState, useStore } from '../state/hooks.ts';

type Status = { ok: boolean; message: string } | null;

export function AgentPicker({ lane, onClose }: { lane: LaneStatus; onClose: () => void }) {
  const store = useStore();
  const settings = useAppState((state) => state.settings);
  const id = useId();
  const providers = settings?.providers ?? [];
  const options = providerOptions(providers, lane.provider ?? null);
  const [provider, setProvider] = useState(lane.provider ?? options.find((o) => !o.missing)?.name ?? '');
  const [model, setModel] = useState(lane.model ?? '');
  const [models, setModels] = useState<string[]>([]);
  const [modelsNote, setModelsNote] = useState<string | null>(null);
  const [status, setStatus] = useState<Status>(null);
  const [instructions, setInstructions] = useState(lane.instructions ?? '');
  const [workspace, setWorkspace] = useState(lane.workspaceDir ?? '');
  const firstRef = useRef<HTMLSelectElement>(null);
  const chosen = options.find((o) => o.name === provider);

  useEffect(() => firstRef.current?.focus(), []);

  // The provider's own model list, fetched when a provider is chosen; typing a name stays possible.
  useEffect(() => {
    if (!provider || chosen?.missing) return;
    let live = true;
    setModelsNote('Loading models…');
    void store.listProviderModels({ providerName: provider }).then((result) => {
      if (!live) return;
      setModels(result.ok ? result.models.map((m) => m.id) : []);
      setModelsNote(result.ok ? null : `Could not list the models (${result.message}); type a model name.`);
    });
    return () => {
      live = false;
    };
  }, [store, provider, chosen?.missing]);

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      onClose();
    }
  };

  const applyModel = async (event: FormEvent) => {
    event.preventDefault();
    if (!chosen || chosen.missing) {
      setStatus({ ok: false, message: 'Choose a provider that exists.' });
      return;
    }
    const name = model.trim() || chosen.model;
    const outcome = await store.setLaneModel(lane.laneKey, provider, name);
    setStatus(outcome.ok ? { ok: true, message: `This conversation now uses ${provider} · ${name}; it applies from the next turn.` } : { ok: false, message: outcome.message });
  };

  const applyProfile = async (name: string) => {
    const outcome = await store.setLaneProfile(lane.laneKey, name === DEFAULT_PROFILE_NAME ? null : name);
    setStatus(outcome.ok ? { ok: true, message: `Profile: ${name}.` } : { ok: false, message: outcome.message });
  };

  const applyOverrides = async () => {
    const outcome = await store.setLaneOverrides(lane.laneKey, {
      instructions: instructions.trim() === '' ? null : instructions,
      workspaceDir: workspace.trim() === '' ? null : workspace.trim(),
    });
    setStatus(outcome.ok ? { ok: true, message: 'Saved for this conversation.' } : { ok: false, message: outcome.message });
  };

  return (
    <div className="agent-picker" role="group" aria-label="This conversation's model and profile" onKeyDown={onKeyDown} data-testid="model-picker">
      <form onSubmit={(event) => void applyModel(event)}>
        <div className="field">
          <label htmlFor={`${id}-provider`}>Provider</label>
          <select
            id={`${id}-provider`}
            ref={firstRef}
            value={provider}
            onChange={(event) => {
              const next = options.find((o) => o.name === event.target.value);
              setProvider(event.target.value);
              setModel(next?.model ?? '');
              setModels([]);
            }}
            data-testid="model-picker-provider"
          >
            {options.map((o) => (
              <option key={o.name} value={o.name} disabled={o.missing}>
                {o.text}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-model`}>Model</label>
          <input
            id={`${id}-model`}
            list={`${id}-models`}
            value={model}
            placeholder={chosen?.model ?? ''}
            onChange={(event) => setModel(event.target.value)}
            autoComplete="off"
            spellCheck={false}
            data-testid="model-picker-model"
          />
          <datalist id={`${id}-models`} data-testid="model-picker-models">
            {models.map((m) => (
              <option key={m} value={m} />
            ))}
          </datalist>
          {modelsNote && <p className="field-hint">{modelsNote}</p>}
        </div>
        <button type="submit" className="button primary" data-testid="model-picker-apply">
          Use for this conversation
        </button>
      </form>
      <div className="field">
        <label htmlFor={`${id}-profile`}>Profile</label>
        <select id={`${id}-profile`} value={lane.profile ?? DEFAULT_PROFILE_NAME} onChange={(event) => void applyProfile(event.target.value)} data-testid="profile-picker">
          {profileNames(settings?.settings.profiles ?? []).map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
          {lane.profile && !(settings?.settings.profiles ?? []).some((p) => p.name === lane.profile) && (
            <option value={lane.profile} disabled>
              {lane.profile} (removed)
            </option>
          )}
        </select>
      </div>
      <details className="settings-disclosure">
        <summary>This conversation’s own instructions and workspace</summary>
        <div className="field">
          <label htmlFor={`${id}-instructions`}>Instructions (empty: the profile’s)</label>
          <textarea id={`${id}-instructions`} rows={3} value={instructions} onChange={(event) => setInstructions(event.target.value)} data-testid="lane-instructions" />
        </div>
        <div className="field">
          <label htmlFor={`${id}-workspace`}>Workspace folder (empty: the profile’s)</label>
          <input id={`${id}-workspace`} value={workspace} placeholder="/home/you/project" onChange={(event) => setWorkspace(event.target.value)} autoComplete="off" data-testid="lane-workspace" />
        </div>
        <button type="button" className="button" onClick={() => void applyOverrides()} data-testid="lane-overrides-save">
          Save for this conversation
        </button>
      </details>
      {status && (
        <p className={status.ok ? 'form-ok' : 'form-error'} role={status.ok ? 'status' : 'alert'} data-testid="model-picker-status">
          {status.message}
        </p>
      )}
      <button type="button" className="button" onClick={onClose} data-testid="model-picker-close">
        Close
      </button>
    </div>
  );
}
