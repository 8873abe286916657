import { existsSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The example config the package ships: it marks the package root. Defined here, not in src/config,
 * so that this helper imports nothing from the rest of src/ (src/config/files.ts re-exports it).
 */
export const EXAMPLE_CONFIG_FILE = 'meet.config.example.json';

/**
 * Root of the installed package, found by the example config it ships (works from source and from
 * dist/). Paths the CLI and the CDK app need (the lock file esbuild bundles against, the cdk app)
 * are resolved from here, never from the working directory.
 */
export function packageRoot(start = __dirname): string {
  let dir = start;
  while (!existsSync(path.join(dir, EXAMPLE_CONFIG_FILE))) {
    const parent = path.dirname(dir);
    if (parent === dir) return start;
    dir = parent;
  }
  return dir;
}
