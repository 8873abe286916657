import { Duration, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as sns from 'aws-cdk-lib/aws-sns';
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
  /** Where a change that failed every attempt is reported (the alert topic: e-mail). */
  readonly alerts: sns.ITopic;
}

/** Lambda's own retries of an asynchronous invocation that fails (its maximum). */
export const DNS_FUNCTION_RETRIES = 2;

/**
 * The direct mode's DNS: a function on ECS "Task State Change" events of the meeting service points
 * the meeting host's A record at the task's public IP once it runs, and back at the asleep page as
 * soon as the task is told to stop (src/control/task-dns.ts). It may change only that one record.
 */
export class TaskDns extends Construct {
  readonly function: NodejsFunction;
  readonly rule: events.Rule;
  private readonly props: TaskDnsProps;

  constructor(scope: Construct, id: string, props: TaskDnsProps) {
    super(scope, id);
    this.props = props;
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
    this.grantHostRecord(this.function);
    // EventBridge's retries cover the delivery only; Lambda retries a failing function twice, then
    // hands the event to this destination: a name left on a released address is e-mailed, and the
    // runtime guard puts it right within its next round (src/control/dns-reconcile.ts).
    this.function.configureAsyncInvoke({
      retryAttempts: DNS_FUNCTION_RETRIES,
      onFailure: new destinations.SnsDestination(props.alerts),
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

  /**
   * What moving the meeting host takes, for the DNS function and the runtime guard's reconcile: the
   * host's A record only, as a DELETE + CREATE pair (the same conditional switch), reading the zone's
   * records and a network interface's public address, and the state table's task rows.
   */
  grantHostRecord(fn: NodejsFunction): void {
    const props = this.props;
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
        // Rows are updated, never replaced: the change noted on a row stays (src/aws/task-dns-adapters.ts).
        actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        resources: [props.stateTable.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${TASK_ROW_PREFIX}*`] } },
      }),
    ]) {
      fn.addToRolePolicy(statement);
    }
    Validations.of(fn).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'ec2:DescribeNetworkInterfaces supports no resource-level permissions; it only reads the task address.',
    });
  }
}
