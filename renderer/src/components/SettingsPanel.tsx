/**
 * Settings, as a modal dialog. Each control saves on its own through settings.set; the gateway
 * validates the value and its words are shown next to the control when it refuses one.
 */
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import {
  BUILTIN_TOOL_NAMES,
  type SettingKey,
  type SettingsView,
  type SettingValue,
  type ShellSandboxMode,
  type Theme,
} from '../../../shared/settings.ts';
import type { BusyInputMode } from '../../../shared/lifecycle.ts';
import { parseNumberField } from '../lib/settings-form.ts';
import { ApprovalSelect } from './ApprovalSelect.tsx';
import { useAppState, useStore } from '../state/hooks.ts';
import { ProvidersSettings } from './ProvidersSettings.tsx';
import { McpSettings } from './McpSettings.tsx';
import { BackupsSettings } from './BackupsSettings.tsx';
import { ModelPricesSettings } from './ModelPricesSettings.tsx';
import { ProfilesSettings } from './ProfilesSettings.tsx';

type SaveState = { kind: 'idle' } | { kind: 'saved' } | { kind: 'error'; message: string };

/** Saves one setting and remembers how that went, for the row's status line. */
function useSave(): [SaveState, <K extends SettingKey>(key: K, value: SettingValue<K>) => Promise<void>] {
  const store = useStore();
  const [state, setState] = useState<SaveState>({ kind: 'idle' });
  const save = async <K extends SettingKey>(key: K, value: SettingValue<K>) => {
    const outcome = await store.setSetting(key, value);
    setState(outcome.ok ? { kind: 'saved' } : { kind: 'error', message: outcome.message });
  };
  return [state, save];
}

function Row({ id, label, hint, state, children }: { id: string; label: string; hint?: string; state: SaveState; children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {hint && <p className="field-hint">{hint}</p>}
      {state.kind === 'error' && (
        <p className="form-error" role="alert">
          {state.message}
        </p>
      )}
      {state.kind === 'saved' && (
        <p className="form-ok" role="status">
          Saved.
        </p>
      )}
    </div>
  );
}

type NumberKey = { [K in SettingKey]: SettingsView[K] extends number ? K : never }[SettingKey];

function NumberSetting({ settingKey, label, hint, value, min }: { settingKey: NumberKey; label: string; hint: string; value: number; min: number }) {
  const id = useId();
  const [text, setText] = useState(String(value));
  const [state, save] = useSave();
  const [local, setLocal] = useState<SaveState | null>(null);
  useEffect(() => setText(String(value)), [value]);
  const commit = () => {
    const parsed = parseNumberField(text);
    if (parsed === null) {
      setLocal({ kind: 'error', message: 'Enter a number.' });
      return;
    }
    setLocal(null);
    if (parsed !== value) void save(settingKey, parsed);
  };
  return (
    <Row id={id} label={label} hint={hint} state={local ?? state}>
      <input
        id={id}
        type="number"
        min={min}
        value={text}
        onChange={(event) => setText(event.target.value)}
        onBlur={commit}
        onKeyDown={(event) => {
          if (event.key === 'Enter') {
            event.preventDefault();
            commit();
          }
        }}
        data-testid={`setting-${settingKey}`}
      />
    </Row>
  );
}

type BooleanKey = { [K in SettingKey]: SettingsView[K] extends boolean ? K : never }[SettingKey];

function CheckboxSetting({ settingKey, label, hint, value }: { settingKey: BooleanKey; label: string; hint?: string; value: boolean }) {
  const id = useId();
  const [state, save] = useSave();
  return (
    <Row id={id} label={label} state={state} {...(hint ? { hint } : {})}>
      <input id={id} type="checkbox" checked={value} onChange={(event) => void save(settingKey, event.target.checked)} data-testid={`setting-${settingKey}`} />
    </Row>
  );
}

/**
 * Settings → Agent (L34: the Default profile): instructions, step limit and the shell sandbox,
 * each saved through settings.set and checked by the gateway with the key's own rule.
 */
