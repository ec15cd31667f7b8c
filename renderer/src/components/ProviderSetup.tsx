/**
 * Adding or editing a model provider: the first-run setup, "Add a provider" and "Edit" in Settings.
 * The form checks itself against the server (issue 11): "Load models" fills a picker from the
 * server's own list (typing a model stays possible), "Test connection" says whether the server
 * answers and how fast, or why not, and "Detect local servers" offers the model servers running on
 * this machine as one-click presets. The API key is sent once (provider.setKey, or with a check to
 * the provider's own server) and never shown again (R4): the form only learns whether a key is
 * stored.
 */
import { useId, useState, type FormEvent } from 'react';
import type { ProviderTarget, Result } from '../../../shared/protocol/contract.ts';
import type { ProviderKind, ProviderView } from '../../../shared/settings.ts';
import { PROVIDER_PRESETS, presetFromDetected, providerDraftProblem, type ProviderPreset } from '../lib/provider-presets.ts';
import { useStore } from '../state/hooks.ts';

interface ProviderSetupProps {
  /** First run: a welcome heading and the "skip" hint. */
  firstRun: boolean;
  /** A saved provider to edit; absent to add one. */
  editing?: ProviderView;
  onSaved?: () => void;
  onCancel?: () => void;
}

type Check = { kind: 'idle' } | { kind: 'busy'; what: string } | { kind: 'ok'; message: string } | { kind: 'failed'; message: string };
type DetectedServer = Result<'provider.detectLocal'>['servers'][number];

const CUSTOM_PRESET = PROVIDER_PRESETS.find((preset) => preset.id === 'custom') ?? PROVIDER_PRESETS[0]!;

function modelCountWords(count: number): string {
  return count === 0 ? 'The server lists no models; type the model’s name.' : `${count} model${count === 1 ? '' : 's'} found; pick one or type a name.`;
}

