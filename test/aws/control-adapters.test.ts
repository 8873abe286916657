import {
  CloudFormationClient,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  UpdateStackCommand,
} from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient, FilterLogEventsCommand, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { DescribeTargetHealthCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetChangeCommand, Route53Client } from '@aws-sdk/client-route-53';
import { DeleteBucketCommand, DeleteObjectsCommand, ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { participantsFromStatsLine, sdkClients, sdkControlPorts } from '../../src/aws/control-adapters.js';
import { PortError } from '../../src/control/errors.js';

const cfn = mockClient(CloudFormationClient);
const ecs = mockClient(ECSClient);
const elbv2 = mockClient(ElasticLoadBalancingV2Client);
const logs = mockClient(CloudWatchLogsClient);
const s3 = mockClient(S3Client);
const ports = sdkControlPorts(sdkClients({ region: 'us-west-2' }), 'Meet');

beforeEach(() => {
  for (const m of [cfn, ecs, elbv2, logs, s3]) m.reset();
});

const stack = {
  StackName: 'Meet',
  StackStatus: 'UPDATE_COMPLETE' as const,
  CreationTime: new Date('2026-11-01T00:00:00Z'),
  Parameters: [
    { ParameterKey: 'PowerState', ParameterValue: 'on' },
    { ParameterKey: 'BootstrapVersion', ParameterValue: '/cdk-bootstrap/hnb659fds/version', ResolvedValue: '27' },
  ],
  Outputs: [{ OutputKey: 'ClusterName', OutputValue: 'Meet-Cluster' }],
};

describe('stack port', () => {
  it('describes the stack and its power state', async () => {
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack] });
    expect(await ports.stack.describe()).toEqual({
      name: 'Meet',
      status: 'UPDATE_COMPLETE',
      powerState: 'on',
      outputs: { ClusterName: 'Meet-Cluster' },
    });
  });

  it('flips PowerState on the previous template, keeping every other parameter', async () => {
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack] });
    cfn.on(UpdateStackCommand).resolves({ StackId: 'arn:aws:cloudformation:us-west-2:1:stack/Meet/x' });
    await ports.stack.setPower('off');
    expect(cfn).toHaveReceivedCommandWith(UpdateStackCommand, {
      StackName: 'Meet',
      UsePreviousTemplate: true,
      Parameters: [
        { ParameterKey: 'PowerState', ParameterValue: 'off' },
        { ParameterKey: 'BootstrapVersion', UsePreviousValue: true },
      ],
      Capabilities: ['CAPABILITY_IAM'],
    });
  });

  it('powers up with DesiredCount 0, so the recreated service starts no task whatever the last deploy passed', async () => {
    const withDesired = {
      ...stack,
      Parameters: [...(stack.Parameters ?? []), { ParameterKey: 'DesiredCount', ParameterValue: '1' }],
    };
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [withDesired] });
    cfn.on(UpdateStackCommand).resolves({});
    await ports.stack.setPower('on');
    const parameters = cfn.commandCalls(UpdateStackCommand)[0]?.args[0].input.Parameters;
    expect(parameters).toContainEqual({ ParameterKey: 'DesiredCount', ParameterValue: '0' });
    expect(parameters).toContainEqual({ ParameterKey: 'PowerState', ParameterValue: 'on' });
  });

  it('takes CloudFormation\'s "No updates are to be performed" as done', async () => {
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack] });
    cfn.on(UpdateStackCommand).rejects(Object.assign(new Error('No updates are to be performed.'), { name: 'ValidationError' }));
    await expect(ports.stack.setPower('on')).resolves.toBeUndefined();
  });

  it('hands the core classified errors, keeping the SDK name', async () => {
    cfn.on(DescribeStacksCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }));
    const error = await ports.stack.describe().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortError);
    expect(error).toMatchObject({ kind: 'transient', name: 'Throttling' });
    cfn
      .on(DescribeStacksCommand)
      .rejects(Object.assign(new Error('The security token included in the request is expired'), { name: 'ExpiredToken' }));
    expect(await ports.stack.describe().catch((e: unknown) => e)).toMatchObject({ kind: 'credentials' });
  });

  it("reads when the stack took its status from the stack's own newest event with it, not a resource's", async () => {
    const event = (LogicalResourceId: string, ResourceType: string, ResourceStatus: string, at: string) => ({
      StackId: 'arn:aws:cloudformation:us-west-2:1:stack/Meet/x',
      EventId: `${LogicalResourceId}-${at}`,
      StackName: 'Meet',
      LogicalResourceId,
      ResourceType,
      ResourceStatus: ResourceStatus as 'UPDATE_FAILED',
      Timestamp: new Date(at),
    });
    // Newest first, as DescribeStackEvents answers.
    cfn.on(DescribeStackEventsCommand, { StackName: 'Meet' }).resolves({
      StackEvents: [
        event('Service', 'AWS::ECS::Service', 'UPDATE_ROLLBACK_FAILED', '2026-12-03T18:40:00Z'),
        event('Meet', 'AWS::CloudFormation::Stack', 'UPDATE_ROLLBACK_FAILED', '2026-12-03T18:39:00Z'),
        event('Nested', 'AWS::CloudFormation::Stack', 'UPDATE_ROLLBACK_FAILED', '2026-12-03T18:38:30Z'),
        event('Service', 'AWS::ECS::Service', 'UPDATE_FAILED', '2026-12-03T18:38:00Z'),
        event('Meet', 'AWS::CloudFormation::Stack', 'UPDATE_ROLLBACK_FAILED', '2026-11-20T10:00:00Z'),
        event('Meet', 'AWS::CloudFormation::Stack', 'UPDATE_IN_PROGRESS', '2026-12-03T18:00:00Z'),
      ],
    });
    expect(await ports.stack.statusSince('UPDATE_ROLLBACK_FAILED')).toBe(Date.parse('2026-12-03T18:39:00Z'));
    expect(await ports.stack.statusSince('UPDATE_IN_PROGRESS')).toBe(Date.parse('2026-12-03T18:00:00Z'));
    expect(await ports.stack.statusSince('DELETE_FAILED')).toBeUndefined();
    // A resource that happens to share the stack's name is not the stack, nor is a nested stack.
    cfn.on(DescribeStackEventsCommand, { StackName: 'Meet' }).resolves({
      StackEvents: [
        event('Meet', 'AWS::Logs::LogGroup', 'DELETE_FAILED', '2026-12-03T18:40:00Z'),
        event('Nested', 'AWS::CloudFormation::Stack', 'DELETE_FAILED', '2026-12-03T18:39:30Z'),
        event('Meet', 'AWS::CloudFormation::Stack', 'DELETE_FAILED', '2026-12-03T18:39:00Z'),
      ],
    });
    expect(await ports.stack.statusSince('DELETE_FAILED')).toBe(Date.parse('2026-12-03T18:39:00Z'));
    cfn.on(DescribeStackEventsCommand).resolves({});
    expect(await ports.stack.statusSince('UPDATE_ROLLBACK_FAILED')).toBeUndefined();
  });

  it('deletes the stack', async () => {
    cfn.on(DeleteStackCommand).resolves({});
    await ports.stack.delete();
    expect(cfn).toHaveReceivedCommandWith(DeleteStackCommand, { StackName: 'Meet' });
  });
});

