import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { EXPIRES_AT } from '../../src/aws/page-sessions.js';
import type { RecordedStart, TimingsFile } from '../../src/control/start-timings.js';
import { buildApp } from '../../src/infra/app.js';
import { PAGE_THROTTLE } from '../../src/infra/constructs/organizer-page.js';
import { PAGE_ENV } from '../../src/lambda/organizer-page.js';
import { exampleConfig, resource, synth } from '../support/fixtures.js';
import { ACCOUNT, arnOf, decide, policiesOfRole, REGION } from '../support/iam.js';

// One template for the whole file: the shipped example (direct ingress, members-only meetings).
const { json } = synth();
const fn = resource(json, 'AWS::Lambda::Function', 'OrganizerPageFunction');
const role = (fn.props.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
const table = arnOf(json, resource(json, 'AWS::DynamoDB::Table').id, 'Arn');

describe('the organizer page', () => {
  it('is one function behind an HTTP API on start.<host> with its own certificate and record', () => {
    const domain = resource(json, 'AWS::ApiGatewayV2::DomainName', 'OrganizerPage');
    const certificate = resource(json, 'AWS::CertificateManager::Certificate', 'OrganizerPage');
    expect(certificate.props).toMatchObject({ DomainName: 'start.meet.example.org', ValidationMethod: 'DNS' });
    expect(domain.props).toMatchObject({
      DomainName: 'start.meet.example.org',
      DomainNameConfigurations: [
        { CertificateArn: { Ref: certificate.id }, EndpointType: 'REGIONAL', SecurityPolicy: 'TLS_1_2' },
      ],
    });
    expect(resource(json, 'AWS::ApiGatewayV2::Api', 'OrganizerPage').props.DisableExecuteApiEndpoint).toBe(true);
    expect(resource(json, 'AWS::Route53::RecordSet', 'OrganizerPageRecord').props).toMatchObject({
      Name: 'start.meet.example.org.',
      Type: 'A',
      AliasTarget: { DNSName: { 'Fn::GetAtt': [domain.id, 'RegionalDomainName'] } },
    });
  });

  it("throttles the page's stage (every caller together; the function limits each client itself)", () => {
    expect(resource(json, 'AWS::ApiGatewayV2::Stage', 'OrganizerPage').props.DefaultRouteSettings).toEqual({
      ThrottlingRateLimit: PAGE_THROTTLE.rateLimit,
      ThrottlingBurstLimit: PAGE_THROTTLE.burstLimit,
    });
  });

  it('keeps the sessions in the state table, which deletes them after they end', () => {
    expect(resource(json, 'AWS::DynamoDB::Table').props.TimeToLiveSpecification).toEqual({
      AttributeName: EXPIRES_AT,
      Enabled: true,
    });
  });

  it('knows its origin, the user pool and the token secret, and has time for a whole start', () => {
    expect(fn.props).toMatchObject({ FunctionName: 'Meet-meet-example-org-organizer-page', Timeout: 900, Runtime: 'nodejs24.x' });
    const variables = (fn.props.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables[PAGE_ENV.origin]).toBe('https://start.meet.example.org');
    // Every variable, but the recordings switch, which only a stack with a recorder has (recorder.test.ts),
    // and the measured start, which only a deploy with matching recorded starts has (below).
    const optional: string[] = [PAGE_ENV.recordings, PAGE_ENV.measuredStart];
    for (const name of Object.values(PAGE_ENV).filter((n) => !optional.includes(n))) expect(variables[name], name).toBeDefined();
    for (const name of optional) expect(variables[name], name).toBeUndefined();
    // The example config's time zone: the meetup form's default (a config without one sets none).
    expect(variables[PAGE_ENV.timeZone]).toBe('America/Los_Angeles');
    // What `meetctl plan` prices, so the page's month to date agrees with it (region, preset, recorder, sign-in).
    expect(JSON.parse(variables[PAGE_ENV.costModel] as string)).toEqual({
      size: 'medium',
      architecture: 'arm64',
      ingress: 'direct',
      budgetUsd: 30,
      region: 'us-west-2',
      bandwidth: 'talk',
      secretStore: 'secrets-manager',
      logRetentionDays: 30,
    });
  });
});

describe("the page's expected start: measured when the deploy found matching recorded starts", () => {
  const config = exampleConfig();
  /** A start recorded on the example's deployment (direct, stable-11146-2, medium, arm64), or as changed. */
  const start = (readySeconds: number, changes: Partial<RecordedStart> = {}): RecordedStart => ({
    measuredAt: '2026-12-02T17:45:00.000Z',
    ingress: config.ingress,
    jitsiRelease: config.jitsiRelease,
    size: config.size,
    architecture: config.architecture,
    region: config.region,
    phases: [{ name: 'READY', seconds: readySeconds, by: 'observed' }],
    readySeconds,
    ...changes,
  });
  const pageVariables = (startTimings: TimingsFile) =>
    Template.fromStack(buildApp(config, { skipBundling: true, startTimings }).stack);
  const withVariable = (value: unknown) => ({
    FunctionName: 'Meet-meet-example-org-organizer-page',
    Environment: { Variables: Match.objectLike({ [PAGE_ENV.measuredStart]: value }) },
  });

  it('sets the median of the matching starts only, whatever the other starts in the file took', () => {
    const template = pageVariables({
      schema: 1,
      starts: [
        start(300, { size: 'large' }),
        start(78),
        start(250, { jitsiRelease: 'stable-9584' }),
        start(84),
        start(80),
        start(400, { ingress: 'load-balancer' }),
        start(350, { architecture: 'x86_64' }),
      ],
    });
    // 78, 84, 80: the median is 80 s; with the other deployments' starts it would be 250 s.
    template.hasResourceProperties('AWS::Lambda::Function', withVariable('80'));
  });

  it('leaves the model when the starts are of another size or release (no variable)', () => {
    const template = pageVariables({
      schema: 1,
      starts: [start(80, { size: 'large' }), start(82, { jitsiRelease: 'stable-9584' })],
    });
    template.hasResourceProperties('AWS::Lambda::Function', withVariable(Match.absent()));
  });
});

describe("the page's permissions (iam-simulate)", () => {
  const cluster = resource(json, 'AWS::ECS::Cluster').id;
  const self = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:Meet-meet-example-org-organizer-page`;
  const schedulerRole = arnOf(json, resource(json, 'AWS::IAM::Role', 'AutomationSchedulerRole').id);
  const tokenSecret = arnOf(json, resource(json, 'AWS::SecretsManager::Secret', 'JitsiAuth').id);

  it('may start and stop this service, read the token secret, write its rate-limit row and invoke itself', async () => {
    const policies = policiesOfRole(json, role);
    for (const [action, res, context] of [
      ['ecs:UpdateService', arnOf(json, resource(json, 'AWS::ECS::Service').id)],
      ['secretsmanager:GetSecretValue', tokenSecret],
      ['dynamodb:PutItem', table, { 'dynamodb:LeadingKeys': ['RATE#start'] }],
      ['dynamodb:PutItem', table, { 'dynamodb:LeadingKeys': ['LOCK'] }],
      ['dynamodb:PutItem', table, { 'dynamodb:LeadingKeys': ['SESSION#abc'] }],
      ['dynamodb:GetItem', table, { 'dynamodb:LeadingKeys': ['SESSION#abc'] }],
      ['dynamodb:DeleteItem', table, { 'dynamodb:LeadingKeys': ['SESSION#abc'] }],
      ['lambda:InvokeFunction', self],
      ['scheduler:CreateSchedule', `arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/Meet-meet-example-org/weekly`],
      ['scheduler:DeleteSchedule', `arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/Meet-meet-example-org/weekly`],
      ['iam:PassRole', schedulerRole, { 'iam:PassedToService': 'scheduler.amazonaws.com' }],
    ] as Array<[string, string, Record<string, string | string[]>?]>) {
      expect(await decide(policies, action, res, context), action).toBe('Allowed');
    }
  });

  it('may not touch other services, secrets, functions, records or the stack', async () => {
    const policies = policiesOfRole(json, role);
    for (const [action, res, context] of [
      ['ecs:UpdateService', `arn:aws:ecs:${REGION}:${ACCOUNT}:service/other-cluster/svc`],
      ['ecs:UpdateService', `arn:aws:ecs:${REGION}:${ACCOUNT}:service/${cluster}/another-service`],
      ['secretsmanager:GetSecretValue', arnOf(json, resource(json, 'AWS::SecretsManager::Secret', 'InternalSecret').id)],
      ['secretsmanager:GetSecretValue', arnOf(json, resource(json, 'AWS::SecretsManager::Secret', 'TaskCertificate').id)],
      ['lambda:InvokeFunction', `arn:aws:lambda:${REGION}:${ACCOUNT}:function:other`],
      ['dynamodb:PutItem', table, { 'dynamodb:LeadingKeys': ['TASK#x'] }],
      // Besides the lock it runs transitions under, sessions are its only rows to delete.
      ['dynamodb:DeleteItem', table, { 'dynamodb:LeadingKeys': ['TASK#x'] }],
      ['dynamodb:DeleteItem', table, { 'dynamodb:LeadingKeys': ['RATE#start'] }],
      ['dynamodb:DeleteItem', table, { 'dynamodb:LeadingKeys': ['CERTIFICATE'] }],
      ['route53:ChangeResourceRecordSets', 'arn:aws:route53:::hostedzone/Z0000000000EXAMPLE0000'],
      ['cloudformation:DeleteStack', `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/Meet-meet-example-org/abc`],
      ['cognito-idp:AdminCreateUser', `arn:aws:cognito-idp:${REGION}:${ACCOUNT}:userpool/us-west-2_X`],
      ['scheduler:CreateSchedule', `arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/other-group/weekly`],
      ['iam:PassRole', schedulerRole, { 'iam:PassedToService': 'lambda.amazonaws.com' }],
      ['iam:PassRole', `arn:aws:iam::${ACCOUNT}:role/admin`, { 'iam:PassedToService': 'scheduler.amazonaws.com' }],
    ] as Array<[string, string, Record<string, string | string[]>?]>) {
      expect(await decide(policies, action, res, context), action).toBe('ImplicitlyDenied');
    }
  });
});
