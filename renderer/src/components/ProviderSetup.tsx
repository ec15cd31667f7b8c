/**
 * Adding a model provider: the first-run setup, and the "Add a provider" form in Settings. The API
 * key is sent once with provider.setKey and never shown again (R4): the form only learns whether a
 * key is stored.
 */
import { useId, useState, type FormEvent } from 'react';
import { PROVIDER_PRESETS, providerDraftProblem, type ProviderPreset } from '../lib/provider-presets.ts';
import { useStore } from '../state/hooks.ts';

interface ProviderSetupProps {
  /** First run: a welcome heading and the "skip" hint. */
  firstRun: boolean;
  onSaved?: () => void;
}

export function ProviderSetup({ firstRun, onSaved }: ProviderSetupProps) {
  const store = useStore();
  const formId = useId();
  const [preset, setPreset] = useState<ProviderPreset>(PROVIDER_PRESETS[0]!);
  const [kind, setKind] = useState(preset.kind);
  const [name, setName] = useState(preset.name);
  const [baseUrl, setBaseUrl] = useState(preset.baseUrl);
  const [model, setModel] = useState('');
  const [apiKey, setApiKey] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);

  const choosePreset = (id: string) => {
    const next = PROVIDER_PRESETS.find((candidate) => candidate.id === id) ?? PROVIDER_PRESETS[0]!;
    setPreset(next);
    setKind(next.kind);
    setName(next.name);
    setBaseUrl(next.baseUrl);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const issue = providerDraftProblem({ kind, name, baseUrl, model });
    setProblem(issue);
    setSaved(null);
    if (issue) return;
    setSaving(true);
    const outcome = await store.saveProvider({ kind, name, baseUrl, model, apiKey });
    setSaving(false);
    // The key leaves this window once; it is not kept in the form either way.
    setApiKey('');
    if (!outcome.ok) {
      setProblem(outcome.message);
      return;
    }
    setSaved(`Saved “${name.trim()}”${apiKey !== '' ? ' — key stored' : ''}.`);
    onSaved?.();
  };

  const field = (suffix: string) => `${formId}-${suffix}`;

  return (
    <form
      className="provider-setup"
      data-testid="provider-setup"
      aria-labelledby={firstRun ? field('title') : undefined}
      aria-label={firstRun ? undefined : 'Add a provider'}
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
      <div className="field">
        <label htmlFor={field('preset')}>Provider</label>
        <select id={field('preset')} value={preset.id} onChange={(event) => choosePreset(event.target.value)} data-testid="provider-preset">
          {PROVIDER_PRESETS.map((candidate) => (
            <option key={candidate.id} value={candidate.id}>
              {candidate.label}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={field('kind')}>API type</label>
        <select id={field('kind')} value={kind} onChange={(event) => setKind(event.target.value === 'anthropic' ? 'anthropic' : 'openai-compatible')}>
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
          onChange={(event) => setBaseUrl(event.target.value)}
          data-testid="provider-base-url"
          autoComplete="off"
        />
      </div>
      <div className="field">
        <label htmlFor={field('model')}>Model</label>
        <input
          id={field('model')}
          value={model}
          placeholder={`e.g. ${preset.modelHint}`}
          onChange={(event) => setModel(event.target.value)}
          data-testid="provider-model"
          autoComplete="off"
        />
      </div>
      <div className="field">
        <label htmlFor={field('key')}>API key{preset.needsKey ? '' : ' (if it needs one)'}</label>
        <input
          id={field('key')}
          type="password"
          value={apiKey}
          onChange={(event) => setApiKey(event.target.value)}
          data-testid="provider-api-key"
          autoComplete="off"
          spellCheck={false}
        />
      </div>
      {problem && (
        <p className="form-error" role="alert">
          {problem}
        </p>
      )}
      <p className="form-ok" role="status">
        {saved ?? ''}
      </p>
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={saving} data-testid="provider-save">
          {saving ? 'Saving…' : 'Save provider'}
        </button>
      </div>
      {firstRun && (
        <p className="muted small">
          Already configured through OPENAI_* or ANTHROPIC_* environment variables? Just start a new chat.
        </p>
      )}
    </form>
  );
}
