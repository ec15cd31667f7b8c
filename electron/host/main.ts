/**
 * Entry point of the headless host (SPEC L30): `node electron/host/main.ts [flags]`; see
 * run-host.ts for the host itself and host-options.ts for the flags.
 *
 * R4: first of all, the secrets (provider keys, the access token) leave the process environment,
 * which any process of the user can read in /proc/<pid>/environ. If the host was started with
 * them, it re-executes itself in place without them (secret-handoff.ts). That happens here, before
 * the host's module graph is loaded, so a re-exec costs one bare Node start, not two full ones.
 * The same holds for the bundle (`npm run build:host`, out/host/main.js): the host is a chunk of its
 * own, loaded by the dynamic import below.
 */
import module from 'node:module';
import { secureProcessEnvironment } from './secret-handoff.ts';

if (import.meta.main) {
  // Issue 13: V8's compiled code for the host's modules is kept on disk (Node's compile cache, in
  // the system's temp folder), so a start parses and compiles them once, not on every launch.
  module.enableCompileCache?.();
  const held = secureProcessEnvironment({
    warn: (message) => process.stderr.write(`[baton] ${message}\n`),
    execve: process.execve?.bind(process),
  });
  const { main } = await import('./run-host.ts');
  await main(held);
}
