import { ArnFormat, Duration, Lazy, Stack, Validations } from 'aws-cdk-lib';
import * as budgets from 'aws-cdk-lib/aws-budgets';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { AutomationSettings } from '../../automation/policy.js';
import { CERTIFICATE_ROW, TASK_ROW_PREFIX } from '../../aws/task-dns-adapters.js';
import type { IngressMode } from '../../config/schema.js';
import { ENV } from '../../lambda/environment.js';
import { projectFunction } from './function.js';
import { logicalId } from './nag.js';
import { NO_ECS_EXEC, type Recorder } from './recorder.js';
import { STATE_ROWS } from './state-table.js';

export interface AutomationProps {
  /** Public host name of the meeting. */
  readonly domain: string;
  readonly alertEmail: string;
  readonly monthlyBudgetUsd: number;
  readonly settings: AutomationSettings;
  /** The ECS cluster (the service's ARN is built from its name: the service itself comes and goes with PowerState). */
  readonly cluster: ecs.Cluster;
  readonly stateTable: dynamodb.ITable;
  /** The append-only event log. */
  readonly eventLog: logs.ILogGroup;
  /** The stats sidecar's log group (participants signal). */
  readonly statsLogGroup: logs.ILogGroup;
  /** Every container log group (the last lines of a failing container go into alerts). */
  readonly containerLogGroups: readonly logs.ILogGroup[];
  /** direct: starts wait for the DNS function's record change; load-balancer: for target health. */
  readonly ingress: IngressMode;
  /** Server-side recording: the control plane starts and removes the recorder. */
  readonly recorder?: Recorder;
}

/** Names of the automation's metrics. */
export const METRICS = { participants: 'Participants', conferences: 'Conferences' } as const;
/** How often the runtime guard looks. */
export const GUARD_RATE_MINUTES = 5;

/**
 * Cost control that needs nobody: participant metrics from the stats sidecar, an idle alarm that
 * invokes the idle-stop function, a runtime guard every 5 minutes, a schedule group and role for
 * `meetctl schedule`, an SNS alert topic and an AWS Budget. Each function has its own role with only
 * what its handler calls.
 */
export class Automation extends Construct {
  readonly topic: sns.Topic;
  readonly idleAlarm: cloudwatch.Alarm;
  readonly scheduledStart: NodejsFunction;
  readonly idleStop: NodejsFunction;
  readonly runtimeGuard: NodejsFunction;
  readonly scheduleGroup: scheduler.CfnScheduleGroup;
  readonly schedulerRole: iam.Role;

  /** The functions' environment (the control plane's settings); other control-plane functions share it. */
  readonly environment: Record<string, string>;
  private readonly props: AutomationProps;
  private meeting?: MeetingService;

