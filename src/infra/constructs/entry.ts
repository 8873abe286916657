import * as path from 'node:path';

/**
 * Path of a Lambda handler's source under `src/`, e.g. `sourceEntry('lambda', 'idle-stop')`:
 * `.ts` when running from source (tests), `.js` when compiled to dist/. esbuild bundles either.
 */
export function sourceEntry(...segments: string[]): string {
  const extension = path.extname(__filename) === '.ts' ? '.ts' : '.js';
  return `${path.join(__dirname, '..', '..', ...segments)}${extension}`;
}
