import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { SIZE_NAMES, SIZE_PRESETS, type SizeName } from '../../config/presets.js';
import { STATS_LINE } from '../../control/stats-lines.js';
import { METRICS } from './automation.js';

/** The metrics the stack emits beyond Participants and Conferences (all from log lines, no agent). */
export const MONITORING_METRICS = {
  bridgeStress: 'BridgeStress',
  bridgeRtt: 'BridgeRttMs',
  bridgeLoss: 'BridgePacketLoss',
  componentUnhealthy: 'ComponentUnhealthy',
  startSeconds: 'StartSeconds',
  runningMinutes: 'RunningMinutes',
  endpointFailures: 'EndpointChecksFailedInCall',
} as const;

/** Thresholds of the meeting alarms, five one-minute datapoints in a row. */
export const ALARM_THRESHOLDS = { cpuPercent: 85, bridgeStress: 0.8, minutes: 5 } as const;
/** Minutes in a row a component must fail its health endpoint before the organizer is e-mailed. */
export const UNHEALTHY_ALERT_MINUTES = 3;

export interface MonitoringProps {
  /** `Meet/<stack>`: the namespace of the stack's log-derived metrics. */
  readonly namespace: string;
  readonly statsLogGroup: logs.ILogGroup;
  readonly eventLog: logs.ILogGroup;
  /** The runtime guard's log group: its `endpoint-check` lines. */
  readonly guardLogGroup: logs.ILogGroup;
  readonly cluster: ecs.ICluster;
  /** The service's name, or a placeholder while powered down (PowerSwitch.value). */
  readonly serviceName: string;
  readonly size: SizeName;
  readonly topic: sns.ITopic;
  readonly budgetUsd: number;
  /** Cost of a running hour (the plan's estimate), for the dashboard's budget line. */
  readonly runningHourUsd: number;
}

/** The next size preset, or undefined for the largest. */
export function nextSize(size: SizeName): SizeName | undefined {
  return SIZE_NAMES[SIZE_NAMES.indexOf(size) + 1];
}

/**
 * One CloudWatch dashboard (billed per month, nothing by the hour) and the alarms that matter during
 * a meeting, e-mailed through the alert topic: the size is too small (task CPU or the bridge's stress
 * level high for five minutes, the next size named), a container exited and the task was replaced,
 * the web endpoint failing its checks while people are in a call, and a component failing its health
 * endpoint for three minutes (the stats sidecar's health lines).
 */
