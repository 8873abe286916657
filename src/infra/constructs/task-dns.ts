import { Duration, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { TASK_ROW_PREFIX } from '../../aws/task-dns-adapters.js';
import { INGRESS_ENV } from '../../lambda/ingress-environment.js';
import { projectFunction } from './function.js';
import { hostedZoneArn, recordChangeStatement } from './route53-grants.js';

export interface TaskDnsProps {
  /** The meeting host whose A record follows the task. */
  readonly domain: string;
  readonly hostedZoneId: string;
  /** Tasks of this cluster's services move the record. */
  readonly cluster: ecs.ICluster;
  /** Task → address rows (`TASK#<arn>`). */
  readonly stateTable: dynamodb.ITable;
  /** The asleep page's API Gateway domain: where the record points while no task runs. */
  readonly asleep: { readonly dnsName: string; readonly hostedZoneId: string };
}

/**
 * The direct mode's DNS: a function on ECS "Task State Change" events of the meeting service points
 * the meeting host's A record at the task's public IP once it runs, and back at the asleep page as
 * soon as the task is told to stop (src/dns/task-dns.ts). It may change only that one record.
 */
export class TaskDns extends Construct {
  readonly function: NodejsFunction;
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: TaskDnsProps) {
    super(scope, id);
    this.function = projectFunction(this, 'Function', {
      entry: ['lambda', 'task-dns'],
      description: `Points ${props.domain} at the running task, or at the asleep page`,
      // Waits up to a minute for the public IP, then one conditional change.
      timeout: Duration.minutes(2),
      environment: {
        [INGRESS_ENV.host]: props.domain,
        [INGRESS_ENV.hostedZoneId]: props.hostedZoneId,
        [INGRESS_ENV.stateTable]: props.stateTable.tableName,
        [INGRESS_ENV.asleepDnsName]: props.asleep.dnsName,
        [INGRESS_ENV.asleepZoneId]: props.asleep.hostedZoneId,
      },
    });
    for (const statement of [
      // Only the meeting host's A record, and only the DELETE + CREATE pair of a conditional switch.
      recordChangeStatement(this, props.hostedZoneId, { name: props.domain, types: ['A'], actions: ['CREATE', 'DELETE'] }),
      // Reads the value a switch replaces (the DELETE must name it exactly).
      new iam.PolicyStatement({
        actions: ['route53:ListResourceRecordSets'],
        resources: [hostedZoneArn(this, props.hostedZoneId)],
      }),
      // DescribeNetworkInterfaces supports no resource-level permissions.
      new iam.PolicyStatement({ actions: ['ec2:DescribeNetworkInterfaces'], resources: ['*'] }),
      new iam.PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        resources: [props.stateTable.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${TASK_ROW_PREFIX}*`] } },
      }),
    ]) {
      this.function.addToRolePolicy(statement);
    }
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'ec2:DescribeNetworkInterfaces supports no resource-level permissions; it only reads the task address.',
    });

    this.rule = new events.Rule(this, 'TaskStateChange', {
      description: `Moves ${props.domain} with the meeting task`,
      eventPattern: {
        source: ['aws.ecs'],
        detailType: ['ECS Task State Change'],
        detail: { clusterArn: [props.cluster.clusterArn], group: [{ prefix: 'service:' }] },
      },
      targets: [new eventTargets.LambdaFunction(this.function, { retryAttempts: 8, maxEventAge: Duration.hours(1) })],
    });
  }
}
