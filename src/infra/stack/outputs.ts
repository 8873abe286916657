import { CfnOutput, Fn } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { MeetConfig } from '../../config/schema.js';
import { OUTPUT_NAMES as OUTPUTS } from '../../control/outputs.js';
import type { Automation } from '../constructs/automation.js';
import { containersFor } from '../constructs/jitsi-task.js';
import type { StackNetwork } from './network.js';
import type { StackStores } from './stores.js';

/**
 * The stack outputs every config has, which `meetctl` reads (the parts add their own: recorder,
 * members, DNS, load balancer, service).
 */
export function addStackOutputs(
  scope: Construct,
  props: { config: MeetConfig; network: StackNetwork; stores: StackStores; automation: Automation },
): void {
  const { config, stores, automation } = props;
  new CfnOutput(scope, OUTPUTS.url, { value: `https://${config.domain}`, description: 'Where people join' });
  new CfnOutput(scope, OUTPUTS.cluster, { value: props.network.cluster.clusterName });
  new CfnOutput(scope, OUTPUTS.bucket, { value: stores.recordings.bucket.bucketName });
  new CfnOutput(scope, OUTPUTS.stateTable, {
    value: stores.state.table.tableName,
    description: 'Control-plane lock and meeting window',
  });
  new CfnOutput(scope, OUTPUTS.secret, {
    value: stores.internalSecret.stored.reference,
    description:
      config.secretStore === 'parameter-store'
        ? 'Parameter ARNs only; the values never leave Parameter Store'
        : 'ARN only; the values never leave Secrets Manager',
  });
  new CfnOutput(scope, OUTPUTS.logGroups, {
    value: Fn.join(
      ',',
      containersFor(config.ingress).map((name) => `${name}=${stores.logGroups[name]?.logGroupName}`),
    ),
  });
  new CfnOutput(scope, OUTPUTS.scheduleGroup, { value: automation.scheduleGroup.ref });
  new CfnOutput(scope, OUTPUTS.schedulerRole, { value: automation.schedulerRole.roleArn });
  new CfnOutput(scope, OUTPUTS.scheduledStart, { value: automation.scheduledStart.functionArn });
  new CfnOutput(scope, OUTPUTS.alertTopic, { value: automation.topic.topicArn });
  new CfnOutput(scope, OUTPUTS.eventLog, {
    value: stores.eventLog.logGroupName,
    description: 'Append-only control-plane event log',
  });
  new CfnOutput(scope, OUTPUTS.ingress, { value: config.ingress, description: 'direct or load-balancer' });
}
