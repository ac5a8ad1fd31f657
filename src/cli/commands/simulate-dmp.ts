import { readFile } from 'node:fs/promises';
import { Option } from 'commander';
import type { Command } from 'commander';
import { helpSections } from '../help.js';
import { port } from './arguments.js';

interface DmpCliOptions {
  port: number;
  host: string;
  tlsCert: string;
  tlsKey: string;
  tlsCa: string;
  signerCa?: string;
  ins: 'test' | 'production';
  requireSignature?: boolean;
}

/**
 * `cisis-tlr simulate dmp`: a local DMP (XDS.b repository and registry) over HTTPS with mandatory client
 * certificates, for a RIS whose onward route publishes to the DMP itself. It checks each request as the DMP would
 * (envelope, VIHF, schemas, CI-SIS metadata, hash, replacement, deletion) and answers success or the precise error.
 */
export function registerSimulateDmpCommand(simulate: Command): void {
  simulate
    .command('dmp')
    .description('a local DMP (XDS.b repository /repository and registry /registry) over mutual TLS, checking every CI-SIS rule')
    .requiredOption('--port <port>', 'HTTPS port (the RIS onward.dmp endpoint points here)', port)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .requiredOption('--tls-cert <file>', 'server certificate (PEM)')
    .requiredOption('--tls-key <file>', 'server private key (PEM)')
    .requiredOption('--tls-ca <file>', 'CA whose client certificates are accepted (PEM); also trusted for the VIHF signature')
    .option('--signer-ca <file>', 'CA (or certificate) trusted for the VIHF signature, if not the --tls-ca one')
    .addOption(
      new Option('--ins <environment>', 'INS root accepted: test (1.2.250.1.213.1.4.10) or production (…4.8)')
        .choices(['test', 'production'])
        .default('test'),
    )
    .option('--require-signature', 'strict mode: refuse an ITI-41 without the XAdES signature document of the submission')
    .addHelpText(
      'after',
      helpSections({
        examples: [
          'cisis-tlr simulate dmp --port 8443 --tls-cert dmp.crt --tls-key dmp.key --tls-ca structures-ca.crt',
          'cisis-tlr simulate dmp --port 8443 --tls-cert dmp.crt --tls-key dmp.key --tls-ca ca.crt --require-signature --ins production',
        ],
      }),
    )
    .action(async (o: DmpCliOptions) => {
      const { DmpSimulator } = await import('../../simulate/dmp-simulator.js');
      const print = (line: string): void => {
        process.stdout.write(`${line}\n`);
      };
      const [cert, key, ca] = await Promise.all([readFile(o.tlsCert), readFile(o.tlsKey), readFile(o.tlsCa)]);
      const signerCa = o.signerCa ? (await readFile(o.signerCa)).toString('utf8') : undefined;
      const sim = await DmpSimulator.start({
        port: o.port,
        host: o.host,
        tls: { cert, key, ca },
        ...(signerCa ? { trustedSigners: [signerCa] } : {}),
        insEnvironment: o.ins,
        requireSubmissionSignature: o.requireSignature === true,
        print,
      });
      print(`DMP double: https://${o.host}:${sim.port}/repository (ITI-41) and /registry (ITI-57, ITI-18), INS ${o.ins} (Ctrl-C to stop)`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await sim.stop();
      const refused = sim.exchanges.filter((e) => e.outcome !== 'accepted').length;
      const documents = sim.entries.filter((e) => e.kind === 'document').length;
      const entries = `${documents} document entr${documents === 1 ? 'y' : 'ies'}`;
      print(`DMP double: ${sim.exchanges.length} request(s), ${refused} refused; ${entries}`);
    });
}
