import { describe, expect, it } from 'vitest';
import { estimateForConfig } from '../../../src/cost/model.js';
import { pageCostModel } from '../../../src/infra/stack/members-and-page.js';
import { configWith } from '../../support/fixtures.js';

// The organizer page's month to date is priced from what the stack hands the page function. It must
// price the stack as `meetctl plan` does: it priced every stack as us-west-2, no recorder, no sign-in.
describe("the page's cost model", () => {
  const config = configWith({
    region: 'eu-central-1',
    bandwidth: 'discussion',
    secretStore: 'parameter-store',
    logRetentionDays: 7,
    recording: { enabled: true },
    signIn: {
      allow: ['@example.org'],
      google: {
        clientId: '123-abc.apps.googleusercontent.com',
        clientSecretArn: 'arn:aws:secretsmanager:eu-central-1:111122223333:secret:google-AbC123',
      },
      oidc: [
        {
          name: 'Keycloak',
          issuerUrl: 'https://id.example.org/realms/community',
          clientId: 'meet',
          clientSecretArn: 'arn:aws:secretsmanager:eu-central-1:111122223333:secret:kc-XyZ789',
        },
      ],
    },
  });
  const model = pageCostModel(config);

  it('gives the page every input plan prices, and no secret', () => {
    expect(model).toMatchObject({
      region: 'eu-central-1',
      bandwidth: 'discussion',
      secretStore: 'parameter-store',
      logRetentionDays: 7,
      recording: { enabled: true, instanceType: config.recording.instanceType },
      signIn: { google: true, oidc: [{ name: 'Keycloak' }] },
    });
    expect(JSON.stringify(model)).not.toContain('secretsmanager');
    expect(JSON.stringify(model)).not.toContain('clientId');
  });

  it('prices the stack as plan does: the same running hour, fixed month and recorded hour', () => {
    const page = estimateForConfig({ ...model, auth: 'members' });
    const plan = estimateForConfig(config);
    expect(page.runningHourUsd).toBe(plan.runningHourUsd);
    expect(JSON.stringify(page)).toBe(JSON.stringify(plan));
  });
});
