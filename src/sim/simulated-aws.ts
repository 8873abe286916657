import type { Clock, ControlPorts, MeetingWindow, MeetupSchedule, StateStore, TransitionEvent } from '../control/ports.js';
import type { CheckResult, LockLease, PowerState, TargetSnapshot, TaskSnapshot } from '../control/snapshot.js';

/**
 * A simulated AWS for tests, demos and benchmarks (MEETCTL_SIMULATE=1): nothing leaves the machine.
 * It models the stack's PowerState, the ECS service's tasks, target health, endpoint checks and the
 * state table closely enough to drive every control-plane path, including the faults below.
 */

/** A clock that only moves when someone sleeps: minutes of AWS waiting run in microseconds. */
export class VirtualClock implements Clock {
  constructor(public t = Date.UTC(2026, 11, 3, 17, 45)) {}
  now(): number {
    return this.t;
  }
  async sleep(ms: number): Promise<void> {
    this.t += ms;
  }
}

export interface Faults {
  /** Tasks never leave PENDING. */
  stuckPending?: boolean;
  /** Tasks stop 30 s after creation: the jvb image cannot be pulled. */
  imagePullError?: boolean;
  /** The load balancer never sees the targets healthy. */
  targetNeverHealthy?: boolean;
  /** HTTPS answers with a certificate for another host. */
  wrongCertificate?: boolean;
  /** Throttling bursts: every call in the first `forSeconds` of each `everySeconds` fails with ThrottlingException. */
  throttle?: { everySeconds: number; forSeconds: number };
  /** From this virtual time on, every AWS call fails with ExpiredTokenException… */
  credentialsExpireAt?: number;
  /** …until this time (a person ran `aws sso login`). */
  credentialsRestoredAt?: number;
  /** The stack is mid-update (a deploy) until this virtual time. */
  stackBusyUntil?: number;
}

interface SimTask {
  arn: string;
  createdAt: number;
  stopRequestedAt?: number;
  stoppedAt?: number;
  stoppedReason?: string;
  failedContainer?: string;
}

const SECOND = 1000;
/** Timeline of a healthy task, from creation (seconds). */
export const TIMING = { pending: 10, running: 40, healthy: 70, targetsHealthy: 130, draining: 20, powerChange: 120, delete: 300 };

export class InMemoryState implements StateStore {
  lock?: LockLease;
  meetingWindow?: MeetingWindow;
  readonly log: TransitionEvent[] = [];
  /** Every lease ever granted, to check that two never overlapped. */
  readonly grants: Array<{ token: string; from: number; until: number; releasedAt?: number }> = [];
  constructor(private readonly clock: Clock) {}

  async acquire(r: { owner: string; reason: string; token: string; now: number; leaseSeconds: number }) {
    if (this.lock && this.lock.leaseUntil >= r.now) return { acquired: false as const, holder: this.lock };
    this.lock = {
      owner: r.owner,
      reason: r.reason,
      token: r.token,
      acquiredAt: r.now,
      leaseUntil: r.now + r.leaseSeconds * 1000,
    };
    this.grants.push({ token: r.token, from: r.now, until: this.lock.leaseUntil });
    return { acquired: true as const, lease: this.lock };
  }
  async renew(token: string, now: number, leaseSeconds: number) {
    if (this.lock?.token !== token) return false;
    this.lock = { ...this.lock, leaseUntil: now + leaseSeconds * 1000 };
    const grant = this.grants.find((g) => g.token === token);
    if (grant) grant.until = this.lock.leaseUntil;
    return true;
  }
  async release(token: string) {
    if (this.lock?.token === token) {
      this.lock = undefined;
      const grant = this.grants.find((g) => g.token === token);
      if (grant) grant.releasedAt = this.clock.now();
    }
  }
  async current() {
    return this.lock;
  }
  async append(event: TransitionEvent) {
    this.log.push(event);
  }
  async events(since: number) {
    return this.log.filter((e) => e.at >= since);
  }
  async setWindow(window: MeetingWindow) {
    this.meetingWindow = window;
  }
  async window() {
    return this.meetingWindow;
  }
}

/**
 * A small model of the AWS side: one stack with a PowerState parameter, an ECS service that
 * reconciles its desired count into tasks that walk through their lifecycle on the virtual clock,
 * two target groups, the endpoint checks and the state table. Faults are injected per scenario.
 */
