import { describe, expect, it } from 'vitest';
import { configWith, resource, synth, type TemplateJson } from '../support/fixtures.js';
import { ACCOUNT, decide, policiesOfRole, REGION, resolve, STACK_NAME } from '../support/iam.js';

// `secretStore: "parameter-store"`: one SecureString parameter per key under /<stackName>/<boundary>/,
// created by the generator, each role granted its own boundary's exact parameter ARNs.
const { template, json } = synth(
  configWith({ secretStore: 'parameter-store', recording: { enabled: true }, rotateSecretsMonthly: true }),
);
const parameter = (boundary: string, key: string) =>
  `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/${STACK_NAME}/${boundary}/${key}`;
const P = {
  jicofo: parameter('internal', 'JICOFO_AUTH_PASSWORD'),
  jvb: parameter('internal', 'JVB_AUTH_PASSWORD'),
  recorder: parameter('recorder', 'JIBRI_RECORDER_PASSWORD'),
  jibri: parameter('recorder', 'JIBRI_XMPP_PASSWORD'),
  token: parameter('token', 'JWT_APP_SECRET'),
  chain: parameter('certificate', 'certificatePem'),
  key: parameter('certificate', 'privateKeyPem'),
  state: parameter('certificate', 'state'),
};
const ALL = Object.values(P);