  constructor(scope: Construct, id: string, props: AutomationProps) {
    super(scope, id);
    this.props = props;
    const stack = Stack.of(this);
    this.topic = this.createAlertTopic();
    const participants = this.addParticipantMetrics(`Meet/${stack.stackName}`);
    this.environment = {
      [ENV.stackName]: stack.stackName,
      [ENV.host]: props.domain,
      [ENV.topicArn]: this.topic.topicArn,
      [ENV.idleStopMinutes]: String(props.settings.idleStopMinutes),
      [ENV.startGraceMinutes]: String(props.settings.startGraceMinutes),
      [ENV.maxRuntimeHours]: String(props.settings.maxRuntimeHours),
    };
    this.scheduledStart = this.addFunction(
      'ScheduledStart',
      'scheduled-start',
      'Starts the meeting server before a scheduled meetup',
      Duration.minutes(15),
    );
    this.idleStop = this.addFunction(
      'IdleStop',
      'idle-stop',
      'Stops the meeting server when nobody is in a call',
      Duration.minutes(10),
    );
    this.runtimeGuard = this.addFunction(
      'RuntimeGuard',
      'runtime-guard',
      'Stops runs past the maximum and failed starts, and alerts',
      Duration.minutes(10),
    );
    // The guard alone reads the stack's events: once the stack is broken, when it broke (its one alert about it).
    this.runtimeGuard.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['cloudformation:DescribeStackEvents'], resources: [stack.stackId] }),
    );
    this.idleAlarm = this.addIdleAlarm(participants);
    new events.Rule(this, 'RuntimeGuardSchedule', {
      description: 'Runs the runtime guard',
      schedule: events.Schedule.rate(Duration.minutes(GUARD_RATE_MINUTES)),
      targets: [new eventTargets.LambdaFunction(this.runtimeGuard, { retryAttempts: 0 })],
    });

    const { scheduleGroup, schedulerRole } = this.addScheduleGroup();
    this.scheduleGroup = scheduleGroup;
    this.schedulerRole = schedulerRole;
    this.addBudget();
  }

  /** The alert topic, e-mailed to the organizers' address. */
  private createAlertTopic(): sns.Topic {
    const props = this.props;
    const topic = new sns.Topic(this, 'Alerts', { displayName: `Meeting server alerts (${props.domain})`, enforceSSL: true });
    topic.addSubscription(new subscriptions.EmailSubscription(props.alertEmail));
    Validations.of(topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'Alerts say that the server started, stopped or failed; they carry no personal or secret data, and a customer-managed key would cost $1/month, more than the idle platform.',
    });

    return topic;
  }

  /** Participants and conferences from the sidecar's JSON lines; returns the participants' filter. */
  private addParticipantMetrics(namespace: string): logs.MetricFilter {
    const props = this.props;
    const fromStats = (metricName: string, field: string) =>
      new logs.MetricFilter(this, `${metricName}Metric`, {
        logGroup: props.statsLogGroup,
        // The metric value's field must appear in the pattern (CDK's metricValue documentation).
        filterPattern: logs.FilterPattern.all(
          logs.FilterPattern.stringValue('$.type', '=', 'jicofo-stats'),
          logs.FilterPattern.booleanValue('$.ok', true),
          logs.FilterPattern.exists(`$.stats.${field}`),
        ),
        metricNamespace: namespace,
        metricName,
        metricValue: `$.stats.${field}`,
        unit: cloudwatch.Unit.COUNT,
      });
    const participants = fromStats(METRICS.participants, 'participants');
    fromStats(METRICS.conferences, 'conferences');
    return participants;
  }

  /** One of the automation's functions, with the control plane's environment and permissions. */
  private addFunction(name: string, file: string, description: string, timeout: Duration): NodejsFunction {
    const f = projectFunction(this, name, { entry: ['lambda', file], description, timeout, environment: this.environment });
    this.grantControl(f);
    return f;
  }

  private addIdleAlarm(participants: logs.MetricFilter): cloudwatch.Alarm {
    const props = this.props;
    const stack = Stack.of(this);
    // A fixed name, so people and docs can find it. The idle stop never forces it back to OK: a
    // deferred stop is picked up by the runtime guard's idle rule instead.
    const idleAlarmName = `${stack.stackName}-idle`;
    const alarm = new cloudwatch.Alarm(this, 'IdleAlarm', {
      alarmName: idleAlarmName,
      alarmDescription: `Nobody in a call on ${props.domain} for ${props.settings.idleStopMinutes} minutes: the idle stop runs.`,
      metric: participants.metric({ statistic: cloudwatch.Stats.MAXIMUM, period: Duration.minutes(1) }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: props.settings.idleStopMinutes,
      datapointsToAlarm: props.settings.idleStopMinutes,
      // No stats lines means no task (or no sidecar): never a reason to stop; the guard covers the rest.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new actions.LambdaAction(this.idleStop));
    return alarm;
  }

  private addScheduleGroup(): { scheduleGroup: scheduler.CfnScheduleGroup; schedulerRole: iam.Role } {
    const stack = Stack.of(this);
    // `meetctl schedule` creates schedules in this group; they invoke the scheduled start with this role.
    const scheduleGroup = new scheduler.CfnScheduleGroup(this, 'Schedules', { name: stack.stackName.slice(0, 64) });
    const schedulerRole = new iam.Role(this, 'SchedulerRole', {
      description: 'Lets EventBridge Scheduler invoke the scheduled start, and nothing else',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    });
    this.scheduledStart.grantInvoke(schedulerRole);
    Validations.of(schedulerRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logicalId(this.scheduledStart)}.Arn>:*]`,
      reason: 'lambda:InvokeFunction on the versions of the one scheduled-start function (the CDK grant form).',
    });
    return { scheduleGroup, schedulerRole };
  }

  /** The monthly cost budget: e-mail at 80 % actual and 100 % forecast. */
  private addBudget(): void {
    const props = this.props;
    new budgets.CfnBudget(this, 'Budget', {
      budget: {
        budgetType: 'COST',
        timeUnit: 'MONTHLY',
        budgetLimit: { amount: props.monthlyBudgetUsd, unit: 'USD' },
      },
      notificationsWithSubscribers: [
        { type: 'ACTUAL', threshold: 80 },
        { type: 'FORECASTED', threshold: 100 },
      ].map((n) => ({
        notification: {
          notificationType: n.type,
          comparisonOperator: 'GREATER_THAN',
          threshold: n.threshold,
          thresholdType: 'PERCENTAGE',
        },
        subscribers: [{ subscriptionType: 'EMAIL', address: props.alertEmail }],
      })),
    });
  }

  /**
   * The meeting's service and task family: UpdateService is allowed on that service only, and only
   * with that family (a stack built without it fails to synthesize).
   */
  controls(meeting: MeetingService): void {
    this.meeting = meeting;
  }

  /** What every automation function calls through the control plane, scoped to this platform. */
  grantControl(fn: NodejsFunction): void {
    for (const statement of this.controlStatements()) fn.addToRolePolicy(statement);
    this.acknowledgeControl(fn);
  }

  /** The policy statements of grantControl, in the order the role's policy lists them. */
  private controlStatements(): iam.PolicyStatement[] {
    const props = this.props;
    const stack = Stack.of(this);
    const clusterName = props.cluster.clusterName;
    const ecsArn = (resource: string) => stack.formatArn({ service: 'ecs', resource, resourceName: `${clusterName}/*` });
    const statements = [
      new iam.PolicyStatement({ actions: ['cloudformation:DescribeStacks'], resources: [stack.stackId] }),
      new iam.PolicyStatement({ actions: ['ecs:DescribeServices'], resources: [ecsArn('service')] }),
      this.serviceUpdates(),
      new iam.PolicyStatement({ actions: ['ecs:DescribeTasks'], resources: [ecsArn('task')] }),
      // ListTasks of a whole cluster names no container instance, so AWS authorizes it against "*"
      // (a container-instance ARN here is refused); the ecs:cluster condition keeps it to this cluster.
      new iam.PolicyStatement({
        actions: ['ecs:ListTasks'],
        resources: ['*'],
        conditions: { ArnEquals: { 'ecs:cluster': props.cluster.clusterArn } },
      }),
      ...this.ingressStatements(),
      // The lock and the meeting window only (never other rows); the event log is in CloudWatch Logs.
      new iam.PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
        resources: [props.stateTable.tableArn],
        conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [...STATE_ROWS] } },
      }),
      // Append to the event log and read it; nothing that deletes, edits or shortens it.
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [
          stack.formatArn({
            service: 'logs',
            resource: 'log-group',
            resourceName: `${props.eventLog.logGroupName}:log-stream:*`,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
      // IAM names a log group without the ":*" that CloudFormation's Arn attribute carries: grant both forms.
      new iam.PolicyStatement({
        actions: ['logs:FilterLogEvents'],
        resources: [props.statsLogGroup, props.eventLog].flatMap((group) => [
          group.logGroupArn,
          stack.formatArn({
            service: 'logs',
            resource: 'log-group',
            resourceName: group.logGroupName,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ]),
      }),
      new iam.PolicyStatement({ actions: ['logs:GetLogEvents'], resources: props.containerLogGroups.map((g) => g.logGroupArn) }),
      new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [this.topic.topicArn] }),
    ];
    if (props.recorder) statements.push(...recorderControl(props.recorder, ecsArn('task'), props.cluster));
    return statements;
  }

  /**
   * What the control plane reads of the ingress: the load balancer's target health, or the DNS
   * function's task rows and record changes (direct mode).
   */
  private ingressStatements(): iam.PolicyStatement[] {
    const props = this.props;
    const stack = Stack.of(this);
    return props.ingress === 'load-balancer'
      ? // DescribeTargetHealth supports no resource-level permissions.
        [new iam.PolicyStatement({ actions: ['elasticloadbalancing:DescribeTargetHealth'], resources: ['*'] })]
      : [
          // The DNS function's task rows (address and record change) and the certificate's report, read only.
          new iam.PolicyStatement({
            actions: ['dynamodb:GetItem'],
            resources: [props.stateTable.tableArn],
            conditions: {
              'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${TASK_ROW_PREFIX}*`, CERTIFICATE_ROW] },
            },
          }),
          new iam.PolicyStatement({ actions: ['route53:GetChange'], resources: [`arn:${stack.partition}:route53:::change/*`] }),
        ];
  }

  /** cdk-nag acknowledgements for the wildcards of grantControl, each with its reason. */
  private acknowledgeControl(fn: NodejsFunction): void {
    const props = this.props;
    const stack = Stack.of(this);
    const cluster = `arn:aws:ecs:${stack.region}:<AWS::AccountId>:%s/<${logicalId(props.cluster)}>/*`;
    const acknowledgements: Array<[string, string]> = [
      [
        cluster.replace('%s', 'service'),
        'The platform has one service, created and deleted with PowerState, so its ARN is only known by its cluster.',
      ],
      [cluster.replace('%s', 'task'), 'Task ids are random; the wildcard is limited to tasks of this cluster.'],
      [
        '*',
        'ecs:ListTasks of a cluster names no container instance and is authorized against "*"; the ecs:cluster condition limits it to this cluster.',
      ],
      props.ingress === 'load-balancer'
        ? ['*', 'elasticloadbalancing:DescribeTargetHealth supports no resource-level permissions; it only reads health.']
        : [
            `arn:${stack.partition}:route53:::change/*`,
            "Route 53 change ids are generated per change; GetChange only reads whether the DNS function's change is INSYNC.",
          ],
      [
        `arn:aws:logs:${stack.region}:<AWS::AccountId>:log-group:<${logicalId(props.eventLog)}>:log-stream:*`,
        'Each event goes into a new stream with a random name; CreateLogStream and PutLogEvents only append to this one log group.',
      ],
    ];
    if (props.recorder) acknowledgements.push(...recorderAcknowledgements(props.recorder, stack));
    for (const [resource, reason] of acknowledgements) {
      Validations.of(fn).acknowledge({ id: `AwsSolutions-IAM5[Resource::${resource}]`, reason });
    }
  }

  /**
   * UpdateService (start and stop: the desired count) on the meeting's service only, never with
   * another task definition than the meeting's family (`ecs:task-definition`, which UpdateService
   * carries when the request names one) and never turning ECS Exec on (`ecs:enable-execute-command`);
   * Service Authorization Reference, Amazon ECS, UpdateService. A request that sets only the count
   * carries neither key, so both are ...IfExists.
   */
  private serviceUpdates(): iam.PolicyStatement {
    const stack = Stack.of(this);
    const meeting = () => {
      if (!this.meeting) throw new Error('Automation.controls(meeting service) was not called');
      return this.meeting;
    };
    return new iam.PolicyStatement({
      actions: ['ecs:UpdateService'],
      resources: [Lazy.string({ produce: () => meeting().serviceArn })],
      conditions: {
        ArnLikeIfExists: {
          'ecs:task-definition': Lazy.string({
            produce: () =>
              stack.formatArn({ service: 'ecs', resource: 'task-definition', resourceName: `${meeting().family}:*` }),
          }),
        },
        ...NO_ECS_EXEC,
      },
    });
  }
}

/** The meeting's ECS service (its ARN, or a placeholder while powered down) and its task family. */
export interface MeetingService {
  readonly serviceArn: string;
  readonly family: string;
}

/**
 * What the control plane needs for the recorder: its group's capacity (only this group), the cluster's
 * instances, stopping tasks of this cluster, invoking the recorder launcher (the only principal that
 * may run a recorder task, with parameters it fixes itself), and reading the recorder's log lines.
 */
export function recorderControl(recorder: Recorder, clusterTasks: string, cluster: ecs.ICluster): iam.PolicyStatement[] {
  const stack = Stack.of(recorder);
  const inCluster = { ArnEquals: { 'ecs:cluster': cluster.clusterArn } };
  return [
    // DescribeAutoScalingGroups supports no resource-level permissions.
    new iam.PolicyStatement({ actions: ['autoscaling:DescribeAutoScalingGroups'], resources: ['*'] }),
    new iam.PolicyStatement({
      actions: ['autoscaling:SetDesiredCapacity'],
      resources: [recorder.autoScalingGroup.autoScalingGroupArn],
    }),
    new iam.PolicyStatement({ actions: ['ecs:ListContainerInstances'], resources: [cluster.clusterArn] }),
    new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [recorder.launcher.functionArn] }),
    new iam.PolicyStatement({ actions: ['ecs:StopTask'], resources: [clusterTasks], conditions: inCluster }),
    new iam.PolicyStatement({
      actions: ['logs:FilterLogEvents', 'logs:GetLogEvents'],
      resources: [
        recorder.logGroup.logGroupArn,
        stack.formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: recorder.logGroup.logGroupName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
    }),
  ];
}

function recorderAcknowledgements(recorder: Recorder, stack: Stack): Array<[string, string]> {
  return [
    ['*', 'autoscaling:DescribeAutoScalingGroups supports no resource-level permissions; it only reads the group size.'],
    [
      `arn:${stack.partition}:autoscaling:${stack.region}:<AWS::AccountId>:autoScalingGroup:*:autoScalingGroupName/<${logicalId(recorder.autoScalingGroup)}>`,
      "The group's id is generated; the ARN names the one recorder group, and SetDesiredCapacity is the only action on it.",
    ],
  ];
}
