import { describe, expect, it } from 'vitest';
import { JITSI_APP_ID, JWT_SECRET_KEY, MEMBERS_ONLY_ENV } from '../../src/infra/constructs/jitsi-auth.js';
import { OUTPUTS } from '../../src/infra/meet-stack.js';
import { resource, synth } from '../support/fixtures.js';
import { arnOf, decide, policiesOfRole } from '../support/iam.js';

// One template for the whole file: the shipped example, whose auth is the default, members.
const { json } = synth();
const taskDefinition = resource(json, 'AWS::ECS::TaskDefinition');
type Container = {
  Name: string;
  Environment?: Array<{ Name: string; Value: unknown }>;
  Secrets?: Array<{ Name: string; ValueFrom: unknown }>;
};
const containers = taskDefinition.props.ContainerDefinitions as Container[];
const env = (name: string) =>
  Object.fromEntries((containers.find((c) => c.Name === name)?.Environment ?? []).map((e) => [e.Name, e.Value]));
const tokenSecret = resource(json, 'AWS::SecretsManager::Secret', 'JitsiAuthTokenSecret');

describe('members-only meetings: Jitsi token authentication', () => {
  it('turns on JWT auth with guests and the wait-for-host recipe on prosody', () => {
    expect(env('prosody')).toMatchObject({
      ENABLE_AUTH: '1',
      ENABLE_GUESTS: '1',
      AUTH_TYPE: 'jwt',
      JWT_APP_ID: JITSI_APP_ID,
      JWT_ALLOW_EMPTY: '0',
      XMPP_MUC_MODULES: 'muc_wait_for_host',
      // Without it nothing creates the lobby and guests walk in.
      XMPP_MODULES: 'persistent_lobby',
    });
  });

  it('tells web about auth and guests, and keeps jicofo auth off as the recipe needs', () => {
    expect(env('web')).toMatchObject({
      ENABLE_AUTH: '1',
      ENABLE_GUESTS: '1',
      // A member who opens a room signs in on the organizer page and comes back with a token.
      TOKEN_AUTH_URL: 'https://start.meet.example.org/auth/room?room={room}',
    });
    expect(env('jicofo')).toMatchObject({ JICOFO_ENABLE_AUTH: '0' });
    expect(env('jicofo').ENABLE_AUTH).toBeUndefined();
    expect(env('jvb').ENABLE_AUTH).toBeUndefined();
    expect(MEMBERS_ONLY_ENV.web).toEqual({ ENABLE_AUTH: '1', ENABLE_GUESTS: '1' });
  });

  it('gives the app secret to prosody alone, from a secret of its own generated at deploy time', () => {
    const secretsOf = (name: string) => (containers.find((c) => c.Name === name)?.Secrets ?? []).map((s) => s.Name);
    expect(secretsOf('prosody')).toContain(JWT_SECRET_KEY);
    for (const other of ['web', 'jicofo', 'jvb', 'stats', 'tls']) expect(secretsOf(other)).not.toContain(JWT_SECRET_KEY);
    expect(tokenSecret.props.GenerateSecretString).toMatchObject({ GenerateStringKey: JWT_SECRET_KEY, PasswordLength: 64 });
    expect(tokenSecret.props.SecretString).toBeUndefined();
    expect(json.Outputs?.[OUTPUTS.tokenSecret]).toEqual(expect.objectContaining({ Value: { Ref: tokenSecret.id } }));
  });

  it('lets the task read the token secret, and nobody else in the stack', async () => {
    const executionRole = (taskDefinition.props.ExecutionRoleArn as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
    const secret = arnOf(json, tokenSecret.id);
    expect(await decide(policiesOfRole(json, executionRole), 'secretsmanager:GetSecretValue', secret)).toBe('Allowed');
    for (const fn of ['AutomationScheduledStart', 'TaskDnsFunction', 'AsleepFunction', 'TaskCertificateFunction']) {
      const role = (resource(json, 'AWS::Lambda::Function', fn).props.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
      expect(await decide(policiesOfRole(json, role), 'secretsmanager:GetSecretValue', secret), fn).toBe('ImplicitlyDenied');
    }
  });
});

describe('members-only meetings: the user pool', () => {
  const pool = resource(json, 'AWS::Cognito::UserPool');
  const client = resource(json, 'AWS::Cognito::UserPoolClient');

  it('lets only an admin create users, signs in by e-mail, and keeps the accounts when the stack goes', () => {
    expect(pool.props).toMatchObject({
      AdminCreateUserConfig: expect.objectContaining({ AllowAdminCreateUserOnly: true }),
      UsernameAttributes: ['email'],
      AutoVerifiedAttributes: ['email'],
      UserPoolTier: 'ESSENTIALS',
      MfaConfiguration: 'OPTIONAL',
      Policies: { PasswordPolicy: expect.objectContaining({ MinimumLength: 12 }) },
    });
    expect(json.Resources[pool.id]?.DeletionPolicy).toBe('Retain');
  });

  it('runs the sign-in rules before every sign-up and token (an empty allow list: no federated sign-in)', () => {
    const rules = resource(json, 'AWS::Lambda::Function', 'MembersSignInRules');
    expect(pool.props.LambdaConfig).toEqual({
      PreSignUp: { 'Fn::GetAtt': [rules.id, 'Arn'] },
      PreTokenGeneration: { 'Fn::GetAtt': [rules.id, 'Arn'] },
    });
    expect(rules.props.Environment).toEqual({ Variables: { SIGN_IN_ALLOW: '[]' } });
    expect(client.props.SupportedIdentityProviders).toEqual(['COGNITO']);
  });

  it('has the organizers and members groups', () => {
    const groups = Object.values(json.Resources)
      .filter((r) => r.Type === 'AWS::Cognito::UserPoolGroup')
      .map((r) => r.Properties?.GroupName)
      .sort();
    expect(groups).toEqual(['members', 'organizers']);
  });

  it("uses Cognito's prefix domain, and an app client for the organizer page: code flow with PKCE, no secret", () => {
    const domain = resource(json, 'AWS::Cognito::UserPoolDomain');
    expect(domain.props.Domain).toBe('meet-meet-example-org');
    expect(domain.props.CustomDomainConfig).toBeUndefined();
    expect(client.props).toMatchObject({
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: expect.arrayContaining(['openid', 'email', 'profile']),
      CallbackURLs: ['https://start.meet.example.org/auth/callback'],
      LogoutURLs: ['https://start.meet.example.org/'],
      SupportedIdentityProviders: ['COGNITO'],
      PreventUserExistenceErrors: 'ENABLED',
    });
    expect(client.props.AllowedOAuthFlows).not.toContain('implicit');
    expect(json.Outputs?.[OUTPUTS.userPool]).toEqual(expect.objectContaining({ Value: { Ref: pool.id } }));
  });

  // The review signed in with SRP and the public client id (ExplicitAuthFlows unset allows
  // ALLOW_USER_SRP_AUTH and ALLOW_CUSTOM_AUTH, per CreateUserPoolClient) and then rewrote its own name
  // with UpdateUserAttributes (WriteAttributes unset: every standard attribute). moto enforces
  // neither, so these are the template's values against the Cognito API reference.
  it('lets the page client sign in only through the managed login, and write nothing the system trusts', () => {
    expect(client.props.ExplicitAuthFlows).toEqual(['ALLOW_REFRESH_TOKEN_AUTH']);
    // No OAuth scope that UpdateUserAttributes accepts.
    expect(client.props.AllowedOAuthScopes).not.toContain('aws.cognito.signin.user.admin');
    // Not empty, which Cognito reads as "every standard attribute"; nothing the tokens or the log use.
    expect(client.props.WriteAttributes).toEqual(['locale']);
    expect(client.props.EnableTokenRevocation).toBe(true);
  });
});
