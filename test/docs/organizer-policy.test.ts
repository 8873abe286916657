import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/fixtures.js';
import { ACCOUNT, decide, REGION } from '../support/iam.js';

// The permission set docs/deploy.md gives organizers who only start and stop, proven like the stack's roles.
const names = {
  '<region>': REGION,
  '<account>': ACCOUNT,
  '<stackName>': 'Meet-meet-ne3d-org',
  '<ClusterName>': 'meet-cluster',
  '<StateTableName>': 'meet-state',
  '<UserPoolId>': 'us-west-2_AbCdEf123',
  '<RecorderGroupName>': 'Meet-meet-ne3d-org-RecorderGroup-AbC',
  '<RecorderLauncherName>': 'Meet-meet-ne3d-org-RecorderLauncher-AbC',
  '<TaskDefinitionFamily>': 'Meetmeetne3dorgPoweredJitsiTaskDefinition1234',
  '<RecordingsBucketName>': 'meet-recordings',
};
const text = Object.entries(names).reduce(
  (t, [k, v]) => t.split(k).join(v),
  readFileSync(path.join(ROOT, 'docs', 'organizer-policy.json'), 'utf8'),
);
const policies = [{ name: 'MeetOrganizer', policy: JSON.parse(text) as unknown }];
const arn = {
  stack: `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/Meet-meet-ne3d-org/abc-123`,
  service: `arn:aws:ecs:${REGION}:${ACCOUNT}:service/meet-cluster/meet-service`,
  task: `arn:aws:ecs:${REGION}:${ACCOUNT}:task/meet-cluster/0123456789abcdef`,
  logGroup: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:Meet-meet-ne3d-org-LogsJvbLogs-AbC`,
  table: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/meet-state`,
  events: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:Meet-meet-ne3d-org-events`,
};

describe('the organizer permission set in docs/deploy.md', () => {
  it('allows everything start, stop, status, health, logs, history and cost call', async () => {
    const calls: Array<[string, string]> = [
      ['cloudformation:DescribeStacks', arn.stack],
      ['ecs:DescribeServices', arn.service],
      ['ecs:UpdateService', arn.service],
      ['ecs:DescribeTasks', arn.task],
      ['elasticloadbalancing:DescribeTargetHealth', '*'],
      ['logs:GetLogEvents', `${arn.logGroup}:log-stream:jvb/jvb/abc`],
      ['logs:FilterLogEvents', arn.logGroup],
      ['logs:FilterLogEvents', arn.events],
      ['logs:CreateLogStream', `${arn.events}:log-stream:2026-12-03/abc`],
      ['logs:PutLogEvents', `${arn.events}:log-stream:2026-12-03/abc`],
    ];
    const results = await Promise.all(calls.map(async ([action, res]) => `${action} ${await decide(policies, action, res)}`));
    expect(results).toEqual(calls.map(([action]) => `${action} Allowed`));
    for (const action of ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem']) {
      expect(await decide(policies, `dynamodb:${action}`, arn.table, { 'dynamodb:LeadingKeys': 'LOCK' })).toBe('Allowed');
    }
  });

  it('manages member accounts of this user pool only, and cannot change or delete the pool', async () => {
    const pool = `arn:aws:cognito-idp:${REGION}:${ACCOUNT}:userpool/us-west-2_AbCdEf123`;
    for (const action of [
      'AdminCreateUser',
      'AdminDeleteUser',
      'AdminAddUserToGroup',
      'AdminRemoveUserFromGroup',
      'ListUsers',
      'ListUsersInGroup',
    ]) {
      expect(await decide(policies, `cognito-idp:${action}`, pool), action).toBe('Allowed');
      expect(
        await decide(policies, `cognito-idp:${action}`, `arn:aws:cognito-idp:${REGION}:${ACCOUNT}:userpool/us-west-2_Other`),
        action,
      ).toBe('ImplicitlyDenied');
    }
    for (const action of ['DeleteUserPool', 'UpdateUserPool', 'AdminSetUserPassword', 'CreateGroup']) {
      expect(await decide(policies, `cognito-idp:${action}`, pool), action).toBe('ImplicitlyDenied');
    }
  });

  it('reads the Jitsi token secret for host links (meetctl link), and no other secret', async () => {
    const secret = (name: string) => `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}`;
    expect(await decide(policies, 'secretsmanager:GetSecretValue', secret('Meet-meet-ne3d-org-jitsi-token-AbC123'))).toBe(
      'Allowed',
    );
    for (const other of [
      'Meet-meet-ne3d-org-jitsi-token-extra-AbC123',
      'InternalSecret5268EFFC-AbC123',
      'Other-jitsi-token-AbC123',
    ]) {
      expect(await decide(policies, 'secretsmanager:GetSecretValue', secret(other)), other).toBe('ImplicitlyDenied');
    }
    expect(await decide(policies, 'secretsmanager:PutSecretValue', secret('Meet-meet-ne3d-org-jitsi-token-AbC123'))).toBe(
      'ImplicitlyDenied',
    );
  });

  it('in direct mode reads the task rows, the certificate report and Route 53 change status, and writes neither', async () => {
    for (const key of ['TASK#arn:aws:ecs:us-west-2:111122223333:task/meet-cluster/abc', 'CERTIFICATE']) {
      expect(await decide(policies, 'dynamodb:GetItem', arn.table, { 'dynamodb:LeadingKeys': [key] })).toBe('Allowed');
      expect(await decide(policies, 'dynamodb:PutItem', arn.table, { 'dynamodb:LeadingKeys': [key] })).toBe('ImplicitlyDenied');
    }
    expect(await decide(policies, 'route53:GetChange', 'arn:aws:route53:::change/C123')).toBe('Allowed');
    expect(await decide(policies, 'route53:ChangeResourceRecordSets', 'arn:aws:route53:::hostedzone/Z1234567890ABC')).toBe(
      'ImplicitlyDenied',
    );
  });

  it('cannot delete, overwrite or shorten the event log', async () => {
    const calls: Array<[string, string, Record<string, string>?]> = [
      ['logs:DeleteLogStream', `${arn.events}:log-stream:2026-12-03/abc`],
      ['logs:DeleteLogGroup', arn.events],
      ['logs:PutRetentionPolicy', arn.events],
      ['dynamodb:PutItem', arn.table, { 'dynamodb:LeadingKeys': 'EVENT' }],
      ['dynamodb:DeleteItem', arn.table, { 'dynamodb:LeadingKeys': 'EVENT' }],
      ['logs:PutLogEvents', `${arn.logGroup}:log-stream:forged`],
    ];
    const results = await Promise.all(
      calls.map(async ([action, res, context]) => `${action} ${await decide(policies, action, res, context)}`),
    );
    expect(results).toEqual(calls.map(([action]) => `${action} ImplicitlyDenied`));
  });

  it('starts and removes the recorder (its group, its launcher) and reads the recordings', async () => {
    const inCluster = { 'ecs:cluster': `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/meet-cluster` };
    const group = (name: string) =>
      `arn:aws:autoscaling:${REGION}:${ACCOUNT}:autoScalingGroup:0f1e2d3c-aaaa-bbbb-cccc-0123456789ab:autoScalingGroupName/${name}`;
    const definition = (family: string) => `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${family}:2`;
    const role = (p: string) => `arn:aws:iam::${ACCOUNT}:role/${p}`;
    const allowed: Array<[string, string, Record<string, string>?]> = [
      ['autoscaling:SetDesiredCapacity', group('Meet-meet-ne3d-org-RecorderGroup-AbC')],
      ['autoscaling:DescribeAutoScalingGroups', '*'],
      ['ecs:ListContainerInstances', `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/meet-cluster`],
      ['lambda:InvokeFunction', `arn:aws:lambda:${REGION}:${ACCOUNT}:function:Meet-meet-ne3d-org-RecorderLauncher-AbC`],
      ['ecs:StopTask', arn.task, inCluster],
      ['s3:ListBucket', 'arn:aws:s3:::meet-recordings', { 's3:prefix': 'recordings/2026-12-03/' }],
      ['s3:GetObject', 'arn:aws:s3:::meet-recordings/recordings/2026-12-03/weekly/a.mp4'],
    ];
    const denied: Array<[string, string, Record<string, string>?]> = [
      ['autoscaling:SetDesiredCapacity', group('another-group')],
      ['autoscaling:UpdateAutoScalingGroup', group('Meet-meet-ne3d-org-RecorderGroup-AbC')],
      // RunTask takes overrides no IAM condition can limit (another task role, another command): only
      // the launcher runs the recorder, with parameters it derives itself.
      ['ecs:RunTask', definition('Meetmeetne3dorgRecorderTaskDefinition1234'), inCluster],
      ['ecs:StartTask', definition('Meetmeetne3dorgRecorderTaskDefinition1234'), inCluster],
      ['ecs:RunTask', definition('something-else'), inCluster],
      [
        'iam:PassRole',
        role('meetctl/Meet-meet-ne3d-org/RecorderTaskRole-X'),
        { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' },
      ],
      ['iam:PassRole', role('meetctl/Other-stack/RecorderTaskRole-X'), { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' }],
      ['lambda:InvokeFunction', `arn:aws:lambda:${REGION}:${ACCOUNT}:function:Meet-meet-ne3d-org-other`],
      ['ecs:ExecuteCommand', arn.task, inCluster],
      ['s3:ListBucket', 'arn:aws:s3:::meet-recordings', { 's3:prefix': 'other/' }],
      ['s3:GetObject', 'arn:aws:s3:::meet-recordings/other/secret.txt'],
      ['s3:DeleteObject', 'arn:aws:s3:::meet-recordings/recordings/2026-12-03/weekly/a.mp4'],
      ['s3:DeleteObjectVersion', 'arn:aws:s3:::meet-recordings/recordings/2026-12-03/weekly/a.mp4'],
    ];
    const run = (cases: typeof allowed) =>
      Promise.all(
        cases.map(async ([action, res, context]) => `${action} ${res} ${await decide(policies, action, res, context)}`),
      );
    expect(await run(allowed)).toEqual(allowed.map(([a, r]) => `${a} ${r} Allowed`));
    expect(await run(denied)).toEqual(denied.map(([a, r]) => `${a} ${r} ImplicitlyDenied`));
  });

  it('starts and stops the service only with its own task family, and never with ECS Exec', async () => {
    const family = (name: string) => `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${name}:7`;
    // Start and stop name only the desired count: neither condition key is in the request.
    expect(await decide(policies, 'ecs:UpdateService', arn.service)).toBe('Allowed');
    expect(
      await decide(policies, 'ecs:UpdateService', arn.service, {
        'ecs:task-definition': family('Meetmeetne3dorgPoweredJitsiTaskDefinition1234'),
      }),
    ).toBe('Allowed');
    expect(await decide(policies, 'ecs:UpdateService', arn.service, { 'ecs:task-definition': family('miner') })).toBe(
      'ImplicitlyDenied',
    );
    expect(await decide(policies, 'ecs:UpdateService', arn.service, { 'ecs:enable-execute-command': 'true' })).toBe(
      'ImplicitlyDenied',
    );
  });

  it("lists tasks only in the platform's cluster", async () => {
    const cluster = (name: string) => ({ 'ecs:cluster': `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${name}` });
    const instance = `arn:aws:ecs:${REGION}:${ACCOUNT}:container-instance/meet-cluster/abc`;
    expect(await decide(policies, 'ecs:ListTasks', instance, cluster('meet-cluster'))).toBe('Allowed');
    expect(await decide(policies, 'ecs:ListTasks', instance, cluster('other-cluster'))).toBe('ImplicitlyDenied');
  });

  it('denies changing the stack, the service definition, other services and other tables', async () => {
    const calls: Array<[string, string]> = [
      ['cloudformation:UpdateStack', arn.stack],
      ['cloudformation:DeleteStack', arn.stack],
      ['ecs:DeleteService', arn.service],
      ['ecs:UpdateService', `arn:aws:ecs:${REGION}:${ACCOUNT}:service/other-cluster/other`],
      ['ecs:RunTask', `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/x:1`],
      ['ecs:StopTask', arn.task],
      ['dynamodb:DeleteTable', arn.table],
      ['dynamodb:PutItem', `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/other`],
      ['logs:DeleteLogGroup', arn.logGroup],
      ['s3:DeleteObject', 'arn:aws:s3:::meet-recordings/recordings/a.mp4'],
      ['iam:PassRole', `arn:aws:iam::${ACCOUNT}:role/admin`],
    ];
    const results = await Promise.all(calls.map(async ([action, res]) => `${action} ${await decide(policies, action, res)}`));
    expect(results).toEqual(calls.map(([action]) => `${action} ImplicitlyDenied`));
  });
});
