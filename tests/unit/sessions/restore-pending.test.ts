/**
 * Issue 11 (SPEC L36, R2): restoring a backup. The restore-pending file is written, Baton drains
 * with exit reason `restore` (a relaunch), and the next start replaces the store with the checked
 * backup BEFORE opening it, after backing up the store as the drain left it. A damaged, missing or
 * too-new backup is refused and the current store kept. Real SQLite files, the real core.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION } from '../../../electron/core/sessions/migrations.ts';
import { pendingRestore, RESTORE_PENDING_FILE, requestRestore } from '../../../electron/core/sessions/restore-pending.ts';
import { exitActionFor, joinExit, resumeReasonForExit } from '../../../shared/lifecycle.ts';
import { CoreHarness } from '../../support/core-harness.ts';

let harness: CoreHarness | null = null;
afterEach(() => {
  harness?.cleanup();
  harness = null;
});

async function startWithBackup(): Promise<{ h: CoreHarness; backup: string }> {
  const h = (harness = await CoreHarness.start({ settings: { drainTimeoutSeconds: 0.2, graceSeconds: 0.2 } }));
  h.agents.script('before', { steps: [{ text: 'kept in the backup' }] });
  const ended = new Promise<void>((resolve) => {
    const stop = h.core.gateway.onTurnEnded((end) => {
      if (end.laneKey !== 'before') return;
      stop();
      resolve();
    });
  });
  await h.core.gateway.send('before', 'in the backup');
  await ended;
  const backup = path.basename(await h.core.store.backupNow('manual'));
  return { h, backup };
}

/** A turn parked on a gate (it ignores interrupts only if asked), running when the drain starts. */
async function parkTurn(h: CoreHarness, lane: string): Promise<void> {
  h.agents.script(lane, { steps: [{ text: 'working' }, { gate: `gate-${lane}` }, { text: ' done' }] });
  await h.core.gateway.send(lane, 'a long task');
  await h.agents.reached.waitFor(1, (name) => name === `gate-${lane}`);
}

describe('exit reason restore (SPEC §4, L13, issue 11)', () => {
  it('L13: a restore is a relaunch whose marks say restart; a restart joining it keeps it, a later quit/update/signal/OS shutdown wins', () => {
    expect(exitActionFor('restore')).toBe('relaunch');
    expect(resumeReasonForExit('restore')).toBe('restart_timeout');
    expect(joinExit('restore', 'restart')).toBe('restore');
    expect(joinExit('restart', 'restore')).toBe('restore');
    for (const later of ['quit', 'update', 'signal', 'os-shutdown'] as const) {
      expect(joinExit('restore', later)).toBe(later);
      expect(joinExit(later, 'restore')).toBe(later);
    }
  });
});

describe('restore a backup through the drain (issue 11, L36, R2)', () => {
  it('L36/L9: the running turn is marked by the drain, Baton relaunches, and the next start opens the backup; the store as the drain left it is kept as a pre-restore backup', async () => {
    const { h, backup } = await startWithBackup();
    await parkTurn(h, 'after');

    requestRestore(h.dataDir, backup);
    const drained = h.core.requestExit('restore');
    // L9: write-ahead marks before the wait, with the restart reason.
    expect(h.core.store.getLane('after')).toMatchObject({ resumePending: true, resumeReason: 'restart_timeout' });
    const result = await drained;
    expect(result).toMatchObject({ reason: 'restore', action: 'relaunch', interrupted: ['after'] });
    expect(h.app.actions).toEqual(['relaunch']);

    const core = await h.relaunch();

    expect(core.restore).toMatchObject({ outcome: 'restored', backup });
    expect(core.store.listLanes().map((lane) => lane.laneKey)).toEqual(['before']);
    expect(fs.existsSync(path.join(h.dataDir, RESTORE_PENDING_FILE))).toBe(false);
    // Nothing is lost: the store as the drain left it (the interrupted lane marked) is a backup of its own.
    const preRestore = core.store.backups.entries().find((entry) => entry.kind === 'pre-restore');
    expect(preRestore?.name).toBe(core.restore?.preRestoreBackup);
    const db = new Database(path.join(core.store.backups.dir, preRestore!.name), { readonly: true });
    expect(db.prepare("SELECT resume_pending, resume_reason FROM lanes WHERE lane_key = 'after'").get()).toEqual({ resume_pending: 1, resume_reason: 'restart_timeout' });
    db.close();
    expect(core.store.backups.entries().some((entry) => entry.name === backup)).toBe(true);
  });

  it('R2: a damaged backup is refused: the current store is kept, and its interrupted turn resumes by the normal rules (L20)', async () => {
    const { h, backup } = await startWithBackup();
    await parkTurn(h, 'after');
    // Damage the backup's pages past the header (the file still opens; quick_check finds it).
    const file = path.join(h.core.store.backups.dir, backup);
    const bytes = fs.readFileSync(file);
    bytes.fill(0x5a, 4096, Math.min(bytes.length, 4096 * 3));
    fs.writeFileSync(file, bytes);

    requestRestore(h.dataDir, backup);
    await h.core.requestExit('restore');
    const core = await h.relaunch((agents) => agents.script('after', { steps: [{ text: 'resumed' }] }));

    expect(core.restore).toMatchObject({ outcome: 'refused', backup });
    expect(core.restore?.message).toMatch(/was not restored: it (is damaged|cannot be read).*The current conversations were kept unchanged/);
    expect(core.store.listLanes().map((lane) => lane.laneKey).sort()).toEqual(['after', 'before']);
    expect(core.startup.autoResumed).toEqual(['after']);
    expect(pendingRestore(h.dataDir)).toBeNull();
    expect(h.logs.some((line) => line.includes('was not restored'))).toBe(true);
  });

  it('R2: a backup written by a newer Baton, or one that vanished, is refused the same way', async () => {
    const { h, backup } = await startWithBackup();
    const file = path.join(h.core.store.backups.dir, backup);
    const db = new Database(file);
    db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    db.close();
    requestRestore(h.dataDir, backup);
    let core = await h.relaunch();
    expect(core.restore?.message).toContain('written by a newer Baton');
    expect(core.store.getLane('before')).not.toBeNull();

    requestRestore(h.dataDir, 'baton-20200101T000000000Z-daily.db');
    core = await h.relaunch();
    expect(core.restore).toMatchObject({ outcome: 'refused', message: expect.stringContaining('no longer exists') });
    // A name that is a path is never followed.
    requestRestore(h.dataDir, '../baton.db');
    core = await h.relaunch();
    expect(core.restore?.outcome).toBe('refused');
    expect(core.store.getLane('before')).not.toBeNull();
  });
});
