import { describe, expect, it } from 'vitest';
import { configWith, resource, synth } from '../support/fixtures.js';
import { ACCOUNT, arnOf, decide, managedPoliciesOfRole, policiesOfRole, REGION, STACK_ID } from '../support/iam.js';

// Least privilege, proven offline with @cloud-copilot/iam-simulate on the synthesized policies
// (load-balancer mode; the direct mode's own functions are in iam-direct.test.ts).
const { json } = synth(configWith({ ingress: 'load-balancer', auth: 'open' }));
const taskDefinition = resource(json, 'AWS::ECS::TaskDefinition').props as {
  ExecutionRoleArn: { 'Fn::GetAtt': [string] };
  TaskRoleArn: { 'Fn::GetAtt': [string] };
};
const executionRole = taskDefinition.ExecutionRoleArn['Fn::GetAtt'][0];
const taskRole = taskDefinition.TaskRoleArn['Fn::GetAtt'][0];
const secret = arnOf(json, resource(json, 'AWS::SecretsManager::Secret').id);
const bucket = arnOf(json, resource(json, 'AWS::S3::Bucket').id, 'Arn');
const containerLogGroups = ['Web', 'Prosody', 'Jicofo', 'Jvb', 'Stats'].map(
  (name) => resource(json, 'AWS::Logs::LogGroup', `Logs${name}Logs`).id,
);
const logStream = (group: string, stream = 'jvb/jvb/0123') =>
  `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${group}:log-stream:${stream}`;
