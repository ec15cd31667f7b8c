/**
 * The requirement ids resolve inside the repository: docs/requirements.md lists each id once, and
 * every id it marks as tested is cited by at least one test (by its id as a whole word).
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../..');

function listed(): Array<{ id: string; status: string }> {
  const text = fs.readFileSync(path.join(root, 'docs/requirements.md'), 'utf8');
  return [...text.matchAll(/^\| ([LR]\d+) \| .+ \| (tested|partly tested: [^|]+|planned: issue \d+) \|$/gm)].map((m) => ({ id: m[1]!, status: m[2]! }));
}

function testSources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : testSources(full);
    return /\.(spec|test)\.ts$/.test(entry.name) ? [fs.readFileSync(full, 'utf8')] : [];
  });
}

it('every requirement id is listed once, L1–L39 and R1–R4', () => {
  const ids = listed().map((row) => row.id);
  const expected = [...Array.from({ length: 39 }, (_, i) => `L${i + 1}`), 'R1', 'R2', 'R3', 'R4'];
  expect(ids).toEqual(expected);
});

it('every id marked tested (or partly tested) is cited by at least one test', () => {
  const sources = testSources(path.join(root, 'tests')).join('\n');
  const uncited = listed()
    .filter((row) => row.status === 'tested' || row.status.startsWith('partly tested'))
    .filter((row) => !new RegExp(`\\b${row.id}\\b`).test(sources))
    .map((row) => row.id);
  expect(uncited).toEqual([]);
});
