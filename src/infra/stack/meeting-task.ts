import { CfnParameter, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type { Construct } from 'constructs';
import { pageHost, pageUrl } from '../../auth/jitsi-settings.js';
import { isBranded } from '../../branding/jitsi-branding.js';
import { SIZE_PRESETS } from '../../config/presets.js';
import type { JitsiRelease } from '../../config/release.js';
import type { MeetConfig } from '../../config/schema.js';
import { DESIRED_COUNT_PARAMETER, OUTPUT_NAMES as OUTPUTS } from '../../control/outputs.js';
import type { Automation } from '../constructs/automation.js';
import { JitsiTask } from '../constructs/jitsi-task.js';
import type { PowerSwitch } from '../constructs/power-switch.js';
import type { StackCertificates } from './certificates.js';
import type { MeetingIngress } from './ingress.js';
import type { MembersAndPage } from './members-and-page.js';
import type { StackNetwork } from './network.js';
import type { StackRecording } from './recording.js';
import type { StackStores } from './stores.js';

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

export interface MeetingTaskProps {
  readonly config: MeetConfig;
  readonly release: JitsiRelease;
  readonly power: PowerSwitch;
  readonly network: StackNetwork;
  readonly stores: StackStores;
  readonly certificates: StackCertificates;
  readonly ingress: MeetingIngress;
  readonly automation: Automation;
  readonly recording?: StackRecording;
  readonly members?: MembersAndPage;
}

/**
 * The meeting: the Jitsi task definition and the ECS service that runs it (0 or 1 task, set through the
 * `DesiredCount` parameter), handed to the automation to control and to the ingress to route to. The
 * task and service are built under the powered scope. Not a construct of its own (see StackNetwork).
 */
export class MeetingTask {
  /** The task definition (web, prosody, jicofo, the bridge, the sidecars). */
  readonly task: JitsiTask;
  /** The ECS service (under the powered scope: it exists only while PowerState is on). */
  readonly service: ecs.FargateService;

  constructor(scope: Construct, powered: Construct, props: MeetingTaskProps) {
    this.task = jitsiTask(powered, props);
    this.service = fargateService(scope, powered, props, this.task);
    const { automation, power, network } = props;
    automation.controls({
      // While powered down there is no service; the placeholder names none.
      serviceArn: power.value(
        this.service.serviceArn,
        Stack.of(scope).formatArn({
          service: 'ecs',
          resource: 'service',
          resourceName: `${network.cluster.clusterName}/powered-down`,
        }),
      ),
      family: this.task.taskDefinition.family,
    });
    props.ingress.routeTo(this.service);
    power.output(scope, OUTPUTS.service, { value: this.service.serviceName });
    power.output(scope, OUTPUTS.taskFamily, { value: this.task.taskDefinition.family });
  }
}

/** The task definition, after the secrets and certificate it reads exist. */
function jitsiTask(powered: Construct, props: MeetingTaskProps): JitsiTask {
  const { config, stores, recording, members } = props;
  const recorder = recording?.recorder;
  const taskCertificate = props.certificates.taskCertificate;
  const task = new JitsiTask(powered, 'Jitsi', {
    domain: config.domain,
    release: props.release,
    size: SIZE_PRESETS[config.size],
    architecture: config.architecture,
    secret: stores.internalSecret.stored,
    ...(recorder ? { recording: { xmppSecret: recorder.xmppSecret } } : {}),
    localRecording: config.recording.local,
    bandwidth: config.bandwidth,
    logGroups: stores.logGroups,
    ...(isBranded(config.branding) ? { branding: config.branding } : {}),
    embedOrigins: config.embedOrigins,
    ...(taskCertificate ? { tls: { certificateSecret: taskCertificate.stored } } : {}),
    ...(members
      ? {
          membersOnly: {
            tokenSecret: members.jitsiAuth.stored,
            // settings-config.js at stable-11146-2 writes it to config.tokenAuthUrl.
            tokenAuthUrl: `https://${pageHost(config.domain)}/auth/room?room={room}`,
            // The waking page links members to it, as the asleep page does (src/infra/stack/dns.ts).
            pageUrl: pageUrl(config.domain),
          },
        }
      : {}),
  });
  task.taskDefinition.node.addDependency(stores.internalSecret.ready);
  if (recorder) {
    task.taskDefinition.node.addDependency(recorder.xmppSecretReady);
    recorder.joins(task.taskDefinition.family);
  }
  if (taskCertificate) task.taskDefinition.node.addDependency(taskCertificate.ready);
  Validations.of(task.taskDefinition).acknowledge({
    id: 'AwsSolutions-ECS2',
    reason:
      'The environment variables are non-secret settings (host name, ports, heap sizes, feature flags); every password, key and certificate is injected from the secret store (Secrets Manager or SecureString parameters) through `secrets`.',
  });
  return task;
}

/** The service: one public task at most, never two side by side, no shell into it. */
function fargateService(scope: Construct, powered: Construct, props: MeetingTaskProps, task: JitsiTask): ecs.FargateService {
  const desiredCount = new CfnParameter(scope, DESIRED_COUNT_PARAMETER, {
    type: 'Number',
    allowedValues: ['0', '1'],
    default: '0',
    description:
      'Tasks the service runs. meetctl deploy passes the live count and power changes pass 0: CloudFormation applies this value on every service update, so a constant would stop a running meeting.',
  });
  const { network } = props;
  return new ecs.FargateService(powered, 'Service', {
    cluster: network.cluster,
    taskDefinition: task.taskDefinition,
    desiredCount: desiredCount.valueAsNumber,
    assignPublicIp: true,
    vpcSubnets: { subnets: network.network.vpc.publicSubnets },
    securityGroups: [network.network.taskSecurityGroup],
    // One bridge, one meeting: never run two tasks side by side, even during a deployment.
    minHealthyPercent: 0,
    maxHealthyPercent: 100,
    circuitBreaker: { enable: true, rollback: true },
    ...(props.ingress.loadBalancer ? { healthCheckGracePeriod: Duration.seconds(HEALTH_CHECK_GRACE_SECONDS) } : {}),
    // No shell into the meeting: ECS Exec stays off, and no role may turn it on (ecs:enable-execute-command).
    enableExecuteCommand: false,
  });
}