export class SimAws {
  power: PowerState;
  stackStatus = 'CREATE_COMPLETE';
  private stackChangeUntil = 0;
  private pendingPower?: PowerState;
  private deletingUntil?: number;
  deleted = false;
  serviceExists: boolean;
  desired = 0;
  tasks: SimTask[] = [];
  participants?: number;
  calls = 0;
  throttled = 0;
  /** The most tasks that were live (not stopped) at once. */
  maxLive = 0;
  desiredCalls: Array<{ at: number; count: number }> = [];
  deletedRecordings = false;
  /** Schedules created through the schedules port. */
  schedules: Array<{ group: string; schedule: MeetupSchedule; target: { functionArn: string; roleArn: string } }> = [];
  /** Lines the `logs` command can read. */
  logLines: Array<{ group: string; at: number; stream: string; message: string }> = [];
  readonly state: InMemoryState;
  private taskCounter = 0;
  private lastFailureAt = -Infinity;

  constructor(
    readonly clock: VirtualClock,
    options: { power?: PowerState; faults?: Faults; participants?: number; desired?: number } = {},
    readonly faults: Faults = options.faults ?? {},
  ) {
    this.power = options.power ?? 'on';
    this.serviceExists = this.power === 'on';
    this.state = new InMemoryState(clock);
    if (options.participants !== undefined) this.participants = options.participants;
    if (faults.stackBusyUntil) this.stackStatus = 'UPDATE_IN_PROGRESS';
    if (options.desired) {
      // Start with a task that has been running for an hour.
      this.desired = options.desired;
      this.tasks.push({ arn: this.newArn(), createdAt: clock.now() - 3600 * SECOND });
    }
  }

  private newArn(): string {
    this.taskCounter += 1;
    return `arn:aws:ecs:us-west-2:111122223333:task/meet-cluster/task${this.taskCounter}`;
  }

  private call(): void {
    this.calls += 1;
    const now = this.clock.now();
    const f = this.faults;
    if (
      f.credentialsExpireAt !== undefined &&
      now >= f.credentialsExpireAt &&
      (f.credentialsRestoredAt === undefined || now < f.credentialsRestoredAt)
    ) {
      throw Object.assign(new Error('The security token included in the request is expired'), { name: 'ExpiredTokenException' });
    }
    if (f.throttle && Math.floor(now / 1000) % f.throttle.everySeconds < f.throttle.forSeconds) {
      this.throttled += 1;
      throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    }
    this.tick(now);
  }

