/**
 * CI's Electron security scan (@doyensec/electronegativity) over electron/ (shell, preload, core):
 * prints every finding and exits 1 on any HIGH-severity one (ENGINEERING.md §3, issue 5).
 *
 *   node tests/electron/security-scan.ts [dir ...]     (default: electron)
 *
 * Runs the library's programmatic API: its CLI does not start with the `commander` version npm
 * hoists beside it. Its translation download times out after 1 s without network; the bundled
 * English strings are used then.
 */
import { createRequire } from 'node:module';
import path from 'node:path';

interface Level {
  name?: string;
  value: number;
  format?: () => string;
}

interface Issue {
  id: string;
  file: string;
  location: { line: number; column: number };
  severity: Level;
  confidence: Level;
  description?: string;
  manualReview?: boolean;
}

interface ScanResult {
  globalChecks: number;
  atomicChecks: number;
  errors: unknown[];
  issues: Issue[];
}

type Run = (options: Record<string, unknown>) => Promise<ScanResult>;

const require = createRequire(import.meta.url);
const repo = path.resolve(import.meta.dirname, '../..');
// One input, so the global checks (navigation limits, permission handler) see shell and preload together.
const targets = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['electron'];

// The library colours its level names for the terminal.
const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

function severityName(level: Level): string {
  return (level.name ?? level.format?.() ?? String(level.value)).replace(ANSI_COLOUR, '').trim().toUpperCase();
}

async function scan(run: Run, target: string): Promise<number> {
  // The library logs progress through console.log; keep the CI output to the findings.
  const log = console.log;
  console.log = () => {};
  let result: ScanResult;
  try {
    result = await run({
      input: path.resolve(repo, target),
      customScan: [],
      excludeFromScan: [],
      isRelative: true,
      isVerbose: false,
      parserPlugins: [],
      electronVersionOverride: require('electron/package.json').version as string,
    });
  } finally {
    console.log = log;
  }
  let high = 0;
  for (const issue of result.issues) {
    const severity = severityName(issue.severity);
    if (severity === 'HIGH') high += 1;
    console.log(`${severity.padEnd(13)} ${issue.id} ${path.relative(repo, path.resolve(repo, target, issue.file))}:${issue.location.line}:${issue.location.column}${issue.manualReview ? ' (review)' : ''}`);
  }
  console.log(`${target}: ${result.atomicChecks + result.globalChecks} checks, ${result.issues.length} finding(s), ${high} high, ${result.errors.length} file(s) not parsed`);
  return high;
}

/**
 * No network in CI: the library fetches translations and Electron's release list with `got`, and
 * got's retry after a timeout can throw outside any promise. Answer those requests "offline" at
 * once; the bundled English strings and the checks that need no release list still run.
 */
function offlineGot(): void {
  const libraryRequire = createRequire(require.resolve('@doyensec/electronegativity'));
  const gotPath = libraryRequire.resolve('got');
  const offline = () => Promise.reject(new Error('offline: the security scan makes no network requests'));
  const stub = Object.assign(offline, { default: offline, get: offline });
  require.cache[gotPath] = { id: gotPath, filename: gotPath, loaded: true, exports: stub } as unknown as NodeJS.Module;
}

process.env.LANG = 'en-US';
offlineGot();
const run = require('@doyensec/electronegativity') as Run;
let high = 0;
for (const target of targets) high += await scan(run, target);
if (high > 0) {
  console.log(`Security scan failed: ${high} high-severity finding(s).`);
  process.exit(1);
}
console.log('Security scan passed: no high-severity finding.');
