import type { StackSnapshot } from '../control/snapshot.js';

/**
 * Narrow interfaces over the AWS APIs the commands use. Commands depend on these, never on the SDK;
 * the SDK adapters live next to this file and are loaded only when a command needs AWS.
 */

/** A deployed stack as `meetctl` sees it. */
export type StackState = StackSnapshot;

export interface StackPort {
  /** The stack, or undefined when it does not exist. */
  describe(stackName: string): Promise<StackState | undefined>;
}

export interface ServiceCounts {
  readonly desired: number;
  readonly running: number;
  readonly pending: number;
}

export interface ServicePort {
  /** Task counts of an ECS service, or undefined when the service does not exist. */
  counts(cluster: string, service: string): Promise<ServiceCounts | undefined>;
}

export interface IdentityPort {
  /** Account id of the caller's credentials (STS GetCallerIdentity). */
  accountId(): Promise<string>;
}

/**
 * Runs the pinned `cdk` CLI (a deploy goes to CloudFormation through it); resolves to its exit code.
 * The CLI runs the real one, the simulator its own (src/sim/simulation.ts).
 */
export type CdkRunner = (args: readonly string[], options: { env: Record<string, string>; cwd: string }) => Promise<number>;

export interface AwsPorts {
  readonly stacks: StackPort;
  readonly services: ServicePort;
  readonly identity: IdentityPort;
}

/** Where and as whom to call AWS. Credentials come from the SDK's default chain (SSO profiles included). */
export interface AwsTarget {
  readonly region: string;
  readonly profile?: string;
  /** The meeting host, for a simulated AWS (MEETCTL_SIMULATE=1) to name its world; real AWS ignores it. */
  readonly domain?: string;
  /** The config's ingress mode, for a fresh simulated world; real AWS reads the stack's own. */
  readonly ingress?: 'direct' | 'load-balancer';
  /** The config has server-side recording, for a fresh simulated world; real AWS reads the stack's outputs. */
  readonly recorder?: boolean;
}
