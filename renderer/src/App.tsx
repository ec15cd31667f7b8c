/** The window: global banners, the conversation list, the open conversation, settings. */
import { lazy, Suspense, useEffect, useState } from 'react';
import { DEFAULT_SETTINGS } from '../../shared/settings.ts';
import { useAppState, useStore } from './state/hooks.ts';
import { ConnectionStatus, ErrorToasts, GlobalDrainBanner, SettingsNotices, StartupBanner, UpdateBanner } from './components/Banners.tsx';
import { ConversationView } from './components/ConversationView.tsx';
import { useApprovalNotifications, useWindowTitle } from './components/NeedsYou.tsx';
import { RegionBoundary } from './components/ErrorBoundary.tsx';
import { needsProviderSetup } from './lib/provider-default.ts';
import { Sidebar } from './components/Sidebar.tsx';
import { useGlobalShortcuts } from './lib/shortcut-keys.ts';
import type { ShortcutId } from '../../shared/shortcuts.ts';

// Views a window may never open load when first opened (issue 13: the initial JS stays ≤ 150 kB gzip).
const SettingsPanel = lazy(() => import('./components/SettingsPanel.tsx').then((module) => ({ default: module.SettingsPanel })));
const ActivityView = lazy(() => import('./components/Activity.tsx').then((module) => ({ default: module.ActivityView })));
const ProviderSetup = lazy(() => import('./components/ProviderSetup.tsx').then((module) => ({ default: module.ProviderSetup })));
const ShortcutsHelp = lazy(() => import('./components/ShortcutsHelp.tsx').then((module) => ({ default: module.ShortcutsHelp })));

function Opening({ what }: { what: string }) {
  return (
    <p className="transcript-status" role="status">
      Opening {what}…
    </p>
  );
}

function useTheme(): void {
  const theme = useAppState((state) => state.settings?.settings.theme ?? DEFAULT_SETTINGS.theme);
  useEffect(() => {
    const root = document.documentElement;
    if (theme === 'system') delete root.dataset.theme;
    else root.dataset.theme = theme;
  }, [theme]);
}

function Welcome() {
  const store = useStore();
  const settings = useAppState((state) => state.settings);
  const connected = useAppState((state) => state.connection.state === 'open');
  const needsSetup = needsProviderSetup(settings);
  // The first-run form stays until its own save is over: the gateway shows the new provider to
  // every window before its key is stored (the keychain may take seconds), and a message sent in
  // that gap would reach the model without the key.
  const [setupOpen, setSetupOpen] = useState(needsSetup);
  useEffect(() => {
    if (needsSetup) setSetupOpen(true);
  }, [needsSetup]);
  if (needsSetup || setupOpen) {
    return (
      <div className="welcome">
        {/* Set up from elsewhere meanwhile (another window, config.json): this form may be left. */}
        <Suspense fallback={<Opening what="the provider setup" />}>
          <ProviderSetup firstRun onSaved={() => setSetupOpen(false)} {...(needsSetup ? {} : { onCancel: () => setSetupOpen(false) })} />
        </Suspense>
      </div>
    );
  }
  return (
    <div className="welcome">
      <h2>Welcome to Baton</h2>
      <p className="muted">Pick a conversation, or start a new one. Quitting, restarting or updating never loses a running turn.</p>
      <button type="button" className="button primary" disabled={!connected} onClick={() => void store.newChat()}>
        Start a new chat
      </button>
    </div>
  );
}

export function App() {
  const [settingsOpen, setSettingsOpen] = useState(false);
  // Issue 10: the activity view takes the main area until closed or a conversation is opened.
  const [activityOpen, setActivityOpen] = useState(false);
  const [helpOpen, setHelpOpen] = useState(false);
  const store = useStore();
  const openLaneKey = useAppState((state) => state.openLaneKey);
  useEffect(() => setActivityOpen(false), [openLaneKey]);
  const lane = useAppState((state) => (state.openLaneKey === null ? undefined : state.lanes.get(state.openLaneKey)));
  // Issue 11: the shortcut table (shared/shortcuts.ts), one listener for the whole window.
  useGlobalShortcuts((id: ShortcutId) => {
    switch (id) {
      case 'new-chat':
        void store.newChat();
        break;
      case 'search':
        if (store.getState().trash !== null) void store.showTrash(false);
        document.querySelector<HTMLInputElement>('[data-testid="search-input"]')?.focus();
        break;
      case 'settings':
        setSettingsOpen(true);
        break;
      case 'next-needs-you':
        store.openNextNeedingYou();
        break;
      case 'archive':
        if (lane) void store.archiveLane(lane.laneKey, (lane.archivedAt ?? null) === null);
        break;
      case 'shortcuts-help':
        setHelpOpen(true);
        break;
    }
  });
  useTheme();
  // L31: "Baton — 2 need you" in the title; a notification when one starts waiting in the background.
  useWindowTitle();
  useApprovalNotifications();

  // Each part of the shell has its own boundary (issue 14 item 3): one that throws shows a panel
  // with "Try again", and the sidebar, the open conversation and the composer keep working.
  return (
    <div className="app">
      <div className="global-banners" role="region" aria-label="Status">
        <RegionBoundary label="The status banners">
          <ConnectionStatus />
          <GlobalDrainBanner />
          <UpdateBanner />
          <StartupBanner />
          <SettingsNotices />
        </RegionBoundary>
      </div>
      <div className="layout">
        <RegionBoundary label="The conversation list">
          <Sidebar onOpenSettings={() => setSettingsOpen(true)} activityOpen={activityOpen} onToggleActivity={() => setActivityOpen((open) => !open)} />
        </RegionBoundary>
        <main className="main" aria-label="Conversation">
          <RegionBoundary label="The open conversation" resetKey={activityOpen ? 'activity' : openLaneKey}>
            {activityOpen ? (
              <Suspense fallback={<Opening what="the activity view" />}>
                <ActivityView onClose={() => setActivityOpen(false)} />
              </Suspense>
            ) : lane ? (
              <ConversationView key={lane.laneKey} lane={lane} />
            ) : openLaneKey !== null ? (
              <p className="transcript-status" role="status">
                Loading the conversation…
              </p>
            ) : (
              <Welcome />
            )}
          </RegionBoundary>
        </main>
      </div>
      <RegionBoundary label="The error notices">
        <ErrorToasts />
      </RegionBoundary>
      {helpOpen && (
        <Suspense fallback={null}>
          <ShortcutsHelp onClose={() => setHelpOpen(false)} />
        </Suspense>
      )}
      {settingsOpen && (
        <RegionBoundary label="Settings">
          <Suspense fallback={<Opening what="Settings" />}>
            <SettingsPanel onClose={() => setSettingsOpen(false)} />
          </Suspense>
        </RegionBoundary>
      )}
    </div>
  );
}
