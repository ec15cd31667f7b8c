/**
 * Builds the app.asar the way the desktop package gets it, without electron-builder's Electron
 * download: electron-builder.yml's `files` (top level + the current platform's section) and
 * `asarUnpack` rules are applied with electron-builder's OWN matcher (app-builder-lib FileMatcher:
 * minimatch with its options, `${arch}` macros, ordered include/exclude) to the real built out/,
 * package.json and the production dependencies (package-lock.json entries that are not dev), and
 * the archive is written with @electron/asar. package.json is packed the way electron-builder's
 * modifyMainPackageJson leaves it (no devDependencies, no scripts).
 *
 * What is not reproduced: electron-builder's default exclusions (docs, tests, *.md… in
 * node_modules), which only remove more files, and its own asar writer (the format is the same).
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Transform } from 'node:stream';
import { createPackageFromFiles, listPackage } from '@electron/asar';
import { parse } from 'yaml';

const require = createRequire(import.meta.url);

interface FileMatcherInstance {
  createFilter(): (file: string, stat: fs.Stats & { moduleFullFilePath?: string }) => boolean;
  patterns: string[];
}
type FileMatcherClass = new (from: string, to: string, macroExpander: (pattern: string) => string, patterns: string[]) => FileMatcherInstance;

interface BuilderInternals {
  FileMatcher: FileMatcherClass;
  getMainFileMatchers(
    appDir: string,
    destination: string,
    macroExpander: (pattern: string) => string,
    platformSpecificBuildOptions: { files?: string[] },
    platformPackager: { info: { isPrepackedAppAsar: boolean; config: BuilderConfig; projectDir: string; buildResourcesDir: string; debugLogger: { isEnabled: boolean } } },
    outDir: string,
    isElectronCompile: boolean,
  ): FileMatcherInstance[];
  getNodeModuleFileMatcher(
    appDir: string,
    destination: string,
    macroExpander: (pattern: string) => string,
    platformSpecificBuildOptions: { files?: string[] },
    packager: { config: BuilderConfig; debugLogger: { isEnabled: boolean } },
  ): FileMatcherInstance;
}
const { FileMatcher, getMainFileMatchers, getNodeModuleFileMatcher } = require(path.resolve('node_modules/app-builder-lib/out/fileMatcher.js')) as BuilderInternals;
const { expandMacro } = require(path.resolve('node_modules/app-builder-lib/out/util/macroExpander.js')) as {
  expandMacro: (pattern: string, arch: string | null, appInfo: unknown) => string;
};

type PlatformKey = 'linux' | 'mac' | 'win';

export interface BuilderConfig {
  files?: string[];
  asarUnpack?: string[];
  productName?: string;
  linux?: { files?: string[]; target?: unknown[] };
  mac?: { files?: string[] };
  win?: { files?: string[] };
}

export function readBuilderConfig(root: string): BuilderConfig {
  return parse(fs.readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
}

function platformKey(platform: NodeJS.Platform): PlatformKey {
  return platform === 'darwin' ? 'mac' : platform === 'win32' ? 'win' : 'linux';
}

function walk(dir: string, into: string[]): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') walk(file, into);
    } else if (entry.isFile()) into.push(file);
  }
}

/** Production packages: package-lock.json entries not marked dev (as `npm ls --omit=dev`). */
function productionPackageDirs(root: string): string[] {
  const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; devOptional?: boolean }> };
  return Object.entries(lock.packages)
    .filter(([key, meta]) => key.startsWith('node_modules/') && !meta.dev && !meta.devOptional)
    .map(([key]) => key)
    .filter((key) => fs.existsSync(path.join(root, key)));
}

type Filter = (file: string, stat: fs.Stats & { moduleFullFilePath?: string }) => boolean;

/**
 * electron-builder's two filters: the app directory's (getMainFileMatchers: the `files` patterns
 * plus its defaults) and the dependencies' (getNodeModuleFileMatcher: `**\/*` plus only the
 * exclusions of `files`), for one target platform section and arch.
 */
function builderFilters(root: string, config: BuilderConfig, key: PlatformKey, arch: string): { appFilter: Filter; moduleFilter: Filter } {
  const expander = (pattern: string) => expandMacro(pattern, arch, null);
  const platformOptions = { files: config[key]?.files ?? [] };
  const info = { isPrepackedAppAsar: false, config, projectDir: root, buildResourcesDir: 'build', debugLogger: { isEnabled: false } };
  const [main] = getMainFileMatchers(root, path.join(root, 'dist/release/app'), expander, platformOptions, { info }, path.join(root, 'dist/release'), false);
  const modules = getNodeModuleFileMatcher(root, path.join(root, 'dist/release/app'), expander, platformOptions, info);
  return { appFilter: main!.createFilter(), moduleFilter: modules.createFilter() };
}

export interface PackedApp {
  archive: string;
  /** Paths inside the archive, like `/out/main/index.js`. */
  entries: Set<string>;
  /** Relative paths under app.asar.unpacked. */
  unpacked: string[];
  packageJson: Record<string, unknown>;
  fileCount: number;
  ms: number;
}

