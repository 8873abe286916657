import { CfnOutput, CfnParameter, Duration, Fn, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import { Construct } from 'constructs';
import { SIZE_PRESETS } from '../config/presets.js';
import { parseRelease } from '../config/release.js';
import type { MeetConfig } from '../config/schema.js';
import { DESIRED_COUNT_PARAMETER, OUTPUT_NAMES } from '../control/outputs.js';
import { Automation } from './constructs/automation.js';
import { InternalSecret } from './constructs/internal-secret.js';
import { CONTAINERS, containerLogGroups, JitsiTask, SECRET_KEYS } from './constructs/jitsi-task.js';
import { MeetingLoadBalancer } from './constructs/meeting-load-balancer.js';
import { Network } from './constructs/network.js';
import { PowerSwitch } from './constructs/power-switch.js';
import { RecordingsBucket } from './constructs/recordings-bucket.js';
import { StateTable } from './constructs/state-table.js';

export interface MeetStackProps extends StackProps {
  /** Validated configuration. */
  readonly config: MeetConfig;
}

/** Names of the stack outputs that `meetctl` reads (shared with the control-plane core). */
export const OUTPUTS = OUTPUT_NAMES;

/** Seconds ECS ignores load-balancer health after a task starts: NLB IP targets take 70–180 s to register. */
export const HEALTH_CHECK_GRACE_SECONDS = 300;

/**
 * The whole platform in one stack. Hourly-billed parts (load balancer, ECS service, DNS alias) live
 * under the `PowerState` condition; data, secret, certificate and logs do not.
 */
export class MeetStack extends Stack {
  readonly power: PowerSwitch;

  constructor(scope: Construct, id: string, props: MeetStackProps) {
    super(scope, id, props);
    const { config } = props;
    const release = parseRelease(config.jitsiRelease);
    if (!release) throw new Error(`jitsiRelease "${config.jitsiRelease}" is not a pinned stable tag`);
    const size = SIZE_PRESETS[config.size];

    this.power = new PowerSwitch(this, 'Power');
    const network = new Network(this, 'Network', { webPort: release.webPort });
    Validations.of(network.vpc).acknowledge({
      id: 'AwsSolutions-VPC7',
      reason:
        'The VPC holds a single public task behind a load balancer and no private workloads; flow logs would bill for every media packet of every meeting. Security group rules are the control.',
    });
    for (const group of [network.loadBalancerSecurityGroup, network.taskSecurityGroup]) {
      Validations.of(group).acknowledge({
        id: 'AwsSolutions-EC23',
        reason:
          'A public meeting service: participants connect from anywhere on 443/tcp and 10000/udp, and nothing else is open to the internet.',
      });
    }

    const zone = route53.PublicHostedZone.fromPublicHostedZoneAttributes(this, 'Zone', {
      hostedZoneId: config.hostedZone.id,
      zoneName: config.hostedZone.name,
    });
    const certificate = new acm.Certificate(this, 'Certificate', {
      domainName: config.domain,
      validation: acm.CertificateValidation.fromDns(zone),
    });
    const recordings = new RecordingsBucket(this, 'Recordings');
    const internalSecret = new InternalSecret(this, 'InternalSecret', { keys: SECRET_KEYS });
    const state = new StateTable(this, 'State');

    const cluster = new ecs.Cluster(this, 'Cluster', {
      vpc: network.vpc,
      containerInsightsV2: ecs.ContainerInsights.DISABLED,
    });
    Validations.of(cluster).acknowledge({
      id: 'AwsSolutions-ECS4',
      reason:
        'Container Insights bills per metric while tasks run; health comes from container health checks and target health, and participant counts from the stats sidecar logs.',
    });

    const logGroups = containerLogGroups(new Construct(this, 'Logs'), config.logRetentionDays as logs.RetentionDays);
    // The control plane's event log: CloudWatch Logs has no call that edits or deletes a single event,
    // so granting only CreateLogStream/PutLogEvents makes it append-only for the functions and organizers.
    const eventLog = new logs.LogGroup(this, 'EventLog', {
      logGroupName: `${this.stackName}-events`,
      retention: logs.RetentionDays.TEN_YEARS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const desiredCount = new CfnParameter(this, DESIRED_COUNT_PARAMETER, {
      type: 'Number',
      allowedValues: ['0', '1'],
      default: '0',
      description:
        'Tasks the service runs. meetctl deploy passes the live count and power changes pass 0: CloudFormation applies this value on every service update, so a constant would stop a running meeting.',
    });

    // Everything below is billed by the hour and exists only while PowerState is on.
    const powered = new Construct(this, 'Powered');
    this.power.governs(powered);
    const lb = new MeetingLoadBalancer(powered, 'LoadBalancer', {
      vpc: network.vpc,
      securityGroup: network.loadBalancerSecurityGroup,
      certificate,
      webPort: release.webPort,
    });
    const task = new JitsiTask(powered, 'Jitsi', {
      domain: config.domain,
      release,
      size,
      architecture: config.architecture,
      secret: internalSecret.secret,
      recordings: recordings.bucket,
      logGroups,
    });
    task.taskDefinition.node.addDependency(internalSecret.ready);
    Validations.of(task.taskDefinition).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason:
        'The environment variables are non-secret settings (host name, ports, heap sizes, feature flags); every password is injected from Secrets Manager through `secrets`.',
    });

    const service = new ecs.FargateService(powered, 'Service', {
      cluster,
      taskDefinition: task.taskDefinition,
      desiredCount: desiredCount.valueAsNumber,
      assignPublicIp: true,
      vpcSubnets: { subnets: network.vpc.publicSubnets },
      securityGroups: [network.taskSecurityGroup],
      // One bridge, one meeting: never run two tasks side by side, even during a deployment.
      minHealthyPercent: 0,
      maxHealthyPercent: 100,
      circuitBreaker: { enable: true, rollback: true },
      healthCheckGracePeriod: Duration.seconds(HEALTH_CHECK_GRACE_SECONDS),
    });
    lb.webTargetGroup.addTarget(service.loadBalancerTarget({ containerName: 'web', containerPort: release.webPort }));

    const automation = new Automation(this, 'Automation', {
      domain: config.domain,
      alertEmail: config.alertEmail,
      monthlyBudgetUsd: config.monthlyBudgetUsd,
      settings: {
        idleStopMinutes: config.idleStopMinutes,
        startGraceMinutes: config.startGraceMinutes,
        maxRuntimeHours: config.maxRuntimeHours,
      },
      cluster,
      stateTable: state.table,
      eventLog,
      statsLogGroup: logGroups.stats,
      containerLogGroups: Object.values(logGroups),
    });

    new route53.ARecord(powered, 'MeetingAlias', {
      zone,
      recordName: config.domain,
      target: route53.RecordTarget.fromAlias(new targets.LoadBalancerTarget(lb.loadBalancer)),
      comment: 'Meeting host (exists while powered on)',
    });

    new CfnOutput(this, OUTPUTS.url, { value: `https://${config.domain}`, description: 'Where people join' });
    new CfnOutput(this, OUTPUTS.cluster, { value: cluster.clusterName });
    new CfnOutput(this, OUTPUTS.bucket, { value: recordings.bucket.bucketName });
    new CfnOutput(this, OUTPUTS.stateTable, {
      value: state.table.tableName,
      description: 'Control-plane lock and meeting window',
    });
    new CfnOutput(this, OUTPUTS.secret, {
      value: internalSecret.secret.secretArn,
      description: 'ARN only; the values never leave Secrets Manager',
    });
    new CfnOutput(this, OUTPUTS.logGroups, {
      value: Fn.join(
        ',',
        CONTAINERS.map((name) => `${name}=${logGroups[name].logGroupName}`),
      ),
    });
    new CfnOutput(this, OUTPUTS.scheduleGroup, { value: automation.scheduleGroup.ref });
    new CfnOutput(this, OUTPUTS.schedulerRole, { value: automation.schedulerRole.roleArn });
    new CfnOutput(this, OUTPUTS.scheduledStart, { value: automation.scheduledStart.functionArn });
    new CfnOutput(this, OUTPUTS.alertTopic, { value: automation.topic.topicArn });
    new CfnOutput(this, OUTPUTS.eventLog, { value: eventLog.logGroupName, description: 'Append-only control-plane event log' });
    this.power.output(this, OUTPUTS.service, { value: service.serviceName });
    this.power.output(this, OUTPUTS.taskFamily, { value: task.taskDefinition.family });
    this.power.output(this, OUTPUTS.loadBalancer, { value: lb.loadBalancer.loadBalancerArn });
    this.power.output(this, OUTPUTS.webTargets, { value: lb.webTargetGroup.targetGroupArn });
  }
}
