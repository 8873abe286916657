import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type { Construct } from 'constructs';
import type { JitsiRelease } from '../../config/release.js';
import type { IngressMode } from '../../config/schema.js';
import { OUTPUT_NAMES as OUTPUTS } from '../../control/outputs.js';
import { MeetingLoadBalancer } from '../constructs/meeting-load-balancer.js';
import type { PowerSwitch } from '../constructs/power-switch.js';
import { WEB_REDIRECT_PORT } from '../web-ingress.js';
import type { StackCertificates } from './certificates.js';
import type { StackNetwork } from './network.js';

export interface MeetingIngressProps {
  readonly ingress: IngressMode;
  readonly release: JitsiRelease;
  readonly network: StackNetwork;
  readonly certificates: StackCertificates;
  readonly power: PowerSwitch;
}

/**
 * How participants reach the meeting's web port. load-balancer: a Network Load Balancer terminating
 * TLS 443 (built under the powered scope, so it exists only while PowerState is on). direct: nothing
 * here; the task terminates TLS itself and DNS points at it (MeetingDns). Not a construct of its own
 * (see StackNetwork).
 */
export class MeetingIngress {
  /** The load balancer (load-balancer mode only). */
  readonly loadBalancer?: MeetingLoadBalancer;

  constructor(
    powered: Construct,
    private readonly props: MeetingIngressProps,
  ) {
    if (props.ingress === 'direct') return;
    this.loadBalancer = new MeetingLoadBalancer(powered, 'LoadBalancer', {
      vpc: props.network.network.vpc,
      securityGroup: props.network.network.loadBalancerSecurityGroup as ec2.ISecurityGroup,
      certificate: props.certificates.certificate,
      webPort: props.release.webPort,
    });
  }

  /** Sends the load balancer's TLS and redirect traffic to the service's web container. */
  routeTo(service: ecs.FargateService): void {
    if (!this.loadBalancer) return;
    const { webTargetGroup, redirectTargetGroup } = this.loadBalancer;
    webTargetGroup.addTarget(service.loadBalancerTarget({ containerName: 'web', containerPort: this.props.release.webPort }));
    redirectTargetGroup.addTarget(service.loadBalancerTarget({ containerName: 'web', containerPort: WEB_REDIRECT_PORT }));
  }

  /** The outputs `meetctl` reads to wait for the web target to be healthy. */
  addOutputs(scope: Construct): void {
    if (!this.loadBalancer) return;
    this.props.power.output(scope, OUTPUTS.loadBalancer, { value: this.loadBalancer.loadBalancer.loadBalancerArn });
    this.props.power.output(scope, OUTPUTS.webTargets, { value: this.loadBalancer.webTargetGroup.targetGroupArn });
  }
}