function AgentDefaults({ settings }: { settings: SettingsView }) {
  const promptId = useId();
  const sandboxId = useId();
  const [promptState, savePrompt] = useSave();
  const [sandboxState, saveSandbox] = useSave();
  const stored = settings.systemPrompt ?? '';
  const [prompt, setPrompt] = useState(stored);
  useEffect(() => setPrompt(stored), [stored]);
  const commitPrompt = () => {
    const value = prompt.trim() === '' ? null : prompt;
    if (value !== settings.systemPrompt) void savePrompt('systemPrompt', value);
  };
  return (
    <section className="settings-section" aria-labelledby={`${promptId}-heading`}>
      <h3 id={`${promptId}-heading`}>Agent (the Default profile)</h3>
      <Row id={promptId} label="Instructions (system prompt)" hint="Placed after Baton’s own instructions, for every conversation on the Default profile. Saved when you leave the field." state={promptState}>
        <textarea id={promptId} rows={4} value={prompt} onChange={(event) => setPrompt(event.target.value)} onBlur={commitPrompt} data-testid="setting-systemPrompt" />
      </Row>
      <NumberSetting settingKey="maxSteps" label="Step limit" hint="Model calls one turn may make before it stops as failed (1 to 500)." value={settings.maxSteps} min={1} />
      <Row id={sandboxId} label="Shell sandbox" state={sandboxState} hint="Auto: commands run in a bubblewrap sandbox where the OS offers one. Off: with your full access.">
        <select id={sandboxId} value={settings.shellSandbox} onChange={(event) => void saveSandbox('shellSandbox', event.target.value as ShellSandboxMode)} data-testid="setting-shellSandbox">
          <option value="auto">Auto</option>
          <option value="off">Off</option>
        </select>
      </Row>
    </section>
  );
}

function GeneralSettings({ settings }: { settings: SettingsView }) {
  const autoResumeId = useId();
  const busyId = useId();
  const themeId = useId();
  const workspaceId = useId();
  const [autoResumeState, saveAutoResume] = useSave();
  const [busyState, saveBusy] = useSave();
  const [themeState, saveTheme] = useSave();
  const [workspaceState, saveWorkspace] = useSave();
  const storedWorkspace = settings.workspaceDir ?? '';
  const [workspace, setWorkspace] = useState(storedWorkspace);
  useEffect(() => setWorkspace(storedWorkspace), [storedWorkspace]);
  const commitWorkspace = () => {
    const value = workspace.trim() === '' ? null : workspace.trim();
    if (value !== (storedWorkspace === '' ? null : storedWorkspace)) void saveWorkspace('workspaceDir', value);
  };

  return (
    <section className="settings-section" aria-labelledby={`${themeId}-heading`}>
      <h3 id={`${themeId}-heading`}>Restarts and resuming</h3>
      <NumberSetting
        settingKey="drainTimeoutSeconds"
        label="Drain timeout (seconds)"
        hint="How long quitting, restarting or updating waits for running turns. 0 interrupts at once."
        value={settings.drainTimeoutSeconds}
        min={0}
      />
      <Row id={autoResumeId} label="Resume interrupted conversations at launch" state={autoResumeState} hint="Only when nothing with side effects was in progress.">
        <input
          id={autoResumeId}
          type="checkbox"
          checked={settings.autoResume}
          onChange={(event) => void saveAutoResume('autoResume', event.target.checked)}
          data-testid="setting-autoResume"
        />
      </Row>
      <NumberSetting
        settingKey="resumeFreshnessHours"
        label="Freshness limit (hours)"
        hint="Older interruptions are offered, not resumed automatically."
        value={settings.resumeFreshnessHours}
        min={0}
      />
      <NumberSetting
        settingKey="graceSeconds"
        label="Grace period (seconds)"
        hint="After interrupting, how long turns get to record the interruption."
        value={settings.graceSeconds}
        min={0}
      />
      <NumberSetting
        settingKey="osShutdownBudgetSeconds"
        label="Wait at OS shutdown (seconds)"
        hint="The shorter drain when the system logs off or shuts down, or a signal arrives."
        value={settings.osShutdownBudgetSeconds}
        min={0}
      />
      <NumberSetting
        settingKey="stuckLoopThreshold"
        label="Interruptions before a conversation is set aside"
        hint="Consecutive interrupted turns after which a conversation starts fresh (its session stays restorable)."
        value={settings.stuckLoopThreshold}
        min={1}
      />
      <CheckboxSetting
        settingKey="hideToTrayWhileRunning"
        label="Closing the window hides Baton while turns run"
        hint="The work goes on in the tray; quit from the tray to stop it."
        value={settings.hideToTrayWhileRunning}
      />
      <Row id={busyId} label="A message sent while a turn runs" state={busyState}>
        <select id={busyId} value={settings.busyInput} onChange={(event) => void saveBusy('busyInput', event.target.value as BusyInputMode)} data-testid="setting-busyInput">
          <option value="interrupt">Stops the running turn, then runs</option>
          <option value="queue">Waits for the running turn to finish</option>
        </select>
      </Row>
      <h3>Workspace and appearance</h3>
      <Row id={workspaceId} label="Workspace folder" hint="An absolute path the agent’s tools work in. Empty: a folder in Baton’s data directory." state={workspaceState}>
        <input
          id={workspaceId}
          value={workspace}
          placeholder="/home/you/projects"
          onChange={(event) => setWorkspace(event.target.value)}
          onBlur={commitWorkspace}
          onKeyDown={(event) => {
            if (event.key === 'Enter') {
              event.preventDefault();
              commitWorkspace();
            }
          }}
          data-testid="setting-workspaceDir"
          autoComplete="off"
        />
      </Row>
      <Row id={themeId} label="Theme" state={themeState}>
        <select id={themeId} value={settings.theme} onChange={(event) => void saveTheme('theme', event.target.value as Theme)} data-testid="setting-theme">
          <option value="system">Same as the system</option>
          <option value="light">Light</option>
          <option value="dark">Dark</option>
        </select>
      </Row>
    </section>
  );
}