export class Monitoring extends Construct {
  readonly dashboard: cloudwatch.Dashboard;
  readonly alarms: { cpu: cloudwatch.Alarm; stress: cloudwatch.Alarm; endpoint: cloudwatch.Alarm; unhealthy: cloudwatch.Alarm };
  readonly containerExitRule: events.Rule;
  private readonly props: MonitoringProps;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.props = props;
    this.addMetricFilters();
    this.alarms = this.addAlarms();
    this.containerExitRule = this.addContainerExitRule();
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `${Stack.of(this).stackName}-meetings`.slice(0, 255),
      defaultInterval: Duration.days(7),
    });
    this.addMeetingWidgets();
    this.addCostAndAutomationWidgets();
  }

  /** The log-derived metrics: one metric filter per metric of MONITORING_METRICS. */
  private addMetricFilters(): void {
    const props = this.props;
    const filter = (name: string, group: logs.ILogGroup, pattern: logs.IFilterPattern, value: string) =>
      new logs.MetricFilter(this, `${name}Metric`, {
        logGroup: group,
        filterPattern: pattern,
        metricNamespace: props.namespace,
        metricName: name,
        metricValue: value,
      });
    // The sidecar's bridge line (src/control/stats-lines.ts), from the bridge's Prometheus /metrics.
    const bridgeField = (name: string, field: 'stress' | 'rtt_ms' | 'loss') =>
      filter(
        name,
        props.statsLogGroup,
        logs.FilterPattern.all(
          logs.FilterPattern.stringValue('$.type', '=', STATS_LINE.bridge),
          logs.FilterPattern.booleanValue('$.ok', true),
          logs.FilterPattern.exists(`$.${field}`),
        ),
        `$.${field}`,
      );
    bridgeField(MONITORING_METRICS.bridgeStress, 'stress');
    bridgeField(MONITORING_METRICS.bridgeRtt, 'rtt_ms');
    bridgeField(MONITORING_METRICS.bridgeLoss, 'loss');
    // One datapoint per component that failed its health endpoint after it had passed once.
    filter(
      MONITORING_METRICS.componentUnhealthy,
      props.statsLogGroup,
      logs.FilterPattern.all(
        logs.FilterPattern.stringValue('$.type', '=', STATS_LINE.health),
        logs.FilterPattern.booleanValue('$.ok', false),
      ),
      '1',
    );
    filter(
      MONITORING_METRICS.startSeconds,
      props.eventLog,
      logs.FilterPattern.all(
        logs.FilterPattern.stringValue('$.goal', '=', 'running'),
        logs.FilterPattern.stringValue('$.outcome', '=', 'done'),
        logs.FilterPattern.exists('$.elapsedSeconds'),
      ),
      '$.elapsedSeconds',
    );
    filter(MONITORING_METRICS.runningMinutes, props.eventLog, logs.FilterPattern.exists('$.runningMinutes'), '$.runningMinutes');
    filter(
      MONITORING_METRICS.endpointFailures,
      props.guardLogGroup,
      logs.FilterPattern.all(
        logs.FilterPattern.stringValue('$.message', '=', 'endpoint-check'),
        logs.FilterPattern.numberValue('$.failingInCall', '=', 1),
      ),
      '$.failingInCall',
    );
  }

  /** One of the stack's log-derived metrics. */
  private custom(metricName: string, statistic: string, label: string, period = Duration.minutes(1)): cloudwatch.Metric {
    return new cloudwatch.Metric({ namespace: this.props.namespace, metricName, statistic, label, period });
  }

  /** The meeting service's CPU or memory, per minute. */
  private service(metricName: 'CPUUtilization' | 'MemoryUtilization', label: string): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/ECS',
      metricName,
      dimensionsMap: { ClusterName: this.props.cluster.clusterName, ServiceName: this.props.serviceName },
      statistic: cloudwatch.Stats.MAXIMUM,
      period: Duration.minutes(1),
      label,
    });
  }

  /** An alarm e-mailed through the alert topic, silent while there is no data (no task). */
  private alarm(
    idPart: string,
    metric: cloudwatch.IMetric,
    threshold: number,
    description: string,
    evaluationPeriods: number = ALARM_THRESHOLDS.minutes,
  ): cloudwatch.Alarm {
    const a = new cloudwatch.Alarm(this, idPart, {
      alarmName: `${Stack.of(this).stackName}-${idPart.replace(/[A-Z]/g, (c, i) => `${i ? '-' : ''}${c.toLowerCase()}`)}`,
      alarmDescription: description,
      metric,
      threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods,
      datapointsToAlarm: evaluationPeriods,
      // No task, no data: never an alarm between meetings.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    a.addAlarmAction(new actions.SnsAction(this.props.topic));
    return a;
  }

  private addAlarms(): Monitoring['alarms'] {
    const props = this.props;
    const preset = SIZE_PRESETS[props.size];
    const bigger = nextSize(props.size);
    const advice = bigger
      ? `Set "size": "${bigger}" (${SIZE_PRESETS[bigger].vcpu} vCPU, ${SIZE_PRESETS[bigger].memoryMiB / 1024} GiB, about ${SIZE_PRESETS[bigger].expectedParticipants} people) and run \`meetctl deploy\` before the next meetup.`
      : `"${props.size}" is the largest size: ask people to turn off video they do not need, or split the meetup.`;
    return {
      cpu: this.alarm(
        'TaskCpuHigh',
        this.service('CPUUtilization', 'CPU %'),
        ALARM_THRESHOLDS.cpuPercent,
        `The meeting task used ${ALARM_THRESHOLDS.cpuPercent}% or more of its ${preset.vcpu} vCPU ("${props.size}") for ${ALARM_THRESHOLDS.minutes} minutes: the size is too small for this meetup. ${advice}`,
      ),
      stress: this.alarm(
        'BridgeStressHigh',
        this.custom(MONITORING_METRICS.bridgeStress, cloudwatch.Stats.MAXIMUM, 'bridge stress'),
        ALARM_THRESHOLDS.bridgeStress,
        `The video bridge reported a stress level of ${ALARM_THRESHOLDS.bridgeStress} or more for ${ALARM_THRESHOLDS.minutes} minutes (1 means overloaded): video quality drops for everyone. ${advice}`,
      ),
      endpoint: this.alarm(
        'EndpointFailingInCall',
        this.custom(MONITORING_METRICS.endpointFailures, cloudwatch.Stats.MAXIMUM, 'failed checks', Duration.minutes(5)),
        1,
        'The meeting page failed its checks (HTTPS, certificate, config or websocket) while people were in a call: people joining now may not get in. Run `meetctl health`.',
        1,
      ),
      // Health checks no longer replace a running task (src/infra/constructs/jitsi-task.ts): a part
      // that stays unhealthy is the organizer's call, never an automatic restart mid-meeting.
      unhealthy: this.alarm(
        'ComponentUnhealthy',
        this.custom(MONITORING_METRICS.componentUnhealthy, cloudwatch.Stats.MAXIMUM, 'unhealthy components'),
        1,
        `A part of the meeting server (web, prosody, jicofo or the video bridge) has failed its health check for ${UNHEALTHY_ALERT_MINUTES} minutes. The meeting keeps running and nothing restarts it by itself: people in the call may lose audio or video, and people joining may not get in. \`meetctl logs --container stats\` names the part; \`meetctl logs --container <part>\` says why. If the call is broken, end it and run \`meetctl stop\` and \`meetctl start\`.`,
        UNHEALTHY_ALERT_MINUTES,
      ),
    };
  }

  /**
   * A container that exits takes the task with it (all are essential): ECS starts a new task and
   * everyone is dropped. Our own stops end with ServiceSchedulerInitiated, never this stop code.
   */
  private addContainerExitRule(): events.Rule {
    const props = this.props;
    return new events.Rule(this, 'ContainerExited', {
      description: 'A container of the meeting task exited: the task was replaced',
      eventPattern: {
        source: ['aws.ecs'],
        detailType: ['ECS Task State Change'],
        detail: { clusterArn: [props.cluster.clusterArn], lastStatus: ['STOPPED'], stopCode: ['EssentialContainerExited'] },
      },
      targets: [
        new eventTargets.SnsTopic(props.topic, {
          message: events.RuleTargetInput.fromText(
            `A container of the meeting task on ${Stack.of(this).stackName} exited (${events.EventField.fromPath('$.detail.stoppedReason')}): ECS replaced the task and everyone in the call was dropped. Run \`meetctl logs\` to see which container and why.`,
          ),
        }),
      ],
    });
  }

  /** The dashboard's first rows: people, task load, the bridge, start times, failing components. */
  private addMeetingWidgets(): void {
    const props = this.props;
    const preset = SIZE_PRESETS[props.size];
    const people = (metricName: string, label: string) => this.custom(metricName, cloudwatch.Stats.MAXIMUM, label);
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'People and conferences',
        left: [people(METRICS.participants, 'participants'), people(METRICS.conferences, 'conferences')],
        width: 12,
        leftYAxis: { min: 0, showUnits: false },
      }),
      new cloudwatch.GraphWidget({
        title: `Task CPU and memory (% of "${props.size}": ${preset.vcpu} vCPU, ${preset.memoryMiB / 1024} GiB)`,
        left: [this.service('CPUUtilization', 'CPU %'), this.service('MemoryUtilization', 'memory %')],
        leftYAxis: { min: 0, max: 100, showUnits: false },
        leftAnnotations: [{ value: ALARM_THRESHOLDS.cpuPercent, label: 'alarm: size too small' }],
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Video bridge: stress (1 = overloaded) and packet loss',
        left: [
          this.custom(MONITORING_METRICS.bridgeStress, cloudwatch.Stats.MAXIMUM, 'stress'),
          this.custom(MONITORING_METRICS.bridgeLoss, cloudwatch.Stats.AVERAGE, 'loss (fraction of packets)'),
        ],
        leftAnnotations: [{ value: ALARM_THRESHOLDS.bridgeStress, label: 'alarm' }],
        right: [this.custom(MONITORING_METRICS.bridgeRtt, cloudwatch.Stats.AVERAGE, 'round trip (ms)')],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Stopped → READY (seconds per start)',
        left: [this.custom(MONITORING_METRICS.startSeconds, cloudwatch.Stats.MAXIMUM, 'start', Duration.hours(1))],
        leftYAxis: { min: 0, showUnits: false },
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: `Components failing their health check (e-mail after ${UNHEALTHY_ALERT_MINUTES} minutes; nothing restarts them)`,
        left: [this.custom(MONITORING_METRICS.componentUnhealthy, cloudwatch.Stats.SUM, 'failing components')],
        leftYAxis: { min: 0, showUnits: false },
        width: 24,
        height: 4,
      }),
    );
  }

  /** The dashboard's last row: running hours against the budget, and what the automation did. */
  private addCostAndAutomationWidgets(): void {
    const props = this.props;
    const runningHours = new cloudwatch.MathExpression({
      expression: 'm / 60',
      usingMetrics: { m: this.custom(MONITORING_METRICS.runningMinutes, cloudwatch.Stats.SUM, 'minutes', Duration.days(1)) },
      label: 'running hours',
      period: Duration.days(1),
    });
    this.dashboard.addWidgets(
      new cloudwatch.SingleValueWidget({
        title: 'Running hours in the time range',
        metrics: [runningHours],
        setPeriodToTimeRange: true,
        width: 6,
      }),
      new cloudwatch.TextWidget({
        markdown: `**Budget** $${props.budgetUsd} a month. A running hour costs about $${props.runningHourUsd.toFixed(2)} (\`meetctl plan\`), so the budget allows about ${Math.floor(props.budgetUsd / props.runningHourUsd)} running hours a month beyond the fixed costs. \`meetctl cost\` and \`meetctl report\` add them up.`,
        width: 6,
      }),
      new cloudwatch.LogQueryWidget({
        title: 'What the automation did (schedules, idle stop, runtime guard, rotation)',
        logGroupNames: [props.eventLog.logGroupName],
        queryLines: [
          'fields @timestamp, actor, goal, outcome, detail',
          'filter actor like /^(schedule:|idle-stop|runtime-guard|rotation-schedule)/',
          'sort @timestamp desc',
          'limit 20',
        ],
        width: 12,
      }),
    );
  }
}
