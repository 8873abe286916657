import { Duration, Validations } from 'aws-cdk-lib';
import type * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import { HTTPS_PORT, JVB_HEALTH_PORT, JVB_MEDIA_PORT } from './ports.js';

export interface MeetingLoadBalancerProps {
  readonly vpc: ec2.IVpc;
  readonly securityGroup: ec2.ISecurityGroup;
  /** Certificate for the meeting host (DNS-validated). */
  readonly certificate: acm.ICertificate;
  /** Plain-HTTP port of the web container. */
  readonly webPort: number;
}

/**
 * Internet-facing Network Load Balancer with one Elastic IP per public subnet: TLS 443 to the web
 * container, UDP 10000 to the video bridge (health-checked over HTTP on the bridge's health port).
 * Cross-zone load balancing is on so that both advertised addresses reach the single task, whichever
 * zone it runs in.
 */
export class MeetingLoadBalancer extends Construct {
  readonly loadBalancer: elbv2.NetworkLoadBalancer;
  readonly elasticIps: ec2.CfnEIP[];
  readonly webTargetGroup: elbv2.NetworkTargetGroup;
  readonly mediaTargetGroup: elbv2.NetworkTargetGroup;

  constructor(scope: Construct, id: string, props: MeetingLoadBalancerProps) {
    super(scope, id);
    const subnets = props.vpc.publicSubnets;
    this.elasticIps = subnets.map((_subnet, index) => new ec2.CfnEIP(this, `MediaAddress${index + 1}`, { domain: 'vpc' }));

    this.loadBalancer = new elbv2.NetworkLoadBalancer(this, 'Nlb', {
      vpc: props.vpc,
      internetFacing: true,
      crossZoneEnabled: true,
      securityGroups: [props.securityGroup],
      subnetMappings: subnets.map((subnet, index) => ({
        subnet,
        allocationId: this.elasticIps[index]?.attrAllocationId,
      })),
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
    this.mediaTargetGroup = new elbv2.NetworkTargetGroup(this, 'MediaTargets', {
      vpc: props.vpc,
      port: JVB_MEDIA_PORT,
      protocol: elbv2.Protocol.UDP,
      targetType: elbv2.TargetType.IP,
      deregistrationDelay: Duration.seconds(30),
      healthCheck: {
        // UDP cannot be health-checked: ask the bridge's own HTTP health endpoint instead.
        protocol: elbv2.Protocol.HTTP,
        port: String(JVB_HEALTH_PORT),
        path: '/about/health',
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
      // TLS 1.3 and 1.2 with forward-secret ciphers only.
      sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
      defaultTargetGroups: [this.webTargetGroup],
    });
    this.loadBalancer.addListener('Media', {
      port: JVB_MEDIA_PORT,
      protocol: elbv2.Protocol.UDP,
      defaultTargetGroups: [this.mediaTargetGroup],
    });
  }
}
