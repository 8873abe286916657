import { PortError } from '../control/errors.js';
import type { ControlPorts } from '../control/ports.js';
import type { Ingress, TaskSnapshot } from '../control/snapshot.js';
import { SERVING_CONTAINER } from '../control/task-dns.js';
import { SECOND, type ServiceContext, SIMULATED_CLUSTER, SIMULATED_SERVICE, TIMING } from './model.js';

/** The meeting task's containers with a start-up check (src/infra/constructs/jitsi-task.ts); the others have none. */
export const CHECKED_CONTAINERS: readonly string[] = ['prosody', 'web', 'jicofo', 'jvb'];

export interface SimTask {
  arn: string;
  createdAt: number;
  stopRequestedAt?: number;
  stoppedAt?: number;
  stoppedReason?: string;
  failedContainer?: string;
  /** Direct mode: the DNS function handled the task's RUNNING event, and its stop event. */
  dnsRunning?: boolean;
  dnsStopping?: boolean;
}

/**
 * ECS: the meeting's service, which reconciles its desired count into tasks that walk through their
 * lifecycle on the virtual clock (faults: `noCapacity`, `stuckPending`, `imagePullError`).
 */
export class SimulatedEcs {
  /** The service exists (CloudFormation deletes it when the stack powers down). */
  serviceExists: boolean;
  desired = 0;
  tasks: SimTask[] = [];
  /** The most tasks that were live (not stopped) at once. */
  maxLive = 0;
  desiredCalls: Array<{ at: number; count: number }> = [];
  taskCounter = 0;
  lastFailureAt = -Infinity;

  constructor(
    private readonly ctx: ServiceContext,
    /** The stack's ingress mode now (direct mode adds the TLS container). */
    private readonly ingress: () => Ingress,
    serviceExists: boolean,
  ) {
    this.serviceExists = serviceExists;
  }

  /** A new task of the service, created at `createdAt`. */
  addTask(createdAt: number): void {
    this.taskCounter += 1;
    this.tasks.push({ arn: `arn:aws:ecs:us-west-2:111122223333:task/meet-cluster/task${this.taskCounter}`, createdAt });
  }

  /** Ask every task to stop (if it was not asked already). */
  stopAll(at: number): void {
    for (const t of this.tasks) t.stopRequestedAt ??= at;
  }

  /** The public IPv4 address a task got (documentation range, one per task). */
  taskIp(task: { arn: string }): string {
    return `198.51.100.${(Number(/(\d+)$/.exec(task.arn)?.[1] ?? 0) % 250) + 1}`;
  }

  /** The private IPv4 address a task got in the VPC. */
  taskPrivateIp(task: { arn: string }): string {
    return `10.0.0.${(Number(/(\d+)$/.exec(task.arn)?.[1] ?? 0) % 250) + 4}`;
  }

  /** The network interface of a task (awsvpc), named after it. */
  taskEni(task: { arn: string }): string {
    return `eni-${/([^/]+)$/.exec(task.arn)?.[1] ?? 'task'}`;
  }

  /**
   * ECS: a call names the cluster (ClusterNotFoundException for another) and the service, which is
   * the stack's while it exists; true when it names that service.
   */
  private isService(cluster: string, service: string): boolean {
    if (cluster !== SIMULATED_CLUSTER) throw new PortError('other', 'ClusterNotFoundException', 'Cluster not found.');
    return this.serviceExists && service === SIMULATED_SERVICE;
  }

  /** Advance the tasks to `now`: stop the drained and the failed, and keep `desired` tasks live. */
  tick(now: number): void {
    const faults = this.ctx.faults;
    for (const task of this.tasks) {
      if (task.stoppedAt !== undefined) continue;
      const stopping = (this.ingress() === 'direct' ? TIMING.sidecarStopped : TIMING.draining) * SECOND;
      if (task.stopRequestedAt !== undefined && now >= task.stopRequestedAt + stopping) {
        task.stoppedAt = task.stopRequestedAt + stopping;
        task.stoppedReason ??= 'Scaling activity initiated by (deployment ecs-svc/123)';
      } else if (faults.imagePullError && now >= task.createdAt + 30 * SECOND) {
        task.stoppedAt = task.createdAt + 30 * SECOND;
        task.stoppedReason =
          'CannotPullContainerError: pull image manifest has been retried 5 time(s): ghcr.io/jitsi/jvb:stable-11146-2: not found';
        task.failedContainer = 'jvb';
        this.lastFailureAt = task.stoppedAt;
      }
    }
    // The service scheduler: keep `desired` tasks live; after a failure it backs off a minute.
    if (this.serviceExists) {
      const live = this.tasks.filter((t) => t.stoppedAt === undefined && t.stopRequestedAt === undefined);
      if (live.length > this.desired) for (const t of live.slice(this.desired)) t.stopRequestedAt = now;
      const placeable = !faults.noCapacity && now - this.lastFailureAt >= 60 * SECOND;
      if (live.length < this.desired && placeable) this.addTask(now);
    }
    this.maxLive = Math.max(this.maxLive, this.tasks.filter((t) => t.stoppedAt === undefined).length);
  }