export async function packApp(root: string, outDir: string, platform: NodeJS.Platform = process.platform, arch: string = process.arch): Promise<PackedApp> {
  const started = Date.now();
  const config = readBuilderConfig(root);
  const { appFilter, moduleFilter } = builderFilters(root, config, platformKey(platform), arch);
  const unpackFilter = new FileMatcher(root, '', (pattern) => expandMacro(pattern, arch, null), config.asarUnpack ?? []).createFilter();

  const candidates: string[] = [];
  walk(path.join(root, 'out'), candidates);
  candidates.push(path.join(root, 'package.json'));
  const appFiles = candidates.filter((file) => appFilter(file, fs.lstatSync(file)));
  const moduleFiles: string[] = [];
  for (const dir of productionPackageDirs(root)) {
    const files: string[] = [];
    walk(path.join(root, dir), files);
    for (const file of files) {
      // electron-builder matches node_modules files by their path inside the app.
      const stat = Object.assign(fs.lstatSync(file), { moduleFullFilePath: path.relative(root, file) });
      if (moduleFilter(file, stat)) moduleFiles.push(file);
    }
  }
  const selected = [...appFiles, ...moduleFiles];
  // @electron/asar wants every directory listed before its files.
  const dirs = new Set<string>();
  for (const file of selected) {
    for (let dir = path.dirname(file); dir.length > root.length; dir = path.dirname(dir)) dirs.add(dir);
  }
  const filenames = [...dirs, ...selected].sort();
  const unpackSet = new Set(selected.filter((file) => unpackFilter(file, Object.assign(fs.lstatSync(file), { moduleFullFilePath: path.relative(root, file) }))));
  const metadata: Record<string, { type: 'file' | 'directory'; stat: fs.Stats }> = {};
  for (const name of filenames) {
    const stat = fs.statSync(name);
    metadata[name] = { type: stat.isDirectory() ? 'directory' : 'file', stat };
  }
  // @electron/asar decides unpacking by one minimatch pattern over full paths: name the exact
  // files electron-builder's asarUnpack rules chose.
  const unpackList = [...unpackSet];
  const unpack = unpackList.length === 0 ? undefined : unpackList.length === 1 ? unpackList[0] : `{${unpackList.join(',')}}`;

  const archive = path.join(outDir, 'app.asar');
  const mainPackageJson = path.join(root, 'package.json');
  await createPackageFromFiles(root, archive, filenames, metadata as never, {
    ...(unpack ? { unpack } : {}),
    transform: (filename: string) => {
      if (filename !== mainPackageJson) return undefined;
      let text = '';
      return new Transform({
        transform(chunk, _encoding, done) {
          text += String(chunk);
          done();
        },
        flush(done) {
          // modifyMainPackageJson → cleanupPackageJson(isMain: true, isRemovePackageScripts: true).
          const data = JSON.parse(text) as Record<string, unknown>;
          delete data.devDependencies;
          delete data.scripts;
          this.push(JSON.stringify(data, null, 2));
          done();
        },
      });
    },
  });
  const entries = new Set(listPackage(archive, { isPack: false }));
  const unpackedRoot = `${archive}.unpacked`;
  const unpacked: string[] = [];
  if (fs.existsSync(unpackedRoot)) {
    const files: string[] = [];
    const collect = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) collect(file);
        else files.push(path.relative(unpackedRoot, file));
      }
    };
    collect(unpackedRoot);
    unpacked.push(...files);
  }
  const { extractFile } = await import('@electron/asar');
  const packageJson = JSON.parse(extractFile(archive, 'package.json').toString()) as Record<string, unknown>;
  return { archive, entries, unpacked, packageJson, fileCount: selected.length, ms: Date.now() - started };
}

/**
 * Paths out/main/index.js computes from `import.meta.dirname` (`const here = import.meta.dirname`,
 * then `path.join(here, "…")`, also through variables built that way), relative to the app root.
 */
export function pathsFromMainBundle(root: string): string[] {
  const bundle = fs.readFileSync(path.join(root, 'out/main/index.js'), 'utf8');
  const known = new Map<string, string>();
  for (const match of bundle.matchAll(/(?:const|let|var)\s+(\w+)\s*=\s*import\.meta\.dirname\b/g)) known.set(match[1]!, 'out/main');
  const found: string[] = [];
  // Resolve chains like `const built = path.join(here, "../renderer")` until nothing new appears.
  for (let changed = true; changed; ) {
    changed = false;
    for (const match of bundle.matchAll(/(?:const|let|var)\s+(\w+)\s*=\s*\w+\.join\(\s*(\w+)\s*,\s*"([^"]+)"\s*\)/g)) {
      const base = known.get(match[2]!);
      if (base !== undefined && !known.has(match[1]!)) {
        known.set(match[1]!, path.posix.normalize(path.posix.join(base, match[3]!)));
        changed = true;
      }
    }
  }
  for (const match of bundle.matchAll(/\w+\.join\(\s*(\w+)\s*,\s*"([^"]+)"\s*\)/g)) {
    const base = known.get(match[1]!);
    if (base !== undefined) found.push(path.posix.normalize(path.posix.join(base, match[2]!)));
  }
  return [...new Set(found)];
}

/** Packages out/main/index.js imports by bare name (externals), without node: and electron. */
export function externalPackages(root: string): string[] {
  const bundle = fs.readFileSync(path.join(root, 'out/main/index.js'), 'utf8');
  const names = new Set<string>();
  for (const match of bundle.matchAll(/(?:from\s+|import\(\s*|require\(\s*)"([^".][^"]*)"/g)) {
    const specifier = match[1]!;
    if (specifier.startsWith('node:') || specifier === 'electron' || specifier.startsWith('electron/')) continue;
    const parts = specifier.split('/');
    names.add(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!);
  }
  return [...names].sort();
}

/** The files among `files` that the rules keep for a target (platform section key and arch). */
export function keptFiles(config: BuilderConfig, key: PlatformKey, arch: string, files: string[]): string[] {
  const { moduleFilter } = builderFilters(process.cwd(), config, key, arch);
  return files.filter((file) => moduleFilter(file, Object.assign(fs.lstatSync(file), { moduleFullFilePath: path.relative(process.cwd(), file) })));
}
