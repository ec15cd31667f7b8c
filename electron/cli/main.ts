#!/usr/bin/env node
/**
 * `baton`: the command line for a running Baton (issue 12), over the same WebSocket protocol as
 * the window. It finds Baton through the data directory's address file (host.json, SPEC L33),
 * never prints the access token, and ends with an exit code from exit-codes.ts.
 *
 *   node electron/cli/main.ts [--data-dir DIR] <command> …     (npm run baton -- <command> …)
 */
import { GatewayError } from '../../shared/protocol/client.ts';
import { parseCli, USAGE } from './cli-args.ts';
import { runCommand, type CliIo } from './commands.ts';
import { CliError, EXIT, exitCodeForGatewayError, type ExitCode } from './exit-codes.ts';
import { connectToBaton, findHost } from './host-connection.ts';
import { describeError } from '../../shared/errors.ts';

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on('data', (chunk: Buffer) => chunks.push(chunk));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', reject);
  });
}

export const processIo: CliIo = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  readStdin,
};

/** Runs one invocation and returns its exit code; every failure is a message on stderr. */
export async function runCli(argv: readonly string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<ExitCode> {
  let token: string | null = null;
  // Belt and braces: nothing this program says about itself may carry the token.
  const say = (text: string) => io.err(token ? text.split(token).join('…') : text);
  try {
    const invocation = parseCli(argv, env);
    if (invocation.command.name === 'help') {
      io.out(`${USAGE}\n`);
      return EXIT.ok;
    }
    try {
      token = findHost(invocation.dataDir).address.token;
    } catch {
      // connectToBaton reports it.
    }
    const connection = await connectToBaton(invocation.dataDir);
    try {
      return await runCommand(invocation.command, { connection, dataDir: invocation.dataDir, io: { ...io, err: say } });
    } finally {
      connection.close();
    }
  } catch (error) {
    if (error instanceof CliError) {
      say(`baton: ${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof GatewayError) {
      say(`baton: ${error.message}\n`);
      return exitCodeForGatewayError(error.code);
    }
    say(`baton: unexpected error: ${describeError(error, { stack: true })}\n`);
    return EXIT.internal;
  }
}

if (import.meta.main) {
  // exitCode, not exit(): a large export piped to another program is written out in full first.
  process.exitCode = await runCli(process.argv.slice(2), process.env, processIo);
}
