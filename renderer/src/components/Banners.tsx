/**
 * The banners around restarts (L8, L20, L25, L29) and the connection. Global ones sit above the
 * whole window; lane ones sit at the top of their conversation.
 */
import { useState } from 'react';
import type { LaneStatus } from '../../../shared/gateway-events.ts';
import { conditionSentence, drainTurns, laneCondition, RELAUNCH_ITEM_WORDS, relaunchSummary, stillToDecide } from '../../../shared/lane-condition.ts';
import { describeExitInProgress } from '../../../shared/lifecycle.ts';
import { formatCountdown } from '../lib/time-format.ts';
import { laneLabel, relaunchBannerKey, sessionResetView } from '../state/app-state.ts';
import { useAppState, useNow, useStore } from '../state/hooks.ts';

const RECONNECTED_VISIBLE_MS = 4000;

export function ConnectionStatus() {
  const connection = useAppState((state) => state.connection);
  const now = useNow(1000, connection.reconnectedAt !== null);
  const recentlyReconnected = connection.state === 'open' && connection.reconnectedAt !== null && now - connection.reconnectedAt < RECONNECTED_VISIBLE_MS;
  let text: string;
  if (connection.state === 'open') text = recentlyReconnected ? 'Reconnected.' : '';
  else if (connection.state === 'closed') text = 'Disconnected from Baton.';
  else if (connection.lostBecause === 'quit') text = 'Baton has quit. This window reconnects when Baton is started again; what you type is kept until then.';
  else if (connection.lostBecause === 'crash') text = 'Baton stopped unexpectedly — reconnecting… What you type is kept until it is back.';
  else if (connection.lostBecause === 'restart') text = 'Baton is restarting — reconnecting…';
  else text = connection.everOpened ? 'Reconnecting…' : 'Connecting to Baton…';
  const shown = text !== '';
  return (
    <div
      className={`banner banner-connection${shown ? '' : ' visually-hidden'} state-${connection.state}`}
      data-testid="connection-status"
      data-state={recentlyReconnected ? 'reconnected' : connection.state}
      data-lost={connection.lostBecause ?? undefined}
      role="status"
    >
      {shown ? text : 'Connected.'}
    </div>
  );
}

export function GlobalDrainBanner() {
  const drain = useAppState((state) => state.banners.globalDrain);
  const now = useNow(250, drain !== null);
  if (!drain) return null;
  const left = drain.deadline - now;
  return (
    <div className="banner banner-drain" data-testid="banner-drain" role="status">
      <span className="banner-text">{drain.text || `Baton is ${describeExitInProgress(drain.reason)}.`}</span>
      {drain.runningCount > 0 && (
        <span className="banner-detail">
          {drainTurns(drain.runningCount, drain.awaitingCount)} ·{' '}
          <span role="timer" aria-live="off" aria-label="Time left" data-testid="drain-countdown">
            {left > 0 ? formatCountdown(left) : 'interrupting now'}
          </span>
        </span>
      )}
    </div>
  );
}

export function UpdateBanner() {
  const update = useAppState((state) => state.update);
  const store = useStore();
  const [busy, setBusy] = useState(false);
  if (!update) return null;
  if (update.state === 'ready') {
    return (
      <div className="banner banner-update" data-testid="banner-update" role="status">
        <span className="banner-text">Update {update.version ? `v${update.version} ` : ''}ready — running turns are drained first and resumed afterwards.</span>
        <button
          type="button"
          className="button primary"
          data-testid="update-restart-button"
          disabled={busy}
          onClick={() => {
            setBusy(true);
            void store.restartApp().finally(() => setBusy(false));
          }}
        >
          Restart to update
        </button>
      </div>
    );
  }
  if (update.state === 'downloading') {
    const percent = update.progress === null ? null : Math.round(update.progress * 100);
    return (
      <div className="banner banner-update quiet" data-testid="banner-update" role="status">
        Downloading update{update.version ? ` v${update.version}` : ''}{percent === null ? '…' : ` — ${percent}%`}
      </div>
    );
  }
  if (update.state === 'installing') {
    return (
      <div className="banner banner-update" data-testid="banner-update" role="status">
        Installing the update…
      </div>
    );
  }
  if (update.state === 'error' && update.error) {
    return (
      <div className="banner banner-update quiet" data-testid="banner-update" role="status">
        The update could not be installed: {update.error}
      </div>
    );
  }
  return null;
}

/**
 * L29, issue 10: what the relaunch did — "2 conversations resumed · 1 needs your decision." — each
 * conversation named and one click away. A dismissal sticks for this relaunch, across reloads.
 */
