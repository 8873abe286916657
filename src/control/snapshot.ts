/**
 * What the control plane knows about the world at one instant. Built by `observe()` from the ports;
 * everything else in the core is a pure function of it.
 */
export type PowerState = 'on' | 'off';
export type Health = 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN';

export interface ContainerSnapshot {
  readonly name: string;
  /** PENDING, RUNNING, STOPPED. */
  readonly lastStatus: string;
  readonly health: Health;
  readonly exitCode?: number;
  /** Why the container stopped, e.g. `CannotPullContainerError: …`. */
  readonly reason?: string;
}

export interface TaskSnapshot {
  readonly arn: string;
  /** PROVISIONING, PENDING, ACTIVATING, RUNNING, DEACTIVATING, STOPPING, DEPROVISIONING, STOPPED. */
  readonly lastStatus: string;
  readonly desiredStatus: string;
  readonly health: Health;
  /** Epoch milliseconds. */
  readonly createdAt: number;
  readonly startedAt?: number;
  readonly stoppedAt?: number;
  readonly stopCode?: string;
  readonly stoppedReason?: string;
  readonly containers: readonly ContainerSnapshot[];
}

/** Load-balancer target states (ELBv2). */
export type TargetState = 'initial' | 'healthy' | 'unhealthy' | 'unused' | 'draining' | 'unavailable';

export interface TargetSnapshot {
  readonly state: TargetState;
  /** ELBv2 reason code, e.g. Target.FailedHealthChecks. */
  readonly reason?: string;
}

export interface StackSnapshot {
  readonly name: string;
  /** CloudFormation status, e.g. UPDATE_COMPLETE. */
  readonly status: string;
  readonly powerState: PowerState;
  readonly outputs: Readonly<Record<string, string>>;
}

export interface CheckResult {
  readonly name: string;
  readonly status: 'pass' | 'fail' | 'skip';
  readonly detail: string;
  /** How to fix a failure. */
  readonly hint?: string;
}

export interface LockLease {
  readonly owner: string;
  readonly reason: string;
  readonly token: string;
  /** Epoch milliseconds. */
  readonly acquiredAt: number;
  readonly leaseUntil: number;
}

export interface Snapshot {
  /** Epoch milliseconds when observed. */
  readonly at: number;
  readonly stack: StackSnapshot;
  /** Undefined when the service does not exist (powered down). */
  readonly service?: { readonly desired: number; readonly running: number; readonly pending: number };
  /** Live tasks and those stopped recently (ECS keeps stopped tasks about an hour). */
  readonly tasks: readonly TaskSnapshot[];
  readonly targets: { readonly web: readonly TargetSnapshot[]; readonly media: readonly TargetSnapshot[] };
  /** Endpoint checks, when they were run. */
  readonly endpoints?: readonly CheckResult[];
  /** People in conferences, when known (from the stats sidecar). */
  readonly participants?: number;
  readonly lock?: LockLease;
}

export const isLive = (task: TaskSnapshot): boolean => task.lastStatus !== 'STOPPED';
