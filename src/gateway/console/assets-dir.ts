import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package root: the nearest directory above `from` that holds a package.json. The console's
 * files ship in `assets/console/` beside `dist/`, so the same walk finds them from the compiled
 * tree of a checkout (`dist/src/gateway/console/`) and from an installed package
 * (`node_modules/cisis-tlr/dist/src/gateway/console/`).
 */
export function packageRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`No package.json above ${from}: cannot locate the console assets`);
    dir = up;
  }
  return dir;
}

/** Directory of the console's static files (HTML, CSS, ES modules, the HL7 field dictionary). */
export function consoleAssetsDir(): string {
  return join(packageRoot(), 'assets', 'console');
}