export function ProviderSetup({ firstRun, editing, onSaved, onCancel }: ProviderSetupProps) {
  const store = useStore();
  const formId = useId();
  const [presets, setPresets] = useState<readonly ProviderPreset[]>(PROVIDER_PRESETS);
  const [preset, setPreset] = useState<ProviderPreset>(editing ? CUSTOM_PRESET : PROVIDER_PRESETS[0]!);
  const [kind, setKind] = useState<ProviderKind>(editing?.kind ?? preset.kind);
  const [name, setName] = useState(editing?.name ?? preset.name);
  const [baseUrl, setBaseUrl] = useState(editing?.baseUrl ?? preset.baseUrl);
  const [model, setModel] = useState(editing?.model ?? '');
  const [apiKey, setApiKey] = useState('');
  const [models, setModels] = useState<Array<{ id: string; label?: string }> | null>(null);
  const [check, setCheck] = useState<Check>({ kind: 'idle' });
  const [detected, setDetected] = useState<DetectedServer[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);

  const endpointChanged = () => {
    // A list fetched for another address is no list for this one.
    setModels(null);
    setCheck({ kind: 'idle' });
  };

  const applyPreset = (next: ProviderPreset) => {
    setPreset(next);
    setKind(next.kind);
    setName(next.name);
    setBaseUrl(next.baseUrl);
    endpointChanged();
  };

  const choosePreset = (id: string) => applyPreset(presets.find((candidate) => candidate.id === id) ?? PROVIDER_PRESETS[0]!);

  const pickDetected = (server: DetectedServer) => {
    const next = presetFromDetected(server);
    setPresets([next, ...PROVIDER_PRESETS.filter((candidate) => candidate.id !== next.id)]);
    applyPreset(next);
    setModels(server.models.map((id) => ({ id })));
    if (server.models.length > 0 && model.trim() === '') setModel(server.models[0]!);
    setCheck({ kind: 'ok', message: modelCountWords(server.models.length) });
  };

  /** What the checks send: the form as it is; an edited provider's stored key is borrowed by the gateway only for the same address. */
  const draft = (): ProviderTarget => ({
    kind,
    ...(name.trim() ? { name: name.trim() } : {}),
    ...(baseUrl.trim() ? { baseUrl: baseUrl.trim() } : {}),
    ...(apiKey ? { apiKey } : {}),
    ...(editing ? { keyFrom: editing.name } : {}),
    ...(model.trim() ? { model: model.trim() } : {}),
  });

  const draftProblem = (): string | null => (kind === 'openai-compatible' && baseUrl.trim() === '' ? 'An OpenAI-compatible provider needs a base URL.' : null);

  const loadModels = async () => {
    const issue = draftProblem();
    if (issue) return setCheck({ kind: 'failed', message: issue });
    setCheck({ kind: 'busy', what: 'Loading models…' });
    const result = await store.listProviderModels(draft());
    if (!result.ok) {
      setModels(null);
      setCheck({ kind: 'failed', message: result.message });
      return;
    }
    setModels(result.models);
    if (result.models.length > 0 && model.trim() === '') setModel(result.models[0]!.id);
    setCheck({ kind: 'ok', message: modelCountWords(result.models.length) });
  };

  const testConnection = async () => {
    const issue = draftProblem();
    if (issue) return setCheck({ kind: 'failed', message: issue });
    setCheck({ kind: 'busy', what: 'Testing the connection…' });
    const result = await store.testProvider(draft());
    setCheck(result.ok ? { kind: 'ok', message: result.message } : { kind: 'failed', message: result.message });
  };

  const detect = async () => {
    setCheck({ kind: 'busy', what: 'Looking for model servers on this computer…' });
    const result = await store.detectLocalServers();
    if (!result.ok) return setCheck({ kind: 'failed', message: result.message });
    setDetected(result.servers);
    setCheck({ kind: 'idle' });
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const issue = providerDraftProblem({ kind, name, baseUrl, model });
    setProblem(issue);
    setSaved(null);
    if (issue) return;
    setSaving(true);
    const outcome = await store.saveProvider({ kind, name, baseUrl, model, apiKey, ...(editing ? { previousName: editing.name } : {}) });
    setSaving(false);
    // The key leaves this window once; it is not kept in the form either way.
    setApiKey('');
    if (!outcome.ok) {
      setProblem(outcome.message);
      return;
    }
    setSaved(outcome.message ?? `Saved “${name.trim()}”.`);
    onSaved?.();
  };

  const field = (suffix: string) => `${formId}-${suffix}`;
  const busy = check.kind === 'busy';

  return (
    <form
      className="provider-setup"
      data-testid="provider-setup"
      aria-labelledby={firstRun ? field('title') : undefined}
      aria-label={firstRun ? undefined : editing ? `Edit ${editing.name}` : 'Add a provider'}
      onSubmit={(event) => void submit(event)}
    >
      {firstRun && <h2 id={field('title')}>Set up a model provider</h2>}
      {firstRun && (
        <p className="muted">
          Baton needs a model to talk to. Pick a provider, name a model, and add its API key if it needs one. A key is sent to Baton
          once and never shown again: the desktop app keeps it in your system keychain; the headless host keeps it in memory until it
          stops.
        </p>
      )}
      {!editing && (
        <div className="field">
          <label htmlFor={field('preset')}>Provider</label>
          <div className="inline-controls">
            <select id={field('preset')} value={preset.id} onChange={(event) => choosePreset(event.target.value)} data-testid="provider-preset">
              {presets.map((candidate) => (
                <option key={candidate.id} value={candidate.id}>
                  {candidate.label}
                </option>
              ))}
            </select>
            <button type="button" className="button" disabled={busy} onClick={() => void detect()} data-testid="provider-detect">
              Detect local servers
            </button>
          </div>
          {detected !== null && (
            <div className="detected-servers" data-testid="provider-detected" role="status">
              {detected.length === 0 ? (
                <p className="muted small">No model server answered on the usual ports (Ollama 11434, LM Studio 1234, llama.cpp 8080, vLLM 8000).</p>
              ) : (
                <ul>
                  {detected.map((server) => (
                    <li key={server.baseUrl}>
                      <button type="button" className="button" onClick={() => pickDetected(server)} data-testid="provider-detected-server">
                        Use {server.label} at {server.baseUrl} · {server.models.length} model{server.models.length === 1 ? '' : 's'}
                      </button>
                    </li>
                  ))}
                </ul>
              )}
            </div>
          )}
        </div>
      )}
      <div className="field">
        <label htmlFor={field('kind')}>API type</label>
        <select
          id={field('kind')}
          value={kind}
          onChange={(event) => {
            setKind(event.target.value === 'anthropic' ? 'anthropic' : 'openai-compatible');
            endpointChanged();
          }}
        >
          <option value="openai-compatible">OpenAI-compatible</option>
          <option value="anthropic">Anthropic</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor={field('name')}>Name</label>
        <input id={field('name')} value={name} onChange={(event) => setName(event.target.value)} data-testid="provider-name" autoComplete="off" />
      </div>
      <div className="field">
        <label htmlFor={field('url')}>Base URL{kind === 'anthropic' ? ' (optional)' : ''}</label>
        <input
          id={field('url')}
          type="url"
          value={baseUrl}
          placeholder={kind === 'anthropic' ? 'https://api.anthropic.com' : 'https://…/v1'}
          onChange={(event) => {
            setBaseUrl(event.target.value);
            endpointChanged();
          }}
          data-testid="provider-base-url"
          autoComplete="off"
        />
      </div>
      <div className="field">
        <label htmlFor={field('key')}>
          API key{editing?.hasKey ? ' (stored; type a new one to replace it)' : preset.needsKey ? '' : ' (if it needs one)'}
        </label>
        <input
          id={field('key')}
          type="password"
          value={apiKey}
          onChange={(event) => {
            setApiKey(event.target.value);
            endpointChanged();
          }}
          data-testid="provider-api-key"
          autoComplete="off"
          spellCheck={false}
        />
        {editing?.hasKey && <p className="field-hint">Changing the API type or base URL needs the key again: a stored key is only ever sent to the address it was stored for.</p>}
      </div>
      <div className="field">
        <label htmlFor={field('model')}>Model</label>
        <div className="inline-controls">
          {models !== null && models.length > 0 && (
            <select
              aria-label="Models the server offers"
              value={models.some((candidate) => candidate.id === model) ? model : ''}
              onChange={(event) => {
                if (event.target.value !== '') setModel(event.target.value);
              }}
              data-testid="provider-model-select"
            >
              <option value="">Pick a model…</option>
              {models.map((candidate) => (
                <option key={candidate.id} value={candidate.id}>
                  {candidate.label && candidate.label !== candidate.id ? `${candidate.label} (${candidate.id})` : candidate.id}
                </option>
              ))}
            </select>
          )}
          <input
            id={field('model')}
            value={model}
            placeholder={`e.g. ${preset.modelHint}`}
            onChange={(event) => setModel(event.target.value)}
            data-testid="provider-model"
            autoComplete="off"
          />
          <button type="button" className="button" disabled={busy} onClick={() => void loadModels()} data-testid="provider-load-models">
            Load models
          </button>
        </div>
      </div>
      <div className="provider-check" data-testid="provider-check" data-state={check.kind} role={check.kind === 'failed' ? 'alert' : 'status'}>
        {check.kind === 'busy' ? check.what : check.kind === 'ok' || check.kind === 'failed' ? check.message : ''}
      </div>
      {problem && (
        <p className="form-error" role="alert">
          {problem}
        </p>
      )}
      <p className="form-ok" role="status" data-testid="provider-saved">
        {saved ?? ''}
      </p>
      <div className="form-actions">
        <button type="button" className="button" disabled={busy} onClick={() => void testConnection()} data-testid="provider-test">
          Test connection
        </button>
        <button type="submit" className="button primary" disabled={saving} data-testid="provider-save">
          {saving ? 'Saving…' : editing ? 'Save changes' : 'Save provider'}
        </button>
        {onCancel && (
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
      {firstRun && (
        <p className="muted small">
          Already configured through OPENAI_* or ANTHROPIC_* environment variables? Baton shows that provider as “From environment”; just start a
          new chat.
        </p>
      )}
    </form>
  );
}
