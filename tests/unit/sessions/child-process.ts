/** Runs the store-holding fixture in its own Node process; waits for its first line, never sleeps. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'hold-store.fixture.ts');

export interface StoreChild {
  child: ChildProcess;
  /** "ready" when the child holds the store, "in-use" when another Baton held it. */
  state: 'ready' | 'in-use';
  /** Sends SIGKILL (if still running) and resolves once the process is gone. */
  kill(): Promise<void>;
}

export function startStoreChild(dataDir: string): Promise<StoreChild> {
  const child = spawn(process.execPath, [FIXTURE, dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const kill = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };

  return new Promise<StoreChild>((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      const state = line.trim();
      if (state === 'ready' || state === 'in-use') resolve({ child, state, kill });
      else reject(new Error(`unexpected line from the store fixture: ${line}`));
    });
    child.once('error', reject);
    void exited.then(() =>
      reject(new Error(`store fixture exited before it spoke (code ${child.exitCode}, signal ${child.signalCode}): ${stderr}`)),
    );
  });
}
