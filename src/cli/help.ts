import { ENVIRONMENT_OVERRIDES } from '../gateway/environment-overrides.js';

/** An environment variable as `--help` lists it: its name and what it sets. */
export type EnvironmentHelp = readonly [name: string, what: string];

/** The ANS kit and the rule-set cache, read wherever a CDA is validated (`documents/validation`). */
export const CDA_ENVIRONMENT: readonly EnvironmentHelp[] = [
  ['CISIS_TLR_CDA_KIT', 'folder of another ANS TestContenuCDA kit for CDA validation (default: the bundled kit)'],
  ['CISIS_TLR_CACHE_DIR', 'cache of the compiled Schematron rule sets (default: $XDG_CACHE_HOME or ~/.cache, cisis-tlr/)'],
];

/** Every override of the gateway's configuration file (`gateway/environment-overrides.ts`), with the option it sets. */
export const CONFIGURATION_ENVIRONMENT: readonly EnvironmentHelp[] = ENVIRONMENT_OVERRIDES.map((o) => [o.name, `sets ${o.path}`] as const);

/**
 * The sections every command's `--help` ends with (`command.addHelpText('after', helpSections(…))`):
 * examples, one command line each, and the `CISIS_TLR_*` environment variables the command reads (none:
 * said so). `test/cli/help.test.ts` holds each list to the variables the command's code reads.
 */
export function helpSections(sections: { examples: readonly string[]; environment?: readonly EnvironmentHelp[]; notes?: string }): string {
  const env = sections.environment ?? [];
  const width = Math.max(0, ...env.map(([name]) => name.length));
  const lines = ['', 'Examples:', ...sections.examples.map((e) => `  ${e}`), ''];
  if (env.length === 0) lines.push('Environment variables: none.');
  else lines.push('Environment variables:', ...env.map(([name, what]) => `  ${name.padEnd(width)}  ${what}`));
  if (sections.notes) lines.push('', sections.notes);
  return lines.join('\n');
}

/** Where the store is, as `serve` reads it: the only variables `backup` and `restore` read (`commands/store-location.ts`). */
export const STORE_ENVIRONMENT: readonly EnvironmentHelp[] = [
  ['CISIS_TLR_STORAGE_URL', 'storage URL (sqlite:/path/file.db or postgres://…)'],
  ['CISIS_TLR_DATA_DIR', 'data directory of the gateway (default ./cisis-tlr-data)'],
  ['CISIS_TLR_ROLE', 'ris or platform: names the default database file'],
];
