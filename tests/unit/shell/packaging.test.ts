/**
 * Packaging cannot run here (electron-builder downloads Electron); its configuration is checked,
 * and the app.asar it would pack is built from its rules (./packaged-archive.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { externalPackages, keptFiles, packApp, pathsFromMainBundle, readBuilderConfig } from './packaged-archive.ts';

interface BuilderConfig {
  appId?: string;
  productName?: string;
  asar?: boolean;
  files?: string[];
  electronFuses?: Record<string, boolean>;
  linux?: { target?: unknown[] };
  mac?: { target?: unknown[]; hardenedRuntime?: boolean };
  win?: { target?: unknown[] };
  publish?: { provider?: string; owner?: string; repo?: string } | Array<{ provider?: string }>;
}

const text = fs.readFileSync('electron-builder.yml', 'utf8');
const config = parse(text) as BuilderConfig;

function targets(list: unknown[] | undefined): string[] {
  return (list ?? []).map((entry) => (typeof entry === 'string' ? entry : (entry as { target: string }).target));
}

describe('electron-builder.yml', () => {
  it('names the app and packs it into an asar archive', () => {
    expect(config.appId).toBe('dev.baton.desktop');
    expect(config.productName).toBe('Baton');
    expect(config.asar).toBe(true);
    expect(config.files).toContain('out/**');
  });

  it('flips the security fuses', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
    });
  });

  it('targets Linux deb (primary) + AppImage, macOS dmg with the hardened runtime, Windows NSIS', () => {
    // deb first: AppImages do not start on Ubuntu >= 24.04 (AppArmor and Chromium's sandbox).
    expect(targets(config.linux?.target)).toEqual(['deb', 'AppImage']);
    expect(targets(config.mac?.target)).toEqual(['dmg']);
    expect(config.mac?.hardenedRuntime).toBe(true);
    expect(targets(config.win?.target)).toEqual(['nsis']);
  });

  it('publishes to GitHub releases, where electron-updater looks for updates', () => {
    const publish = Array.isArray(config.publish) ? config.publish[0] : config.publish;
    expect(publish?.provider).toBe('github');
  });

  it('holds no secrets', () => {
    expect(text).not.toMatch(/\b(token|password|secret|GH_TOKEN|CSC_KEY_PASSWORD)\s*:/i);
    expect(text).not.toMatch(/gh[pousr]_[A-Za-z0-9]{20,}/);
  });
});

describe('desktop build wiring', () => {
  it('package.json "main" is the electron-vite main bundle; start and dist scripts; the product name', () => {
    const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { main?: string; productName?: string; scripts?: Record<string, string> };
    expect(pkg.main).toBe('out/main/index.js');
    // Electron names the app (and its data folder) productName ?? name; electron-builder's own
    // productName is not written into the packed package.json.
    expect(pkg.productName).toBe('Baton');
    expect(pkg.scripts?.['build:desktop']).toContain('electron-vite build');
    expect(pkg.scripts?.start).toMatch(/electron-vite (preview|dev)/);
    expect(pkg.scripts?.dist).toMatch(/electron-vite build && electron-builder/);
    const vite = fs.readFileSync('electron.vite.config.ts', 'utf8');
    expect(vite).toContain("input: { index: resolve(root, 'electron/shell/main.ts') }");
    expect(vite).toContain("fileName: () => 'index.cjs'");
    // The shell loads the preload from the name the build gives it.
    expect(fs.readFileSync('electron/shell/main.ts', 'utf8')).toContain("'../preload/index.cjs'");
  });
});

describe('the packaged app.asar (issue 8 findings 14, 23)', () => {
  const built = fs.existsSync('out/main/index.js') && fs.existsSync('out/preload/index.cjs') && fs.existsSync('out/renderer/index.html');
  // Counted as skipped, with the reason printed: the check needs the desktop build in out/.
  if (!built) console.warn('skipped: the app.asar check needs `npx electron-vite build` (out/ is missing)');

  it.skipIf(!built)('holds every path the main bundle loads, the native module unpacked, only this platform\'s prebuild, and a package.json with main, type and productName', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-asar-'));
    try {
      const packed = await packApp(process.cwd(), out);
      console.log(`packed ${packed.fileCount} files into app.asar in ${packed.ms} ms`);

      // Every path out/main/index.js computes from import.meta.dirname (renderer, preload, …).
      const loaded = pathsFromMainBundle(process.cwd());
      expect(loaded).toEqual(expect.arrayContaining(['out/renderer', 'out/renderer/index.html', 'out/preload/index.cjs']));
      for (const entry of loaded) expect(packed.entries.has(`/${entry}`), `${entry} in app.asar`).toBe(true);
      // Every package the bundle imports by name is in the archive.
      for (const name of externalPackages(process.cwd())) expect(packed.entries.has(`/node_modules/${name}/package.json`), `${name} in app.asar`).toBe(true);

      // The native module is unpacked, and it is the only prebuild: this platform's.
      const prebuilds = [...packed.entries].filter((entry) => entry.startsWith('/node_modules/better-sqlite3/prebuilds/'));
      expect(prebuilds).toEqual([`/node_modules/better-sqlite3/prebuilds/${process.platform}-${process.arch}.node`]);
      expect(packed.unpacked).toEqual([`node_modules/better-sqlite3/prebuilds/${process.platform}-${process.arch}.node`]);

      // app.name = productName ?? name (Electron's init.ts): the data folder is "Baton".
      expect(packed.packageJson).toMatchObject({ main: 'out/main/index.js', type: 'module', productName: 'Baton' });
      expect(packed.packageJson.devDependencies).toBeUndefined();
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);

  it('the same rules keep exactly one prebuild for each target platform and arch', () => {
    const config = readBuilderConfig(process.cwd());
    const prebuilds = fs.readdirSync('node_modules/better-sqlite3/prebuilds').map((name) => path.join(process.cwd(), 'node_modules/better-sqlite3/prebuilds', name));
    for (const [platform, key, arch] of [['linux', 'linux', 'x64'], ['linux', 'linux', 'arm64'], ['darwin', 'mac', 'arm64'], ['darwin', 'mac', 'x64'], ['win32', 'win', 'x64']] as const) {
      const kept = keptFiles(config, key, arch, prebuilds).map((file) => path.basename(file));
      expect(kept, `${platform}-${arch}`).toEqual([`${platform}-${arch}.node`]);
    }
  });
});
