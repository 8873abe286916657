import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { isCredentialError, toMeetError } from '../../src/aws/errors.js';
import { sdkPorts } from '../../src/aws/sdk-adapters.js';
import { ExitCode } from '../../src/errors.js';

const cloudformation = mockClient(CloudFormationClient);
const ecs = mockClient(ECSClient);
const sts = mockClient(STSClient);
const ports = sdkPorts({ region: 'us-west-2', profile: 'ne3d' });

beforeEach(() => {
  cloudformation.reset();
  ecs.reset();
  sts.reset();
});

describe('stack adapter', () => {
  it('reads status, PowerState and outputs', async () => {
    cloudformation.on(DescribeStacksCommand, { StackName: 'Meet' }).resolves({
      Stacks: [
        {
          StackName: 'Meet',
          StackStatus: 'UPDATE_COMPLETE',
          CreationTime: new Date('2026-11-01T00:00:00Z'),
          Parameters: [
            { ParameterKey: 'PowerState', ParameterValue: 'off' },
            { ParameterKey: 'BootstrapVersion', ParameterValue: '/cdk-bootstrap/hnb659fds/version', ResolvedValue: '27' },
          ],
          Outputs: [{ OutputKey: 'ClusterName', OutputValue: 'Meet-Cluster-abc' }],
        },
      ],
    });
    expect(await ports.stacks.describe('Meet')).toEqual({
      name: 'Meet',
      status: 'UPDATE_COMPLETE',
      powerState: 'off',
      outputs: { ClusterName: 'Meet-Cluster-abc' },
    });
  });

  it('returns undefined for a stack that does not exist', async () => {
    cloudformation
      .on(DescribeStacksCommand)
      .rejects(Object.assign(new Error('Stack with id Meet does not exist'), { name: 'ValidationError' }));
    expect(await ports.stacks.describe('Meet')).toBeUndefined();
  });

  it('passes other errors on', async () => {
    cloudformation.on(DescribeStacksCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
    await expect(ports.stacks.describe('Meet')).rejects.toThrow('denied');
  });
});

describe('service adapter', () => {
  it('reads desired, running and pending counts', async () => {
    ecs.on(DescribeServicesCommand, { cluster: 'c', services: ['s'] }).resolves({
      services: [{ serviceName: 's', status: 'ACTIVE', desiredCount: 1, runningCount: 0, pendingCount: 1 }],
      failures: [],
    });
    expect(await ports.services.counts('c', 's')).toEqual({ desired: 1, running: 0, pending: 1 });
  });

  it('treats a missing or inactive service as absent', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [{ serviceName: 's', status: 'INACTIVE' }], failures: [] });
    expect(await ports.services.counts('c', 's')).toBeUndefined();
    ecs
      .on(DescribeServicesCommand)
      .resolves({ services: [], failures: [{ arn: 'arn:aws:ecs:us-west-2:1:service/c/s', reason: 'MISSING' }] });
    expect(await ports.services.counts('c', 's')).toBeUndefined();
  });
});

describe('identity adapter', () => {
  it('returns the account of the credentials', async () => {
    sts
      .on(GetCallerIdentityCommand)
      .resolves({ Account: '111122223333', Arn: 'arn:aws:sts::111122223333:assumed-role/x/y', UserId: 'AROA:y' });
    expect(await ports.identity.accountId()).toBe('111122223333');
  });
});

describe('AWS error mapping', () => {
  it('recognises missing and expired credentials', () => {
    for (const name of ['CredentialsProviderError', 'ExpiredTokenException', 'UnrecognizedClientException']) {
      expect(isCredentialError(Object.assign(new Error('x'), { name }))).toBe(true);
    }
    expect(isCredentialError(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }))).toBe(false);
  });

  it('maps credential errors to exit 253 with the login command, others to 254', () => {
    const login = toMeetError(
      Object.assign(new Error('Token is expired'), { name: 'ExpiredToken' }),
      'ne3d',
      'reading the stack',
    );
    expect(login.exitCode).toBe(ExitCode.config);
    expect(login.hint).toBe('Run: aws sso login --profile ne3d');
    expect(toMeetError(new Error('boom'), undefined, 'x').exitCode).toBe(ExitCode.aws);
  });
});