describe('service port', () => {
  it('sets the desired count', async () => {
    ecs.on(UpdateServiceCommand).resolves({});
    await ports.service.setDesired('c', 's', 1);
    expect(ecs).toHaveReceivedCommandWith(UpdateServiceCommand, { cluster: 'c', service: 's', desiredCount: 1 });
  });

  it('reads live and recently stopped tasks with containers, health and stop reasons', async () => {
    ecs.on(ListTasksCommand, { desiredStatus: 'RUNNING' }).resolves({ taskArns: ['arn:t1'] });
    ecs.on(ListTasksCommand, { desiredStatus: 'STOPPED' }).resolves({ taskArns: ['arn:t0'] });
    ecs.on(DescribeTasksCommand).resolves({
      tasks: [
        {
          taskArn: 'arn:t1',
          lastStatus: 'RUNNING',
          desiredStatus: 'RUNNING',
          healthStatus: 'HEALTHY',
          createdAt: new Date(1000),
          startedAt: new Date(41_000),
          containers: [{ name: 'jvb', lastStatus: 'RUNNING', healthStatus: 'HEALTHY' }],
        },
        {
          taskArn: 'arn:t0',
          lastStatus: 'STOPPED',
          desiredStatus: 'STOPPED',
          healthStatus: 'UNKNOWN',
          createdAt: new Date(0),
          stoppedAt: new Date(30_000),
          stopCode: 'TaskFailedToStart',
          stoppedReason: 'CannotPullContainerError: not found',
          containers: [{ name: 'jvb', lastStatus: 'STOPPED', reason: 'CannotPullContainerError: not found' }],
        },
      ],
      failures: [],
    });
    const tasks = await ports.service.tasks('c', 's');
    expect(tasks[0]).toEqual({
      arn: 'arn:t1',
      lastStatus: 'RUNNING',
      desiredStatus: 'RUNNING',
      health: 'HEALTHY',
      createdAt: 1000,
      startedAt: 41_000,
      containers: [{ name: 'jvb', lastStatus: 'RUNNING', health: 'HEALTHY' }],
    });
    expect(tasks[1]).toMatchObject({
      stopCode: 'TaskFailedToStart',
      stoppedReason: 'CannotPullContainerError: not found',
      stoppedAt: 30_000,
    });
    expect(ecs).toHaveReceivedCommandWith(DescribeTasksCommand, { cluster: 'c', tasks: ['arn:t1', 'arn:t0'] });
  });

  it('does not describe when there are no tasks', async () => {
    ecs.on(ListTasksCommand).resolves({ taskArns: [] });
    expect(await ports.service.tasks('c', 's')).toEqual([]);
    expect(ecs).not.toHaveReceivedCommand(DescribeTasksCommand);
  });

  it('treats an inactive service as absent', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [{ status: 'INACTIVE' }] });
    expect(await ports.service.describe('c', 's')).toBeUndefined();
  });
});

