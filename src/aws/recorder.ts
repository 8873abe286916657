import {
  type AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  SetDesiredCapacityCommand,
} from '@aws-sdk/client-auto-scaling';
import { type CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { type ECSClient, ListContainerInstancesCommand, RunTaskCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import type { RecorderPort } from '../control/ports.js';
import { parseRecorderStatus, RECORDER_CONTAINERS, type RecorderStatus } from '../recording/recorder.js';
import { ecsTasks } from './ecs-tasks.js';

/** The recorder over Auto Scaling, ECS and CloudWatch Logs. */
export function sdkRecorder(clients: {
  autoscaling: AutoScalingClient;
  ecs: ECSClient;
  logs: CloudWatchLogsClient;
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
    async run(cluster, family, capacityProvider, environment) {
      const { tasks, failures } = await clients.ecs.send(
        new RunTaskCommand({
          cluster,
          taskDefinition: family,
          count: 1,
          capacityProviderStrategy: [{ capacityProvider, weight: 1 }],
          startedBy: 'meetctl-recorder',
          overrides: {
            containerOverrides: [
              {
                name: RECORDER_CONTAINERS.jibri,
                environment: Object.entries(environment).map(([name, value]) => ({ name, value })),
              },
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