export function StartupBanner() {
  const app = useAppState((state) => state.app);
  const dismissed = useAppState((state) => state.dismissed);
  const lanes = useAppState((state) => state.lanes);
  const previews = useAppState((state) => state.previews);
  const store = useStore();
  if (!app) return null;
  const { autoResumed } = app.startup;
  // A decision made since (Resume, Discard, Delete) takes its conversation off the banner.
  const awaitingUser = stillToDecide(app.startup.awaitingUser, lanes);
  // L29: the same sentence as the desktop notification.
  const summary = relaunchSummary({ updatedFrom: app.updatedFrom, version: app.version, resumed: autoResumed.length, needsDecision: awaitingUser.length });
  if (summary === null || dismissed.has(relaunchBannerKey(app.instanceId))) return null;
  const items = [
    ...awaitingUser.map((laneKey) => ({ laneKey, kind: 'decision' as const })),
    ...autoResumed.map((laneKey) => ({ laneKey, kind: 'resumed' as const })),
  ];
  return (
    <div className="banner banner-startup quiet" data-testid="banner-startup" role="status">
      <div className="banner-text">
        <span data-testid="relaunch-summary">{summary.text}</span>
        {items.length > 0 && (
          <ul className="relaunch-items">
            {items.map(({ laneKey, kind }) => {
              const lane = lanes.get(laneKey);
              return (
                <li key={`${kind}:${laneKey}`}>
                  {RELAUNCH_ITEM_WORDS[kind]}:{' '}
                  <button type="button" className="link-button" data-testid="relaunch-item" data-kind={kind} data-lane-key={laneKey} onClick={() => store.openLane(laneKey)}>
                    {lane ? laneLabel(lane, previews) : 'a conversation'}
                  </button>
                </li>
              );
            })}
          </ul>
        )}
      </div>
      <DismissButton onClick={() => store.dismissRelaunch()} label="Dismiss" />
    </div>
  );
}

export function SettingsNotices() {
  const settings = useAppState((state) => state.settings);
  const dismissed = useAppState((state) => state.dismissed);
  const store = useStore();
  if (!settings) return null;
  const lines = [...settings.notices, ...settings.warnings];
  const key = `settings:${lines.join('\n')}`;
  if (lines.length === 0 || dismissed.has(key)) return null;
  return (
    <div className="banner banner-settings quiet" data-testid="banner-settings" role="status">
      <ul className="banner-text">
        {lines.map((line, index) => (
          <li key={index}>{line}</li>
        ))}
      </ul>
      <DismissButton onClick={() => store.dismiss(key)} label="Dismiss settings notices" />
    </div>
  );
}

export function ErrorToasts() {
  const errors = useAppState((state) => state.errors);
  const store = useStore();
  return (
    <div className="toasts" role="alert" aria-live="assertive">
      {errors.map((error) => (
        <div key={error.id} className="toast" data-testid="app-error">
          <span>{error.message}</span>
          <DismissButton onClick={() => store.dismissError(error.id)} label="Dismiss error" />
        </div>
      ))}
    </div>
  );
}

function DismissButton({ onClick, label }: { onClick: () => void; label: string }) {
  return (
    <button type="button" className="icon-button" aria-label={label} title={label} onClick={onClick}>
      ×
    </button>
  );
}

/** The banners that belong to one conversation. */
export function LaneBanners({ lane }: { lane: LaneStatus }) {
  const store = useStore();
  const laneKey = lane.laneKey;
  const drain = useAppState((state) => state.banners.laneDrain.get(laneKey));
  const banners = useAppState((state) => state.banners);
  const transcript = useAppState((state) => state.transcript);
  const dismissed = useAppState((state) => state.dismissed);
  // L20, L16: the lane's condition, from its summary (the one route; see shared/lane-condition.ts).
  const condition = laneCondition(lane);
  const sentence = conditionSentence(lane);
  const reset = sessionResetView({ banners, transcript, dismissed }, laneKey);
  const connected = useAppState((state) => state.connection.state === 'open');
  const [acting, setBusy] = useState(false);
  // An action that cannot reach Baton is not offered as if it could.
  const busy = acting || !connected;
  const act = (action: () => Promise<void>) => {
    setBusy(true);
    void action().finally(() => setBusy(false));
  };
  return (
    <div className="lane-banners">
      {drain && (
        <div className="banner banner-drain-lane" data-testid="banner-drain-lane" role="status">
          {drain.text}
        </div>
      )}
      {condition === 'interrupted' && (
        <div className="banner banner-interrupted" data-testid="banner-interrupted" role="status">
          <span className="banner-text">{sentence}</span>
          <span className="banner-actions">
            <button type="button" className="button primary" data-testid="resume-button" disabled={busy} onClick={() => act(() => store.resumeAccept(laneKey))}>
              Resume
            </button>
            <button type="button" className="button" data-testid="discard-button" disabled={busy} onClick={() => act(() => store.resumeDiscard(laneKey))}>
              Discard
            </button>
          </span>
        </div>
      )}
      {condition === 'suspended' && (
        <div className="banner banner-suspended" data-testid="banner-suspended" role="status">
          {sentence}
        </div>
      )}
      {reset && (
        <div className="banner banner-session-reset" data-testid="banner-session-reset" role="status">
          <span className="banner-text">{reset.text || 'Session reset after repeated interruptions.'}</span>
          <span className="banner-actions">
            <button
              type="button"
              className="button primary"
              data-testid="restore-session-button"
              disabled={busy || lane.activity !== 'idle'}
              onClick={() => act(() => store.restoreSession(laneKey, reset.previousSessionId))}
            >
              Restore previous session
            </button>
            <DismissButton onClick={() => store.dismiss(reset.dismissKey)} label="Dismiss" />
          </span>
        </div>
      )}
    </div>
  );
}
