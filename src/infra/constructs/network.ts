import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { JVB_MEDIA_PORT } from './ports.js';

export interface NetworkProps {
  /** Plain-HTTP port of the web container that the load balancer forwards TLS 443 to. */
  readonly webPort: number;
}

/**
 * VPC with two public subnets and no NAT gateway (the task has a public IP to pull images and reach
 * AWS APIs; a NAT gateway would cost more than everything else together), plus the two security groups
 * with exactly the ports that are needed.
 */
export class Network extends Construct {
  readonly vpc: ec2.Vpc;
  /** On the load balancer: 443/tcp from anywhere. */
  readonly loadBalancerSecurityGroup: ec2.SecurityGroup;
  /** On the task: web from the load balancer only; media (10000/udp) from anywhere, straight to the task. */
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

    this.loadBalancerSecurityGroup = new ec2.SecurityGroup(this, 'LoadBalancerSecurityGroup', {
      vpc: this.vpc,
      description: 'Meeting load balancer: HTTPS from the internet',
      allowAllOutbound: false,
    });
    this.loadBalancerSecurityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS for browsers and apps');

    this.taskSecurityGroup = new ec2.SecurityGroup(this, 'TaskSecurityGroup', {
      vpc: this.vpc,
      description: 'Jitsi task: web from the load balancer, media straight from participants',
      // The task pulls images from the public registry and calls AWS APIs through the internet gateway.
      allowAllOutbound: true,
    });
    this.taskSecurityGroup.addIngressRule(
      this.loadBalancerSecurityGroup,
      ec2.Port.tcp(props.webPort),
      'Web (TLS ends at the load balancer)',
    );
    // The bridge advertises the task's public address (the internet gateway maps it 1:1 to the ENI).
    this.taskSecurityGroup.addIngressRule(
      ec2.Peer.anyIpv4(),
      ec2.Port.udp(JVB_MEDIA_PORT),
      'Media (RTP over UDP) from participants, straight to the bridge',
    );

    this.loadBalancerSecurityGroup.addEgressRule(
      this.taskSecurityGroup,
      ec2.Port.tcp(props.webPort),
      'Forward HTTPS as HTTP to web',
    );
  }
}