const roleOfFunction = (part: string) =>
  (resource(json, 'AWS::Lambda::Function', part).props.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
const executionRoleOf = (part: string) =>
  (resource(json, 'AWS::ECS::TaskDefinition', part).props.ExecutionRoleArn as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];

/** Which of every parameter a role may do `action` on. */
async function allowed(role: string, action: string): Promise<string[]> {
  const policies = policiesOfRole(json, role);
  const decisions = await Promise.all(ALL.map(async (arn) => [arn, await decide(policies, action, arn)] as const));
  return decisions.filter(([, d]) => d === 'Allowed').map(([arn]) => arn);
}

/** Every Action of every IAM policy statement in a template. */
function actionsOf(t: TemplateJson): string[] {
  return Object.values(t.Resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy')
    .flatMap(
      (r) => (r.Properties?.PolicyDocument as { Statement: Array<{ Action: string | string[] }> } | undefined)?.Statement ?? [],
    )
    .flatMap((s) => [s.Action].flat());
}

describe('secretStore: parameter-store', () => {
  it('has no Secrets Manager resource at all', () => {
    expect(Object.values(json.Resources).filter((r) => r.Type.startsWith('AWS::SecretsManager::'))).toEqual([]);
    expect(actionsOf(json).filter((a) => a.startsWith('secretsmanager:'))).toEqual([]);
  });

  it('creates one parameter group per trust boundary through the generator, with a password size for generated ones', () => {
    const groups = template.findResources('Custom::SecureParameters');
    const byBoundary = Object.fromEntries(
      Object.values(groups).map((g) => {
        const names = g.Properties.Names as string[];
        return [names[0]?.split('/')[2], { names, bytes: g.Properties.PasswordBytes }];
      }),
    );
    expect(byBoundary).toEqual({
      internal: {
        names: [`/${STACK_NAME}/internal/JICOFO_AUTH_PASSWORD`, `/${STACK_NAME}/internal/JVB_AUTH_PASSWORD`],
        bytes: 16,
      },
      recorder: {
        names: [`/${STACK_NAME}/recorder/JIBRI_RECORDER_PASSWORD`, `/${STACK_NAME}/recorder/JIBRI_XMPP_PASSWORD`],
        bytes: 16,
      },
      token: { names: [`/${STACK_NAME}/token/JWT_APP_SECRET`], bytes: 32 },
      certificate: {
        names: ['certificatePem', 'privateKeyPem', 'state'].map((k) => `/${STACK_NAME}/certificate/${k}`),
        bytes: undefined,
      },
    });
  });

  it('injects each container secret from its parameter ARN (no JSON key: ECS reads a whole parameter)', () => {
    const containers = resource(json, 'AWS::ECS::TaskDefinition', 'PoweredJitsi').props.ContainerDefinitions as Array<{
      Name: string;
      Secrets?: Array<{ Name: string; ValueFrom: unknown }>;
    }>;
    const secrets = Object.fromEntries(
      containers.flatMap((c) => (c.Secrets ?? []).map((x) => [`${c.Name} ${x.Name}`, resolve(json, x.ValueFrom)])),
    );
    expect(secrets).toEqual({
      'prosody JICOFO_AUTH_PASSWORD': P.jicofo,
      'prosody JVB_AUTH_PASSWORD': P.jvb,
      'prosody JIBRI_RECORDER_PASSWORD': P.recorder,
      'prosody JIBRI_XMPP_PASSWORD': P.jibri,
      'prosody JWT_APP_SECRET': P.token,
      'jicofo JICOFO_AUTH_PASSWORD': P.jicofo,
      'jvb JVB_AUTH_PASSWORD': P.jvb,
      'tls TLS_CERTIFICATE_PEM': P.chain,
      'tls TLS_PRIVATE_KEY_PEM': P.key,
    });
  });

  it('the certificate function and the task wait for the parameters the generator creates', () => {
    const certificateGroup = Object.entries(template.findResources('Custom::SecureParameters')).find(([id]) =>
      id.startsWith('TaskCertificate'),
    )?.[0];
    const first = Object.entries(json.Resources).find(([id]) => id.startsWith('TaskCertificateFirst'))?.[1];
    expect(first?.DependsOn).toContain(certificateGroup);
  });

  it('gives each component exactly its own boundary', async () => {
    expect(await allowed(executionRoleOf('PoweredJitsi'), 'ssm:GetParameters')).toEqual([
      P.jicofo,
      P.jvb,
      P.recorder,
      P.jibri,
      P.token,
      P.chain,
      P.key,
    ]);
    expect(await allowed(executionRoleOf('RecorderTaskDefinition'), 'ssm:GetParameters')).toEqual([P.recorder, P.jibri]);
    expect(await allowed(roleOfFunction('OrganizerPageFunction'), 'ssm:GetParameters')).toEqual([P.token]);
    expect(await allowed(roleOfFunction('TaskCertificateFunction'), 'ssm:PutParameter')).toEqual([P.chain, P.key, P.state]);
    expect(await allowed(roleOfFunction('SecretRotationFunction'), 'ssm:PutParameter')).toEqual([
      P.jicofo,
      P.jvb,
      P.recorder,
      P.jibri,
      P.token,
    ]);
    expect(await allowed(roleOfFunction('InternalSecretGenerator'), 'ssm:DeleteParameters')).toEqual(ALL);
  });

  it('no role may write a parameter at the start of a task, and none reads the ACME account key but its function', async () => {
    expect(await allowed(executionRoleOf('PoweredJitsi'), 'ssm:PutParameter')).toEqual([]);
    expect(await allowed(roleOfFunction('OrganizerPageFunction'), 'ssm:PutParameter')).toEqual([]);
    const readers = [];
    for (const [id, r] of Object.entries(json.Resources)) {
      // The VPC's default security group custom resource names no parameter (CDK builds and grants it).
      if (r.Type !== 'AWS::IAM::Role' || id.startsWith('CustomVpcRestrictDefaultSG')) continue;
      for (const action of ['ssm:GetParameters', 'ssm:GetParameter', 'ssm:GetParameterHistory']) {
        if ((await decide(policiesOfRole(json, id), action, P.state)) === 'Allowed') readers.push(`${id} ${action}`);
      }
    }
    expect(readers).toEqual([`${roleOfFunction('TaskCertificateFunction')} ssm:GetParameters`]);
  });

  it('grants no KMS statement: the AWS-managed key aws/ssm is used through Parameter Store only', () => {
    expect(actionsOf(json).filter((a) => a.startsWith('kms:'))).toEqual([]);
    expect(actionsOf(json).filter((a) => a === 'ssm:*' || a === '*')).toEqual([]);
  });

  it('outputs the parameter ARNs of each boundary, never a value', () => {
    template.hasOutput('InternalSecretArn', {
      Description: 'Parameter ARNs only; the values never leave Parameter Store',
    });
  });
});

describe('secretStore: secrets-manager (the default)', () => {
  const defaults = synth(configWith({ recording: { enabled: true }, rotateSecretsMonthly: true })).json;
  it('creates no parameter and grants no Parameter Store action', () => {
    expect(Object.values(defaults.Resources).filter((r) => r.Type === 'Custom::SecureParameters')).toEqual([]);
    expect(actionsOf(defaults).filter((a) => a.startsWith('ssm:'))).toEqual([]);
  });

  it('keeps one secret per trust boundary: internal, recorder, token and certificate', () => {
    expect(Object.values(defaults.Resources).filter((r) => r.Type === 'AWS::SecretsManager::Secret')).toHaveLength(4);
  });
});
