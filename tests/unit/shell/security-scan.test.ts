/** The CI security gate (tests/electron/security-scan.ts) must actually fail on a high-severity finding. */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('electronegativity gate', () => {
  it('fails on a window with node integration and web security off', () => {
    const result = spawnSync(process.execPath, ['tests/electron/security-scan.ts', 'tests/electron/fixtures/insecure-shell'], { encoding: 'utf8', timeout: 30_000 });
    expect(result.status, result.stdout + result.stderr).toBe(1);
    expect(result.stdout).toMatch(/HIGH\s+\S+/);
    expect(result.stdout).toContain('Security scan failed');
  });
});
