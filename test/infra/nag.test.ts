import { App, Stack, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { INGRESS_MODES } from '../../src/config/schema.js';
import { buildApp } from '../../src/infra/app.js';
import { configWith } from '../support/fixtures.js';

describe('cdk-nag AwsSolutions', () => {
  it.each(INGRESS_MODES)('has no unacknowledged finding on the whole app in %s mode', (ingress) => {
    const { app } = buildApp(configWith({ ingress }), { skipBundling: true });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();
  });

  it('has no unacknowledged finding with federated sign-in configured', () => {
    const secret = 'arn:aws:secretsmanager:us-west-2:111122223333:secret:idp-AbC123';
    const { app } = buildApp(
      configWith({
        signIn: {
          allow: ['@example.org'],
          google: { clientId: 'g', clientSecretArn: secret },
          oidc: [{ name: 'Keycloak', issuerUrl: 'https://id.example.org', clientId: 'k', clientSecretArn: secret }],
        },
      }),
      { skipBundling: true },
    );
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();
  });

  it('has no unacknowledged finding with branding in load-balancer mode and open meetings', () => {
    const branding = { appName: 'NE3D', logoUrl: 'https://ne3d.org/logo.svg', primaryColor: '#e87d0d' };
    const { app } = buildApp(configWith({ ingress: 'load-balancer', auth: 'open', branding }), { skipBundling: true });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();
  });

  it.each(INGRESS_MODES)('has no unacknowledged finding with the recorder and the monthly rotation in %s mode', (ingress) => {
    const { app } = buildApp(configWith({ ingress, recording: { enabled: true }, rotateSecretsMonthly: true }), {
      skipBundling: true,
    });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();
  });

  it.each(INGRESS_MODES)(
    'has no unacknowledged finding with Parameter Store secrets, the recorder and the rotation in %s mode',
    (ingress) => {
      const { app } = buildApp(
        configWith({ ingress, secretStore: 'parameter-store', recording: { enabled: true }, rotateSecretsMonthly: true }),
        { skipBundling: true },
      );
      Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
      expect(() => app.synth()).not.toThrow();
    },
  );

  it('is really checking: an unacknowledged bad bucket fails synthesis', () => {
    const app = new App();
    new s3.Bucket(new Stack(app, 'Probe'), 'Unlogged');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).toThrow(/AwsSolutions-S1/);
  });
});
