import { Command } from 'commander';
import { registerBackupCommand } from './commands/backup.js';
import { registerCertifyCommand } from './commands/certify.js';
import { registerRestoreCommand } from './commands/restore.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerListenCommand } from './commands/listen.js';
import { registerParseCommand } from './commands/parse.js';
import { registerSendCommand } from './commands/send.js';
import { registerServeCommand } from './commands/serve.js';
import { registerSimulateCommand } from './commands/simulate.js';
import { registerValidateCommand } from './commands/validate.js';
import { registerValidateCdaCommand } from './commands/validate-cda.js';
import { packageVersion, versionText } from './version.js';

/** The `cisis-tlr` command line with every command registered (`argv` only decides whether `--version` reads the rule sets). */
export function buildProgram(argv: readonly string[]): Command {
  const program = new Command('cisis-tlr')
    .description('ANS CI-SIS Téléradiologie (HL7 v2.5.1) toolkit: validator, MLLP gateway, simulators')
    // The rule-set versions are read only when asked for.
    .version(argv.includes('--version') || argv.includes('-V') ? versionText() : packageVersion())
    .showHelpAfterError()
    .exitOverride();
  registerParseCommand(program);
  registerValidateCommand(program);
  registerValidateCdaCommand(program);
  registerSendCommand(program);
  registerListenCommand(program);
  registerServeCommand(program);
  registerSimulateCommand(program);
  registerDemoCommand(program);
  registerCertifyCommand(program);
  // Operations: backup and restore of the gateway's store.
  registerBackupCommand(program);
  registerRestoreCommand(program);
  return program;
}

/**
 * Builds the `cisis-tlr` command line and runs it. Returns the exit code the commands set
 * (0 success, 1 findings/errors in the input, 2 usage or I/O error).
 */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram(argv);
  try {
    await program.parseAsync(argv);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help') return 0;
    if (typeof code === 'string' && code.startsWith('commander.')) return 2;
    throw e;
  }
  return typeof process.exitCode === 'number' ? process.exitCode : 0;
}
