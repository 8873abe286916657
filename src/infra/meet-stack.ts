import { CfnOutput, CfnParameter, Duration, Fn, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import { Construct } from 'constructs';
import { pageHost } from '../auth/jitsi-settings.js';
import { isBranded } from '../branding/jitsi-branding.js';
import { SIZE_PRESETS } from '../config/presets.js';
import { parseRelease } from '../config/release.js';
import type { MeetConfig } from '../config/schema.js';
import { DESIRED_COUNT_PARAMETER, OUTPUT_NAMES } from '../control/outputs.js';
import { estimateForConfig } from '../cost/model.js';
import { AsleepPage } from './constructs/asleep-page.js';
import { Automation } from './constructs/automation.js';
import { InternalSecret } from './constructs/internal-secret.js';
import { JitsiAuth } from './constructs/jitsi-auth.js';
import { containerLogGroups, containersFor, JitsiTask, secretKeysFor } from './constructs/jitsi-task.js';
import { MeetingLoadBalancer } from './constructs/meeting-load-balancer.js';
import { Members, signInDomainPrefix } from './constructs/members.js';
import { Monitoring } from './constructs/monitoring.js';
import { Network } from './constructs/network.js';
import { OrganizerPage } from './constructs/organizer-page.js';
import { PowerSwitch } from './constructs/power-switch.js';
import { Recorder } from './constructs/recorder.js';
import { RecordingsBucket } from './constructs/recordings-bucket.js';
import { SecretRotation } from './constructs/secret-rotation.js';
import { StateTable } from './constructs/state-table.js';
import { TaskCertificate } from './constructs/task-certificate.js';
import { TaskDns } from './constructs/task-dns.js';
import { WEB_REDIRECT_PORT } from './web-ingress.js';

/** CAA values on the meeting host (tag and value as Route 53 writes them, quotes added by CDK). */
export const CAA_VALUES = [
  { tag: route53.CaaTag.ISSUE, value: 'letsencrypt.org; validationmethods=dns-01' },
  { tag: route53.CaaTag.ISSUE, value: 'amazon.com' },
  // No wildcard certificate covers the host.
  { tag: route53.CaaTag.ISSUEWILD, value: ';' },
] as const;

export interface MeetStackProps extends StackProps {
  /** Validated configuration. */
  readonly config: MeetConfig;
}

/** Names of the stack outputs that `meetctl` reads (shared with the control-plane core). */
export const OUTPUTS = OUTPUT_NAMES;

/**
 * Seconds ECS ignores load-balancer (and container) health after a task starts: the largest value the
 * API takes, 2,147,483,647 s (about 69 years), so that a failing NLB health check never makes ECS
 * replace a task with people in a call (issue 19.5). ECS has no switch to stop acting on target health
 * (aws/containers-roadmap#1271); the grace period is the documented way: "During that time, the Amazon
 * ECS service scheduler ignores health check status" (ECS API reference, CreateService /
 * UpdateService, healthCheckGracePeriodSeconds). What still watches the web target: `meetctl start`
 * waits for it to be healthy (and undoes the start if it never is), the component-unhealthy alarm
 * tells the organizer, and an NLB whose only target is unhealthy still sends traffic to it (fail open).
 */
export const HEALTH_CHECK_GRACE_SECONDS = 2_147_483_647;

/**
 * The whole platform in one stack, in one of two ingress modes (docs/architecture.md). direct: the
 * task terminates TLS with its own ACME certificate, DNS follows the task, and a stopped platform
 * bills nothing by the hour. load-balancer: a Network Load Balancer terminates TLS 443; its
 * hourly-billed parts (load balancer, ECS service, DNS alias) live under the `PowerState` condition.
 * Media goes straight to the task in both.
 */
export class MeetStack extends Stack {
  readonly power: PowerSwitch;

  constructor(scope: Construct, id: string, props: MeetStackProps) {
    super(scope, id, props);
    const { config } = props;
    const release = parseRelease(config.jitsiRelease);
    if (!release) throw new Error(`jitsiRelease "${config.jitsiRelease}" is not a pinned stable tag`);
    const size = SIZE_PRESETS[config.size];

    const direct = config.ingress === 'direct';
    this.power = new PowerSwitch(this, 'Power', { canPowerDown: !direct });
    const network = new Network(this, 'Network', { webPort: release.webPort, ingress: config.ingress });
    Validations.of(network.vpc).acknowledge({
      id: 'AwsSolutions-VPC7',
      reason:
        'The VPC holds a single public task and no private workloads; flow logs would bill for every media packet of every meeting. Security group rules are the control.',
    });
    for (const group of [network.loadBalancerSecurityGroup, network.taskSecurityGroup]) {
      if (!group) continue;
      Validations.of(group).acknowledge({
        id: 'AwsSolutions-EC23',
        reason:
          'A public meeting service: participants connect from anywhere on 443/tcp (80/tcp only redirects) and 10000/udp, and nothing else is open to the internet.',
      });
    }

    const zone = route53.PublicHostedZone.fromPublicHostedZoneAttributes(this, 'Zone', {
      hostedZoneId: config.hostedZone.id,
      zoneName: config.hostedZone.name,
    });
    // ACM: the load balancer's listener (load-balancer mode) or the asleep page's custom domain (direct mode).
    const certificate = new acm.Certificate(this, 'Certificate', {
      domainName: config.domain,
      validation: acm.CertificateValidation.fromDns(zone),
    });
    const recordings = new RecordingsBucket(this, 'Recordings');
    const internalSecret = new InternalSecret(this, 'InternalSecret', { keys: secretKeysFor() });
    const jitsiAuth = config.auth === 'members' ? new JitsiAuth(this, 'JitsiAuth', { stackName: this.stackName }) : undefined;
    const members =
      config.auth === 'members'
        ? new Members(this, 'Members', {
            domain: config.domain,
            pageOrigin: `https://${pageHost(config.domain)}`,
            signInDomainPrefix: signInDomainPrefix(this.stackName),
            ...(config.signIn ? { signIn: config.signIn } : {}),
          })
        : undefined;
    const state = new StateTable(this, 'State');

    const cluster = new ecs.Cluster(this, 'Cluster', {
      vpc: network.vpc,
      containerInsightsV2: ecs.ContainerInsights.DISABLED,
    });
    Validations.of(cluster).acknowledge({
      id: 'AwsSolutions-ECS4',
      reason:
        'Container Insights bills per metric while tasks run; health comes from container health checks and endpoint checks, and participant counts from the stats sidecar logs.',
    });

    const recorderLogGroup = config.recording.enabled
      ? new logs.LogGroup(this, 'RecorderLogs', {
          retention: config.logRetentionDays as logs.RetentionDays,
          removalPolicy: RemovalPolicy.DESTROY,
        })
      : undefined;
    const recorder =
      recorderLogGroup && config.recording.enabled
        ? new Recorder(this, 'Recorder', {
            vpc: network.vpc,
            cluster,
            taskSecurityGroup: network.taskSecurityGroup,
            domain: config.domain,
            release,
            instanceType: config.recording.instanceType,
            maxHours: config.recording.maxHours,
            passwords: internalSecret,
            recordings: recordings.bucket,
            logGroup: recorderLogGroup,
          })
        : undefined;

    const logGroups = containerLogGroups(
      new Construct(this, 'Logs'),
      config.logRetentionDays as logs.RetentionDays,
      config.ingress,
    );
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
      ingress: config.ingress,
      ...(recorder ? { recorder } : {}),
    });

    // The task's own certificate (direct mode): issued at deploy time, renewed daily when due.
    const taskCertificate = direct
      ? new TaskCertificate(this, 'TaskCertificate', {
          domain: config.domain,
          hostedZoneId: config.hostedZone.id,
          email: config.alertEmail,
          ...(config.acmeDirectoryUrl ? { directoryUrl: config.acmeDirectoryUrl } : {}),
          alerts: automation.topic,
          stateTable: state.table,
        })
      : undefined;

    // Billed by the hour in load-balancer mode, and there only while PowerState is on. In direct mode
    // nothing here bills while stopped and the same constructs (same logical ids) are unconditional,
    // so switching modes updates them in place.
    const powered = new Construct(this, 'Powered');
    this.power.governs(powered);
    const lb = direct
      ? undefined
      : new MeetingLoadBalancer(powered, 'LoadBalancer', {
          vpc: network.vpc,
          securityGroup: network.loadBalancerSecurityGroup as ec2.ISecurityGroup,
          certificate,
          webPort: release.webPort,
        });
    const task = new JitsiTask(powered, 'Jitsi', {
      domain: config.domain,
      release,
      size,
      architecture: config.architecture,
      secret: internalSecret.secret,
      ...(recorder ? { recording: { xmppSecret: recorder.xmppSecret } } : {}),
      localRecording: config.recording.local,
      bandwidth: config.bandwidth,
      logGroups,
      ...(isBranded(config.branding) ? { branding: config.branding } : {}),
      embedOrigins: config.embedOrigins,
      ...(taskCertificate ? { tls: { certificateSecret: taskCertificate.secret } } : {}),
      ...(jitsiAuth
        ? {
            membersOnly: {
              tokenSecret: jitsiAuth.secret,
              // settings-config.js at stable-11146-2 writes it to config.tokenAuthUrl.
              tokenAuthUrl: `https://${pageHost(config.domain)}/auth/room?room={room}`,
            },
          }
        : {}),
    });
    task.taskDefinition.node.addDependency(internalSecret.ready);
    if (recorder) {
      task.taskDefinition.node.addDependency(recorder.xmppSecretReady);
      recorder.joins(task.taskDefinition.family);
    }
    if (taskCertificate) task.taskDefinition.node.addDependency(taskCertificate.ready);
    Validations.of(task.taskDefinition).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason:
        'The environment variables are non-secret settings (host name, ports, heap sizes, feature flags); every password, key and certificate is injected from Secrets Manager through `secrets`.',
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
      ...(lb ? { healthCheckGracePeriod: Duration.seconds(HEALTH_CHECK_GRACE_SECONDS) } : {}),
      // No shell into the meeting: ECS Exec stays off, and no role may turn it on (ecs:enable-execute-command).
      enableExecuteCommand: false,
    });
    automation.controls({
      // While powered down there is no service; the placeholder names none.
      serviceArn: this.power.value(
        service.serviceArn,
        this.formatArn({ service: 'ecs', resource: 'service', resourceName: `${cluster.clusterName}/powered-down` }),
      ),
      family: task.taskDefinition.family,
    });
    if (lb) {
      lb.webTargetGroup.addTarget(service.loadBalancerTarget({ containerName: 'web', containerPort: release.webPort }));
      lb.redirectTargetGroup.addTarget(service.loadBalancerTarget({ containerName: 'web', containerPort: WEB_REDIRECT_PORT }));
    }

    // The meeting host's A record. Load-balancer mode: an alias to the load balancer, owned by
    // CloudFormation. Direct mode: the same resource starts as an alias to the asleep page, and the DNS
    // function switches its value to the task and back; CloudFormation never deletes it while the
    // stack lives (a deleted name would be cached as "not found" for up to the zone's SOA TTL).
    const asleep = direct
      ? new AsleepPage(this, 'Asleep', {
          domain: config.domain,
          certificate,
          scheduleGroupName: automation.scheduleGroup.name as string,
          ...(config.auth === 'members' ? { pageUrl: `https://${pageHost(config.domain)}/` } : {}),
          ...(isBranded(config.branding) ? { branding: config.branding } : {}),
          embedOrigins: config.embedOrigins,
        })
      : undefined;
    const meetingRecord = new route53.ARecord(powered, 'MeetingAlias', {
      zone,
      recordName: config.domain,
      target: route53.RecordTarget.fromAlias(
        asleep
          ? new targets.ApiGatewayv2DomainProperties(asleep.domainName.regionalDomainName, asleep.domainName.regionalHostedZoneId)
          : new targets.LoadBalancerTarget((lb as MeetingLoadBalancer).loadBalancer),
      ),
      comment: asleep
        ? 'Meeting host: the asleep page while stopped; the DNS function points it at the running task'
        : 'Meeting host (exists while powered on)',
    });
    if (asleep) {
      const dns = new TaskDns(this, 'TaskDns', {
        domain: config.domain,
        hostedZoneId: config.hostedZone.id,
        cluster,
        stateTable: state.table,
        asleep: { dnsName: asleep.domainName.regionalDomainName, hostedZoneId: asleep.domainName.regionalHostedZoneId },
        alerts: automation.topic,
      });
      // Every round, the runtime guard puts the record right if the DNS function could not (src/dns/reconcile.ts).
      dns.grantHostRecord(automation.runtimeGuard);
      new CfnOutput(this, OUTPUTS.hostedZone, { value: config.hostedZone.id });
      new CfnOutput(this, OUTPUTS.asleepDnsName, {
        value: asleep.domainName.regionalDomainName,
        description: 'The asleep page: what the meeting host points at while no task runs',
      });
      new CfnOutput(this, OUTPUTS.asleepZone, { value: asleep.domainName.regionalHostedZoneId });
      // Deletion runs in reverse: the service (its task's STOPPED event moves the record back to the
      // asleep page) goes before the record, and the record before the function that moves it.
      meetingRecord.node.addDependency(dns.rule, dns.function);
      service.node.addDependency(meetingRecord);
    }
    // Only Let's Encrypt over DNS-01 (the direct mode's certificate) and Amazon (ACM) may issue for
    // the meeting host: whoever later holds a released task address cannot get a certificate for it.
    new route53.CaaRecord(this, 'MeetingCaa', {
      zone,
      recordName: config.domain,
      values: CAA_VALUES.map((v) => ({ flag: 0, tag: v.tag, value: v.value })),
    });

    new Monitoring(this, 'Monitoring', {
      namespace: `Meet/${this.stackName}`,
      statsLogGroup: logGroups.stats,
      eventLog,
      guardLogGroup: automation.runtimeGuard.logGroup,
      cluster,
      serviceName: this.power.value(service.serviceName, 'powered-down'),
      size: config.size,
      topic: automation.topic,
      budgetUsd: config.monthlyBudgetUsd,
      runningHourUsd: estimateForConfig(config).runningHourUsd,
    });

    if (config.rotateSecretsMonthly) {
      new SecretRotation(this, 'SecretRotation', {
        automation,
        secrets: [internalSecret.secret, ...(recorder ? [recorder.xmppSecret] : []), ...(jitsiAuth ? [jitsiAuth.secret] : [])],
      });
    }

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
        containersFor(config.ingress).map((name) => `${name}=${logGroups[name]?.logGroupName}`),
      ),
    });
    new CfnOutput(this, OUTPUTS.scheduleGroup, { value: automation.scheduleGroup.ref });
    new CfnOutput(this, OUTPUTS.schedulerRole, { value: automation.schedulerRole.roleArn });
    new CfnOutput(this, OUTPUTS.scheduledStart, { value: automation.scheduledStart.functionArn });
    new CfnOutput(this, OUTPUTS.alertTopic, { value: automation.topic.topicArn });
    new CfnOutput(this, OUTPUTS.eventLog, { value: eventLog.logGroupName, description: 'Append-only control-plane event log' });
    this.power.output(this, OUTPUTS.service, { value: service.serviceName });
    this.power.output(this, OUTPUTS.taskFamily, { value: task.taskDefinition.family });
    new CfnOutput(this, OUTPUTS.ingress, { value: config.ingress, description: 'direct or load-balancer' });
    if (recorder && recorderLogGroup) {
      new CfnOutput(this, OUTPUTS.recorderGroup, {
        value: recorder.autoScalingGroup.autoScalingGroupName,
        description: 'The recorder instance group (0 while nobody records)',
      });
      new CfnOutput(this, OUTPUTS.recorderTaskFamily, { value: recorder.taskDefinition.family });
      new CfnOutput(this, OUTPUTS.recorderCapacityProvider, { value: recorder.capacityProvider.capacityProviderName });
      new CfnOutput(this, OUTPUTS.recorderLogGroup, { value: recorderLogGroup.logGroupName });
      new CfnOutput(this, OUTPUTS.recorderLauncher, {
        value: recorder.launcher.functionName,
        description: 'Starts the recorder (organizers may invoke it; nobody else may run the recorder task)',
      });
      new CfnOutput(this, OUTPUTS.recorderSecret, {
        value: recorder.xmppSecret.secretArn,
        description: "The recorder's XMPP passwords (ARN only)",
      });
    }
    if (members && jitsiAuth) {
      new OrganizerPage(this, 'OrganizerPage', {
        host: pageHost(config.domain),
        zone,
        automation,
        members,
        tokenSecret: jitsiAuth.secret,
        stateTable: state.table,
        costModel: {
          size: config.size,
          architecture: config.architecture,
          ingress: config.ingress,
          budgetUsd: config.monthlyBudgetUsd,
        },
        ...(isBranded(config.branding) ? { branding: config.branding } : {}),
        ...(recorder ? { recordings: recordings.bucket } : {}),
        ...(config.timeZone ? { timeZone: config.timeZone } : {}),
      });
      new CfnOutput(this, OUTPUTS.pageUrl, { value: `https://${pageHost(config.domain)}`, description: 'Organizer page' });
    }
    if (members) {
      new CfnOutput(this, OUTPUTS.userPool, { value: members.userPool.userPoolId, description: 'Members (meetctl users)' });
      new CfnOutput(this, OUTPUTS.userPoolClient, { value: members.client.userPoolClientId });
      new CfnOutput(this, OUTPUTS.signInUrl, { value: members.domain.baseUrl(), description: 'Managed sign-in' });
    }
    if (jitsiAuth) {
      new CfnOutput(this, OUTPUTS.tokenSecret, {
        value: jitsiAuth.secret.secretArn,
        description: 'Jitsi token secret (ARN only): `meetctl link` signs host links with it',
      });
    }
    if (lb) {
      this.power.output(this, OUTPUTS.loadBalancer, { value: lb.loadBalancer.loadBalancerArn });
      this.power.output(this, OUTPUTS.webTargets, { value: lb.webTargetGroup.targetGroupArn });
    }
  }
}
