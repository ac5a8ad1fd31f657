/**
 * Every `import { … } from 'cisis-tlr…'` shown in the documentation resolves through the package's
 * exports map (the package imports itself by name, as a user's code would) and names exports that exist.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { filesUnder, repoRoot } from '../helpers/paths.js';

const docs = [join(repoRoot, 'README.md'), ...filesUnder(join(repoRoot, 'docs'), '.md')];
const imports = docs.flatMap((file) =>
  [...readFileSync(file, 'utf8').matchAll(/import \{([^}]+)\} from '(cisis-tlr[^']*)'/g)].map((m) => ({
    file: file.slice(repoRoot.length + 1),
    names: m[1]!
      .split(',')
      .map((n) => n.trim().split(/\s+as\s+/)[0]!)
      .filter(Boolean),
    specifier: m[2]!,
  })),
);

describe('imports shown in the documentation', () => {
  it('finds some (the check is not vacuous)', () => {
    assert.ok(
      imports.some((i) => i.file === join('docs', 'api.md')),
      'docs/api.md shows an import',
    );
  });

  for (const i of imports) {
    it(`${i.file}: import { ${i.names.join(', ')} } from '${i.specifier}'`, async () => {
      const module = (await import(i.specifier)) as Record<string, unknown>;
      for (const name of i.names) assert.notEqual(module[name], undefined, `${i.specifier} exports ${name}`);
    });
  }
});
