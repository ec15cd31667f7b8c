/**
 * The drain (SPEC §4): every exit goes through here, once. Stop intake, tell the affected
 * conversations, mark running lanes resume pending (write-ahead), wait up to the budget, interrupt
 * what still runs, give it a grace period to record that, write the clean marker only if nothing
 * timed out, then hand the exit action to the app port. A watchdog ends the process regardless.
 */
import { exitActionFor, joinExit, resumeReasonForExit, type ExitAction, type ExitReason } from '../../../shared/lifecycle.ts';
import type { Gateway } from '../gateway/gateway.ts';
import type { TurnEnd } from '../gateway/turn-registry.ts';
import type { AppPort } from '../ports.ts';
import type { LaneRecord } from '../sessions/lane-record.ts';
import type { SessionStore } from '../sessions/store.ts';
import type { CleanExitMarker } from './clean-exit-marker.ts';
import { globalDrainBanner, laneDrainBanner } from './drain-banners.ts';
import { drainBudgetMs, graceMs, WATCHDOG_MARGIN_MS, type DrainSettings } from './drain-budget.ts';

export interface DrainResult {
  /** The reason that decided the marks and the exit (an `update` joining a `quit` wins, L13). */
  reason: ExitReason;
  action: ExitAction;
  timedOut: boolean;
  /** Lanes marked resume pending before the wait (L9). */
  markedAhead: string[];
  /** Lanes still running at the deadline: marked, then interrupted (L11). */
  interrupted: string[];
  cleanMarkerWritten: boolean;
}

export interface DrainCoordinatorOptions {
  gateway: Gateway;
  store: SessionStore;
  settings: () => DrainSettings;
  marker: CleanExitMarker;
  app: AppPort;
  version?: string;
  now?: () => number;
  watchdogMarginMs?: number;
  log?: (message: string) => void;
}

type MarkState = Pick<LaneRecord, 'resumePending' | 'resumeReason' | 'lastResumeMarkedAt'>;

interface ActiveDrain {
  promise: Promise<DrainResult>;
  reason: ExitReason;
  action: ExitAction;
  deadline: number;
  graceMs: number;
  /** Wakes the wait so it re-reads a deadline that a joining trigger shortened. */
  wake: () => void;
  /** Set at the deadline: the lanes marked and interrupted (L11). */
  interrupted: string[] | null;
}

export class DrainCoordinator {
  private readonly options: DrainCoordinatorOptions;
  private readonly now: () => number;
  private active: ActiveDrain | null = null;
  private watchdog: NodeJS.Timeout | null = null;

  constructor(options: DrainCoordinatorOptions) {
    this.options = options;
    this.now = options.now ?? Date.now;
  }

  get draining(): boolean {
    return this.active !== null;
  }

  /** Starts the drain, or joins the one under way: one drain, one exit action (SPEC §4). */
  request(reason: ExitReason): Promise<DrainResult> {
    if (this.active) {
      this.join(this.active, reason);
      return this.active.promise;
    }
    const settings = this.options.settings();
    const budget = drainBudgetMs(reason, settings);
    const drain: ActiveDrain = {
      promise: Promise.resolve(null as unknown as DrainResult),
      reason,
      action: exitActionFor(reason),
      deadline: this.now() + budget,
      graceMs: graceMs(settings, reason),
      wake: () => {},
      interrupted: null,
    };
    this.active = drain;
    drain.promise = this.run(drain, budget);
    return drain.promise;
  }

  /** Clears the watchdog; for tests and for hosts that outlive a drain. */
  dispose(): void {
    if (this.watchdog) clearTimeout(this.watchdog);
    this.watchdog = null;
  }

  private join(drain: ActiveDrain, reason: ExitReason): void {
    // One rule for which exit wins (shared/lifecycle.ts joinExit): an update upgrades a quit or a
    // restart (L13); a later quit or the OS going down cancels a pending relaunch.
    const joined = joinExit(drain.reason, reason);
    if (joined !== drain.reason) {
      const resumeReason = resumeReasonForExit(joined);
      const remark = resumeReason !== resumeReasonForExit(drain.reason);
      drain.reason = joined;
      drain.action = exitActionFor(joined);
      // Joined after the deadline: the lanes already marked now say why Baton really exits (L9).
      const marked = drain.interrupted;
      if (remark && marked && marked.length > 0) {
        this.safely('joined marks', () => this.options.store.markManyResumePending(marked, resumeReason), []);
      }
    }
    // An OS shutdown arriving mid-drain cannot wait longer than its own short budget and grace.
    const settings = this.options.settings();
    const budget = drainBudgetMs(reason, settings);
    const grace = graceMs(settings, reason);
    const shorterGrace = grace < drain.graceMs;
    if (shorterGrace) drain.graceMs = grace;
    if (this.now() + budget < drain.deadline) {
      drain.deadline = this.now() + budget;
      this.armWatchdog(drain);
      drain.wake();
    } else if (shorterGrace) {
      this.armWatchdog(drain);
      drain.wake();
    }
  }

