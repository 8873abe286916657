import { describe, expect, it } from 'vitest';
import { resource, synth } from '../support/fixtures.js';
import { ACCOUNT, arnOf, decide, policiesOfRole, REGION } from '../support/iam.js';

// Least privilege of the direct mode's functions, proven offline with @cloud-copilot/iam-simulate.
const { json } = synth();
const ZONE = 'arn:aws:route53:::hostedzone/Z0000000000EXAMPLE0000';
const OTHER_ZONE = 'arn:aws:route53:::hostedzone/Z9999999999OTHER00000';
const CHANGE = 'arn:aws:route53:::change/C0123456789ABCDEFGHIJ';
const table = arnOf(json, resource(json, 'AWS::DynamoDB::Table').id, 'Arn');
const certificateSecret = arnOf(json, resource(json, 'AWS::SecretsManager::Secret', 'TaskCertificate').id);
const internalSecret = arnOf(json, resource(json, 'AWS::SecretsManager::Secret', 'InternalSecret').id);
const topic = arnOf(json, resource(json, 'AWS::SNS::Topic').id);
const roleOf = (functionIdPart: string) =>
  (resource(json, 'AWS::Lambda::Function', functionIdPart).props.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];

/** The condition keys Route 53 sets on ChangeResourceRecordSets: one value per change in the batch. */
const batch = (changes: Array<[action: string, name: string, type: string]>) => ({
  'route53:ChangeResourceRecordSetsActions': changes.map(([a]) => a),
  'route53:ChangeResourceRecordSetsNormalizedRecordNames': changes.map(([, n]) => n),
  'route53:ChangeResourceRecordSetsRecordTypes': changes.map(([, , t]) => t),
});

type Case = [action: string, resource: string, context?: Record<string, string | string[]>];
async function expectAll(role: string, cases: Case[], expected: 'Allowed' | 'ImplicitlyDenied') {
  const policies = policiesOfRole(json, role);
  const results = await Promise.all(
    cases.map(
      async ([action, res, context]) =>
        `${action} ${res} ${JSON.stringify(context ?? {})} → ${await decide(policies, action, res, context)}`,
    ),
  );
  expect(results).toEqual(
    cases.map(([action, res, context]) => `${action} ${res} ${JSON.stringify(context ?? {})} → ${expected}`),
  );
}

describe('the DNS function', () => {
  const role = roleOf('TaskDnsFunction');
  const host = 'meet.example.org';

  it('may switch the meeting host A record (DELETE the old value, CREATE the new), read the zone and the task address', async () => {
    await expectAll(
      role,
      [
        [
          'route53:ChangeResourceRecordSets',
          ZONE,
          batch([
            ['DELETE', host, 'A'],
            ['CREATE', host, 'A'],
          ]),
        ],
        ['route53:ChangeResourceRecordSets', ZONE, batch([['CREATE', host, 'A']])],
        ['route53:ListResourceRecordSets', ZONE],
        ['ec2:DescribeNetworkInterfaces', '*'],
        ...['GetItem', 'UpdateItem'].map(
          (a): Case => [`dynamodb:${a}`, table, { 'dynamodb:LeadingKeys': ['TASK#arn:aws:ecs:task/1'] }],
        ),
        // Its on-failure destination: what fails every attempt is e-mailed.
        ['sns:Publish', topic],
      ],
      'Allowed',
    );
  });

  it("reports an invocation that failed every attempt to the alert topic (EventBridge's retries cover the delivery only)", () => {
    const configs = Object.values(json.Resources).filter((r) => r.Type === 'AWS::Lambda::EventInvokeConfig');
    expect(configs).toHaveLength(1);
    const [config] = configs as Array<{ Properties: Record<string, unknown> }>;
    expect(JSON.stringify(config?.Properties.FunctionName)).toContain(
      resource(json, 'AWS::Lambda::Function', 'TaskDnsFunction').id,
    );
    expect(config?.Properties).toMatchObject({
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { Ref: resource(json, 'AWS::SNS::Topic').id } } },
    });
  });

  it('may not touch any other record, type, action or zone, the lock, or anything else', async () => {
    await expectAll(
      role,
      [
        ['route53:ChangeResourceRecordSets', ZONE, batch([['UPSERT', host, 'A']])],
        [
          'route53:ChangeResourceRecordSets',
          ZONE,
          batch([
            ['DELETE', host, 'A'],
            ['CREATE', 'www.example.org', 'A'],
          ]),
        ],
        ['route53:ChangeResourceRecordSets', ZONE, batch([['CREATE', host, 'AAAA']])],
        ['route53:ChangeResourceRecordSets', ZONE, batch([['CREATE', host, 'CAA']])],
        ['route53:ChangeResourceRecordSets', ZONE, batch([['CREATE', `_acme-challenge.${host}`, 'TXT']])],
        ['route53:ChangeResourceRecordSets', OTHER_ZONE, batch([['CREATE', host, 'A']])],
        ['route53:DeleteHostedZone', ZONE],
        ['dynamodb:PutItem', table, { 'dynamodb:LeadingKeys': ['LOCK'] }],
        // Rows are updated, never replaced: the change noted on a row stays.
        ['dynamodb:PutItem', table, { 'dynamodb:LeadingKeys': ['TASK#arn:aws:ecs:task/1'] }],
        ['dynamodb:DeleteItem', table, { 'dynamodb:LeadingKeys': ['TASK#arn:aws:ecs:task/1'] }],
        ['ec2:AssociateAddress', `arn:aws:ec2:${REGION}:${ACCOUNT}:elastic-ip/eipalloc-0123`],
        ['ecs:UpdateService', `arn:aws:ecs:${REGION}:${ACCOUNT}:service/c/s`],
        ['secretsmanager:GetSecretValue', certificateSecret],
      ],
      'ImplicitlyDenied',
    );
  });
});