describe('targets, logs, participants and recordings', () => {
  it('maps target health with reasons', async () => {
    elbv2.on(DescribeTargetHealthCommand).resolves({
      TargetHealthDescriptions: [
        {
          Target: { Id: '10.42.0.5', Port: 8000 },
          TargetHealth: { State: 'unhealthy', Reason: 'Target.FailedHealthChecks', Description: 'Health checks failed' },
        },
        { Target: { Id: '10.42.1.7', Port: 8000 }, TargetHealth: { State: 'healthy' } },
      ],
    });
    expect(await ports.targets.health('arn:tg')).toEqual([
      { state: 'unhealthy', reason: 'Target.FailedHealthChecks' },
      { state: 'healthy' },
    ]);
  });

  it('tails the newest lines of a container stream', async () => {
    logs.on(GetLogEventsCommand).resolves({
      events: [
        { timestamp: 1, message: 'a' },
        { timestamp: 2, message: 'b' },
      ],
    });
    expect(await ports.logs.tail('/g', 'jvb/jvb/abc', 20)).toEqual(['a', 'b']);
    expect(logs).toHaveReceivedCommandWith(GetLogEventsCommand, {
      logGroupName: '/g',
      logStreamName: 'jvb/jvb/abc',
      limit: 20,
      startFromHead: false,
    });
  });

  it('reads the stats lines since a time across pages, oldest first, skipping lines where jicofo did not answer', async () => {
    logs
      .on(FilterLogEventsCommand)
      .resolvesOnce({
        events: [
          { timestamp: 3000, message: '{"type":"jicofo-stats","ok":true,"stats":{"participants":5,"conferences":1}}' },
          { timestamp: 2500, message: '{"type":"jicofo-stats","ok":false,"stats":null}' },
        ],
        nextToken: 'n',
      })
      .resolvesOnce({
        events: [
          { timestamp: 2000, message: '{"type":"jicofo-stats","ok":true,"stats":{"participants":2}}' },
          { timestamp: 3500, message: '{"type":"jicofo-stats","ok":true,"stats":{"participants":0},"guests":2}' },
          { timestamp: 3600, message: '{"type":"jvb-metrics","ok":true,"stress":0.1}' },
        ],
      });
    expect(await ports.participants.samples('/stats', 1000)).toEqual([
      { at: 2000, participants: 2 },
      { at: 3000, participants: 5 },
      { at: 3500, participants: 0, guests: 2 },
    ]);
    expect(logs.commandCalls(FilterLogEventsCommand)[0]?.args[0].input).toMatchObject({
      logGroupName: '/stats',
      startTime: 1000,
    });
  });

  it('knows nothing when jicofo did not answer or no line is recent', () => {
    expect(participantsFromStatsLine('{"type":"jicofo-stats","ok":false,"stats":null}')).toBeUndefined();
    expect(participantsFromStatsLine(undefined)).toBeUndefined();
    expect(participantsFromStatsLine('not json')).toBeUndefined();
  });

  it('deletes every version and delete marker, then the bucket', async () => {
    s3.on(ListObjectVersionsCommand)
      .resolvesOnce({
        Versions: [{ Key: 'recordings/a.mp4', VersionId: 'v1' }],
        DeleteMarkers: [{ Key: 'recordings/b.mp4', VersionId: 'm1' }],
        IsTruncated: true,
        NextKeyMarker: 'k',
        NextVersionIdMarker: 'v',
      })
      .resolvesOnce({ Versions: [{ Key: 'recordings/c.mp4', VersionId: 'v2' }], IsTruncated: false });
    s3.on(DeleteObjectsCommand).resolves({});
    s3.on(DeleteBucketCommand).resolves({});
    expect(await ports.recordings.deleteAll('bucket')).toBe(3);
    expect(s3).toHaveReceivedCommandTimes(DeleteObjectsCommand, 2);
    expect(s3).toHaveReceivedCommandWith(ListObjectVersionsCommand, { Bucket: 'bucket', KeyMarker: 'k', VersionIdMarker: 'v' });
    expect(s3).toHaveReceivedCommandWith(DeleteBucketCommand, { Bucket: 'bucket' });
  });
});

