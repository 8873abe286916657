import { Validations } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type { Construct } from 'constructs';
import type { JitsiRelease } from '../../config/release.js';
import type { IngressMode } from '../../config/schema.js';
import { Network } from '../constructs/network.js';

export interface StackNetworkProps {
  /** The pinned Jitsi release: which port web listens on. */
  readonly release: JitsiRelease;
  readonly ingress: IngressMode;
}

/**
 * Where the meeting runs: the VPC with its security groups, and the ECS cluster in it.
 *
 * Like every part of the stack under src/infra/stack/, this is not a construct of its own: its
 * constructs keep the stack as their scope, so their construct paths, and with them the logical ids
 * of deployed stacks, stay what they were (a changed logical id replaces the resource).
 */
export class StackNetwork {
  /** The VPC (public subnets only) and the task's and load balancer's security groups. */
  readonly network: Network;
  /** The cluster the meeting task (and the recorder) run in. */
  readonly cluster: ecs.Cluster;

  constructor(scope: Construct, props: StackNetworkProps) {
    this.network = new Network(scope, 'Network', { webPort: props.release.webPort, ingress: props.ingress });
    Validations.of(this.network.vpc).acknowledge({
      id: 'AwsSolutions-VPC7',
      reason:
        'The VPC holds a single public task and no private workloads; flow logs would bill for every media packet of every meeting. Security group rules are the control.',
    });
    for (const group of [this.network.loadBalancerSecurityGroup, this.network.taskSecurityGroup]) {
      if (!group) continue;
      Validations.of(group).acknowledge({
        id: 'AwsSolutions-EC23',
        reason:
          'A public meeting service: participants connect from anywhere on 443/tcp (80/tcp only redirects) and 10000/udp, and nothing else is open to the internet.',
      });
    }
    this.cluster = new ecs.Cluster(scope, 'Cluster', {
      vpc: this.network.vpc,
      containerInsightsV2: ecs.ContainerInsights.DISABLED,
    });
    Validations.of(this.cluster).acknowledge({
      id: 'AwsSolutions-ECS4',
      reason:
        'Container Insights bills per metric while tasks run; health comes from container health checks and endpoint checks, and participant counts from the stats sidecar logs.',
    });
  }
}
