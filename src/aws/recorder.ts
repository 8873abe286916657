import {
  type AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  SetDesiredCapacityCommand,
} from '@aws-sdk/client-auto-scaling';
import { type CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeTasksCommand,
  type ECSClient,
  ListContainerInstancesCommand,
  ListTasksCommand,
  RunTaskCommand,
  StopTaskCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { RecorderPort } from '../control/ports.js';
import {
  type LauncherPorts,
  type LauncherTask,
  type LaunchResult,
  RECORDER_STARTED_BY,
  XMPP_SERVER_VARIABLE,
} from '../recording/launcher.js';
import { parseRecorderStatus, RECORDER_CONTAINERS, type RecorderStatus } from '../recording/recorder.js';
import { ecsTasks } from './ecs-tasks.js';

/** The recorder over Auto Scaling, ECS, CloudWatch Logs and (to start it) the launcher function. */
export function sdkRecorder(clients: {
  autoscaling: AutoScalingClient;
  ecs: ECSClient;
  logs: CloudWatchLogsClient;
  lambda: LambdaClient;
}): RecorderPort {
  return {
    async capacity(group) {
      const { AutoScalingGroups } = await clients.autoscaling.send(
        new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [group] }),
      );
      return AutoScalingGroups?.[0]?.DesiredCapacity ?? 0;
    },
    async setCapacity(group, count) {
      // HonorCooldown false: the control plane decides, nothing else scales this group.
      await clients.autoscaling.send(
        new SetDesiredCapacityCommand({ AutoScalingGroupName: group, DesiredCapacity: count, HonorCooldown: false }),
      );
    },
    async instances(cluster) {
      const { containerInstanceArns } = await clients.ecs.send(new ListContainerInstancesCommand({ cluster, status: 'ACTIVE' }));
      return containerInstanceArns?.length ?? 0;
    },
    tasks: (cluster, family) => ecsTasks(clients.ecs, cluster, { family }),
    async launch(launcher) {
      // Synchronous: the launcher answers with the task it started (or found) or why it could not.
      const { Payload, FunctionError } = await clients.lambda.send(
        new InvokeCommand({ FunctionName: launcher, InvocationType: 'RequestResponse', Payload: Buffer.from('{}') }),
      );
      const text = Payload ? Buffer.from(Payload).toString('utf8') : '';
      let answer: Partial<LaunchResult> & { errorMessage?: string } = {};
      try {
        answer = JSON.parse(text) as typeof answer;
      } catch {
        // Not JSON: reported below.
      }
      if (FunctionError || !answer || typeof answer !== 'object') {
        throw Object.assign(
          new Error(`the recorder launcher failed: ${answer?.errorMessage ?? (text.slice(0, 300) || FunctionError)}`),
          {
            name: 'RecorderLaunchFailed',
          },
        );
      }
      if (answer.ok === true && typeof answer.taskArn === 'string') return answer.taskArn;
      if (answer.ok === false)
        throw Object.assign(new Error(answer.message ?? 'unknown reason'), { name: answer.code ?? 'RecorderLaunchFailed' });
      throw Object.assign(new Error(`the recorder launcher answered something else: ${text.slice(0, 300)}`), {
        name: 'RecorderLaunchFailed',
      });
    },
    async stop(cluster, task, reason) {
      await clients.ecs.send(new StopTaskCommand({ cluster, task, reason: reason.slice(0, 255) }));
    },
    async status(logGroup, since) {
      let newest: RecorderStatus | undefined;
      let token: string | undefined;
      do {
        const page = await clients.logs.send(
          new FilterLogEventsCommand({
            logGroupName: logGroup,
            logStreamNamePrefix: RECORDER_CONTAINERS.status,
            startTime: since,
            nextToken: token,
          }),
        );
        for (const e of page.events ?? []) {
          const status = parseRecorderStatus(e.message ?? '', e.timestamp ?? 0);
          if (status && (!newest || status.at >= newest.at)) newest = status;
        }
        token = page.nextToken;
      } while (token);
      return newest;
    },
  };
}

/** Where the launcher runs the recorder: names from its environment (the stack's). */
export interface LauncherSettings {
  readonly cluster: string;
  readonly recorderFamily: string;
  readonly capacityProvider: string;
  readonly meetingFamily: string;
}

const live = async (ecs: ECSClient, cluster: string, family: string): Promise<Task[]> => {
  const { taskArns } = await ecs.send(new ListTasksCommand({ cluster, family, desiredStatus: 'RUNNING', maxResults: 20 }));
  if (!taskArns?.length) return [];
  const { tasks } = await ecs.send(new DescribeTasksCommand({ cluster, tasks: taskArns }));
  return tasks ?? [];
};

const launcherTask = (t: Task, address: string | undefined): LauncherTask => ({
  arn: t.taskArn ?? '',
  lastStatus: t.lastStatus ?? 'UNKNOWN',
  desiredStatus: t.desiredStatus ?? 'UNKNOWN',
  ...(address ? { address } : {}),
});

/** The launcher's ECS side: the meeting's address, the recorders that run, and RunTask with fixed parameters. */
export function ecsRecorderLauncher(ecs: ECSClient, settings: LauncherSettings): LauncherPorts {
  return {
    async meetingTasks() {
      return (await live(ecs, settings.cluster, settings.meetingFamily)).map((t) =>
        launcherTask(t, t.attachments?.flatMap((a) => a.details ?? []).find((d) => d.name === 'privateIPv4Address')?.value),
      );
    },
    async recorderTasks() {
      return (await live(ecs, settings.cluster, settings.recorderFamily)).map((t) =>
        launcherTask(
          t,
          t.overrides?.containerOverrides
            ?.find((c) => c.name === RECORDER_CONTAINERS.jibri)
            ?.environment?.find((e) => e.name === XMPP_SERVER_VARIABLE)?.value,
        ),
      );
    },
    async run(xmppServer) {
      const { tasks, failures } = await ecs.send(
        new RunTaskCommand({
          cluster: settings.cluster,
          taskDefinition: settings.recorderFamily,
          count: 1,
          capacityProviderStrategy: [{ capacityProvider: settings.capacityProvider, weight: 1 }],
          startedBy: RECORDER_STARTED_BY,
          // Never a shell into the recorder (its role writes recordings): the role may not ask for one either.
          enableExecuteCommand: false,
          overrides: {
            containerOverrides: [
              { name: RECORDER_CONTAINERS.jibri, environment: [{ name: XMPP_SERVER_VARIABLE, value: xmppServer }] },
            ],
          },
        }),
      );
      const arn = tasks?.[0]?.taskArn;
      if (!arn) {
        const why = failures?.map((f) => `${f.reason ?? 'unknown'}${f.detail ? ` (${f.detail})` : ''}`).join('; ');
        throw Object.assign(new Error(`ECS could not place the recorder: ${why || 'no reason given'}`), {
          name: 'RunTaskFailure',
        });
      }
      return arn;
    },
  };
}
