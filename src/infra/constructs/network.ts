import { type CfnResource, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { IngressMode } from '../../config/schema.js';
import { WEB_REDIRECT_PORT } from '../web-ingress.js';
import { HTTP_PORT, HTTPS_PORT, JVB_MEDIA_PORT } from './ports.js';

export interface NetworkProps {
  /** Plain-HTTP port of the web container that the load balancer forwards TLS 443 to. */
  readonly webPort: number;
  /** direct: the task serves 443 (and 80) itself; load-balancer: web only from the load balancer. */
  readonly ingress: IngressMode;
}

/**
 * VPC with two public subnets and no NAT gateway (the task has a public IP to pull images and reach
 * AWS APIs; a NAT gateway would cost more than everything else together), plus the two security groups
 * with exactly the ports that are needed.
 */
export class Network extends Construct {
  readonly vpc: ec2.Vpc;
  /** On the load balancer (load-balancer mode only): 443/tcp and 80/tcp (redirect only) from anywhere. */
  readonly loadBalancerSecurityGroup?: ec2.SecurityGroup;
  /**
   * On the task: media (10000/udp) from anywhere, straight to the task, in both modes; web and its
   * redirect port from the load balancer only (load-balancer mode) or 443/tcp and 80/tcp from
   * anywhere (direct mode).
   */
  readonly taskSecurityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr('10.42.0.0/16'),
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 }],
      restrictDefaultSecurityGroup: true,
    });
    this.logDefaultSecurityGroupFunction();

    this.taskSecurityGroup = new ec2.SecurityGroup(this, 'TaskSecurityGroup', {
      vpc: this.vpc,
      // One description for both modes: changing it would replace the group on a mode switch.
      description: 'Jitsi task: media straight from participants; HTTPS in the task or web from the load balancer',
      // The task pulls images from the public registry and calls AWS APIs through the internet gateway.
      allowAllOutbound: true,
    });
    if (props.ingress === 'direct') {
      this.taskSecurityGroup.addIngressRule(
        ec2.Peer.anyIpv4(),
        ec2.Port.tcp(HTTPS_PORT),
        'HTTPS for browsers and apps (TLS ends in the task)',
      );
      this.taskSecurityGroup.addIngressRule(
        ec2.Peer.anyIpv4(),
        ec2.Port.tcp(HTTP_PORT),
        'HTTP, answered only with a redirect to HTTPS',
      );
    } else {
      const lb = new ec2.SecurityGroup(this, 'LoadBalancerSecurityGroup', {
        vpc: this.vpc,
        description: 'Meeting load balancer: HTTPS from the internet',
        allowAllOutbound: false,
      });
      lb.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(HTTPS_PORT), 'HTTPS for browsers and apps');
      lb.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(HTTP_PORT), 'HTTP, answered only with a redirect to HTTPS');
      this.taskSecurityGroup.addIngressRule(lb, ec2.Port.tcp(props.webPort), 'Web (TLS ends at the load balancer)');
      this.taskSecurityGroup.addIngressRule(lb, ec2.Port.tcp(WEB_REDIRECT_PORT), "Web's redirect to HTTPS");
      lb.addEgressRule(this.taskSecurityGroup, ec2.Port.tcp(props.webPort), 'Forward HTTPS as HTTP to web');
      lb.addEgressRule(this.taskSecurityGroup, ec2.Port.tcp(WEB_REDIRECT_PORT), "Forward HTTP to web's redirect port");
      this.loadBalancerSecurityGroup = lb;
    }
    // The bridge advertises the task's public address (the internet gateway maps it 1:1 to the ENI).
    this.taskSecurityGroup.addIngressRule(
      ec2.Peer.anyIpv4(),
      ec2.Port.udp(JVB_MEDIA_PORT),
      'Media (RTP over UDP) from participants, straight to the bridge',
    );
  }

  /**
   * CDK's function that empties the VPC's default security group (restrictDefaultSecurityGroup) would log
   * to /aws/lambda/<its name>, a group Lambda creates on its first run with no retention and that a
   * destroy leaves behind. It logs to a group of the stack's instead (Lambda's LoggingConfig.LogGroup),
   * kept a month like the other deploy-time helpers' logs and deleted with the stack. A new name, so a
   * stack whose function already created the default group updates without a name clash.
   */
  private logDefaultSecurityGroupFunction(): void {
    const provider = Stack.of(this).node.tryFindChild('Custom::VpcRestrictDefaultSGCustomResourceProvider');
    const handler = provider?.node.tryFindChild('Handler') as CfnResource | undefined;
    if (!handler) throw new Error("CDK's default-security-group function was not found: its log group cannot be set");
    const group = new logs.LogGroup(this, 'DefaultSecurityGroupFunctionLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    handler.addPropertyOverride('LoggingConfig', { LogGroup: group.logGroupName });
  }
}
