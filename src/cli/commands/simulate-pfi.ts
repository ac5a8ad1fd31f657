import { InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';
import { duration, hostPort, port } from './arguments.js';
import { helpSections } from '../help.js';

interface PfiCliOptions {
  port: number;
  receipts: { host: string; port: number };
  delay: number;
  dmp: 'accept' | 'refuse';
  dmpError?: string;
  mssante: 'deliver' | 'fail';
  smtpError?: string;
}

/** `CODE:label` of an error the simulated DMP or MSSanté answers with. */
function codeAndLabel(value: string): { code: string; label: string } {
  const [code, ...label] = value.split(':');
  if (!code) throw new InvalidArgumentError('expected CODE:label');
  return { code, label: label.join(':') || code };
}

/**
 * `cisis-tlr simulate pfi`: the integration platform (PFI) behind a RIS under test, for its onward
 * route: validates the "Transmission de documents CDA en HL7 v2" messages it receives (AE with the
 * findings when wrong), answers the ACK, then the business receipts (ZAM) with the chosen outcomes.
 */
export function registerSimulatePfiCommand(simulate: Command): void {
  simulate
    .command('pfi')
    .description('an integration platform (PFI) that publishes to the DMP and mails by MSSanté, answering ZAM receipts')
    .requiredOption('--port <port>', 'MLLP port the RIS under test sends its documents to (its onward.pfi.port)', port)
    .addOption(
      new Option('--receipts <host:port>', "the RIS's receipt listener (its onward.pfi.listen)")
        .argParser(hostPort)
        .default({ host: '127.0.0.1', port: 2578 }, '127.0.0.1:2578'),
    )
    .option('--delay <duration>', 'time between the ACK and the receipts (the DMP and MSSanté answering)', duration, 1000)
    .addOption(new Option('--dmp <outcome>', 'what the DMP answers').choices(['accept', 'refuse']).default('accept'))
    .option('--dmp-error <code:label>', 'DMP error of a refusal (default DMPClosed:DMP fermé)')
    .addOption(new Option('--mssante <outcome>', 'what MSSanté answers').choices(['deliver', 'fail']).default('deliver'))
    .option('--smtp-error <code:label>', 'SMTP error of a failed delivery (default 550:Mailbox unavailable)')
    .addHelpText(
      'after',
      helpSections({
        examples: [
          'cisis-tlr simulate pfi --port 2577 --receipts 127.0.0.1:2578',
          'cisis-tlr simulate pfi --port 2577 --dmp refuse --dmp-error "DMPClosed:DMP fermé" --mssante fail',
        ],
      }),
    )
    .action(async (o: PfiCliOptions) => {
      const { PfiSimulator } = await import('../../simulate/pfi-simulator.js');
      const print = (line: string): void => {
        process.stdout.write(`${line}\n`);
      };
      const sim = await PfiSimulator.start({
        port: o.port,
        receipts: o.receipts,
        delayMs: o.delay,
        outcomes: {
          dmp: o.dmp,
          mssante: o.mssante,
          ...(o.dmpError ? { dmpError: codeAndLabel(o.dmpError) } : {}),
          ...(o.smtpError ? { smtpError: codeAndLabel(o.smtpError) } : {}),
        },
        print,
      });
      print(
        `PFI simulator: MLLP 127.0.0.1:${sim.port}, receipts to ${o.receipts.host}:${o.receipts.port}; ` +
          `DMP ${o.dmp}, MSSanté ${o.mssante} (Ctrl-C to stop)`,
      );
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await sim.idle();
      await sim.stop();
      const c = sim.counts;
      print(
        `PFI: ${c.received} message(s), ${c.refused} refused; DMP ${c.dmp.accepted} accepted, ${c.dmp.refused} refused; ` +
          `MSSanté ${c.mssante.delivered} delivered, ${c.mssante.failed} failed`,
      );
    });
}
