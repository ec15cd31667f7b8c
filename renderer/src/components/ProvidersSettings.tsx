/**
 * Settings → Model providers (issue 11): every provider with where it comes from (saved, or "From
 * environment"), the default one new conversations take, and per provider Test connection, Make
 * default, Edit, Replace key and Remove — removing asks first and then says which provider new
 * conversations take now, or that none is left. L34: each conversation keeps its own provider and
 * model (chosen in its header); neither adding a provider nor changing the default re-points one.
 */
import { useId, useState } from 'react';
import type { ProviderView } from '../../../shared/settings.ts';
import { providerInUse } from '../lib/provider-default.ts';
import type { SettingsReply } from '../state/app-state.ts';
import { useStore } from '../state/hooks.ts';
import { ProviderSetup } from './ProviderSetup.tsx';

type Notice = { ok: boolean; message: string } | null;

function ProviderEntry({ provider, inUse, onNotice }: { provider: ProviderView; inUse: boolean; onNotice: (notice: Notice) => void }) {
  const store = useStore();
  const [mode, setMode] = useState<'view' | 'edit' | 'confirm-remove'>('view');
  const [test, setTest] = useState<{ ok: boolean; message: string } | 'busy' | null>(null);
  const fromEnv = provider.source === 'environment';

  const runTest = async () => {
    setTest('busy');
    const result = await store.testProvider({ providerName: provider.name });
    setTest({ ok: result.ok, message: result.message });
  };

  if (mode === 'edit') {
    return (
      <li className="provider" data-testid="provider-entry" data-provider={provider.name}>
        <ProviderSetup firstRun={false} editing={provider} onSaved={() => setMode('view')} onCancel={() => setMode('view')} />
      </li>
    );
  }

  return (
    <li className="provider" data-testid="provider-entry" data-provider={provider.name} data-source={provider.source}>
      <div>
        <strong>{provider.name}</strong> {inUse && <span className="badge badge-active" title="New conversations use this provider">Default</span>}{' '}
        {fromEnv && (
          <span className="badge" data-testid="provider-from-env">
            From environment
          </span>
        )}
        <div className="muted small">
          {provider.kind === 'anthropic' ? 'Anthropic' : 'OpenAI-compatible'} · {provider.model}
          {provider.baseUrl ? ` · ${provider.baseUrl}` : ''}
        </div>
        <div className="small" data-testid="provider-key-state">
          {fromEnv ? (provider.hasKey ? 'Key from the environment' : 'No key in the environment') : provider.hasKey ? 'Key stored' : 'No key stored'}
        </div>
        {fromEnv && <p className="field-hint">Set by the OPENAI_* / ANTHROPIC_* variables Baton was started with; change it there.</p>}
        {test !== null && (
          <p className={test === 'busy' ? 'muted small' : test.ok ? 'form-ok' : 'form-error'} role={test !== 'busy' && !test.ok ? 'alert' : 'status'} data-testid="provider-test-result">
            {test === 'busy' ? 'Testing…' : test.message}
          </p>
        )}
      </div>
      {mode === 'confirm-remove' ? (
        <div className="provider-actions" role="group" aria-label={`Remove ${provider.name}?`} data-testid="provider-remove-confirm">
          <span>
            Remove “{provider.name}”?{inUse ? ' New conversations will use another provider.' : ''} Conversations using it will ask you to pick another model. Its stored key is forgotten.
          </span>
          <button
            type="button"
            className="button danger"
            onClick={() =>
              void store.removeProvider(provider.name).then((outcome) => {
                setMode('view');
                onNotice({ ok: outcome.ok, message: outcome.message ?? '' });
              })
            }
            data-testid="provider-remove-yes"
          >
            Remove
          </button>
          <button type="button" className="button" onClick={() => setMode('view')}>
            Keep it
          </button>
        </div>
      ) : (
        <div className="provider-actions">
          <button type="button" className="button" disabled={test === 'busy'} onClick={() => void runTest()} aria-label={`Test the connection to ${provider.name}`} data-testid="provider-entry-test">
            Test connection
          </button>
          {!inUse && (
            <button
              type="button"
              className="button"
              aria-label={`Make ${provider.name} the default for new conversations`}
              onClick={() =>
                void store
                  .setSetting('activeProvider', provider.name)
                  .then((outcome) =>
                    onNotice(outcome.ok ? { ok: true, message: `New conversations use “${provider.name}”. Existing ones keep their model; change it in a conversation’s header.` } : { ok: false, message: outcome.message ?? '' }),
                  )
              }
              data-testid="provider-make-default"
            >
              Make default
            </button>
          )}
          {!fromEnv && (
            <>
              <button type="button" className="button" aria-label={`Edit ${provider.name}`} onClick={() => setMode('edit')} data-testid="provider-edit">
                Edit
              </button>
              <ReplaceKey providerName={provider.name} />
              <button type="button" className="button danger" aria-label={`Remove ${provider.name}`} onClick={() => setMode('confirm-remove')} data-testid="provider-remove">
                Remove
              </button>
            </>
          )}
        </div>
      )}
    </li>
  );
}

function ReplaceKey({ providerName }: { providerName: string }) {
  const store = useStore();
  const id = useId();
  const [open, setOpen] = useState(false);
  const [key, setKey] = useState('');
  const [result, setResult] = useState<string | null>(null);
  if (!open) {
    return (
      <button type="button" className="button" aria-label={`Replace the API key of ${providerName}`} onClick={() => setOpen(true)}>
        Replace key
      </button>
    );
  }
  return (
    <form
      className="replace-key"
      onSubmit={(event) => {
        event.preventDefault();
        if (key === '') return;
        const apiKey = key;
        setKey('');
        void store.setProviderKey(providerName, apiKey).then((outcome) => {
          setResult(outcome.ok ? 'Key stored.' : outcome.message);
          if (outcome.ok) setOpen(false);
        });
      }}
    >
      <label htmlFor={id} className="visually-hidden">
        New API key for {providerName}
      </label>
      <input id={id} type="password" value={key} onChange={(event) => setKey(event.target.value)} autoComplete="off" spellCheck={false} />
      <button type="submit" className="button primary">
        Store key
      </button>
      <button type="button" className="button" onClick={() => setOpen(false)}>
        Cancel
      </button>
      {result && <span role="status">{result}</span>}
    </form>
  );
}

export function ProvidersSettings({ view }: { view: SettingsReply }) {
  const [notice, setNotice] = useState<Notice>(null);
  const inUse = providerInUse(view);
  return (
    <section className="settings-section" aria-labelledby="providers-heading" data-testid="providers-settings">
      <h3 id="providers-heading">Model providers</h3>
      {view.providers.length === 0 ? (
        <p className="muted">No provider yet.</p>
      ) : (
        <ul className="provider-list">
          {view.providers.map((provider) => (
            <ProviderEntry key={`${provider.source}:${provider.name}`} provider={provider} inUse={provider.name === inUse?.name} onNotice={setNotice} />
          ))}
        </ul>
      )}
      {notice && (
        <p className={notice.ok ? 'form-ok' : 'form-error'} role={notice.ok ? 'status' : 'alert'} data-testid="providers-notice">
          {notice.message}
        </p>
      )}
      <details className="settings-disclosure add-provider" open={view.providers.length === 0}>
        <summary>Add a provider</summary>
        <ProviderSetup firstRun={false} />
      </details>
    </section>
  );
}
