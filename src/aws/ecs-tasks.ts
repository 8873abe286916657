import { DescribeTasksCommand, type ECSClient, ListTasksCommand, type Task } from '@aws-sdk/client-ecs';
import type { Health, TaskSnapshot } from '../control/snapshot.js';

const health = (value: string | undefined): Health => (value === 'HEALTHY' || value === 'UNHEALTHY' ? value : 'UNKNOWN');

/** An ECS task as the control plane sees it, with its private address (awsvpc ENI) when it has one. */
function taskSnapshot(t: Task): TaskSnapshot {
  const details = t.attachments?.flatMap((a) => a.details ?? []) ?? [];
  const privateIp = details.find((d) => d.name === 'privateIPv4Address')?.value;
  const eniId = details.find((d) => d.name === 'networkInterfaceId')?.value;
  return {
    arn: t.taskArn ?? '',
    lastStatus: t.lastStatus ?? 'UNKNOWN',
    desiredStatus: t.desiredStatus ?? 'UNKNOWN',
    health: health(t.healthStatus),
    createdAt: t.createdAt?.getTime() ?? 0,
    ...(t.pullStartedAt ? { pullStartedAt: t.pullStartedAt.getTime() } : {}),
    ...(t.pullStoppedAt ? { pullStoppedAt: t.pullStoppedAt.getTime() } : {}),
    ...(t.startedAt ? { startedAt: t.startedAt.getTime() } : {}),
    ...(t.stoppedAt ? { stoppedAt: t.stoppedAt.getTime() } : {}),
    ...(t.stopCode ? { stopCode: t.stopCode } : {}),
    ...(t.stoppedReason ? { stoppedReason: t.stoppedReason } : {}),
    ...(privateIp ? { privateIp } : {}),
    ...(eniId ? { eniId } : {}),
    containers: (t.containers ?? []).map((c) => ({
      name: c.name ?? '?',
      lastStatus: c.lastStatus ?? 'UNKNOWN',
      health: health(c.healthStatus),
      ...(c.exitCode !== undefined ? { exitCode: c.exitCode } : {}),
      ...(c.reason ? { reason: c.reason } : {}),
    })),
  };
}

/** Live tasks of a service or a task family and those stopped recently (ECS keeps them about an hour). */
export async function ecsTasks(
  ecs: ECSClient,
  cluster: string,
  filter: { readonly serviceName: string } | { readonly family: string },
): Promise<TaskSnapshot[]> {
  const lists = await Promise.all(
    (['RUNNING', 'STOPPED'] as const).map((desiredStatus) =>
      ecs.send(new ListTasksCommand({ cluster, ...filter, desiredStatus, maxResults: 20 })),
    ),
  );
  const arns = lists.flatMap((l) => l.taskArns ?? []);
  if (arns.length === 0) return [];
  const { tasks } = await ecs.send(new DescribeTasksCommand({ cluster, tasks: arns }));
  return (tasks ?? []).map(taskSnapshot);
}
