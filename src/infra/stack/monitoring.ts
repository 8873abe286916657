import { Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { MeetConfig } from '../../config/schema.js';
import { estimateForConfig } from '../../cost/model.js';
import type { Automation } from '../constructs/automation.js';
import { Monitoring } from '../constructs/monitoring.js';
import type { PowerSwitch } from '../constructs/power-switch.js';
import type { MeetingTask } from './meeting-task.js';
import type { StackNetwork } from './network.js';
import type { StackStores } from './stores.js';

/** The alarms and dashboard over the meeting, the automation's logs and the month's spend. */
export function stackMonitoring(
  scope: Construct,
  props: {
    config: MeetConfig;
    power: PowerSwitch;
    network: StackNetwork;
    stores: StackStores;
    automation: Automation;
    meeting: MeetingTask;
  },
): Monitoring {
  const { config, automation } = props;
  return new Monitoring(scope, 'Monitoring', {
    namespace: `Meet/${Stack.of(scope).stackName}`,
    statsLogGroup: props.stores.logGroups.stats,
    eventLog: props.stores.eventLog,
    guardLogGroup: automation.runtimeGuard.logGroup,
    cluster: props.network.cluster,
    serviceName: props.power.value(props.meeting.service.serviceName, 'powered-down'),
    size: config.size,
    topic: automation.topic,
    budgetUsd: config.monthlyBudgetUsd,
    runningHourUsd: estimateForConfig(config).runningHourUsd,
  });
}
