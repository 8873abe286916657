import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { MeetConfig } from '../config/schema.js';
import { buildApp } from '../infra/app.js';
import type { TemplateLike } from './inventory.js';

/**
 * Synthesize the stack in-process, offline, without bundling Lambda code (the template is the same
 * apart from asset hashes). Fails if the app would need a context lookup, because a lookup needs
 * credentials and network.
 */
export function synthesizeTemplate(config: MeetConfig): TemplateLike {
  const outdir = mkdtempSync(path.join(tmpdir(), 'meetctl-plan-'));
  try {
    const { app, stack } = buildApp(config, { skipBundling: true, outdir });
    const assembly = app.synth();
    const missing = assembly.manifest.missing ?? [];
    if (missing.length > 0) {
      throw new Error(`synthesis needs context lookups (${missing.map((m) => m.key).join(', ')}); ids must come from config`);
    }
    return assembly.getStackByName(stack.stackName).template as TemplateLike;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