function ToolApprovalSettings({ settings }: { settings: SettingsView }) {
  const [state, save] = useSave();
  const approval = settings.toolApproval;
  return (
    <section className="settings-section" aria-labelledby="tool-approval-heading">
      <h3 id="tool-approval-heading">Tool approval</h3>
      <p className="field-hint">Ask: Baton asks before the tool runs. Auto: it runs without asking. Default: tools that change things ask.</p>
      <table className="approval-table">
        <tbody>
          {BUILTIN_TOOL_NAMES.map((tool) => (
            <tr key={tool}>
              <th scope="row">
                <code>{tool}</code>
              </th>
              <td>
                <ApprovalSelect tool={tool} approval={approval} onChange={(next) => void save('toolApproval', next)} testId={`approval-${tool}`} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {state.kind === 'error' && (
        <p className="form-error" role="alert">
          {state.message}
        </p>
      )}
    </section>
  );
}

export function SettingsPanel({ onClose }: { onClose: () => void }) {
  const view = useAppState((state) => state.settings);
  const dialogRef = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = dialogRef.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog ref={dialogRef} className="settings-panel" aria-labelledby="settings-title" onClose={onClose} data-testid="settings-panel">
      <header className="settings-head">
        <h2 id="settings-title">Settings</h2>
        <button type="button" className="icon-button" aria-label="Close settings" onClick={onClose} data-testid="settings-close">
          ×
        </button>
      </header>
      {!view ? (
        <p role="status">Loading settings…</p>
      ) : (
        <div className="settings-body">
          <ProvidersSettings view={view} />
          <GeneralSettings settings={view.settings} />
          <AgentDefaults settings={view.settings} />
          <ProfilesSettings view={view} />
          <ToolApprovalSettings settings={view.settings} />
          <McpSettings settings={view.settings} />
          <BackupsSettings />
          <ModelPricesSettings settings={view.settings} />
        </div>
      )}
    </dialog>
  );
}
