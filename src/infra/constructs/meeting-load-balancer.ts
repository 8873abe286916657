import { Duration, Validations } from 'aws-cdk-lib';
import type * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import { WEB_REDIRECT_PORT } from '../web-ingress.js';
import { HTTP_PORT, HTTPS_PORT } from './ports.js';

export interface MeetingLoadBalancerProps {
  readonly vpc: ec2.IVpc;
  readonly securityGroup: ec2.ISecurityGroup;
  /** Certificate for the meeting host (DNS-validated). */
  readonly certificate: acm.ICertificate;
  /** Plain-HTTP port of the web container. */
  readonly webPort: number;
}

/**
 * Internet-facing Network Load Balancer for TLS 443 in front of the web container, and TCP 80 to
 * web's redirect port, which answers every plain-HTTP request with a redirect to HTTPS (an NLB
 * cannot redirect itself; src/infra/web-ingress.ts). Media never
 * goes through it: the bridge advertises the task's own public address and participants send UDP
 * 10000 straight to the task (with cross-zone on and client IPs preserved, a UDP listener turns the
 * checks WebRTC sends to every advertised address into "duplicate connections"; see
 * docs/architecture.md). Cross-zone stays on so that both zones' addresses reach the one task.
 */
export class MeetingLoadBalancer extends Construct {
  readonly loadBalancer: elbv2.NetworkLoadBalancer;
  readonly webTargetGroup: elbv2.NetworkTargetGroup;
  /** Web's redirect port, behind TCP 80. */
  readonly redirectTargetGroup: elbv2.NetworkTargetGroup;

  constructor(scope: Construct, id: string, props: MeetingLoadBalancerProps) {
    super(scope, id);
    this.loadBalancer = new elbv2.NetworkLoadBalancer(this, 'Nlb', {
      vpc: props.vpc,
      internetFacing: true,
      crossZoneEnabled: true,
      securityGroups: [props.securityGroup],
      vpcSubnets: { subnets: props.vpc.publicSubnets },
    });
    Validations.of(this.loadBalancer).acknowledge({
      id: 'AwsSolutions-ELB2',
      reason:
        "Access logs would record every participant's IP address for each meeting; the project keeps no such personal data. Connection problems are diagnosed from target health and container logs.",
    });

    this.webTargetGroup = new elbv2.NetworkTargetGroup(this, 'WebTargets', {
      vpc: props.vpc,
      port: props.webPort,
      protocol: elbv2.Protocol.TCP,
      targetType: elbv2.TargetType.IP,
      deregistrationDelay: Duration.seconds(30),
      healthCheck: {
        protocol: elbv2.Protocol.HTTP,
        port: String(props.webPort),
        path: '/',
        interval: Duration.seconds(10),
        timeout: Duration.seconds(5),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 2,
      },
    });
    this.loadBalancer.addListener('Https', {
      port: HTTPS_PORT,
      protocol: elbv2.Protocol.TLS,
      certificates: [elbv2.ListenerCertificate.fromCertificateManager(props.certificate)],
      // TLS 1.3, and 1.2 with forward-secret (ECDHE) ciphers only: the -Res- policy drops RSA key exchange.
      sslPolicy: elbv2.SslPolicy.TLS13_RES,
      defaultTargetGroups: [this.webTargetGroup],
    });
    this.redirectTargetGroup = new elbv2.NetworkTargetGroup(this, 'RedirectTargets', {
      vpc: props.vpc,
      port: WEB_REDIRECT_PORT,
      protocol: elbv2.Protocol.TCP,
      targetType: elbv2.TargetType.IP,
      deregistrationDelay: Duration.seconds(30),
      // The port only redirects: an open TCP port is health enough.
      healthCheck: {
        protocol: elbv2.Protocol.TCP,
        interval: Duration.seconds(10),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 2,
      },
    });
    this.loadBalancer.addListener('Http', {
      port: HTTP_PORT,
      protocol: elbv2.Protocol.TCP,
      defaultTargetGroups: [this.redirectTargetGroup],
    });
  }
}
