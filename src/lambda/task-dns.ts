import type { EventBridgeEvent } from 'aws-lambda';
import { onTaskStateChange, taskChangeOf } from '../control/task-dns.js';
import { taskDnsPorts } from './ingress-environment.js';

type TaskStateChange = EventBridgeEvent<'ECS Task State Change', Parameters<typeof taskChangeOf>[0]['detail']>;

/** Lambda entry of the DNS function (ECS Task State Change events); the logic is in src/control/task-dns.ts. */
export const handler = async (event: TaskStateChange) => {
  const result = await onTaskStateChange(taskChangeOf(event), taskDnsPorts());
  console.log(
    JSON.stringify({ message: 'meeting host record', task: event.detail.taskArn, version: event.detail.version, ...result }),
  );
  return result;
};