describe('the certificate function', () => {
  const role = roleOf('TaskCertificateFunction');
  const challenge = '_acme-challenge.meet.example.org';

  it('may write and remove only the host challenge TXT record, wait for INSYNC, keep its own secret and alert', async () => {
    await expectAll(
      role,
      [
        ['route53:ChangeResourceRecordSets', ZONE, batch([['UPSERT', challenge, 'TXT']])],
        ['route53:ChangeResourceRecordSets', ZONE, batch([['DELETE', challenge, 'TXT']])],
        ['route53:GetChange', CHANGE],
        ['secretsmanager:GetSecretValue', certificateSecret],
        ['secretsmanager:PutSecretValue', certificateSecret],
        ['sns:Publish', topic],
        ['dynamodb:PutItem', table, { 'dynamodb:LeadingKeys': ['CERTIFICATE'] }],
      ],
      'Allowed',
    );
  });

  it('may not change the host record, other TXT records, other secrets or other zones', async () => {
    await expectAll(
      role,
      [
        ['route53:ChangeResourceRecordSets', ZONE, batch([['UPSERT', 'meet.example.org', 'A']])],
        ['route53:ChangeResourceRecordSets', ZONE, batch([['UPSERT', 'example.org', 'TXT']])],
        [
          'route53:ChangeResourceRecordSets',
          ZONE,
          batch([
            ['UPSERT', challenge, 'TXT'],
            ['UPSERT', 'example.org', 'CAA'],
          ]),
        ],
        ['route53:ChangeResourceRecordSets', ZONE, batch([['CREATE', challenge, 'CNAME']])],
        ['route53:ChangeResourceRecordSets', OTHER_ZONE, batch([['UPSERT', challenge, 'TXT']])],
        ['secretsmanager:GetSecretValue', internalSecret],
        ['secretsmanager:DeleteSecret', certificateSecret],
        ['dynamodb:PutItem', table, { 'dynamodb:LeadingKeys': ['LOCK'] }],
        ['dynamodb:PutItem', table, { 'dynamodb:LeadingKeys': ['TASK#arn:aws:ecs:task/1'] }],
        ['route53:ListResourceRecordSets', ZONE],
      ],
      'ImplicitlyDenied',
    );
  });
});

describe('the asleep page function', () => {
  const role = roleOf('AsleepFunction');
  const schedule = (group: string) => `arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/${group}/weekly`;

  it('may only read the meetup schedules of its group', async () => {
    await expectAll(
      role,
      [
        ['scheduler:ListSchedules', '*'],
        ['scheduler:GetSchedule', schedule('Meet-meet-example-org')],
      ],
      'Allowed',
    );
    await expectAll(
      role,
      [
        ['scheduler:GetSchedule', schedule('other')],
        ['scheduler:DeleteSchedule', schedule('Meet-meet-example-org')],
        ['scheduler:CreateSchedule', schedule('Meet-meet-example-org')],
        ['dynamodb:GetItem', table, { 'dynamodb:LeadingKeys': ['LOCK'] }],
      ],
      'ImplicitlyDenied',
    );
  });
});

describe('the automation in direct mode', () => {
  const role = roleOf('AutomationScheduledStart');

  it("reads the DNS function's task rows and Route 53 changes, and no longer needs target health", async () => {
    await expectAll(
      role,
      [
        ['dynamodb:GetItem', table, { 'dynamodb:LeadingKeys': ['TASK#arn:aws:ecs:task/1'] }],
        ['dynamodb:GetItem', table, { 'dynamodb:LeadingKeys': ['CERTIFICATE'] }],
        ['route53:GetChange', CHANGE],
      ],
      'Allowed',
    );
    await expectAll(
      role,
      [
        ['dynamodb:PutItem', table, { 'dynamodb:LeadingKeys': ['TASK#arn:aws:ecs:task/1'] }],
        ['route53:ChangeResourceRecordSets', ZONE, batch([['CREATE', 'meet.example.org', 'A']])],
        ['ec2:DescribeNetworkInterfaces', '*'],
        ['elasticloadbalancing:DescribeTargetHealth', '*'],
      ],
      'ImplicitlyDenied',
    );
  });

  it('the runtime guard reconciles the host record as the DNS function switches it, and nothing more', async () => {
    const guard = roleOf('AutomationRuntimeGuard');
    const host = 'meet.example.org';
    await expectAll(
      guard,
      [
        [
          'route53:ChangeResourceRecordSets',
          ZONE,
          batch([
            ['DELETE', host, 'A'],
            ['CREATE', host, 'A'],
          ]),
        ],
        ['route53:ListResourceRecordSets', ZONE],
        ['ec2:DescribeNetworkInterfaces', '*'],
        ['dynamodb:UpdateItem', table, { 'dynamodb:LeadingKeys': ['TASK#arn:aws:ecs:task/1'] }],
      ],
      'Allowed',
    );
    await expectAll(
      guard,
      [
        ['route53:ChangeResourceRecordSets', ZONE, batch([['UPSERT', host, 'A']])],
        ['route53:ChangeResourceRecordSets', ZONE, batch([['CREATE', `www.${host.split('.').slice(1).join('.')}`, 'A']])],
        ['route53:ChangeResourceRecordSets', OTHER_ZONE, batch([['CREATE', host, 'A']])],
        ['dynamodb:PutItem', table, { 'dynamodb:LeadingKeys': ['TASK#arn:aws:ecs:task/1'] }],
      ],
      'ImplicitlyDenied',
    );
  });
});
