/** Packaging cannot run here (it downloads Electron); its configuration is checked instead. */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

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

  it('targets Linux AppImage + deb, macOS dmg with the hardened runtime, Windows NSIS', () => {
    expect(targets(config.linux?.target).sort()).toEqual(['AppImage', 'deb']);
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
  it('package.json "main" is the electron-vite main bundle', () => {
    const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { main?: string; scripts?: Record<string, string> };
    expect(pkg.main).toBe('out/main/index.js');
    expect(pkg.scripts?.['build:desktop']).toContain('electron-vite build');
    const vite = fs.readFileSync('electron.vite.config.ts', 'utf8');
    expect(vite).toContain("input: { index: resolve(root, 'electron/shell/main.ts') }");
    expect(vite).toContain("fileName: () => 'index.cjs'");
    // The shell loads the preload from the name the build gives it.
    expect(fs.readFileSync('electron/shell/main.ts', 'utf8')).toContain("'../preload/index.cjs'");
  });
});
