import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root, found from the compiled test location (dist/test/...) or the source tree. */
export const repoRoot: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above the test file');
    dir = up;
  }
  return dir;
})();

/** The shared reference data checked out beside the repository (`../shared`). */
export const sharedDir: string = resolve(repoRoot, '..', 'shared');

export const examplesDir: string = join(sharedDir, 'data', 'examples');

export const cliPath: string = join(repoRoot, 'bin', 'cisis-tlr.js');

/** Every file under a directory, recursively, sorted. */
export function filesUnder(dir: string, suffix = ''): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? filesUnder(p, suffix) : p.endsWith(suffix) ? [p] : [];
    });
}
