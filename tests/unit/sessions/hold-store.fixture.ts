/**
 * Another Baton process for the data-dir lock tests (R2): opens the store in the directory given
 * as the first argument, writes a marked lane, prints "ready" and then holds the store open until
 * killed. When the directory is already in use it prints "in-use" and exits with code 3.
 */
import { DataDirInUseError } from '../../../electron/core/sessions/store-errors.ts';
import { SessionStore } from '../../../electron/core/sessions/store.ts';

const dataDir = process.argv[2];
if (!dataDir) {
  process.stderr.write('usage: hold-store.fixture.ts <dataDir>\n');
  process.exit(2);
}

let store: SessionStore;
try {
  store = await SessionStore.open({ dataDir });
} catch (error) {
  if (!(error instanceof DataDirInUseError)) throw error;
  process.stdout.write('in-use\n');
  process.exit(3);
}
store.ensureLane('held-by-child');
store.markResumePending('held-by-child', 'crash');
process.stdout.write('ready\n');
// Keep the process (and so the store's OS lock) alive until the test kills it.
setInterval(() => undefined, 60_000);
