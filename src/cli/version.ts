import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HL7_VERSION, MESSAGE_PROFILE } from '../tlr/vocabulary.js';

/** The package's root (where package.json and rulesets/ are), from dist/src/cli/ or src/cli/. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (pkg.name === 'cisis-tlr') return dir;
    } catch {
      // not here: one level up
    }
    dir = dirname(dir);
  }
  throw new Error('the cisis-tlr package.json was not found above the CLI');
}

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * What `cisis-tlr --version` prints: the package version and the rule sets bundled with it — the
 * Téléradiologie profile the messages follow, the TestContenuCDA kit (its snapshot, from
 * rulesets/README.md) and the compiled Schematron rule sets (rulesets/compiled/*.manifest.json).
 * Read on demand only, so that the other commands do not pay for it.
 */
export function versionText(): string {
  const root = packageRoot();
  const lines = [`cisis-tlr ${packageVersion()}`];
  lines.push(
    `Téléradiologie profile (volet Téléradiologie): HL7 v${HL7_VERSION}, MSH-21 ${MESSAGE_PROFILE.version}^${MESSAGE_PROFILE.name}`,
  );
  try {
    const readme = readFileSync(join(root, 'rulesets', 'README.md'), 'utf8');
    const tool = /\*\*(TestContenuCDA [\d.]+)\*\*/.exec(readme)?.[1] ?? 'TestContenuCDA';
    const snapshot = /commit `([0-9a-f]{7,40})`, (\d{4}-\d{2}-\d{2})/.exec(readme);
    lines.push(`CDA rule sets: ANS ${tool}${snapshot ? `, snapshot commit ${snapshot[1]} (${snapshot[2]})` : ''}`);
    const compiled = join(root, 'rulesets', 'compiled');
    for (const file of readdirSync(compiled)
      .filter((f) => f.endsWith('.manifest.json'))
      .sort()) {
      const m = JSON.parse(readFileSync(join(compiled, file), 'utf8')) as { schematron?: string; phase?: string };
      lines.push(`  ${m.schematron ?? file}${m.phase && `${m.phase}.sch` !== m.schematron ? ` (phase ${m.phase})` : ''}`);
    }
  } catch (e) {
    lines.push(`CDA rule sets: not found (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return lines.join('\n');
}