  /** Advance the model to `now`. */
  tick(now: number): void {
    if (this.faults.stackBusyUntil && now < this.faults.stackBusyUntil) this.stackStatus = 'UPDATE_IN_PROGRESS';
    else if (this.stackStatus === 'UPDATE_IN_PROGRESS' && now >= this.stackChangeUntil) {
      this.stackStatus = 'UPDATE_COMPLETE';
      if (this.pendingPower) {
        this.power = this.pendingPower;
        this.pendingPower = undefined;
      }
    }
    if (this.deletingUntil !== undefined && now >= this.deletingUntil) this.deleted = true;
    // Powering down deletes the service; its tasks are stopped.
    if (this.stackStatus === 'UPDATE_IN_PROGRESS' && this.pendingPower === 'off' && this.serviceExists) {
      this.serviceExists = false;
      this.desired = 0;
      for (const t of this.tasks) t.stopRequestedAt ??= now;
    }
    if (this.stackStatus !== 'UPDATE_IN_PROGRESS' && this.power === 'on') this.serviceExists = true;
    for (const task of this.tasks) {
      if (task.stoppedAt !== undefined) continue;
      if (task.stopRequestedAt !== undefined && now >= task.stopRequestedAt + TIMING.draining * SECOND) {
        task.stoppedAt = task.stopRequestedAt + TIMING.draining * SECOND;
        task.stoppedReason ??= 'Scaling activity initiated by (deployment ecs-svc/123)';
      } else if (this.faults.imagePullError && now >= task.createdAt + 30 * SECOND) {
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
      if (live.length < this.desired && now - this.lastFailureAt >= 60 * SECOND) {
        this.tasks.push({ arn: this.newArn(), createdAt: now });
      }
    }
    this.maxLive = Math.max(this.maxLive, this.tasks.filter((t) => t.stoppedAt === undefined).length);
  }

  private lastStatus(t: SimTask, now: number): string {
    if (t.stoppedAt !== undefined) return 'STOPPED';
    if (t.stopRequestedAt !== undefined) return 'DEACTIVATING';
    const age = (now - t.createdAt) / SECOND;
    if (this.faults.stuckPending) return age < TIMING.pending ? 'PROVISIONING' : 'PENDING';
    if (age < TIMING.pending) return 'PROVISIONING';
    if (age < TIMING.running) return 'PENDING';
    return 'RUNNING';
  }

  private snapshotTask(t: SimTask, now: number): TaskSnapshot {
    const status = this.lastStatus(t, now);
    const age = (now - t.createdAt) / SECOND;
    const healthy = status === 'RUNNING' && age >= TIMING.healthy;
    const startedAt =
      !this.faults.stuckPending && !t.failedContainer && age >= TIMING.running
        ? t.createdAt + TIMING.running * SECOND
        : undefined;
    return {
      arn: t.arn,
      lastStatus: status,
      desiredStatus: t.stopRequestedAt !== undefined || t.stoppedAt !== undefined ? 'STOPPED' : 'RUNNING',
      health: healthy ? 'HEALTHY' : 'UNKNOWN',
      createdAt: t.createdAt,
      ...(startedAt !== undefined ? { startedAt } : {}),
      ...(t.stoppedAt !== undefined ? { stoppedAt: t.stoppedAt } : {}),
      ...(t.stoppedReason
        ? { stoppedReason: t.stoppedReason, stopCode: t.failedContainer ? 'TaskFailedToStart' : 'ServiceSchedulerInitiated' }
        : {}),
      containers: ['web', 'prosody', 'jicofo', 'jvb'].map((name) => ({
        name,
        lastStatus: status === 'STOPPED' ? 'STOPPED' : status === 'RUNNING' ? 'RUNNING' : 'PENDING',
        health: healthy ? ('HEALTHY' as const) : ('UNKNOWN' as const),
        ...(t.failedContainer === name ? { reason: 'CannotPullContainerError: not found', exitCode: undefined } : {}),
      })),
    };
  }

  private targetStates(now: number): TargetSnapshot[] {
    return this.tasks
      .filter(
        (t) => t.stoppedAt === undefined && this.lastStatus(t, now) !== 'PROVISIONING' && this.lastStatus(t, now) !== 'PENDING',
      )
      .map((t) => {
        if (t.stopRequestedAt !== undefined) return { state: 'draining' as const, reason: 'Target.DeregistrationInProgress' };
        const age = (now - t.createdAt) / SECOND;
        if (age < TIMING.targetsHealthy) return { state: 'initial' as const, reason: 'Elb.RegistrationInProgress' };
        return this.faults.targetNeverHealthy
          ? { state: 'unhealthy' as const, reason: 'Target.FailedHealthChecks' }
          : { state: 'healthy' as const };
      });
  }

  private outputs(): Record<string, string> {
    return {
      MeetingUrl: 'https://meet.ne3d.org',
      ClusterName: 'meet-cluster',
      RecordingsBucketName: 'meet-recordings-bucket',
      StateTableName: 'meet-state',
      LogGroupNames: 'web=/meet/web,prosody=/meet/prosody,jicofo=/meet/jicofo,jvb=/meet/jvb,stats=/meet/stats',
      ScheduleGroupName: 'Meet-meet-ne3d-org',
      SchedulerRoleArn: 'arn:aws:iam::111122223333:role/meet-scheduler',
      ScheduledStartFunctionArn: 'arn:aws:lambda:us-west-2:111122223333:function:meet-scheduled-start',
      ...(this.serviceExists
        ? {
            ServiceName: 'meet-service',
            WebTargetGroupArn: 'arn:tg/web',
            MediaTargetGroupArn: 'arn:tg/media',
            MediaAddresses: '198.51.100.1,198.51.100.2',
          }
        : {}),
    };
  }

  /** Live tasks now (not stopped). */
  liveTasks(): number {
    this.tick(this.clock.now());
    return this.tasks.filter((t) => t.stoppedAt === undefined).length;
  }

  readonly ports: ControlPorts = {
    stack: {
      describe: async () => {
        this.call();
        if (this.deleted) return undefined;
        const status = this.deletingUntil !== undefined ? 'DELETE_IN_PROGRESS' : this.stackStatus;
        return { name: 'Meet-meet-ne3d-org', status, powerState: this.pendingPower ?? this.power, outputs: this.outputs() };
      },
      setPower: async (power) => {
        this.call();
        if (this.stackStatus.endsWith('_IN_PROGRESS')) {
          throw Object.assign(new Error(`Stack is in ${this.stackStatus} state and can not be updated.`), {
            name: 'ValidationError',
          });
        }
        this.stackStatus = 'UPDATE_IN_PROGRESS';
        this.pendingPower = power;
        this.stackChangeUntil = this.clock.now() + TIMING.powerChange * SECOND;
        this.tick(this.clock.now());
      },
      delete: async () => {
        this.call();
        this.deletingUntil = this.clock.now() + TIMING.delete * SECOND;
        for (const t of this.tasks) t.stopRequestedAt ??= this.clock.now();
        this.desired = 0;
      },
    },
    service: {
      describe: async () => {
        this.call();
        if (!this.serviceExists) return undefined;
        const now = this.clock.now();
        const live = this.tasks.filter((t) => t.stoppedAt === undefined);
        return {
          desired: this.desired,
          running: live.filter((t) => this.lastStatus(t, now) === 'RUNNING').length,
          pending: live.filter((t) => ['PROVISIONING', 'PENDING'].includes(this.lastStatus(t, now))).length,
        };
      },
      setDesired: async (_cluster, _service, count) => {
        this.call();
        if (!this.serviceExists) throw Object.assign(new Error('Service not found.'), { name: 'ServiceNotFoundException' });
        this.desired = count;
        this.desiredCalls.push({ at: this.clock.now(), count });
        this.tick(this.clock.now());
      },
      tasks: async () => {
        this.call();
        const now = this.clock.now();
        return this.tasks
          .filter((t) => t.stoppedAt === undefined || now - t.stoppedAt < 3600 * SECOND)
          .map((t) => this.snapshotTask(t, now));
      },
    },
    targets: {
      health: async () => {
        this.call();
        return this.targetStates(this.clock.now());
      },
    },
    endpoints: {
      check: async (host): Promise<CheckResult[]> => {
        const now = this.clock.now();
        this.tick(now);
        const ready = this.targetStates(now).some((t) => t.state === 'healthy');
        const https: CheckResult = ready
          ? { name: 'https', status: 'pass', detail: `https://${host}/ answered 200` }
          : { name: 'https', status: 'fail', detail: 'connection refused', hint: 'wait for the targets' };
        const certificate: CheckResult = this.faults.wrongCertificate
          ? {
              name: 'certificate',
              status: 'fail',
              detail: `certificate is for other.example.org, not ${host}`,
              hint: 'check the ACM certificate',
            }
          : { name: 'certificate', status: ready ? 'pass' : 'skip', detail: `valid for ${host}` };
        return [https, certificate, { name: 'websocket', status: ready ? 'pass' : 'skip', detail: 'upgraded (101)' }];
      },
    },
    logs: {
      tail: async (group, prefix, lines) => {
        this.call();
        return Array.from({ length: Math.min(lines, 3) }, (_v, i) => `${group} ${prefix} line ${i + 1}`);
      },
      read: async (group, since) => {
        this.call();
        return this.logLines
          .filter((l) => l.group === group && l.at >= since)
          .map(({ at, stream, message }) => ({ at, stream, message }));
      },
    },
    participants: {
      current: async () => {
        this.call();
        return this.participants;
      },
    },
    recordings: {
      deleteAll: async () => {
        this.call();
        this.deletedRecordings = true;
        return 42;
      },
    },
    state: this.stateProxy(),
    schedules: {
      create: async (group, schedule, target) => {
        this.call();
        if (this.schedules.some((s) => s.group === group && s.schedule.name === schedule.name)) {
          throw Object.assign(new Error(`Schedule ${schedule.name} already exists.`), { name: 'ConflictException' });
        }
        this.schedules.push({ group, schedule: { ...schedule, state: 'ENABLED' }, target });
      },
      list: async (group) => {
        this.call();
        return this.schedules.filter((s) => s.group === group).map((s) => s.schedule);
      },
      remove: async (group, name) => {
        this.call();
        const index = this.schedules.findIndex((s) => s.group === group && s.schedule.name === name);
        if (index < 0) throw Object.assign(new Error(`Schedule ${name} does not exist.`), { name: 'ResourceNotFoundException' });
        this.schedules.splice(index, 1);
      },
    },
  };

  /** The state table behind the same fault injection as the other calls. */
  private stateProxy(): StateStore {
    const guard =
      <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
      async (...args: A): Promise<R> => {
        this.call();
        return fn(...args);
      };
    return {
      acquire: guard((r) => this.state.acquire(r)),
      renew: guard((token, now, lease) => this.state.renew(token, now, lease)),
      release: guard((token) => this.state.release(token)),
      current: guard(() => this.state.current()),
      append: guard((e) => this.state.append(e)),
      events: guard((since) => this.state.events(since)),
      setWindow: guard((w) => this.state.setWindow(w)),
      window: guard(() => this.state.window()),
    };
  }
}
