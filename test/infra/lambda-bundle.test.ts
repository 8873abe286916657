import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/infra/app.js';
import { exampleConfig } from '../support/fixtures.js';

// The one test that bundles for real, with the local esbuild (no Docker).
describe('Lambda bundling', () => {
  it('bundles the password generator with esbuild into a small asset', () => {
    const { app, stack } = buildApp(exampleConfig());
    const assembly = app.synth();
    const template = assembly.getStackByName(stack.stackName).template as {
      Resources: Record<string, { Type: string; Properties: { Code?: { S3Key?: string } } }>;
    };
    const generator = Object.entries(template.Resources).find(
      ([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith('InternalSecretGenerator'),
    );
    const hash = generator?.[1].Properties.Code?.S3Key?.replace(/\.zip$/, '') ?? 'missing';
    const assetDir = path.join(assembly.directory, `asset.${hash}`);
    const files = readdirSync(assetDir);
    expect(files).toContain('index.js');
    const size = statSync(path.join(assetDir, 'index.js')).size;
    expect(size).toBeGreaterThan(100);
    expect(size).toBeLessThan(1024 * 1024);
  });
});
