/**
 * Assembles the core in the order SPEC §5 asks for; both composition roots (desktop shell and
 * headless host) and the integration tests start Baton through this one function.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ExitReason } from '../../shared/lifecycle.ts';
import type { AgentFactory } from './agent/agent.ts';
import { Gateway, type GatewaySettings } from './gateway/gateway.ts';
import { CleanExitMarker, type CleanExitRecord } from './lifecycle/clean-exit-marker.ts';
import { DrainCoordinator, type DrainResult } from './lifecycle/drain-coordinator.ts';
import type { DrainSettings } from './lifecycle/drain-budget.ts';
import { recoverAtStartup, type StartupReport, type StartupSettings } from './lifecycle/startup-recovery.ts';
import type { AppPort, GatewayEventSink } from './ports.ts';
import { startBackgroundIntegrityCheck, type BackgroundIntegrityCheck } from './sessions/background-integrity.ts';
import { SessionStore, STORE_FILE } from './sessions/store.ts';
import { BackupManager } from './sessions/backups.ts';
import { applyPendingRestore, type RestoreOutcome } from './sessions/restore-pending.ts';
import { defaultLog, type Log } from '../../shared/log.ts';
import { describeError } from '../../shared/errors.ts';

const BACKUP_CHECK_INTERVAL_MS = 60 * 60 * 1000;

export type CoreSettings = GatewaySettings & DrainSettings & StartupSettings;

export interface BatonCoreOptions {
  dataDir: string;
  agents: AgentFactory;
  settings: () => CoreSettings;
  app: AppPort;
  events?: GatewayEventSink;
  version?: string;
  now?: () => number;
  log?: Log;
  /**
   * Where `/restart` typed in a conversation goes: the composition root's one exit route, the same
   * as for its signals, tray and window (issue 9: one route for every exit). The desktop shell
   * makes it the update route when an update is downloaded (L37); the headless host exits 75.
   */
  requestRestart: () => void;
}

export interface BatonCore {
  store: SessionStore;
  gateway: Gateway;
  drain: DrainCoordinator;
  /** How the previous run ended: its clean marker, or null after a crash, kill or timed-out drain. */
  previousExit: CleanExitRecord | null;
  /** L29: the version that ran before this one when it differs (an update was installed), else null. */
  updatedFrom: string | null;
  startup: StartupReport;
  /** L14: the background check of the file after an unclean exit (issue 13), or null when none runs. */
  integrityCheck: BackgroundIntegrityCheck | null;
  /** Issue 11 (L36): the backup restore this start carried out or refused, or null when none was pending. */
  restore: RestoreOutcome | null;
  /**
   * Starts the drain, or joins the one under way (joinExit). Composition roots reach it only from
   * their own `requestExit`, through GatewayRuntime.drain, so their phase and exit code follow.
   */
  requestExit(reason: ExitReason): Promise<DrainResult>;
  /** Closes the store; call after the drain, right before the process exits. */
  close(): void;
}

export async function openBatonCore(options: BatonCoreOptions): Promise<BatonCore> {
  const marker = new CleanExitMarker(options.dataDir);
  // L14: consume the marker first; without it the last run was not provably clean, so check the file:
  // in the background (issue 13), before any backup or clean marker; before a migration at once.
  const previousExit = marker.consume();
  // L36/R2: a restore asked for before the restart replaces the store before it is opened.
  const restore = await applyPendingRestore({ dataDir: options.dataDir, backups: new BackupManager(path.join(options.dataDir, 'backups')), log: options.log ?? defaultLog, ...(options.now ? { now: options.now } : {}) });
  const created = !fs.existsSync(path.join(options.dataDir, STORE_FILE));
  const store = await SessionStore.open({ dataDir: options.dataDir, verifyIntegrity: previousExit === null && 'before-migration', ...(options.now ? { now: options.now } : {}) });
  const integrity = previousExit === null && !created ? startBackgroundIntegrityCheck(store, options.log) : null;
  const lastRun = options.version ? store.swapLastRunVersion(options.version) : null;
  const updatedFrom = lastRun !== null && lastRun !== options.version ? lastRun : null;
  const gateway = new Gateway({
    store,
    agents: options.agents,
    settings: options.settings,
    ...(options.events ? { events: options.events } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.log ? { log: options.log } : {}),
    requestRestart: options.requestRestart,
    // Issue 11: attached files go where the agents work; an agent factory without a workspace uses the default one.
    workspaceDir: () => options.agents.workspaceDir?.() ?? path.join(options.dataDir, 'workspace'),
  });
  const drain = new DrainCoordinator({
    gateway,
    store,
    settings: options.settings,
    marker: integrity?.guardMarker(marker) ?? marker,
    app: options.app,
    ...(options.version ? { version: options.version } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
  // R2: damage found at a read or write after open stops every write (the store refuses them);
  // say so once, loudly, with the file and the newest backup.
  store.onDamaged((error) => (options.log ?? defaultLog)(error.message));
  // L34: conversations from before models were per conversation keep the default of this launch from now on.
  // Like the trash purge, a refused write here must not keep Baton from starting: a lane without a model takes one at its first turn.
  try {
    gateway.assignDefaultModels();
  } catch (error) {
    (options.log ?? defaultLog)(`Could not give older conversations the default model: ${describeError(error)}`);
  }
  const startup = recoverAtStartup({ store, gateway, settings: options.settings(), ...(options.now ? { now: options.now } : {}) });
  // R2: at least one backup per day of use, also for an app that stays open for weeks.
  // No backup before the check has found the file sound: a backup must never copy damage over good ones.
  const backupIfDue = () => {
    if (integrity && !integrity.verified) return;
    void store.backupIfDue().catch((error: Error) => (options.log ?? defaultLog)(`Daily backup failed: ${error.message}`));
  };
  // Issue 11 (L35): conversations 30 days in the trash are purged, at startup and then hourly. Like
  // any other write it does not wait for the background check (a damaged store refuses writes).
  const purgeTrash = () => {
    gateway.purgeTrash().catch((error: unknown) => (options.log ?? defaultLog)(`Emptying the trash failed: ${describeError(error)}`));
  };
  purgeTrash();
  if (integrity) void integrity.result.then((result) => result === 'sound' && backupIfDue());
  else backupIfDue();
  const backupTimer = setInterval(() => {
    backupIfDue();
    purgeTrash();
  }, BACKUP_CHECK_INTERVAL_MS);
  backupTimer.unref();
  return {
    store,
    gateway,
    drain,
    previousExit,
    updatedFrom,
    startup,
    integrityCheck: integrity,
    restore,
    requestExit: (reason) => drain.request(reason),
    close: () => {
      clearInterval(backupTimer);
      drain.dispose();
      gateway.dispose();
      integrity?.stop();
      store.close();
    },
  };
}
