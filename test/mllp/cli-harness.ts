/**
 * Runs the `send` and `listen` commands as the `cisis-tlr` binary would, for the CLI tests:
 * `node dist/test/mllp/cli-harness.js send …`. Without arguments (e.g. when a test runner loads
 * every file under test/) it does nothing.
 */
import { Command, CommanderError } from 'commander';
import { registerListenCommand } from '../../src/cli/commands/listen.js';
import { registerSendCommand } from '../../src/cli/commands/send.js';

if (process.argv.length > 2) {
  const program = new Command('cisis-tlr').exitOverride();
  registerSendCommand(program);
  registerListenCommand(program);
  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    process.exitCode = 2;
    if (!(error instanceof CommanderError)) process.stderr.write(`${String(error)}\n`);
  }
}
