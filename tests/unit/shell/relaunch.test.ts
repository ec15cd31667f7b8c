/**
 * L13 on the AppImage (issue 8 finding 2): the relaunch starts $APPIMAGE with the same arguments,
 * only after the old process has exited. Real processes: an "old instance" child, a real detached
 * /bin/sh waiter, and a script standing in for the AppImage that records what it saw.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { appImageToRelaunch, relaunch } from '../../../electron/shell/lifecycle/relaunch.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** Resolves when `file` exists (fs.watch on its folder, no polling sleeps). */
function whenFileAppears(file: string): Promise<void> {
  return new Promise((resolve) => {
    const watcher = fs.watch(path.dirname(file), () => {
      if (fs.existsSync(file)) {
        watcher.close();
        resolve();
      }
    });
    if (fs.existsSync(file)) {
      watcher.close();
      resolve();
    }
  });
}

describe('relaunch (L13)', () => {
  it('from an AppImage: the waiter execs $APPIMAGE with the same arguments after the old process exited', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-relaunch-'));
    dirs.push(dir);
    const report = path.join(dir, 'report.json');
    const image = path.join(dir, 'Baton.AppImage');
    // The "new version": records its arguments and whether the old pid was still alive.
    fs.writeFileSync(
      image,
      `#!/usr/bin/env node\nconst fs = require('fs');\nlet alive = true;\ntry { process.kill(Number(process.env.OLD_PID), 0); } catch { alive = false; }\nfs.writeFileSync(${JSON.stringify(report + '.tmp')}, JSON.stringify({ args: process.argv.slice(2), oldAlive: alive }));\nfs.renameSync(${JSON.stringify(report + '.tmp')}, ${JSON.stringify(report)});\n`,
      { mode: 0o755 },
    );
    const old = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    await new Promise((resolve) => old.once('spawn', resolve));

    const how = relaunch({
      env: { ...process.env, APPIMAGE: image, OLD_PID: String(old.pid) },
      isPackaged: true,
      argv: ['/tmp/.mount_BatonXYZ/baton', '--flag', 'two words'],
      pid: old.pid!,
      appRelaunch: () => {
        throw new Error('app.relaunch() would re-run the vanished mount');
      },
    });
    expect(how).toBe('appimage');
    // Still waiting while the old instance lives.
    expect(fs.existsSync(report)).toBe(false);

    const exited = new Promise((resolve) => old.once('exit', resolve));
    old.kill('SIGTERM');
    await exited;
    await whenFileAppears(report);
    expect(JSON.parse(fs.readFileSync(report, 'utf8'))).toEqual({ args: ['--flag', 'two words'], oldAlive: false });
  });

  it('elsewhere it is Electron\'s app.relaunch()', () => {
    let relaunched = 0;
    const how = relaunch({ env: {}, isPackaged: true, argv: ['/opt/Baton/baton'], pid: 1, appRelaunch: () => void relaunched++ });
    expect(how).toBe('electron');
    expect(relaunched).toBe(1);
  });

  it('the AppImage route: packaged with $APPIMAGE, or an unpackaged test run that opts in', () => {
    expect(appImageToRelaunch({ APPIMAGE: '/home/u/Baton.AppImage' }, true)).toBe('/home/u/Baton.AppImage');
    expect(appImageToRelaunch({ APPIMAGE: '/home/u/Baton.AppImage' }, false)).toBeNull();
    expect(appImageToRelaunch({ APPIMAGE: '/home/u/Baton.AppImage', BATON_APPIMAGE_RELAUNCH: '1' }, false)).toBe('/home/u/Baton.AppImage');
    expect(appImageToRelaunch({ APPIMAGE: 'Baton.AppImage' }, true)).toBeNull();
    expect(appImageToRelaunch({}, true)).toBeNull();
  });
});
