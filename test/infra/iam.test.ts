import { describe, expect, it } from 'vitest';
import { resource, synth } from '../support/fixtures.js';
import { ACCOUNT, arnOf, decide, managedPoliciesOfRole, policiesOfRole, REGION } from '../support/iam.js';

// Least privilege, proven offline with @cloud-copilot/iam-simulate on the synthesized policies.
const { json } = synth();
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

type Case = [action: string, resource: string];
async function expectAll(role: string, cases: Case[], expected: 'Allowed' | 'ImplicitlyDenied') {
  const policies = policiesOfRole(json, role);
  const results = await Promise.all(
    cases.map(async ([action, res]) => `${action} ${res} → ${await decide(policies, action, res)}`),
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
  it('can write recordings under the recordings prefix', async () => {
    await expectAll(
      taskRole,
      [
        ['s3:PutObject', `${bucket}/recordings/2026-12-03/meetup.mp4`],
        ['s3:AbortMultipartUpload', `${bucket}/recordings/2026-12-03/meetup.mp4`],
      ],
      'Allowed',
    );
  });

  it('cannot write elsewhere, read, delete or list, nor use other services', async () => {
    await expectAll(
      taskRole,
      [
        ['s3:PutObject', `${bucket}/other/file`],
        ['s3:PutObject', `${bucket}/recordingsX/file`],
        ['s3:PutObject', 'arn:aws:s3:::another-bucket/recordings/file'],
        ['s3:GetObject', `${bucket}/recordings/a.mp4`],
        ['s3:DeleteObject', `${bucket}/recordings/a.mp4`],
        ['s3:DeleteObjectVersion', `${bucket}/recordings/a.mp4`],
        ['s3:ListBucket', bucket],
        ['s3:PutBucketPolicy', bucket],
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
