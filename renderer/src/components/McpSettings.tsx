/**
 * Settings → MCP servers (issue 10): the servers with their live state (from `mcp` push events),
 * why one failed and what it last wrote to stderr, add / edit (stdio or HTTP) / enable / disable /
 * remove (asked first) / restart, each tool with its read-only hint and approval, and an import of
 * the `mcpServers` JSON Claude Desktop and Cursor use. Every change is one `settings.set` of the
 * whole list; the gateway applies it at once and keeps env and header values in the keychain.
 */
import { useEffect, useId, useState } from 'react';
import type { McpServerConfig, SettingsView } from '../../../shared/settings.ts';
import type { McpServerView } from '../../../shared/mcp-status.ts';
import { configFromForm, EMPTY_MCP_FORM, formFromConfig, parseMcpImport, type McpServerForm } from '../lib/mcp-form.ts';
import { ApprovalSelect } from './ApprovalSelect.tsx';
import { FormFooter } from './FormFooter.tsx';
import { useAppState, useStore } from '../state/hooks.ts';

const STATE_LABEL: Record<McpServerView['state'], string> = { starting: 'Starting…', running: 'Ready', failed: 'Failed', stopped: 'Stopped' };

function useSaveServers(): { message: string | null; save: (servers: McpServerConfig[]) => Promise<boolean> } {
  const store = useStore();
  const [message, setMessage] = useState<string | null>(null);
  const save = async (servers: McpServerConfig[]) => {
    const outcome = await store.setSetting('mcpServers', servers);
    setMessage(outcome.ok ? null : outcome.message);
    return outcome.ok;
  };
  return { message, save };
}

function ServerForm({ initial, taken, onSave, onCancel }: { initial: McpServerForm; taken: ReadonlySet<string>; onSave: (config: McpServerConfig) => Promise<boolean>; onCancel: () => void }) {
  const id = useId();
  const [form, setForm] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const set = <K extends keyof McpServerForm>(key: K, value: McpServerForm[K]) => setForm((current) => ({ ...current, [key]: value }));
  const http = form.transport === 'http';
  return (
    <form
      className="mcp-form"
      data-testid="mcp-form"
      onSubmit={(event) => {
        event.preventDefault();
        const result = configFromForm(form);
        if (!result.ok) return setError(result.message);
        if (taken.has(result.config.name)) return setError(`Another server is already named "${result.config.name}".`);
        setError(null);
        void onSave(result.config);
      }}
    >
      <div className="field">
        <label htmlFor={`${id}-name`}>Name</label>
        <input id={`${id}-name`} value={form.name} onChange={(e) => set('name', e.target.value)} data-testid="mcp-name" />
      </div>
      <div className="field">
        <label htmlFor={`${id}-transport`}>Connection</label>
        <select id={`${id}-transport`} value={form.transport} onChange={(e) => set('transport', e.target.value as McpServerForm['transport'])} data-testid="mcp-transport">
          <option value="stdio">Local command (stdio)</option>
          <option value="http">Remote server (HTTP)</option>
        </select>
      </div>
      {http ? (
        <div className="field">
          <label htmlFor={`${id}-url`}>URL</label>
          <input id={`${id}-url`} value={form.url} placeholder="https://example.com/mcp" onChange={(e) => set('url', e.target.value)} data-testid="mcp-url" />
        </div>
      ) : (
        <>
          <div className="field">
            <label htmlFor={`${id}-command`}>Command</label>
            <input id={`${id}-command`} value={form.command} placeholder="npx" onChange={(e) => set('command', e.target.value)} data-testid="mcp-command" />
          </div>
          <div className="field">
            <label htmlFor={`${id}-args`}>Arguments, one per line</label>
            <textarea id={`${id}-args`} rows={3} value={form.args} onChange={(e) => set('args', e.target.value)} data-testid="mcp-args" />
          </div>
          <div className="field">
            <label htmlFor={`${id}-cwd`}>Working folder (optional)</label>
            <input id={`${id}-cwd`} value={form.cwd} onChange={(e) => set('cwd', e.target.value)} />
          </div>
        </>
      )}
      <div className="field">
        <label htmlFor={`${id}-secrets`}>{http ? 'Headers, "Name: value" per line' : 'Environment, NAME=value per line'}</label>
        <textarea id={`${id}-secrets`} rows={2} value={form.secrets} spellCheck={false} onChange={(e) => set('secrets', e.target.value)} data-testid="mcp-secrets" />
        <p className="field-hint">Values are kept in the keychain, not in the settings file; •••••••• keeps the stored value.</p>
      </div>
      <FormFooter problem={error} saveLabel="Save server" saveTestId="mcp-save" onCancel={onCancel} />
    </form>
  );
}

