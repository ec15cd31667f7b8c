/**
 * Settings → Agent profiles (L34): named sets of instructions, provider and model, tools allowed,
 * approval policy, workspace folder and step limit. "Default" is the settings above it; the named
 * ones are added, edited and removed here (removing asks first) and picked per conversation in its
 * header. The whole list is saved through settings.set and checked by the gateway.
 */
import { useId, useState } from 'react';
import { BUILTIN_TOOL_NAMES, type AgentProfile } from '../../../shared/settings.ts';
import { emptyProfileForm, formFromProfile, profileFromForm, type ProfileForm } from '../lib/profile-form.ts';
import type { SettingsReply } from '../state/app-state.ts';
import { useAppState, useStore } from '../state/hooks.ts';
import { ApprovalSelect } from './ApprovalSelect.tsx';
import { FormFooter } from './FormFooter.tsx';

type Notice = { ok: boolean; message: string } | null;

export function ProfilesSettings({ view }: { view: SettingsReply }) {
  const store = useStore();
  const profiles = view.settings.profiles;
  const [editing, setEditing] = useState<string | 'new' | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [notice, setNotice] = useState<Notice>(null);

  const save = async (next: AgentProfile[], message: string): Promise<boolean> => {
    const outcome = await store.setSetting('profiles', next);
    setNotice(outcome.ok ? { ok: true, message } : { ok: false, message: outcome.message });
    return outcome.ok;
  };

  return (
    <section className="settings-section" aria-labelledby="profiles-heading" data-testid="profiles-settings">
      <h3 id="profiles-heading">Agent profiles</h3>
      <p className="field-hint">
        A conversation uses one profile, picked in its header. “Default” is the settings above; a named profile replaces what it sets and takes the rest from
        Default.
      </p>
      <ul className="provider-list">
        {profiles.map((profile) =>
          editing === profile.name ? (
            <li key={profile.name} className="provider">
              <ProfileEditor
                initial={formFromProfile(profile)}
                others={profiles.filter((p) => p.name !== profile.name).map((p) => p.name)}
                view={view}
                onCancel={() => setEditing(null)}
                onSave={async (saved) => {
                  if (await save(profiles.map((p) => (p.name === profile.name ? saved : p)), `Saved “${saved.name}”.`)) setEditing(null);
                }}
              />
            </li>
          ) : (
            <li key={profile.name} className="provider" data-testid="profile-entry" data-profile={profile.name}>
              <div>
                <strong>{profile.name}</strong>
                <div className="muted small">{describeProfile(profile)}</div>
              </div>
              {confirming === profile.name ? (
                <div className="provider-actions" role="group" aria-label={`Remove ${profile.name}?`}>
                  <span>Remove “{profile.name}”? Conversations using it will ask you to choose another profile.</span>
                  <button
                    type="button"
                    className="button danger"
                    onClick={() => void save(profiles.filter((p) => p.name !== profile.name), `Removed “${profile.name}”.`).then(() => setConfirming(null))}
                    data-testid="profile-remove-yes"
                  >
                    Remove
                  </button>
                  <button type="button" className="button" onClick={() => setConfirming(null)}>
                    Keep it
                  </button>
                </div>
              ) : (
                <div className="provider-actions">
                  <button type="button" className="button" aria-label={`Edit ${profile.name}`} onClick={() => setEditing(profile.name)} data-testid="profile-edit">
                    Edit
                  </button>
                  <button type="button" className="button danger" aria-label={`Remove ${profile.name}`} onClick={() => setConfirming(profile.name)} data-testid="profile-remove">
                    Remove
                  </button>
                </div>
              )}
            </li>
          ),
        )}
      </ul>
      {editing === 'new' ? (
        <ProfileEditor
          initial={emptyProfileForm()}
          others={profiles.map((p) => p.name)}
          view={view}
          onCancel={() => setEditing(null)}
          onSave={async (saved) => {
            if (await save([...profiles, saved], `Added “${saved.name}”.`)) setEditing(null);
          }}
        />
      ) : (
        <button type="button" className="button" onClick={() => setEditing('new')} data-testid="profile-add">
          Add a profile
        </button>
      )}
      {notice && (
        <p className={notice.ok ? 'form-ok' : 'form-error'} role={notice.ok ? 'status' : 'alert'} data-testid="profiles-notice">
          {notice.message}
        </p>
      )}
    </section>
  );
}

function describeProfile(profile: AgentProfile): string {
  const parts = [
    profile.provider ? `${profile.provider}${profile.model ? ` · ${profile.model}` : ''}` : 'the conversation’s model',
    profile.tools ? `tools: ${profile.tools.join(', ') || 'none'}` : 'all tools',
    profile.maxSteps ? `${profile.maxSteps} steps` : null,
    profile.workspaceDir,
  ];
  return parts.filter((part): part is string => part !== null).join(' · ');
}

