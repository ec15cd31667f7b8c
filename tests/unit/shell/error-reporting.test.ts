/**
 * Issue 8 finding 8 (L39): an uncaught exception in main never opens a blocking dialog. Uses
 * electron-log's real ErrorHandler (plain Node), with an external API that records dialogs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { catchMainProcessErrors, throttled } from '../../../electron/shell/adapters/error-reporting.ts';

interface RealErrorHandler {
  startCatching(options: object): void;
  stopCatching(): void;
  handle(error: unknown, options?: { errorName?: string }): void;
}
const require = createRequire(import.meta.url);
const ErrorHandler = require('electron-log/src/node/ErrorHandler.js') as new (options: object) => RealErrorHandler;

let active: RealErrorHandler | null = null;
afterEach(() => {
  active?.stopCatching();
  active = null;
});

function handlerRecording() {
  const dialogs: string[] = [];
  const logged: string[] = [];
  const handler = new ErrorHandler({
    externalApi: { showErrorBox: (title: string) => dialogs.push(title), getVersions: () => ({}) },
    logFn: (...args: unknown[]) => logged.push(args.map(String).join(' ')),
  });
  active = handler;
  return { handler, dialogs, logged };
}

describe('uncaught errors in main (L39)', () => {
  it('are logged and reported without any dialog', () => {
    const { handler, dialogs, logged } = handlerRecording();
    const reported: string[] = [];
    catchMainProcessErrors(handler, (error, kind) => reported.push(`${kind}: ${error.message}`));
    // What electron-log's uncaughtException listener does.
    handler.handle(new Error('boom'), { errorName: 'Unhandled' });
    expect(dialogs).toEqual([]);
    expect(reported).toEqual(['Unhandled: boom']);
    expect(logged.join('\n')).toContain('boom');
  });

  it('a report that throws does not become a second error', () => {
    const { handler, dialogs } = handlerRecording();
    catchMainProcessErrors(handler, () => {
      throw new Error('notification failed');
    });
    expect(() => handler.handle(new Error('boom'), { errorName: 'Unhandled' })).not.toThrow();
    expect(dialogs).toEqual([]);
  });

  it('reports are throttled', () => {
    let t = 0;
    let calls = 0;
    const report = throttled(() => void calls++, 60_000, () => t);
    report();
    report();
    t = 60_001;
    report();
    expect(calls).toBe(2);
  });

  it('the shell has no synchronous dialog anywhere (showErrorBox, show*Sync)', () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (file.endsWith('.ts') && /\b(showErrorBox|show\w*Sync)\s*\(/.test(fs.readFileSync(file, 'utf8'))) offenders.push(file);
      }
    };
    walk('electron/shell');
    expect(offenders).toEqual([]);
  });
});