  lastStatus(t: SimTask, now: number): string {
    if (t.stoppedAt !== undefined) return 'STOPPED';
    if (t.stopRequestedAt !== undefined) return 'DEACTIVATING';
    const age = (now - t.createdAt) / SECOND;
    if (this.ctx.faults.stuckPending) return age < TIMING.pending ? 'PROVISIONING' : 'PENDING';
    if (age < TIMING.pending) return 'PROVISIONING';
    if (age < TIMING.running) return 'PENDING';
    return 'RUNNING';
  }

  /** A task as DescribeTasks shows it now. */
  snapshotTask(t: SimTask, now: number): TaskSnapshot {
    const status = this.lastStatus(t, now);
    const age = (now - t.createdAt) / SECOND;
    const healthy = status === 'RUNNING' && age >= TIMING.healthy;
    const startedAt =
      !this.ctx.faults.stuckPending && !t.failedContainer && age >= TIMING.running
        ? t.createdAt + TIMING.running * SECOND
        : undefined;
    return {
      arn: t.arn,
      lastStatus: status,
      desiredStatus: t.stopRequestedAt !== undefined || t.stoppedAt !== undefined ? 'STOPPED' : 'RUNNING',
      health: healthy ? 'HEALTHY' : 'UNKNOWN',
      createdAt: t.createdAt,
      ...(status !== 'PROVISIONING' ? { pullStartedAt: t.createdAt + TIMING.pending * SECOND } : {}),
      ...(startedAt !== undefined ? { pullStoppedAt: t.createdAt + TIMING.pulled * SECOND, startedAt } : {}),
      ...(t.stoppedAt !== undefined ? { stoppedAt: t.stoppedAt } : {}),
      ...(t.stoppedReason
        ? { stoppedReason: t.stoppedReason, stopCode: t.failedContainer ? 'TaskFailedToStart' : 'ServiceSchedulerInitiated' }
        : {}),
      ...(status !== 'PROVISIONING' ? { privateIp: this.taskPrivateIp(t), eniId: this.taskEni(t) } : {}),
      containers: this.containerNames().map((name) => ({
        name,
        lastStatus: this.containerStatus(t, name, status, age),
        // A container without a health check stays UNKNOWN (API_HealthCheck); the task's health is its checked ones'.
        health: healthy && CHECKED_CONTAINERS.includes(name) ? ('HEALTHY' as const) : ('UNKNOWN' as const),
        ...(t.failedContainer === name ? { reason: 'CannotPullContainerError: not found', exitCode: undefined } : {}),
      })),
    };
  }

  /**
   * A container's state: the TLS sidecar depends on nothing and runs from TIMING.sidecar while the
   * task is still PENDING (the DNS function switches on that event); the rest run with the task.
   * Told to stop, every container gets the signal at once: the Jitsi ones are gone after
   * TIMING.draining, the sidecar answers until the task stops (its linger).
   */
  private containerStatus(t: SimTask, name: string, taskStatus: string, age: number): string {
    if (taskStatus === 'STOPPED') return 'STOPPED';
    if (taskStatus === 'DEACTIVATING' && name !== SERVING_CONTAINER && t.stopRequestedAt !== undefined) {
      return t.createdAt + age * SECOND >= t.stopRequestedAt + TIMING.draining * SECOND ? 'STOPPED' : 'RUNNING';
    }
    if (taskStatus === 'RUNNING' || taskStatus === 'DEACTIVATING') return 'RUNNING';
    const sidecarUp = name === SERVING_CONTAINER && !this.ctx.faults.stuckPending && !t.failedContainer && age >= TIMING.sidecar;
    return sidecarUp && t.stopRequestedAt === undefined ? 'RUNNING' : 'PENDING';
  }

  /**
   * The containers of the meeting's task definition, one per definition as ECS describes a task
   * (CONTAINERS and TLS_CONTAINER of src/infra/constructs/jitsi-task.ts; the contract tests compare
   * them with the synthesized template).
   */
  /** One per container definition of the synthesized task: web-config writes the bandwidth preset's config, always. */
  private containerNames(): string[] {
    return ['prosody', 'web', 'jicofo', 'jvb', 'stats', 'web-config', ...(this.ingress() === 'direct' ? ['tls'] : [])];
  }

  readonly port: ControlPorts['service'] = {
    describe: async (cluster, service) => {
      this.ctx.call();
      if (!this.isService(cluster, service)) return undefined;
      const now = this.ctx.clock.now();
      const live = this.tasks.filter((t) => t.stoppedAt === undefined);
      return {
        desired: this.desired,
        running: live.filter((t) => this.lastStatus(t, now) === 'RUNNING').length,
        pending: live.filter((t) => ['PROVISIONING', 'PENDING'].includes(this.lastStatus(t, now))).length,
      };
    },
    setDesired: async (cluster, service, count) => {
      this.ctx.call();
      if (!this.isService(cluster, service)) throw new PortError('other', 'ServiceNotFoundException', 'Service not found.');
      this.ctx.mutation('setDesired');
      this.desired = count;
      this.desiredCalls.push({ at: this.ctx.clock.now(), count });
      this.ctx.tick(this.ctx.clock.now());
    },
    tasks: async () => {
      this.ctx.call();
      const now = this.ctx.clock.now();
      return this.tasks
        .filter((t) => t.stoppedAt === undefined || now - t.stoppedAt < 3600 * SECOND)
        .map((t) => this.snapshotTask(t, now));
    },
  };
}
