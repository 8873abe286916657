import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/infra/app.js';
import { exampleConfig } from '../support/fixtures.js';

// The one test that bundles for real, with the local esbuild (no Docker).
describe('Lambda bundling', () => {
  it('bundles every function of ours with esbuild into an asset under 1 MB', () => {
    const { app, stack } = buildApp(exampleConfig());
    const assembly = app.synth();
    const template = assembly.getStackByName(stack.stackName).template as {
      Resources: Record<string, { Type: string; Properties: { Code?: { S3Key?: string } } }>;
    };
    const ours = Object.entries(template.Resources).filter(
      ([id, r]) =>
        r.Type === 'AWS::Lambda::Function' &&
        /^(InternalSecretGenerator|AutomationScheduledStart|AutomationIdleStop|AutomationRuntimeGuard|TaskCertificateFunction|TaskDnsFunction|AsleepFunction|MembersSignInRules|OrganizerPageFunction)[0-9A-F]{8}$/.test(
          id,
        ),
    );
    // The example config is in direct mode with members-only meetings: the certificate, DNS and
    // asleep page functions, the sign-in rules and the organizer page, too.
    expect(ours).toHaveLength(9);
    for (const [id, fn] of ours) {
      const hash = fn.Properties.Code?.S3Key?.replace(/\.zip$/, '') ?? 'missing';
      const dir = path.join(assembly.directory, `asset.${hash}`);
      expect(readdirSync(dir), id).toContain('index.js');
      const size = statSync(path.join(dir, 'index.js')).size;
      expect(size, id).toBeGreaterThan(100);
      expect(size, id).toBeLessThan(1024 * 1024);
    }
  });
});
