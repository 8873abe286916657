import * as path from 'node:path';
import { packageRoot } from '../../package-root.js';

/**
 * Path of a Lambda handler's source under `src/`, e.g. `sourceEntry('lambda', 'idle-stop')`:
 * `.ts` when running from source (tests), `.js` when compiled to dist/. esbuild bundles either.
 */
export function sourceEntry(...segments: string[]): string {
  const extension = path.extname(__filename) === '.ts' ? '.ts' : '.js';
  return `${path.join(__dirname, '..', '..', ...segments)}${extension}`;
}

/**
 * Where esbuild finds the package's lock file: the package, not the working directory, so `plan` and
 * `deploy` work from any folder.
 */
export function bundlingRoot(): { projectRoot: string; depsLockFilePath: string } {
  const root = packageRoot(__dirname);
  return { projectRoot: root, depsLockFilePath: path.join(root, 'package-lock.json') };
}