  private armWatchdog(drain: ActiveDrain): void {
    if (this.watchdog) clearTimeout(this.watchdog);
    const margin = this.options.watchdogMarginMs ?? WATCHDOG_MARGIN_MS;
    const fireAt = drain.deadline + drain.graceMs + margin;
    this.watchdog = setTimeout(() => {
      this.log('Drain watchdog fired: forcing exit.');
      this.options.app.forceExit(drain.action);
    }, Math.max(0, fireAt - this.now()));
    this.watchdog.unref();
  }

  private async run(drain: ActiveDrain, budget: number): Promise<DrainResult> {
    const { gateway, store } = this.options;
    // L7: from the first instant no new turn starts.
    gateway.closeIntake();
    this.armWatchdog(drain);

    const running = gateway.runningLanes();
    // L8: banners first, but a failure to deliver one never blocks the exit (the gateway swallows it).
    gateway.banner(globalDrainBanner(drain.reason, drain.deadline, budget, running.length));
    for (const laneKey of running) gateway.banner(laneDrainBanner(laneKey, drain.reason, drain.deadline, budget));

    // L9: write ahead, in one transaction, so a hard kill during the wait loses nothing.
    const before = new Map<string, MarkState>();
    for (const laneKey of running) {
      const lane = this.safely('read marks', () => store.getLane(laneKey), null);
      if (lane) before.set(laneKey, { resumePending: lane.resumePending, resumeReason: lane.resumeReason, lastResumeMarkedAt: lane.lastResumeMarkedAt });
    }
    const markedAhead = this.safely('write-ahead marks', () => store.markManyResumePending(running, resumeReasonForExit(drain.reason)), []);

    // L10: a turn that completes during the wait had its mark cleared by the store (L22); one
    // that failed or was stopped by the user was not interrupted by this exit, so its earlier
    // mark state comes back.
    let deadlinePassed = false;
    const stopWatching = gateway.onTurnEnded((end: TurnEnd) => {
      const previous = before.get(end.laneKey);
      if (!previous || deadlinePassed || end.outcome === 'completed') return;
      this.safely('mark restore', () => store.restoreMark(end.laneKey, previous), undefined);
    });

    await this.waitForNoRunningTurns(drain, () => drain.deadline);
    deadlinePassed = true;

    // L11: what still runs now, read from the live registry, keeps a refreshed mark and is interrupted.
    const interrupted = gateway.runningLanes();
    drain.interrupted = interrupted;
    if (interrupted.length > 0) {
      const resumeReason = resumeReasonForExit(drain.reason);
      this.safely('deadline marks', () => store.markManyResumePending(interrupted, resumeReason), []);
      gateway.interruptNow(interrupted, resumeReason);
      const graceStart = this.now();
      // Re-read: an OS shutdown joining during the grace shortens it.
      await this.waitForNoRunningTurns(drain, () => graceStart + drain.graceMs);
    }
    stopWatching();

    // L12: the clean marker only when nothing timed out. R2: never over a store found damaged,
    // so the next launch checks the file instead of trusting it.
    const timedOut = interrupted.length > 0;
    let cleanMarkerWritten = false;
    if (!timedOut && !store.damaged) {
      cleanMarkerWritten = this.safely(
        'clean-exit marker',
        () => {
          this.options.marker.write({ reason: drain.reason, at: this.now(), version: this.options.version ?? '0.0.0' });
          return true;
        },
        false,
      );
    }
    // A turn that still completed within the grace period cleared its own mark (L22); the result
    // reports the lanes that really stay marked, so marked and interrupted stay the same set.
    const stillMarked = interrupted.filter((laneKey) => this.safely('mark check', () => store.getLane(laneKey)?.resumePending ?? false, true));
    const result: DrainResult = { reason: drain.reason, action: drain.action, timedOut, markedAhead, interrupted: stillMarked, cleanMarkerWritten };
    // L13: the exit action follows the drain.
    try {
      await this.options.app.performExit(drain.action);
    } catch (error) {
      this.log(`Exit action ${drain.action} failed: ${(error as Error).message}; forcing exit.`);
      this.options.app.forceExit(drain.action);
    }
    return result;
  }

  /** Resolves when no turn runs, or when `until()` passes; `until` may move earlier mid-wait. */
  private waitForNoRunningTurns(drain: ActiveDrain, until: () => number): Promise<void> {
    const { gateway } = this.options;
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | null = null;
      let stop: () => void = () => {};
      const finish = () => {
        if (timer) clearTimeout(timer);
        stop();
        drain.wake = () => {};
        resolve();
      };
      const schedule = () => {
        if (timer) clearTimeout(timer);
        timer = setTimeout(finish, Math.max(0, until() - this.now()));
      };
      stop = gateway.onTurnEnded(() => {
        if (gateway.runningLanes().length === 0) finish();
      });
      drain.wake = schedule;
      if (gateway.runningLanes().length === 0) finish();
      else schedule();
    });
  }

  /** Store trouble (a full disk) must not stop the exit: the watchdog and the journal cover it. */
  private safely<T>(what: string, action: () => T, fallback: T): T {
    try {
      return action();
    } catch (error) {
      this.log(`Drain could not write ${what}: ${(error as Error).message}`);
      return fallback;
    }
  }

  private log(message: string): void {
    (this.options.log ?? ((m: string) => console.warn(m)))(message);
  }
}