const otherSecret = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:someone-else-XyZ123`;

type Case = [action: string, resource: string, context?: Record<string, string>];
async function expectAll(role: string, cases: Case[], expected: 'Allowed' | 'ImplicitlyDenied') {
  const policies = policiesOfRole(json, role);
  const results = await Promise.all(
    cases.map(async ([action, res, context]) => `${action} ${res} → ${await decide(policies, action, res, context)}`),
  );
  expect(results).toEqual(cases.map(([action, res]) => `${action} ${res} → ${expected}`));
}

describe('task execution role', () => {
  it('has no managed policies: nothing beyond what the statements below allow', () => {
    expect(managedPoliciesOfRole(json, executionRole)).toEqual([]);
  });

  it('can read this secret and write its own log groups', async () => {
    await expectAll(
      executionRole,
      [
        ['secretsmanager:GetSecretValue', secret],
        ...containerLogGroups.flatMap((g): Case[] => [
          ['logs:CreateLogStream', logStream(g)],
          ['logs:PutLogEvents', logStream(g)],
        ]),
      ],
      'Allowed',
    );
  });

  it('cannot read other secrets, change the secret, write other logs or touch anything else', async () => {
    const generatorLogs = resource(json, 'AWS::Logs::LogGroup', 'GeneratorLogs').id;
    await expectAll(
      executionRole,
      [
        ['secretsmanager:GetSecretValue', otherSecret],
        ['secretsmanager:PutSecretValue', secret],
        ['secretsmanager:DeleteSecret', secret],
        ['secretsmanager:ListSecrets', '*'],
        ['logs:PutLogEvents', logStream(generatorLogs)],
        ['logs:DeleteLogGroup', `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${containerLogGroups[0]}`],
        ['s3:GetObject', `${bucket}/recordings/a.mp4`],
        ['ecs:RunTask', `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/other:1`],
        ['iam:PassRole', `arn:aws:iam::${ACCOUNT}:role/admin`],
      ],
      'ImplicitlyDenied',
    );
  });

  it('needs no registry permission: the pinned images come from a public registry', async () => {
    await expectAll(
      executionRole,
      [
        ['ecr:GetAuthorizationToken', '*'],
        ['ecr:BatchGetImage', `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/jitsi`],
      ],
      'ImplicitlyDenied',
    );
    const images = (resource(json, 'AWS::ECS::TaskDefinition').props.ContainerDefinitions as Array<{ Image: string }>).map(
      (c) => c.Image,
    );
    for (const image of images) expect(image).toMatch(/^(ghcr\.io\/jitsi|public\.ecr\.aws\/docker\/library)\//);
  });
});

describe('task role', () => {
  it('cannot touch the recordings (the recorder writes them), secrets or other services', async () => {
    await expectAll(
      taskRole,
      [
        ['s3:PutObject', `${bucket}/recordings/2026-12-03/meetup.mp4`],
        ['s3:PutObject', `${bucket}/other/file`],
        ['s3:GetObject', `${bucket}/recordings/a.mp4`],
        ['s3:DeleteObject', `${bucket}/recordings/a.mp4`],
        ['s3:ListBucket', bucket],
        ['secretsmanager:GetSecretValue', secret],
        ['ecs:UpdateService', `arn:aws:ecs:${REGION}:${ACCOUNT}:service/cluster/service`],
      ],
      'ImplicitlyDenied',
    );
  });
});

describe('password generator role', () => {
  const generatorRole = resource(json, 'AWS::IAM::Role', 'InternalSecretGeneratorServiceRole').id;

  it('can read and fill only this secret', async () => {
    await expectAll(
      generatorRole,
      [
        ['secretsmanager:GetSecretValue', secret],
        ['secretsmanager:PutSecretValue', secret],
      ],
      'Allowed',
    );
    await expectAll(
      generatorRole,
      [
        ['secretsmanager:PutSecretValue', otherSecret],
        ['secretsmanager:DeleteSecret', secret],
        ['secretsmanager:UpdateSecret', secret],
        ['s3:PutObject', `${bucket}/recordings/a.mp4`],
      ],
      'ImplicitlyDenied',
    );
  });
});

describe('automation function roles', () => {
  const cluster = resource(json, 'AWS::ECS::Cluster').id;
  const table = arnOf(json, resource(json, 'AWS::DynamoDB::Table').id, 'Arn');
  const topic = arnOf(json, resource(json, 'AWS::SNS::Topic').id);
  const stats = resource(json, 'AWS::Logs::LogGroup', 'LogsStatsLogs').id;
  const eventLog = resource(json, 'AWS::Logs::LogGroup', 'EventLog').id;
  const lockRow = { 'dynamodb:LeadingKeys': 'LOCK' };
  const windowRow = { 'dynamodb:LeadingKeys': 'WINDOW' };
  const jvbLogs = resource(json, 'AWS::Logs::LogGroup', 'LogsJvbLogs').id;
  const ecsArn = (kind: string, name: string, clusterName = cluster) =>
    `arn:aws:ecs:${REGION}:${ACCOUNT}:${kind}/${clusterName}/${name}`;
  const roleOf = (name: string) =>
    (resource(json, 'AWS::Lambda::Function', `Automation${name}`).props.Role as { 'Fn::GetAtt': [string, string] })[
      'Fn::GetAtt'
    ][0];
  // The meeting's service (Ref of a service is its ARN) and its task family.
  const service = arnOf(json, resource(json, 'AWS::ECS::Service').id);
  const family = resource(json, 'AWS::ECS::TaskDefinition', 'PoweredJitsi').props.Family as string;
  const definition = (name: string) => `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${name}:4`;

  for (const name of ['ScheduledStart', 'IdleStop', 'RuntimeGuard']) {
    it(`${name} can observe the platform, start or stop its service, use the lock and alert`, async () => {
      await expectAll(
        roleOf(name),
        [
          ['cloudformation:DescribeStacks', STACK_ID],
          ['ecs:DescribeServices', ecsArn('service', 'svc')],
          ['ecs:UpdateService', service],
          ['ecs:DescribeTasks', ecsArn('task', '0123abcd')],
          ['elasticloadbalancing:DescribeTargetHealth', '*'],
          ...['PutItem', 'UpdateItem', 'DeleteItem', 'GetItem'].flatMap((a): Case[] => [
            [`dynamodb:${a}`, table, lockRow],
            [`dynamodb:${a}`, table, windowRow],
          ]),
          ['logs:FilterLogEvents', `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${stats}`],
          ['logs:FilterLogEvents', `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${eventLog}`],
          ['logs:CreateLogStream', logStream(eventLog, '2026-12-03/abc')],
          ['logs:PutLogEvents', logStream(eventLog, '2026-12-03/abc')],
          ['logs:GetLogEvents', logStream(jvbLogs, 'jvb/jvb/0123abcd')],
          ['sns:Publish', topic],
        ],
        'Allowed',
      );
      const policies = policiesOfRole(json, roleOf(name));
      const clusterKey = (c: string) => ({ 'ecs:cluster': `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${c}` });
      expect(await decide(policies, 'ecs:ListTasks', ecsArn('container-instance', 'x'), clusterKey(cluster))).toBe('Allowed');
      expect(await decide(policies, 'ecs:ListTasks', ecsArn('container-instance', 'x', 'other'), clusterKey('other'))).toBe(
        'ImplicitlyDenied',
      );
    });

    it(`${name} updates the meeting's service only with its own task family, and never turns ECS Exec on`, async () => {
      const policies = policiesOfRole(json, roleOf(name));
      const update = (context: Record<string, string>) => decide(policies, 'ecs:UpdateService', service, context);
      expect(await update({ 'ecs:task-definition': definition(family) })).toBe('Allowed');
      expect(await update({ 'ecs:enable-execute-command': 'false' })).toBe('Allowed');
      expect(await update({ 'ecs:task-definition': definition('miner') })).toBe('ImplicitlyDenied');
      expect(await update({ 'ecs:enable-execute-command': 'true' })).toBe('ImplicitlyDenied');
    });

    it(`${name} cannot change the stack, run tasks, pass roles or touch data`, async () => {
      await expectAll(
        roleOf(name),
        [
          ['cloudformation:UpdateStack', STACK_ID],
          ['cloudformation:DeleteStack', STACK_ID],
          ['ecs:UpdateService', ecsArn('service', 'svc', 'other-cluster')],
          ['ecs:UpdateService', ecsArn('service', 'another-service')],
          ['ecs:DeleteService', ecsArn('service', 'svc')],
          ['ecs:CreateService', ecsArn('service', 'svc')],
          ['ecs:ExecuteCommand', ecsArn('task', '0123abcd')],
          ['ecs:RunTask', `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/jitsi:1`],
          ['ecs:StopTask', ecsArn('task', '0123abcd')],
          ['iam:PassRole', `arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-${REGION}`],
          ['dynamodb:DeleteTable', table],
          ['dynamodb:Scan', table],
          ['sns:Publish', `arn:aws:sns:${REGION}:${ACCOUNT}:someone-else`],
          ['logs:FilterLogEvents', `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:other`],
          ['secretsmanager:GetSecretValue', secret],
          ['s3:DeleteObject', `${bucket}/recordings/a.mp4`],
        ],
        'ImplicitlyDenied',
      );
    });
  }

  it("only the runtime guard reads this stack's events (when a broken stack broke, for its one alert)", async () => {
    const otherStack = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/Other/4a2c9f10-0000-11f1-a000-0a1b2c3d4e5f`;
    await expectAll(roleOf('RuntimeGuard'), [['cloudformation:DescribeStackEvents', STACK_ID]], 'Allowed');
    await expectAll(roleOf('RuntimeGuard'), [['cloudformation:DescribeStackEvents', otherStack]], 'ImplicitlyDenied');
    for (const name of ['ScheduledStart', 'IdleStop']) {
      await expectAll(roleOf(name), [['cloudformation:DescribeStackEvents', STACK_ID]], 'ImplicitlyDenied');
    }
  });

  it("no function forces the idle alarm back (a deferred idle stop is the guard's job)", async () => {
    const alarm = `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:Meet-meet-example-org-idle`;
    for (const name of ['ScheduledStart', 'IdleStop', 'RuntimeGuard']) {
      await expectAll(roleOf(name), [['cloudwatch:SetAlarmState', alarm]], 'ImplicitlyDenied');
    }
  });

  for (const name of ['ScheduledStart', 'IdleStop', 'RuntimeGuard']) {
    it(`${name} cannot delete, edit or shorten the event log, nor write other rows of the state table`, async () => {
      await expectAll(
        roleOf(name),
        [
          ['logs:DeleteLogStream', logStream(eventLog, '2026-12-03/abc')],
          ['logs:DeleteLogGroup', `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${eventLog}`],
          ['logs:PutRetentionPolicy', `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${eventLog}`],
          ['logs:DeleteRetentionPolicy', `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${eventLog}`],
          ['logs:CreateLogStream', logStream(stats, 'forged')],
          ['logs:PutLogEvents', logStream(stats, 'forged')],
          ['dynamodb:PutItem', table, { 'dynamodb:LeadingKeys': 'EVENT' }],
          ['dynamodb:DeleteItem', table, { 'dynamodb:LeadingKeys': 'EVENT' }],
          ['dynamodb:UpdateItem', table, { 'dynamodb:LeadingKeys': 'OTHER' }],
          ['dynamodb:Query', table],
        ],
        'ImplicitlyDenied',
      );
    });
  }

  it('the scheduler role can only invoke the scheduled start', async () => {
    const role = resource(json, 'AWS::IAM::Role', 'SchedulerRole').id;
    const start = arnOf(json, resource(json, 'AWS::Lambda::Function', 'AutomationScheduledStart').id);
    await expectAll(role, [['lambda:InvokeFunction', start]], 'Allowed');
    await expectAll(
      role,
      [
        ['lambda:InvokeFunction', arnOf(json, resource(json, 'AWS::Lambda::Function', 'AutomationIdleStop').id)],
        ['ecs:UpdateService', ecsArn('service', 'svc')],
      ],
      'ImplicitlyDenied',
    );
  });
});
