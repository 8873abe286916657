import { describe, expect, it } from 'vitest';
import { configWith, resource, synth } from '../support/fixtures.js';

// One template for the whole file: members-only meetings with Google and one OIDC provider.
const GOOGLE_SECRET = 'arn:aws:secretsmanager:us-west-2:111122223333:secret:google-client-AbC123';
const OIDC_SECRET = 'arn:aws:secretsmanager:us-west-2:111122223333:secret:keycloak-client-XyZ789';
const { json } = synth(
  configWith({
    signIn: {
      allow: ['ana@example.org', '@blender-users.org'],
      google: { clientId: '123-abc.apps.googleusercontent.com', clientSecretArn: GOOGLE_SECRET },
      oidc: [
        {
          name: 'Keycloak',
          issuerUrl: 'https://id.example.org/realms/community',
          clientId: 'meet',
          clientSecretArn: OIDC_SECRET,
        },
      ],
    },
  }),
);
const providers = Object.values(json.Resources).filter((r) => r.Type === 'AWS::Cognito::UserPoolIdentityProvider');

describe('federated sign-in', () => {
  it('adds Google and the OIDC provider, with the client secrets as Secrets Manager references only', () => {
    expect(providers.map((p) => [p.Properties?.ProviderName, p.Properties?.ProviderType]).sort()).toEqual([
      ['Google', 'Google'],
      ['Keycloak', 'OIDC'],
    ]);
    const text = JSON.stringify(providers);
    expect(text).toContain(`{{resolve:secretsmanager:${GOOGLE_SECRET}:SecretString:::}}`);
    expect(text).toContain(`{{resolve:secretsmanager:${OIDC_SECRET}:SecretString:::}}`);
    const keycloak = providers.find((p) => p.Properties?.ProviderName === 'Keycloak');
    expect(keycloak?.Properties?.ProviderDetails).toMatchObject({
      oidc_issuer: 'https://id.example.org/realms/community',
      client_id: 'meet',
      authorize_scopes: 'openid email profile',
    });
    expect(keycloak?.Properties?.AttributeMapping).toMatchObject({ email: 'email', email_verified: 'email_verified' });
    const google = providers.find((p) => p.Properties?.ProviderName === 'Google');
    // The sign-in rules read it: an allow-listed address counts only when the provider verified it.
    expect(google?.Properties?.AttributeMapping).toMatchObject({ email: 'email', email_verified: 'email_verified' });
  });

  it('lets the page client write exactly the mapped attributes, which Cognito needs to update at each sign-in', () => {
    const client = resource(json, 'AWS::Cognito::UserPoolClient');
    const mapped = new Set(providers.flatMap((p) => Object.keys((p.Properties?.AttributeMapping as object) ?? {})));
    expect([...(client.props.WriteAttributes as string[])].sort()).toEqual([...mapped].sort());
    expect([...mapped].sort()).toEqual(['email', 'email_verified', 'name']);
    expect(client.props.ExplicitAuthFlows).toEqual(['ALLOW_REFRESH_TOKEN_AUTH']);
  });

  it('offers them on the organizer page client, created after them', () => {
    const client = resource(json, 'AWS::Cognito::UserPoolClient');
    expect([...(client.props.SupportedIdentityProviders as string[])].sort()).toEqual(['COGNITO', 'Google', 'Keycloak']);
    expect(json.Resources[client.id]?.DependsOn).toEqual(
      expect.arrayContaining([expect.stringMatching(/Google/), expect.stringMatching(/Keycloak/)]),
    );
  });

  it('gives the sign-in rules the allow list', () => {
    const rules = resource(json, 'AWS::Lambda::Function', 'MembersSignInRules');
    expect(rules.props.Environment).toEqual({ Variables: { SIGN_IN_ALLOW: '["ana@example.org","@blender-users.org"]' } });
  });
});
