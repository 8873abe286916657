import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { cli, communityConfig } from '../support/cli.js';
import { ROOT } from '../support/fixtures.js';

/**
 * The whole `meetctl plan` (text and --json) for configs that exercise every part of the cost model,
 * run in-process as test/cli does. The snapshot files under __golden__/ are the reference: a change
 * to the cost model that moves a figure shows here as a diff to review (`npx vitest run -u` writes
 * the new output; the commit says why each figure changed).
 */
const CONFIGS: Record<string, Record<string, string> | undefined> = {
  // The shipped example: direct ingress, medium, arm64, members-only, us-west-2.
  example: undefined,
  'load-balancer': { 'meet.config.json': communityConfig({ ingress: 'load-balancer' }) },
  recording: { 'meet.config.json': communityConfig({ recording: { enabled: true } }) },
  // The stack's secrets in Parameter Store: no Secrets Manager line of its own, own idle $0.
  'parameter-store-recording': {
    'meet.config.json': communityConfig({ secretStore: 'parameter-store', recording: { enabled: true } }),
  },
  'members-federated': {
    'meet.config.json': communityConfig({
      auth: 'members',
      signIn: {
        allow: ['@ne3d.org'],
        google: {
          clientId: 'client.apps.googleusercontent.com',
          clientSecretArn: 'arn:aws:secretsmanager:us-west-2:111122223333:secret:meet-google-AbCdEf',
        },
        oidc: [
          {
            name: 'Keycloak',
            issuerUrl: 'https://id.ne3d.org/realms/ne3d',
            clientId: 'meet',
            clientSecretArn: 'arn:aws:secretsmanager:us-west-2:111122223333:secret:meet-keycloak-AbCdEf',
          },
        ],
      },
    }),
  },
  'open-eu-central-1': {
    'meet.config.json': communityConfig({ region: 'eu-central-1', timeZone: 'Europe/Berlin', auth: 'open' }),
  },
  // The discussion preset: its figure prices the egress, and the recorder (stage view) receives more than a participant.
  'discussion-recording': {
    'meet.config.json': communityConfig({ bandwidth: 'discussion', recording: { enabled: true } }),
  },
  'large-x86-load-balancer-recording': {
    'meet.config.json': communityConfig({
      size: 'large',
      architecture: 'x86_64',
      ingress: 'load-balancer',
      recording: { enabled: true, instanceType: 'm6i.xlarge' },
    }),
  },
};

/** The example config's path is absolute; the snapshot holds it relative to the repository. */
const portable = (text: string) => text.replaceAll(ROOT, '<repository>');

describe('meetctl plan output (golden)', () => {
  for (const [name, files] of Object.entries(CONFIGS)) {
    it(`is unchanged for ${name}`, async () => {
      const options = files ? { files } : {};
      const json = await cli(['plan', '--json'], options);
      expect(json.code, json.stderr).toBe(ExitCode.ok);
      await expect(portable(json.stdout)).toMatchFileSnapshot(`__golden__/plan-${name}.json.snap`);
      const text = await cli(['plan'], options);
      expect(text.code, text.stderr).toBe(ExitCode.ok);
      await expect(portable(text.stdout)).toMatchFileSnapshot(`__golden__/plan-${name}.txt`);
    });
  }
});
