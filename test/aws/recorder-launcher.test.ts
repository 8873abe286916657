import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeTasksCommand, ECSClient, ListTasksCommand, RunTaskCommand } from '@aws-sdk/client-ecs';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ecsRecorderLauncher, sdkRecorder } from '../../src/aws/recorder.js';

/*
 * The requests the launcher and its callers send (the shapes of the ECS and Lambda API references);
 * what AWS answers is checked against moto in test/boundary/moto-adapters.test.ts and, with IAM
 * enforced, in test/boundary/iam-roles.test.ts.
 */
const ecs = mockClient(ECSClient);
const lambda = mockClient(LambdaClient);
beforeEach(() => {
  ecs.reset();
  lambda.reset();
});

const settings = {
  cluster: 'meet-cluster',
  recorderFamily: 'MeetRecorderTaskDefinition1234',
  capacityProvider: 'Meet-RecorderCapacityProvider-AbC',
  meetingFamily: 'MeetPoweredJitsiTaskDefinition5678',
};

describe("the launcher's ECS requests", () => {
  it('runs the fixed family on the fixed capacity provider, ECS Exec off, overriding only XMPP_SERVER of Jibri', async () => {
    ecs.on(RunTaskCommand).resolves({ tasks: [{ taskArn: 'arn:aws:ecs:us-west-2:1:task/meet-cluster/r1' }] });
    expect(await ecsRecorderLauncher(new ECSClient({ region: 'us-west-2' }), settings).run('10.0.0.9')).toBe(
      'arn:aws:ecs:us-west-2:1:task/meet-cluster/r1',
    );
    expect(ecs.commandCalls(RunTaskCommand)[0]?.args[0].input).toEqual({
      cluster: 'meet-cluster',
      taskDefinition: 'MeetRecorderTaskDefinition1234',
      count: 1,
      capacityProviderStrategy: [{ capacityProvider: 'Meet-RecorderCapacityProvider-AbC', weight: 1 }],
      startedBy: 'meetctl-recorder',
      enableExecuteCommand: false,
      overrides: { containerOverrides: [{ name: 'jibri', environment: [{ name: 'XMPP_SERVER', value: '10.0.0.9' }] }] },
    });
  });

  it("names ECS's placement failures", async () => {
    ecs.on(RunTaskCommand).resolves({ tasks: [], failures: [{ reason: 'RESOURCE:MEMORY', detail: 'no instance' }] });
    await expect(ecsRecorderLauncher(new ECSClient({ region: 'us-west-2' }), settings).run('10.0.0.9')).rejects.toMatchObject({
      name: 'RunTaskFailure',
      message: 'ECS could not place the recorder: RESOURCE:MEMORY (no instance)',
    });
  });

  it("reads the meeting's private address and the XMPP server each recorder was started with", async () => {
    ecs.on(ListTasksCommand, { family: settings.meetingFamily }).resolves({ taskArns: ['arn:m1'] });
    ecs.on(ListTasksCommand, { family: settings.recorderFamily }).resolves({ taskArns: ['arn:r1'] });
    ecs.on(DescribeTasksCommand, { tasks: ['arn:m1'] }).resolves({
      tasks: [
        {
          taskArn: 'arn:m1',
          lastStatus: 'RUNNING',
          desiredStatus: 'RUNNING',
          attachments: [{ type: 'ElasticNetworkInterface', details: [{ name: 'privateIPv4Address', value: '10.0.0.9' }] }],
        },
      ],
    });
    ecs.on(DescribeTasksCommand, { tasks: ['arn:r1'] }).resolves({
      tasks: [
        {
          taskArn: 'arn:r1',
          lastStatus: 'PENDING',
          desiredStatus: 'RUNNING',
          overrides: { containerOverrides: [{ name: 'jibri', environment: [{ name: 'XMPP_SERVER', value: '10.0.0.9' }] }] },
        },
      ],
    });
    const launcher = ecsRecorderLauncher(new ECSClient({ region: 'us-west-2' }), settings);
    expect(await launcher.meetingTasks()).toEqual([
      { arn: 'arn:m1', lastStatus: 'RUNNING', desiredStatus: 'RUNNING', address: '10.0.0.9' },
    ]);
    expect(await launcher.recorderTasks()).toEqual([
      { arn: 'arn:r1', lastStatus: 'PENDING', desiredStatus: 'RUNNING', address: '10.0.0.9' },
    ]);
    for (const call of ecs.commandCalls(ListTasksCommand)) {
      expect(call.args[0].input).toMatchObject({ cluster: 'meet-cluster', desiredStatus: 'RUNNING' });
    }
  });
});

describe('starting the recorder: invoking the launcher', () => {
  const recorder = () =>
    sdkRecorder({
      autoscaling: new AutoScalingClient({ region: 'us-west-2' }),
      ecs: new ECSClient({ region: 'us-west-2' }),
      logs: new CloudWatchLogsClient({ region: 'us-west-2' }),
      lambda: new LambdaClient({ region: 'us-west-2' }),
    });
  const answer = (value: unknown, FunctionError?: string) =>
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      Payload: Buffer.from(JSON.stringify(value)) as never,
      ...(FunctionError ? { FunctionError } : {}),
    });

  it('invokes it synchronously with nothing to choose, and returns the task it started', async () => {
    answer({ ok: true, taskArn: 'arn:r1', started: true });
    expect(await recorder().launch('Meet-RecorderLauncher-AbC')).toBe('arn:r1');
    const input = lambda.commandCalls(InvokeCommand)[0]?.args[0].input;
    expect(input).toMatchObject({ FunctionName: 'Meet-RecorderLauncher-AbC', InvocationType: 'RequestResponse' });
    expect(Buffer.from(input?.Payload as Uint8Array).toString('utf8')).toBe('{}');
  });

  it("turns the launcher's refusal into an error named by its code", async () => {
    answer({ ok: false, code: 'NoMeetingTask', message: 'no meeting task runs' });
    await expect(recorder().launch('L')).rejects.toMatchObject({ name: 'NoMeetingTask', message: 'no meeting task runs' });
  });

  it('reports a launcher that failed (an unhandled error in the function)', async () => {
    answer({ errorType: 'AccessDeniedException', errorMessage: 'not authorized to perform: ecs:RunTask' }, 'Unhandled');
    await expect(recorder().launch('L')).rejects.toMatchObject({
      name: 'RecorderLaunchFailed',
      message: 'the recorder launcher failed: not authorized to perform: ecs:RunTask',
    });
  });
});
