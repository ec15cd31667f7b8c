/**
 * Real processes, real signals: the core runs in a child process and is SIGKILLed at chosen
 * instants; the store it leaves behind is then opened by a fresh core, as a relaunch would.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import readline from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { SessionStore } from '../../electron/core/sessions/store.ts';
import { CoreHarness } from '../support/core-harness.ts';
import { Recorder } from '../support/recorder.ts';

type Line = Record<string, unknown>;

class CoreProcess {
  readonly child: ChildProcessWithoutNullStreams;
  private readonly lines = new Recorder<Line>();
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(dataDir: string) {
    this.child = spawn(process.execPath, ['tests/fixtures/core-process.ts', dataDir], { stdio: 'pipe' });
    readline.createInterface({ input: this.child.stdout }).on('line', (text) => this.lines.push(JSON.parse(text) as Line));
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve({ code, signal })));
  }

  waitFor(match: (line: Line) => boolean): Promise<Line> {
    return this.lines.waitFor(match);
  }

  count(match: (line: Line) => boolean): number {
    return this.lines.count(match);
  }

  command(message: Line): void {
    this.child.stdin.write(`${JSON.stringify(message)}\n`);
  }

  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    const { signal } = await this.exited;
    expect(signal).toBe('SIGKILL');
  }
}

let harness: CoreHarness | null = null;
let proc: CoreProcess | null = null;
afterEach(() => {
  proc?.child.kill('SIGKILL');
  harness?.cleanup();
  harness = null;
});

async function startCoreProcess(dataDir: string): Promise<CoreProcess> {
  const started = new CoreProcess(dataDir);
  await started.waitFor((line) => line.ready === true);
  return started;
}

const PARKED = { steps: [{ text: 'halfway there' }, { gate: 'parked' }] };

describe('kills with real signals (L2, L9, L15)', () => {
  it('L9: SIGKILL during the drain wait leaves every running lane marked, and the relaunch resumes them', async () => {
    harness = await CoreHarness.start();
    harness.crash(); // the child process owns the data dir now
    proc = await startCoreProcess(harness.dataDir);
    proc.command({ send: 'a', text: 'first job', script: PARKED });
    proc.command({ send: 'b', text: 'second job', script: PARKED });
    await proc.waitFor((line) => line.reached === 'parked' && proc!.count((l) => l.reached === 'parked') >= 2);
    proc.command({ exit: 'restart' });
    await proc.waitFor((line) => line.draining === true);
    await proc.kill();

    const store = await SessionStore.open({ dataDir: harness.dataDir });
    for (const key of ['a', 'b']) expect(store.getLane(key)).toMatchObject({ resumePending: true, resumeReason: 'restart_timeout' });
    store.close();

    const core = await harness.launch((agents) => agents.script('a', { steps: [{ text: 'resumed a' }] }).script('b', { steps: [{ text: 'resumed b' }] }));
    expect(core.previousExit).toBeNull();
    expect(core.startup.recovered.map((r) => [r.laneKey, r.reason])).toEqual([
      ['a', 'restart_timeout'],
      ['b', 'restart_timeout'],
    ]);
    expect(core.startup.autoResumed.sort()).toEqual(['a', 'b']);
    const inputs = await harness.agents.inputs.waitFor(2);
    for (const input of inputs) expect(input.note?.text).toContain('interrupted by a restart');
    await core.gateway.whenIdle();
    expect(core.store.listLanes().every((l) => !l.resumePending && l.activeTurn === null)).toBe(true);
  });

  it('L2/L15/L26: SIGKILL mid-turn loses nothing that was flushed and the lane resumes with the crash wording', async () => {
    harness = await CoreHarness.start();
    harness.crash();
    proc = await startCoreProcess(harness.dataDir);
    proc.command({ send: 'a', text: 'write the report', script: PARKED });
    await proc.waitFor((line) => line.flushed === 'a');
    await proc.kill();

    const core = await harness.launch((agents) => agents.script('a', { steps: [{ text: 'picking up again' }] }));
    expect(core.store.integrityProblems()).toBeNull();
    expect(core.startup.recovered).toMatchObject([{ laneKey: 'a', reason: 'crash' }]);
    const [input] = await harness.agents.inputs.waitFor(1);
    expect(input!.note?.text).toContain('interrupted by a crash');
    expect(input!.history).toEqual([
      { role: 'user', text: 'write the report' },
      { role: 'assistant', text: 'halfway there', interrupted: true, toolCalls: [] },
    ]);
  });

  it('L26, issue 10: SIGKILL while the model thinks keeps the flushed thinking; the unsigned partial block is not sent again', async () => {
    harness = await CoreHarness.start();
    harness.crash();
    proc = await startCoreProcess(harness.dataDir);
    const thinking = 'Weighing the two options carefully';
    proc.command({ send: 'a', text: 'pick one', script: { steps: [{ reasoning: thinking, chunks: 3 }, { gate: 'parked' }] } });
    // The first piece is written at once; the rest by the 250 ms flush, announced as a checkpoint.
    await proc.waitFor((line) => line.thought === 'a');
    await proc.waitFor((line) => line.checkpoint === 'a' && line.length === thinking.length);
    await proc.kill();

    const core = await harness.launch((agents) => agents.script('a', { steps: [{ text: 'the first one' }] }));
    expect(core.store.integrityProblems()).toBeNull();
    const lane = core.store.listLanes().find((l) => l.laneKey === 'a')!;
    const kept = core.store.listEvents(lane.sessionId).filter((e) => e.kind === 'reasoning');
    expect(kept.map((e) => e.payload)).toEqual([{ text: thinking, final: false }]);
    const [input] = await harness.agents.inputs.waitFor(1);
    // A partial block has no signature: a model would refuse it, so the resumed turn starts without it.
    expect(input!.history).toEqual([{ role: 'user', text: 'pick one' }]);
  });

  it('L12: a clean quit writes the marker and the next start reports a clean exit', async () => {
    harness = await CoreHarness.start();
    harness.crash();
    proc = await startCoreProcess(harness.dataDir);
    proc.command({ exit: 'quit' });
    await proc.waitFor((line) => line.exited === 'quit');
    expect((await proc.exited).code).toBe(0);
    const core = await harness.launch();
    expect(core.previousExit).toMatchObject({ reason: 'quit' });
  });
});
