import { Command } from 'commander';

/** Builds the `cisis-tlr` command line; each command registers itself from its own module. */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('cisis-tlr')
    .description('ANS CI-SIS Téléradiologie (HL7 v2.5.1) toolkit: validator, MLLP gateway, simulators')
    .version('0.1.0');
  await program.parseAsync(argv);
  return 0;
}
