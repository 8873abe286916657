import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ROOT } from '../support/fixtures.js';

const ENV = {
  AWS_REGION: 'us-west-2',
  MEETING_HOST: 'meet.community.test',
  HOSTED_ZONE_ID: 'Z123',
  CERTIFICATE_SECRET_ARN: 'arn:aws:secretsmanager:us-west-2:111122223333:secret:cert-AbC',
  ACME_EMAIL: 'organizers@community.test',
  ALERT_TOPIC_ARN: 'arn:aws:sns:us-west-2:111122223333:alerts',
  STATE_TABLE_NAME: 'meet-state',
  ASLEEP_DNS_NAME: 'd-abc123.execute-api.us-west-2.amazonaws.com',
  ASLEEP_HOSTED_ZONE_ID: 'Z2OJLYMUO9EFXC',
};

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

describe("the no-load-balancer functions' environment", () => {
  it("builds the certificate function from the variables, with Let's Encrypt unless another directory is set", async () => {
    for (const [k, v] of Object.entries(ENV)) vi.stubEnv(k, v);
    const { certificateDeps } = await import('../../src/lambda/certificate-environment.js');
    expect(certificateDeps().settings).toEqual({
      host: 'meet.community.test',
      email: 'organizers@community.test',
      directoryUrl: 'https://acme-v02.api.letsencrypt.org/directory',
    });
    vi.stubEnv('ACME_DIRECTORY_URL', 'https://acme-staging-v02.api.letsencrypt.org/directory');
    expect(certificateDeps().settings.directoryUrl).toContain('staging');
  });

  it('names a missing variable', async () => {
    for (const [k, v] of Object.entries(ENV)) if (k !== 'ASLEEP_DNS_NAME') vi.stubEnv(k, v);
    vi.stubEnv('ASLEEP_DNS_NAME', '');
    const { taskDnsPorts } = await import('../../src/lambda/ingress-environment.js');
    expect(() => taskDnsPorts()).toThrow('environment variable ASLEEP_DNS_NAME is not set');
  });

  it('bundles each entry with esbuild for nodejs24.x under 1 MB, the AWS SDK left to the runtime', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'meetctl-ingress-bundle-'));
    try {
      for (const entry of ['certificate', 'task-dns']) {
        await build({
          entryPoints: [path.join(ROOT, 'src', 'lambda', `${entry}.ts`)],
          bundle: true,
          minify: true,
          platform: 'node',
          target: 'node24',
          external: ['@aws-sdk/*'],
          outfile: path.join(out, `${entry}.js`),
          logLevel: 'silent',
        });
        const size = statSync(path.join(out, `${entry}.js`)).size;
        expect(size, entry).toBeGreaterThan(1000);
        // The ACME client (and its crypto) is the certificate function's alone.
        expect(size, entry).toBeLessThan(entry === 'task-dns' ? 200 * 1024 : 1024 * 1024);
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