function ToolList({ server, settings }: { server: McpServerView; settings: SettingsView }) {
  const store = useStore();
  if (server.tools.length === 0) return null;
  return (
    <details className="mcp-tools">
      <summary>{server.tools.length} tools</summary>
      <table className="approval-table">
        <tbody>
          {server.tools.map((tool) => (
            <tr key={tool.name} data-testid="mcp-tool">
              <th scope="row">
                <code>{tool.serverTool}</code> {tool.readOnly && <span className="badge">read-only</span>}
                {tool.description && <div className="muted small">{tool.description}</div>}
              </th>
              <td>
                <ApprovalSelect
                  tool={tool.name}
                  approval={settings.toolApproval}
                  defaultMode={tool.readOnly ? 'auto' : 'ask'}
                  onChange={(next) => void store.setSetting('toolApproval', next)}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

function ServerEntry({ config, live, settings, servers }: { config: McpServerConfig; live: McpServerView | undefined; settings: SettingsView; servers: McpServerConfig[] }) {
  const store = useStore();
  const { message, save } = useSaveServers();
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [restartNote, setRestartNote] = useState<string | null>(null);
  const enabled = config.enabled !== false;
  const others = servers.filter((server) => server.name !== config.name);
  const replace = (next: McpServerConfig) => servers.map((server) => (server.name === config.name ? next : server));
  const state = !enabled ? 'Disabled' : live ? STATE_LABEL[live.state] : 'Starting…';
  return (
    <li className="provider mcp-server" data-testid="mcp-server" data-server={config.name}>
      <div className="mcp-server-main">
        <div>
          <strong>{config.name}</strong>{' '}
          <span className={`badge mcp-state-${enabled ? (live?.state ?? 'starting') : 'disabled'}`} data-testid="mcp-state">
            {state}
          </span>
          <div className="muted small">{'url' in config ? `HTTP · ${config.url}` : `stdio · ${[config.command, ...(config.args ?? [])].join(' ')}`}</div>
        </div>
        <div className="provider-actions">
          <label className="small">
            <input type="checkbox" checked={enabled} onChange={(e) => void save(replace({ ...config, enabled: e.target.checked }))} aria-label={`Enable ${config.name}`} /> Enabled
          </label>
          <button type="button" className="button" disabled={!enabled} onClick={() => void store.restartMcpServer(config.name).then((o) => setRestartNote(o.ok ? null : o.message))}>
            Restart
          </button>
          <button type="button" className="button" onClick={() => setEditing(!editing)}>
            Edit
          </button>
          {confirming ? (
            <>
              <button type="button" className="button danger" onClick={() => void save(others)} data-testid="mcp-remove-confirm">
                Remove {config.name}
              </button>
              <button type="button" className="button" onClick={() => setConfirming(false)}>
                Keep
              </button>
            </>
          ) : (
            <button type="button" className="button danger" aria-label={`Remove ${config.name}`} onClick={() => setConfirming(true)}>
              Remove
            </button>
          )}
        </div>
      </div>
      {live?.error && (
        <p className="form-error" data-testid="mcp-error">
          {live.error}
        </p>
      )}
      {live?.stderrTail && (
        <details className="mcp-stderr">
          <summary>Last output on stderr</summary>
          <pre>{live.stderrTail}</pre>
        </details>
      )}
      {live && <ToolList server={live} settings={settings} />}
      {editing && (
        <ServerForm
          initial={formFromConfig(config)}
          taken={new Set(others.map((server) => server.name))}
          onCancel={() => setEditing(false)}
          onSave={async (next) => {
            const ok = await save(replace(next));
            if (ok) setEditing(false);
            return ok;
          }}
        />
      )}
      {(message ?? restartNote) && (
        <p className="form-error" role="alert">
          {message ?? restartNote}
        </p>
      )}
    </li>
  );
}

function ImportServers({ servers }: { servers: McpServerConfig[] }) {
  const id = useId();
  const { message, save } = useSaveServers();
  const [text, setText] = useState('');
  const [result, setResult] = useState<{ kind: 'ok' | 'error'; lines: string[] } | null>(null);
  return (
    <details className="settings-disclosure mcp-import">
      <summary>Import from Claude Desktop or Cursor</summary>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const parsed = parseMcpImport(text, new Set(servers.map((server) => server.name)));
          if ('error' in parsed) return setResult({ kind: 'error', lines: [parsed.error] });
          if (parsed.added.length === 0) return setResult({ kind: 'error', lines: ['Nothing to import.', ...parsed.skipped] });
          void save([...servers, ...parsed.added]).then((ok) => {
            if (ok) setText('');
            setResult({ kind: ok ? 'ok' : 'error', lines: [ok ? `Imported ${parsed.added.map((s) => s.name).join(', ')}.` : 'Nothing was imported.', ...parsed.skipped] });
          });
        }}
      >
        <label htmlFor={id}>Paste the JSON with &quot;mcpServers&quot; (claude_desktop_config.json, .cursor/mcp.json)</label>
        <textarea id={id} rows={6} value={text} spellCheck={false} onChange={(e) => setText(e.target.value)} data-testid="mcp-import-text" />
        <label className="small">
          …or read it from a file:{' '}
          <input
            type="file"
            accept=".json,application/json"
            data-testid="mcp-import-file"
            onChange={(event) => {
              const file = event.target.files?.[0];
              // Only read into the box: the person still sees what will be imported and presses Import.
              if (file) void file.text().then(setText);
              event.target.value = '';
            }}
          />
        </label>
        <button type="submit" className="button" data-testid="mcp-import">
          Import
        </button>
        {result && (
          <div className={result.kind === 'ok' ? 'form-ok' : 'form-error'} role={result.kind === 'ok' ? 'status' : 'alert'} data-testid="mcp-import-result">
            {result.lines.map((line) => (
              <p key={line}>{line}</p>
            ))}
          </div>
        )}
        {message && <p className="form-error">{message}</p>}
      </form>
    </details>
  );
}

export function McpSettings({ settings }: { settings: SettingsView }) {
  const store = useStore();
  const live = useAppState((state) => state.mcpServers);
  const { message, save } = useSaveServers();
  const [adding, setAdding] = useState(false);
  useEffect(() => {
    void store.refreshMcp();
  }, [store]);
  const servers = settings.mcpServers;
  return (
    <section className="settings-section" aria-labelledby="mcp-heading" data-testid="mcp-settings">
      <h3 id="mcp-heading">MCP servers</h3>
      <p className="field-hint">Tools from MCP servers are offered to the model. Changes apply at once, without restarting Baton.</p>
      {servers.length === 0 ? (
        <p className="muted">No MCP server yet.</p>
      ) : (
        <ul className="provider-list">
          {servers.map((config) => (
            <ServerEntry key={config.name} config={config} live={live?.find((server) => server.name === config.name)} settings={settings} servers={servers} />
          ))}
        </ul>
      )}
      {adding ? (
        <ServerForm
          initial={EMPTY_MCP_FORM}
          taken={new Set(servers.map((server) => server.name))}
          onCancel={() => setAdding(false)}
          onSave={async (config) => {
            const ok = await save([...servers, config]);
            if (ok) setAdding(false);
            return ok;
          }}
        />
      ) : (
        <button type="button" className="button" onClick={() => setAdding(true)} data-testid="mcp-add">
          Add a server
        </button>
      )}
      {message && (
        <p className="form-error" role="alert">
          {message}
        </p>
      )}
      <ImportServers servers={servers} />
    </section>
  );
}