describe('state port on a stack deployed before the event log existed', () => {
  it('can still take the lock (so the deploy that adds the log can run), and says what is missing for history', async () => {
    const { DynamoDBClient, GetItemCommand } = await import('@aws-sdk/client-dynamodb');
    const dynamo = mockClient(DynamoDBClient);
    try {
      cfn.on(DescribeStacksCommand).resolves({
        Stacks: [{ ...stack, Outputs: [{ OutputKey: 'StateTableName', OutputValue: 'meet-state' }] }],
      });
      dynamo.on(GetItemCommand).resolves({});
      const fresh = sdkControlPorts(sdkClients({ region: 'us-west-2' }), 'Meet');
      expect(await fresh.state.current()).toBeUndefined();
      await expect(fresh.state.events(0)).rejects.toThrow('has no EventLogGroupName output; run `meetctl deploy`');
    } finally {
      dynamo.restore();
    }
  });
});

describe('direct-mode ports', () => {
  const dynamo = mockClient(DynamoDBClient);
  const route53 = mockClient(Route53Client);
  const withTable = { ...stack, Outputs: [{ OutputKey: 'StateTableName', OutputValue: 'meet-state' }] };
  beforeEach(() => {
    dynamo.reset();
    route53.reset();
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [withTable] });
  });

  it("reads the DNS function's task row and asks Route 53 whether its change is INSYNC", async () => {
    const direct = sdkControlPorts(sdkClients({ region: 'us-west-2' }), 'Meet');
    dynamo
      .on(GetItemCommand)
      .resolves({ Item: { ip: { S: '198.51.100.7' }, changeId: { S: '/change/C1' }, version: { N: '3' } } });
    // SubmittedAt comes along: `start` times the DNS switch by it.
    const submitted = new Date('2026-12-02T17:45:21Z');
    route53.on(GetChangeCommand).resolvesOnce({ ChangeInfo: { Id: '/change/C1', Status: 'PENDING', SubmittedAt: submitted } });
    expect(await direct.taskDns.status('arn:task/A')).toEqual({
      taskArn: 'arn:task/A',
      ip: '198.51.100.7',
      inSync: false,
      changeSubmittedAt: submitted.getTime(),
    });
    route53.on(GetChangeCommand).resolves({ ChangeInfo: { Id: '/change/C1', Status: 'INSYNC', SubmittedAt: submitted } });
    expect(await direct.taskDns.status('arn:task/A')).toEqual({
      taskArn: 'arn:task/A',
      ip: '198.51.100.7',
      inSync: true,
      changeSubmittedAt: submitted.getTime(),
    });
    expect(dynamo.commandCalls(GetItemCommand)[0]?.args[0].input).toMatchObject({
      TableName: 'meet-state',
      Key: { pk: { S: 'TASK#arn:task/A' }, sk: { S: 'TASK' } },
      ConsistentRead: true,
    });
    expect(route53.commandCalls(GetChangeCommand)[0]?.args[0].input).toEqual({ Id: '/change/C1' });
  });

  it('says not in sync while the row has no change yet, and nothing for an unknown task', async () => {
    const direct = sdkControlPorts(sdkClients({ region: 'us-west-2' }), 'Meet');
    dynamo
      .on(GetItemCommand)
      .resolvesOnce({ Item: { ip: { S: '198.51.100.7' }, version: { N: '3' } } })
      .resolvesOnce({});
    expect(await direct.taskDns.status('arn:task/A')).toEqual({ taskArn: 'arn:task/A', ip: '198.51.100.7', inSync: false });
    expect(await direct.taskDns.status('arn:task/B')).toBeUndefined();
    expect(route53.commandCalls(GetChangeCommand)).toHaveLength(0);
  });

  it("reads the certificate function's report", async () => {
    const direct = sdkControlPorts(sdkClients({ region: 'us-west-2' }), 'Meet');
    dynamo.on(GetItemCommand).resolves({
      Item: { checkedAt: { N: '1764000000000' }, action: { S: 'not-due' }, notAfter: { N: '1769000000000' } },
    });
    expect(await direct.certificate.status()).toEqual({ checkedAt: 1764000000000, action: 'not-due', notAfter: 1769000000000 });
  });
});

describe('secrets port', () => {
  const sm = mockClient(SecretsManagerClient);
  beforeEach(() => sm.reset());

  it('reads one secret value by ARN', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: '{"JWT_APP_SECRET":"s"}' });
    expect(await ports.secrets.value('arn:aws:secretsmanager:us-west-2:1:secret:Meet-jitsi-token-AbC')).toBe(
      '{"JWT_APP_SECRET":"s"}',
    );
    expect(sm.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toEqual({
      SecretId: 'arn:aws:secretsmanager:us-west-2:1:secret:Meet-jitsi-token-AbC',
    });
  });
});