function ProfileEditor(props: { initial: ProfileForm; others: string[]; view: SettingsReply; onSave: (profile: AgentProfile) => Promise<void>; onCancel: () => void }) {
  const { initial, others, view, onSave, onCancel } = props;
  const id = useId();
  const [form, setForm] = useState(initial);
  const [problem, setProblem] = useState<string | null>(null);
  const mcpServers = useAppState((state) => state.mcpServers);
  const mcpTools = (mcpServers ?? []).flatMap((server) => server.tools.map((tool) => tool.name));
  const toolNames = [...BUILTIN_TOOL_NAMES, ...mcpTools, ...form.tools.filter((t) => !(BUILTIN_TOOL_NAMES as readonly string[]).includes(t) && !mcpTools.includes(t))];
  const set = <K extends keyof ProfileForm>(key: K, value: ProfileForm[K]) => setForm((was) => ({ ...was, [key]: value }));

  return (
    <form
      className="profile-editor"
      aria-label={initial.name ? `Edit profile ${initial.name}` : 'New profile'}
      data-testid="profile-editor"
      onSubmit={(event) => {
        event.preventDefault();
        const checked = profileFromForm(form, others);
        if (!checked.ok) {
          setProblem(checked.message);
          return;
        }
        setProblem(null);
        void onSave(checked.profile);
      }}
    >
      <div className="field">
        <label htmlFor={`${id}-name`}>Name</label>
        <input id={`${id}-name`} value={form.name} onChange={(event) => set('name', event.target.value)} data-testid="profile-name" autoComplete="off" />
      </div>
      <div className="field">
        <label htmlFor={`${id}-instructions`}>Instructions (empty: Default’s)</label>
        <textarea id={`${id}-instructions`} rows={3} value={form.instructions} onChange={(event) => set('instructions', event.target.value)} data-testid="profile-instructions" />
      </div>
      <div className="field">
        <label htmlFor={`${id}-provider`}>Provider</label>
        <select id={`${id}-provider`} value={form.provider} onChange={(event) => set('provider', event.target.value)} data-testid="profile-provider">
          <option value="">Keep the conversation’s</option>
          {view.providers.map((p) => (
            <option key={p.name} value={p.name}>
              {p.name}
            </option>
          ))}
          {form.provider !== '' && !view.providers.some((p) => p.name === form.provider) && <option value={form.provider}>{form.provider} (removed)</option>}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-model`}>Model (empty: the provider’s)</label>
        <input id={`${id}-model`} value={form.model} onChange={(event) => set('model', event.target.value)} data-testid="profile-model" autoComplete="off" spellCheck={false} />
      </div>
      <fieldset className="field">
        <legend>Tools</legend>
        <label>
          <input type="checkbox" checked={form.limitTools} onChange={(event) => set('limitTools', event.target.checked)} data-testid="profile-limit-tools" /> Only the tools ticked
          below
        </label>
        <table className="approval-table">
          <tbody>
            {toolNames.map((tool) => (
              <tr key={tool}>
                <th scope="row">
                  <label>
                    <input
                      type="checkbox"
                      disabled={!form.limitTools}
                      checked={!form.limitTools || form.tools.includes(tool)}
                      onChange={(event) => set('tools', event.target.checked ? [...form.tools, tool] : form.tools.filter((t) => t !== tool))}
                      data-testid={`profile-tool-${tool}`}
                    />{' '}
                    <code>{tool}</code>
                  </label>
                </th>
                <td>
                  <ApprovalSelect tool={tool} approval={form.toolApproval} onChange={(next) => set('toolApproval', next)} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </fieldset>
      <div className="field">
        <label htmlFor={`${id}-workspace`}>Workspace folder (empty: Default’s)</label>
        <input id={`${id}-workspace`} value={form.workspaceDir} placeholder="/home/you/project" onChange={(event) => set('workspaceDir', event.target.value)} data-testid="profile-workspace" autoComplete="off" />
      </div>
      <div className="field">
        <label htmlFor={`${id}-steps`}>Step limit (empty: Default’s)</label>
        <input id={`${id}-steps`} type="number" min={1} max={500} value={form.maxSteps} onChange={(event) => set('maxSteps', event.target.value)} data-testid="profile-steps" />
      </div>
      <FormFooter problem={problem} saveLabel="Save profile" saveTestId="profile-save" onCancel={onCancel} />
    </form>
  );
}
