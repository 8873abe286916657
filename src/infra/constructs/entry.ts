import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from '../../package-root.js';

/**
 * Path of a Lambda handler's TypeScript source under `src/`, e.g. `sourceEntry(['lambda', 'idle-stop'])`,
 * also when the CDK app runs compiled from dist/: esbuild tree-shakes ES modules only, and tsc compiles
 * to CommonJS, whose modules esbuild bundles whole (the organizer page: 288 KB from dist/, 181 KB
 * from the source). Without the sources (dist/ alone), the compiled `.js` of the handler is bundled.
 * `from` is where this module runs (its folder under src/ or dist/).
 */
export function sourceEntry(segments: readonly string[], from = __dirname): string {
  const source = `${path.join(packageRoot(from), 'src', ...segments)}.ts`;
  return existsSync(source) ? source : `${path.join(from, '..', '..', ...segments)}.js`;
}

/**
 * Where esbuild finds the package's lock file: the package, not the working directory, so `plan` and
 * `deploy` work from any folder.
 */
export function bundlingRoot(): { projectRoot: string; depsLockFilePath: string } {
  const root = packageRoot(__dirname);
  return { projectRoot: root, depsLockFilePath: path.join(root, 'package-lock.json') };
}
