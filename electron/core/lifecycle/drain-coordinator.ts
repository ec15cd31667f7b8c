/**
 * The drain (SPEC §4): every exit goes through here, once. Stop intake, tell the affected
 * conversations, mark running lanes resume pending (write-ahead), wait up to the budget, interrupt
 * what still runs, give it a grace period to record that, write the clean marker only if nothing
 * timed out, then hand the exit action to the app port. A watchdog ends the process regardless.
 */
import type { Banner } from '../../../shared/gateway-events.ts';
import { exitActionFor, joinExit, resumeReasonForExit, type ExitAction, type ExitReason, type ResumeReason } from '../../../shared/lifecycle.ts';
import type { TurnEnd } from '../gateway/turn-registry.ts';
import type { AppPort } from '../ports.ts';
import type { MarkState, WriteAhead } from '../sessions/resume-marks.ts';
import type { CleanExitMarker } from './clean-exit-marker.ts';
import { globalDrainBanner, laneDrainBanner } from './drain-banners.ts';
import { drainBudgetMs, graceMs, WATCHDOG_MARGIN_MS, type DrainSettings } from './drain-budget.ts';
import { defaultLog, type Log } from '../../../shared/log.ts';

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

/** What the drain needs of the gateway (L7, L8, L11); the Gateway is one. */
export interface DrainTarget {
  /** L7: from this instant no new turn starts. */
  closeIntake(): void;
  /** Lanes whose turn is running now (starting lanes excluded), read from the live registry. */
  runningLanes(): string[];
  /** L31: of these lanes, those blocked on a person's approval (waiting alone cannot finish them). */
  awaitingApproval(laneKeys: readonly string[]): string[];
  /** L8: delivering a banner never throws. */
  banner(banner: Banner): void;
  /** L11: abort the model streams and kill the tools of these lanes now. */
  interruptNow(laneKeys: readonly string[], reason: string): void;
  onTurnEnded(listener: (end: TurnEnd) => void): () => void;
}

/** The resume-mark transitions the drain uses (L9, L10, L11); the store's ResumeMarks has them. */
export interface DrainMarks {
  markAhead(laneKeys: readonly string[], reason: ResumeReason): WriteAhead;
  markAtDeadline(laneKeys: readonly string[], reason: ResumeReason): string[];
  restoreAfterNonExitEnd(laneKey: string, previous: MarkState): void;
  isPending(laneKey: string): boolean;
}

/** What the drain needs of the store: the marks, and whether the file was found damaged (R2). */
export interface DrainStore {
  readonly marks: DrainMarks;
  readonly damaged: Error | null;
}

export interface DrainCoordinatorOptions {
  gateway: DrainTarget;
  store: DrainStore;
  settings: () => DrainSettings;
  marker: CleanExitMarker;
  app: AppPort;
  version?: string;
  now?: () => number;
  watchdogMarginMs?: number;
  log?: Log;
}

interface ActiveDrain {
  /** `performance.now()` and the process's CPU use when the trigger arrived. */
  startedAt: number;
  startedCpu: NodeJS.CpuUsage;
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
      startedAt: performance.now(),
      startedCpu: process.cpuUsage(),
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
        this.safely('joined marks', () => this.options.store.marks.markAtDeadline(marked, resumeReason), []);
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
    // L9: write ahead, in one transaction, so a hard kill during the wait loses nothing. First,
    // before the banners (issue 13): with 1,000 running turns, sending their banners took longer
    // than the marks themselves, and a kill in that time would have lost every mark.
    const ahead = this.safely('write-ahead marks', () => store.marks.markAhead(running, resumeReasonForExit(drain.reason)), { marked: [], previous: new Map<string, MarkState>() });
    // Issue 13 (bench/drain.bench.ts reads it): the trigger is synchronous up to here, so this is trigger → marks committed.
    if (ahead.marked.length > 0) {
      // CPU beside wall time: on a loaded machine the wall time is mostly waiting for a core.
      const cpu = process.cpuUsage(drain.startedCpu);
      const count = `${ahead.marked.length} running turn${ahead.marked.length === 1 ? '' : 's'}`;
      this.log(`Write-ahead marks committed for ${count} in ${(performance.now() - drain.startedAt).toFixed(2)} ms (CPU ${((cpu.user + cpu.system) / 1000).toFixed(2)} ms).`);
    }

    // L8: a failure to deliver a banner never blocks the exit (the gateway swallows it).
    // L31: a turn blocked on an approval still gets the whole wait (the person may answer), but the
    // banners say so rather than promise it may finish by itself (docs/lane-condition.md).
    const awaiting = new Set(gateway.awaitingApproval(running));
    gateway.banner(globalDrainBanner(drain.reason, drain.deadline, budget, running.length, awaiting.size));
    for (const laneKey of running) gateway.banner(laneDrainBanner(laneKey, drain.reason, drain.deadline, budget, awaiting.has(laneKey)));

    // L10: a turn that completes during the wait had its mark cleared by the store (L22); one
    // that failed or was stopped by the user was not interrupted by this exit, so its earlier
    // mark state comes back.
    let deadlinePassed = false;
    const stopWatching = gateway.onTurnEnded((end: TurnEnd) => {
      const previous = ahead.previous.get(end.laneKey);
      if (!previous || deadlinePassed || end.outcome === 'completed') return;
      this.safely('mark restore', () => store.marks.restoreAfterNonExitEnd(end.laneKey, previous), undefined);
    });

    await this.waitForNoRunningTurns(drain, () => drain.deadline);
    deadlinePassed = true;

    // L11: what still runs now, read from the live registry, keeps a refreshed mark and is interrupted.
    const interrupted = gateway.runningLanes();
    drain.interrupted = interrupted;
    if (interrupted.length > 0) {
      const resumeReason = resumeReasonForExit(drain.reason);
      this.safely('deadline marks', () => store.marks.markAtDeadline(interrupted, resumeReason), []);
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
    const stillMarked = interrupted.filter((laneKey) => this.safely('mark check', () => store.marks.isPending(laneKey), true));
    const result: DrainResult = { reason: drain.reason, action: drain.action, timedOut, markedAhead: ahead.marked, interrupted: stillMarked, cleanMarkerWritten };
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
    (this.options.log ?? defaultLog)(message);
  }
}
