import { writeFileSync } from 'node:fs';
import { GROUPS } from '../auth/jitsi-settings.js';
import { PortError } from '../control/errors.js';
import type {
  Clock,
  ControlPorts,
  LockWrite,
  MeetingWindow,
  MeetupSchedule,
  Member,
  StateStore,
  TransitionEvent,
} from '../control/ports.js';
import { wrapPorts } from '../control/ports.js';
import type {
  CheckResult,
  Ingress,
  LockLease,
  PowerState,
  StatsSample,
  TargetSnapshot,
  TaskDnsStatus,
  TaskSnapshot,
} from '../control/snapshot.js';
import type { RecordTarget } from '../dns/task-dns.js';
import {
  DNS_INSYNC_SECONDS,
  DNS_SWITCH_SECONDS,
  RECORDER_TIMELINE,
  TARGET_REGISTRATION_SECONDS,
  TASK_TIMELINE,
} from '../plan/start-time.js';
import { type PendingRecording, type RecorderStatus, UPLOAD_RETRY_SECONDS } from '../recording/recorder.js';
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

/**
 * A discrete-event clock for several actors at once: `sleep` registers a timer, and time jumps to
 * the earliest timer only when every actor is waiting (nothing else is left to run). Calls take no
 * time, so a holder that heartbeats is never mistaken for a dead one, exactly as on a real clock.
 */
export class EventClock implements Clock {
  private timers: Array<{ at: number; seq: number; resolve: () => void }> = [];
  private seq = 0;
  private scheduled = false;
  constructor(public t = Date.UTC(2026, 11, 3, 17, 45)) {}
  now(): number {
    return this.t;
  }
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.timers.push({ at: this.t + Math.max(0, ms), seq: this.seq++, resolve });
      this.schedule();
    });
  }
  /** Timers still waiting (0 when every actor has finished or hangs forever). */
  get pending(): number {
    return this.timers.length;
  }
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers.shift();
      if (!next) return;
      this.t = Math.max(this.t, next.at);
      next.resolve();
      if (this.timers.length > 0) this.schedule();
    });
  }
}

/** One actor's view of time: its own skew, and a crash after which it never runs again. */
export class ActorClock implements Clock {
  constructor(
    private readonly base: Clock,
    readonly skewMs = 0,
    /** Base time at which this actor dies (a laptop lid closed for good, a Lambda killed at its timeout). */
    readonly crashAt = Infinity,
  ) {}
  now(): number {
    return this.base.now() + this.skewMs;
  }
  get crashed(): boolean {
    return this.base.now() >= this.crashAt;
  }
  sleep(ms: number): Promise<void> {
    if (this.crashed) return new Promise(() => {});
    return this.base.sleep(ms);
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
  /** A power change fails and CloudFormation rolls it back. */
  powerChangeFails?: boolean;
  /** The stats sidecar writes nothing (jicofo does not answer). */
  statsSilent?: boolean;
  /** Direct mode: the DNS function never points the host at the task (e.g. it lacks permission). */
  dnsNeverSwitches?: boolean;
  /**
   * Direct mode: every attempt of the DNS function fails on the stop event, so the host keeps the
   * stopped task's released address (until the runtime guard or a deploy puts it right).
   */
  dnsMissesStop?: boolean;
  /** The recorder's instance never joins the cluster (no capacity for the instance type, a vCPU quota). */
  recorderNeverRegisters?: boolean;
  /** The finalize script never finishes its upload (S3 unreachable from the recorder). */
  uploadHangs?: boolean;
  /** Jibri never answers on the recorder (its task runs; the uploader in it does too). */
  recorderNeverReady?: boolean;
  /** Every upload from the recorder fails with this reason (e.g. S3 refuses the role) until cleared. */
  uploadFails?: string;
  /** Secret rotation fails at the second secret's staging or promotion. */
  rotationFailsAt?: 'stage' | 'promote';
}

/**
 * A versioned bucket's objects: the current version of each key, and how many older versions each
 * key keeps (an upload to an existing key makes the previous one noncurrent; nothing is lost).
 */
export class VersionedObjects extends Map<string, { body: string; at: number }> {
  private readonly older = new Map<string, number>();
  override set(key: string, value: { body: string; at: number }): this {
    if (this.has(key)) this.older.set(key, (this.older.get(key) ?? 0) + 1);
    return super.set(key, value);
  }
  /** Delete every version of exactly this key; how many there were. */
  removeEveryVersion(key: string): number {
    const count = (this.has(key) ? 1 : 0) + (this.older.get(key) ?? 0);
    super.delete(key);
    this.older.delete(key);
    return count;
  }
  /** Every version of every key. */
  versionCount(): number {
    return this.size + [...this.older.values()].reduce((sum, n) => sum + n, 0);
  }
  override clear(): void {
    this.older.clear();
    super.clear();
  }
}

interface SimTask {
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

const SECOND = 1000;
/** The simulated stack's Jitsi token secret (members-only meetings). */
export const SIMULATED_TOKEN_SECRET_ARN = 'arn:aws:secretsmanager:us-west-2:111122223333:secret:Meet-jitsi-token-AbCdEf';
/** The simulated stack's ECS cluster and service (the ClusterName and ServiceName outputs). */
export const SIMULATED_CLUSTER = 'meet-cluster';
export const SIMULATED_SERVICE = 'meet-service';
/** The simulated stack's internal passwords. */
export const SIMULATED_INTERNAL_SECRET_ARN = 'arn:aws:secretsmanager:us-west-2:111122223333:secret:InternalSecret-AbCdEf';
/** The simulated stack's recorder XMPP passwords (server-side recording). */
export const SIMULATED_RECORDER_SECRET_ARN = 'arn:aws:secretsmanager:us-west-2:111122223333:secret:RecorderXmppSecret-AbCdEf';
/** The simulated stack's recorder launcher (the RecorderLauncherName output). */
export const SIMULATED_RECORDER_LAUNCHER = 'meet-recorder-launcher';
/** The simulated asleep page's alias target (direct mode). */
export const SIMULATED_ASLEEP = { dnsName: 'd-sim0000000.execute-api.us-west-2.amazonaws.com', hostedZoneId: 'Z2OJLYMUO9EFXC' };
/** Timeline of a healthy task, from creation (seconds): the start-time model of src/plan/start-time.ts. */
export const TIMING = {
  pending: TASK_TIMELINE.placed,
  running: TASK_TIMELINE.running,
  healthy: TASK_TIMELINE.healthy,
  targetsHealthy: TARGET_REGISTRATION_SECONDS,
  dnsSwitched: TASK_TIMELINE.running + DNS_SWITCH_SECONDS,
  dnsInSync: TASK_TIMELINE.running + DNS_SWITCH_SECONDS + DNS_INSYNC_SECONDS,
  draining: 20,
  powerChange: 120,
  delete: 300,
};

export class InMemoryState implements StateStore {
  lock?: LockLease;
  meetingWindow?: MeetingWindow;
  readonly log: TransitionEvent[] = [];
  /** Every lock holding, to check that two never overlapped. `until`: released or taken over (base clock). */
  readonly grants: Array<{ token: string; owner: string; from: number; until?: number; how?: 'released' | 'taken-over' }> = [];
  constructor(private readonly clock: Clock) {}

  private record(r: LockWrite): LockLease {
    return {
      owner: r.owner,
      reason: r.reason,
      token: r.token,
      version: r.version,
      leaseSeconds: r.leaseSeconds,
      acquiredAt: r.now,
      heartbeatAt: r.now,
    };
  }
  private end(token: string, how: 'released' | 'taken-over'): void {
    const grant = this.grants.find((g) => g.token === token && g.until === undefined);
    if (grant) Object.assign(grant, { until: this.clock.now(), how });
  }

  /** Tokens of holders that keep heartbeating by themselves (see `hold`). */
  private readonly alive = new Set<string>();
  private beats = 0;

  /**
   * Hold the lock as another actor (tests and demos). An `alive` holder heartbeats between any two
   * reads, as a running actor does; a dead one never does and is taken over after its lease.
   */
  hold(owner: string, reason: string, options: { alive?: boolean; token?: string } = {}): LockLease {
    const token = options.token ?? `held-by-${owner}`;
    this.lock = this.record({ owner, reason, token, version: 'v0', leaseSeconds: 60, now: this.clock.now() });
    this.grants.push({ token, owner, from: this.clock.now() });
    if (options.alive ?? true) this.alive.add(token);
    return this.lock;
  }

  async acquire(r: LockWrite) {
    if (this.lock && this.alive.has(this.lock.token)) {
      this.beats += 1;
      this.lock = { ...this.lock, version: `beat-${this.beats}`, heartbeatAt: this.clock.now() };
    }
    if (this.lock) return { acquired: false as const, holder: this.lock };
    this.lock = this.record(r);
    this.grants.push({ token: r.token, owner: r.owner, from: this.clock.now() });
    return { acquired: true as const, lease: this.lock };
  }
  async takeOver(r: LockWrite, expectedVersion: string) {
    if (!this.lock || this.lock.version !== expectedVersion) return false;
    this.end(this.lock.token, 'taken-over');
    this.lock = this.record(r);
    this.grants.push({ token: r.token, owner: r.owner, from: this.clock.now() });
    return true;
  }
  async heartbeat(token: string, version: string, leaseSeconds: number, now: number) {
    if (this.lock?.token !== token) return false;
    this.lock = { ...this.lock, version, leaseSeconds, heartbeatAt: now };
    return true;
  }
  async release(token: string) {
    this.alive.delete(token);
    if (this.lock?.token === token) {
      this.lock = undefined;
      this.end(token, 'released');
    }
  }
  async current() {
    return this.lock;
  }
  async append(event: TransitionEvent) {
    this.log.push(event);
  }
  /** Oldest first by the time each writer put in, as the CloudWatch Logs adapter returns them. */
  async events(since: number) {
    return this.log.filter((e) => e.at >= since).sort((a, b) => a.at - b.at);
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
  /** People in calls over time: each entry holds from its time on. */
  readonly people: Array<{ from: number; count: number }> = [];
  calls = 0;
  /** Every mutation, with the actor that made it (when it came through `portsFor`). */
  readonly mutations: Array<{ at: number; actor: string; what: string }> = [];
  /** Mutations made while the caller did not hold the lock (must stay empty). */
  readonly unlockedMutations: Array<{ at: number; actor: string; what: string }> = [];
  /** Deploys run through `deploy()`. */
  readonly deploys: Array<{ at: number; desiredCount: number }> = [];
  private templateDesired = 0;
  throttled = 0;
  /** The most tasks that were live (not stopped) at once. */
  maxLive = 0;
  desiredCalls: Array<{ at: number; count: number }> = [];
  deletedRecordings = false;
  /** Direct mode: where the meeting host's A record points (CloudFormation creates the asleep alias). */
  hostRecordTarget: RecordTarget | undefined = { kind: 'asleep' };
  /** Direct mode: the DNS function's task rows (the newest event version, the address, the change noted). */
  dnsRows: Record<string, { version: number; ip?: string; changeId?: string }> = {};
  /** Route 53 changes to the host record: change id → when it was made (INSYNC DNS_INSYNC_SECONDS later). */
  private dnsChanges: Record<string, number> = {};
  /** The recorder (server-side recording): the group's desired capacity, its instance, tasks and Jibri's state. */
  recorderEnabled = false;
  recorderCapacity = 0;
  /** When the capacity became 1 (the instance registers RECORDER_TIMELINE.instance later), or 0. */
  private recorderCapacityAt = 0;
  recorderTasks: Array<{ arn: string; createdAt: number; xmppServer: string; stopRequestedAt?: number; stoppedAt?: number }> = [];
  /** A recording in progress since this time (a person pressed Record), until the meeting ends. */
  recordingSince?: number;
  /** The finalize script uploads until this time. */
  uploadingUntil?: number;
  /**
   * Recordings on the recorder instance's disk that S3 has not confirmed, with their markers; the
   * disk outlives a task and goes with the instance.
   */
  recorderDisk: Array<PendingRecording & { key: string; seconds: number }> = [];
  /** When the uploader container last tried the pending recordings. */
  private uploaderRoundAt?: number;
  /** Recordings made: each ends up as an object in the bucket. */
  recordingCounter = 0;
  /** The recordings bucket's current objects: key → text and upload time. */
  readonly objects = new VersionedObjects();
  private object(key: string): { body: string; at: number } {
    this.bucketExists();
    const found = this.objects.get(key);
    if (!found) throw new PortError('other', 'NoSuchKey', `The specified key does not exist: ${key}`);
    return found;
  }
  /** The recordings bucket is gone once `deleteAll` deleted it (a new stack creates a new one). */
  private bucketExists(): void {
    if (this.deletedRecordings) throw new PortError('other', 'NoSuchBucket', 'The specified bucket does not exist');
  }
  /** Schedules created through the schedules port. */
  schedules: Array<{ group: string; schedule: MeetupSchedule; target: { functionArn: string; roleArn: string } }> = [];
  /** Lines the `logs` command can read. */
  logLines: Array<{ group: string; at: number; stream: string; message: string }> = [];
  readonly state: InMemoryState;
  private taskCounter = 0;
  private lastFailureAt = -Infinity;

  readonly stackName: string;
  readonly domain: string;
  /** direct: no load balancer; the DNS function's rows and Route 53 changes instead of target health. */
  ingress: Ingress;

  constructor(
    readonly clock: Clock,
    options: {
      power?: PowerState;
      faults?: Faults;
      participants?: number;
      desired?: number;
      stackName?: string;
      domain?: string;
      ingress?: Ingress;
      /** The stack has a recorder (server-side recording on). */
      recorder?: boolean;
    } = {},
    readonly faults: Faults = options.faults ?? {},
  ) {
    this.recorderEnabled = options.recorder ?? false;
    if (this.recorderEnabled) {
      this.secretValues.set(SIMULATED_RECORDER_SECRET_ARN, {
        current: JSON.stringify({
          JIBRI_RECORDER_PASSWORD: 'simulated-recorder-password-0123',
          JIBRI_XMPP_PASSWORD: 'simulated-jibri-password-01234567',
        }),
      });
    }
    this.stackName = options.stackName ?? 'Meet-meet-ne3d-org';
    this.domain = options.domain ?? 'meet.ne3d.org';
    this.ingress = options.ingress ?? 'load-balancer';
    this.power = options.power ?? 'on';
    this.serviceExists = this.power === 'on';
    this.state = new InMemoryState(clock);
    if (options.participants !== undefined) this.people.push({ from: -Infinity, count: options.participants });
    if (faults.stackBusyUntil) this.stackStatus = 'UPDATE_IN_PROGRESS';
    if (options.desired) {
      // Start with a task that has been running for an hour.
      this.desired = options.desired;
      this.tasks.push({ arn: this.newArn(), createdAt: clock.now() - 3600 * SECOND });
    }
  }

  /** People in calls now (undefined: never set, i.e. 0). */
  get participants(): number | undefined {
    return this.people.at(-1)?.count;
  }
  set participants(count: number | undefined) {
    this.people.push({ from: this.clock.now(), count: count ?? 0 });
  }

  private peopleAt(at: number): number {
    let count = 0;
    for (const p of this.people) if (p.from <= at) count = p.count;
    return count;
  }

  /**
   * What the stats sidecar printed: one line a minute from a minute after the task started until it
   * stopped (nothing while jicofo is silent), with the participants at that time.
   */
  statsSamples(since: number): StatsSample[] {
    if (this.faults.statsSilent) return [];
    const now = this.clock.now();
    const out: StatsSample[] = [];
    for (const t of this.tasks) {
      const started = t.createdAt + TIMING.running * SECOND;
      const end = Math.min(now, t.stoppedAt ?? t.stopRequestedAt ?? now);
      if (this.faults.stuckPending || t.failedContainer) continue;
      for (let at = started + 60 * SECOND; at <= end; at += 60 * SECOND) {
        if (at >= since) out.push({ at, participants: this.peopleAt(at) });
      }
    }
    return out.sort((a, b) => a.at - b.at);
  }

  /**
   * The idle alarm as CloudWatch evaluates it: the Participants metric (one datapoint a minute from
   * the stats lines through the metric filter), Maximum < 1 for `minutes` of `minutes` datapoints,
   * missing data not breaching. ALARM only when every one of the last `minutes` minutes had a line
   * and every line said 0.
   */
  idleAlarmState(minutes: number): 'ALARM' | 'OK' {
    const now = this.clock.now();
    const samples = this.statsSamples(now - minutes * 60 * SECOND);
    for (let m = 0; m < minutes; m++) {
      const from = now - (m + 1) * 60 * SECOND;
      const inMinute = samples.filter((x) => x.at > from && x.at <= from + 60 * SECOND);
      if (inMinute.length === 0 || inMinute.some((x) => x.participants >= 1)) return 'OK';
    }
    return 'ALARM';
  }

  /**
   * A `cdk deploy` of a template whose service says DesiredCount `desiredCount`. CloudFormation
   * applies the template's DesiredCount on every update that touches the service (a new task
   * definition, for one): aws/containers-roadmap #493. A running task is replaced.
   */
  async deploy(desiredCount: number, options: { changesTaskDefinition?: boolean; ingress?: Ingress } = {}): Promise<void> {
    this.call();
    if (this.stackStatus.endsWith('_IN_PROGRESS')) {
      throw new PortError('other', 'ValidationError', `Stack is in ${this.stackStatus} state and can not be updated.`);
    }
    this.recordMutation('deploy');
    this.deploys.push({ at: this.clock.now(), desiredCount });
    if (this.deleted) {
      // A first deploy (or one after a destroy): the stack is created, with a new bucket if the old one was deleted.
      Object.assign(this, { deleted: false, deletingUntil: undefined, tasks: [], desired: 0, deletedRecordings: false });
      this.hostRecordTarget = { kind: 'asleep' };
      this.dnsRows = {};
      this.serviceExists = this.power === 'on';
    }
    this.templateDesired = desiredCount;
    if (options.ingress && options.ingress !== this.ingress) {
      // A mode switch: direct has no power-down tier, so the stack comes up on (and the task is replaced).
      this.ingress = options.ingress;
      if (this.ingress === 'direct') {
        this.power = 'on';
        this.serviceExists = true;
        // The record becomes the asleep page's alias (a property update of CloudFormation's record).
        this.hostRecordTarget = { kind: 'asleep' };
      }
    }
    this.stackStatus = 'UPDATE_IN_PROGRESS';
    this.stackChangeUntil = this.clock.now() + TIMING.powerChange * SECOND;
    if (this.serviceExists) {
      this.desired = this.templateDesired;
      if (options.changesTaskDefinition ?? true) for (const t of this.tasks) t.stopRequestedAt ??= this.clock.now();
    }
    this.tick(this.clock.now());
  }

  /** Who is calling a mutation (set by actor ports); checked against the lock. */
  private caller?: { actor: string; tokens: Set<string> };
  private recordMutation(what: string): void {
    const holder = this.state.lock?.token;
    const ok = this.caller ? holder !== undefined && this.caller.tokens.has(holder) : holder !== undefined;
    const entry = { at: this.clock.now(), actor: this.caller?.actor ?? '?', what };
    this.mutations.push(entry);
    if (!ok) this.unlockedMutations.push(entry);
  }

  /**
   * The ports as one actor sees them: every call is in flight for `latencyMs` of (event-clock) time
   * (bounded in reality by the SDK's request timeout), the actor may then stall for `stallMs` after
   * the answer (a laptop lid closed, a paused process), a crashed actor's calls never return, and
   * every mutation is checked against the lock that actor holds when it lands.
   */
  portsFor(actor: string, clock: ActorClock, latencyMs: () => number = () => 0, stallMs: () => number = () => 0): ControlPorts {
    const tokens = new Set<string>();
    return wrapPorts(this.ports, (call, group, name) => async (...args) => {
      const latency = latencyMs();
      if (latency > 0) await clock.sleep(latency);
      if (clock.crashed) return new Promise(() => {});
      const previous = this.caller;
      this.caller = { actor, tokens };
      try {
        const result = await call(...args);
        if (group === 'state' && (name === 'acquire' || name === 'takeOver')) {
          const ok = name === 'acquire' ? (result as { acquired: boolean }).acquired : result === true;
          if (ok) tokens.add((args[0] as LockWrite).token);
        }
        const stall = stallMs();
        if (stall > 0) await clock.sleep(stall);
        if (clock.crashed) return new Promise(() => {});
        return result;
      } finally {
        this.caller = previous;
      }
    });
  }

  /** The simulated user pool, by e-mail. */
  readonly members = new Map<string, Member>();

  /** EventBridge Scheduler: a schedule is created in a group that exists (the stack's), else ResourceNotFoundException. */
  private scheduleGroup(group: string): void {
    if (group !== this.stackName) {
      throw new PortError('other', 'ResourceNotFoundException', `Schedule group ${group} does not exist.`);
    }
  }

  /** Cognito: the pool's groups are the stack's (organizers, members); any other is ResourceNotFoundException. */
  private userGroup(group: string): void {
    if (!Object.values(GROUPS).includes(group as (typeof GROUPS)[keyof typeof GROUPS])) {
      throw new PortError('other', 'ResourceNotFoundException', `Group not found: ${group}`);
    }
  }

  /**
   * ECS: a call names the cluster (ClusterNotFoundException for another) and the service, which is
   * the stack's while it exists; true when it names that service.
   */
  private isService(cluster: string, service: string): boolean {
    if (cluster !== SIMULATED_CLUSTER) throw new PortError('other', 'ClusterNotFoundException', 'Cluster not found.');
    return this.serviceExists && service === SIMULATED_SERVICE;
  }

  private member(email: string): Member {
    const found = this.members.get(email);
    if (!found) throw new PortError('other', 'UserNotFoundException', 'User does not exist.');
    return found;
  }

  /** The public IPv4 address a task got (documentation range, one per task). */
  taskIp(task: { arn: string }): string {
    return `198.51.100.${(Number(/(\d+)$/.exec(task.arn)?.[1] ?? 0) % 250) + 1}`;
  }

  /** The private IPv4 address a task got in the VPC. */
  taskPrivateIp(task: { arn: string }): string {
    return `10.0.0.${(Number(/(\d+)$/.exec(task.arn)?.[1] ?? 0) % 250) + 4}`;
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
      throw new PortError('credentials', 'ExpiredTokenException', 'The security token included in the request is expired');
    }
    if (f.throttle && Math.floor(now / 1000) % f.throttle.everySeconds < f.throttle.forSeconds) {
      this.throttled += 1;
      throw new PortError('transient', 'ThrottlingException', 'Rate exceeded');
    }
    this.tick(now);
  }

  /** Advance the model to `now`. */
  tick(now: number): void {
    if (this.faults.stackBusyUntil && now < this.faults.stackBusyUntil) this.stackStatus = 'UPDATE_IN_PROGRESS';
    else if (this.stackStatus === 'UPDATE_IN_PROGRESS' && now >= this.stackChangeUntil) {
      if (this.pendingPower && this.faults.powerChangeFails) {
        this.stackStatus = 'UPDATE_ROLLBACK_IN_PROGRESS';
        this.pendingPower = undefined;
        this.stackChangeUntil = now + 60 * SECOND;
      } else {
        this.stackStatus = 'UPDATE_COMPLETE';
        if (this.pendingPower) {
          this.power = this.pendingPower;
          this.pendingPower = undefined;
        }
      }
    } else if (this.stackStatus === 'UPDATE_ROLLBACK_IN_PROGRESS' && now >= this.stackChangeUntil) {
      this.stackStatus = 'UPDATE_ROLLBACK_COMPLETE';
    }
    if (this.deletingUntil !== undefined && now >= this.deletingUntil) {
      // CloudFormation deletes the meeting host's record by the values it created (the asleep alias):
      // a record that names an address instead fails the delete.
      if (this.ingress === 'direct' && this.hostRecordTarget?.kind !== 'asleep') {
        this.stackStatus = 'DELETE_FAILED';
        this.deletingUntil = undefined;
      } else this.deleted = true;
    }
    // Powering down deletes the service; its tasks are stopped.
    if (this.stackStatus === 'UPDATE_IN_PROGRESS' && this.pendingPower === 'off' && this.serviceExists) {
      this.serviceExists = false;
      this.desired = 0;
      for (const t of this.tasks) t.stopRequestedAt ??= now;
    }
    if (this.stackStatus !== 'UPDATE_IN_PROGRESS' && this.power === 'on' && !this.serviceExists) {
      this.serviceExists = true;
      this.desired = this.templateDesired;
    }
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
    this.tickDns(now);
    this.tickRecorder(now);
  }

  /**
   * Direct mode: the DNS function on each task's events (src/dns/task-dns.ts): at RUNNING it records
   * the address and points the host at it; on the first event that says stop it points the host back
   * at the asleep page, if it still holds this task's address. Faults make it miss either.
   */
  private tickDns(now: number): void {
    if (this.ingress !== 'direct') return;
    for (const t of this.tasks) {
      const switchAt = t.createdAt + TIMING.dnsSwitched * SECOND;
      if (!t.dnsRunning && this.lastStatus(t, now) === 'RUNNING' && now >= switchAt && !this.faults.dnsNeverSwitches) {
        t.dnsRunning = true;
        const ip = this.taskIp(t);
        const changeId = this.dnsChange(switchAt);
        this.hostRecordTarget = { kind: 'task', ip };
        this.dnsRows[t.arn] = { version: 3, ip, changeId };
      }
      if (!t.dnsStopping && t.stopRequestedAt !== undefined) {
        t.dnsStopping = true;
        if (this.faults.dnsMissesStop) continue;
        const row = this.dnsRows[t.arn];
        if (row) row.version = Math.max(row.version, 4);
        const held = this.hostRecordTarget;
        if (row?.ip && held?.kind === 'task' && held.ip === row.ip) {
          this.hostRecordTarget = { kind: 'asleep' };
          this.dnsChange(t.stopRequestedAt);
        }
      }
    }
  }

  /** A Route 53 change of the host record made at `at`; its id. */
  private dnsChange(at: number): string {
    const id = `/change/CSIM${String(Object.keys(this.dnsChanges).length + 1).padStart(10, '0')}`;
    this.dnsChanges[id] = at;
    return id;
  }

  /** The network interface of a task (awsvpc), named after it. */
  taskEni(task: { arn: string }): string {
    return `eni-${/([^/]+)$/.exec(task.arn)?.[1] ?? 'task'}`;
  }

  /** The meeting ended while recording: Jibri finalizes and uploads, then the recording is in the bucket. */
  private tickRecorder(now: number): void {
    const meetingLive = this.tasks.some((t) => t.stoppedAt === undefined && t.stopRequestedAt === undefined);
    const recorder = this.recorderTasks.find((t) => t.stoppedAt === undefined && t.stopRequestedAt === undefined);
    if (this.recordingSince !== undefined && (!meetingLive || !recorder || this.recordingStopped)) {
      const since = this.recordingSince;
      this.recordingSince = undefined;
      this.recordingStopped = false;
      this.recordingCounter += 1;
      const day = new Date(since).toISOString().slice(0, 10);
      const stamp = new Date(since).toISOString().slice(0, 19).replace('T', '-').replace(/:/g, '-');
      const key = `recordings/${day}/meetup/meetup_${stamp}.mp4`;
      const seconds = (now - since) / SECOND;
      if (recorder) {
        this.uploadingUntil = this.faults.uploadHangs ? Number.POSITIVE_INFINITY : now + RECORDER_TIMELINE.upload * SECOND;
        this.pendingUpload = { key, at: this.uploadingUntil, seconds };
      } else {
        // The recorder was stopped while it recorded: the file stays on the disk, and the next task marks it.
        this.keepOnDisk(key, seconds, 'the recorder stopped before it uploaded this recording', now);
      }
    }
    for (const t of this.recorderTasks) {
      if (t.stoppedAt === undefined && t.stopRequestedAt !== undefined && now >= t.stopRequestedAt + 10 * SECOND) {
        t.stoppedAt = t.stopRequestedAt + 10 * SECOND;
        // A task stopped before its upload ended: the finalize script leaves the file on the disk, pending.
        if (this.uploadingUntil !== undefined && this.uploadingUntil > t.stoppedAt) {
          if (this.pendingUpload) {
            const { key, seconds } = this.pendingUpload;
            this.keepOnDisk(key, seconds, 'the recorder was stopped during the upload', t.stoppedAt);
          }
          this.pendingUpload = undefined;
          this.uploadingUntil = undefined;
        }
      }
    }
    if (this.uploadingUntil !== undefined && now >= this.uploadingUntil) {
      if (this.pendingUpload) {
        const { key, at, seconds } = this.pendingUpload;
        if (this.faults.uploadFails) this.keepOnDisk(key, seconds, this.faults.uploadFails, at);
        else this.putRecording(key, seconds, at);
      }
      this.pendingUpload = undefined;
      this.uploadingUntil = undefined;
    }
    this.tickUploader(now);
    // The instance goes (capacity 0, drained) with its disk: whatever waited there is lost.
    if (this.recorderDisk.length > 0 && !this.recorderInstanceUp(now)) {
      this.lostRecordings += this.recorderDisk.length;
      this.recorderDisk = [];
    }
  }

  /** The uploader container: a round at the recorder task's start, then every UPLOAD_RETRY_SECONDS. */
  private tickUploader(now: number): void {
    const task = this.recorderTasks.find((t) => t.stoppedAt === undefined && t.stopRequestedAt === undefined);
    const running = task ? task.createdAt + RECORDER_TIMELINE.running * SECOND : undefined;
    if (running === undefined || now < running) return;
    const due =
      this.uploaderRoundAt === undefined || this.uploaderRoundAt < running
        ? running
        : this.uploaderRoundAt + UPLOAD_RETRY_SECONDS * SECOND;
    if (now < due) return;
    this.uploaderRoundAt = due;
    const waiting = this.recorderDisk;
    this.recorderDisk = [];
    for (const r of waiting) {
      if (this.faults.uploadFails) this.recorderDisk.push({ ...r, why: this.faults.uploadFails, tries: r.tries + 1 });
      else this.putRecording(r.key, r.seconds, due);
    }
  }

  private keepOnDisk(key: string, seconds: number, why: string, at: number): void {
    const file = key.split('/').pop() ?? key;
    this.recorderDisk.push({ file, key, why, since: new Date(at).toISOString(), tries: 1, seconds });
  }

  private putRecording(key: string, seconds: number, at: number): void {
    this.objects.set(key, { body: 'simulated video', at });
    this.objects.set(key.replace(/\.mp4$/, '.json'), {
      body: JSON.stringify({ room: 'meetup', start: new Date(at - seconds * SECOND).toISOString(), durationSeconds: seconds }),
      at,
    });
  }

  private pendingUpload?: { key: string; at: number; seconds: number };
  /**
   * The stack's secrets by ARN: the current value, the staged versions (the newest carries
   * AWSPENDING; Secrets Manager keeps the others, unlabelled, and any of them can be made current),
   * the previous value.
   */
  readonly secretValues = new Map<
    string,
    {
      current: string;
      pending?: { versionId: string; value: string };
      staged?: Array<{ versionId: string; value: string }>;
      previous?: string;
    }
  >([
    [
      SIMULATED_INTERNAL_SECRET_ARN,
      {
        current: JSON.stringify({
          JICOFO_AUTH_PASSWORD: 'simulated-jicofo-password-0123456',
          JVB_AUTH_PASSWORD: 'simulated-jvb-password-0123456789',
        }),
      },
    ],
    [
      SIMULATED_TOKEN_SECRET_ARN,
      { current: JSON.stringify({ JWT_APP_SECRET: 'simulated-token-secret-0123456789abcdef0123456789abcdef' }) },
    ],
  ]);
  private secretStages = 0;
  private secretPromotions = 0;
  private secret(arn: string) {
    const found = this.secretValues.get(arn);
    if (!found) throw new PortError('other', 'ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    return found;
  }
  /** The values a task started now would get (ECS reads AWSCURRENT at start). */
  secretsAtStart(): Record<string, string> {
    return Object.fromEntries([...this.secretValues].map(([arn, s]) => [arn, s.current]));
  }

  /** Recordings lost: the recorder's instance went while a recording waited on its disk (must stay 0). */
  lostRecordings = 0;

  /** The recorder instance is registered with the cluster. */
  private recorderInstanceUp(now: number): boolean {
    if (this.faults.recorderNeverRegisters) return false;
    if (this.recorderCapacity > 0) return now >= this.recorderCapacityAt + RECORDER_TIMELINE.instance * SECOND;
    // At 0, ECS's managed draining keeps the instance until its tasks have stopped, then it goes in 30 s.
    const lastStop = Math.max(this.recorderCapacityAt, ...this.recorderTasks.map((t) => t.stoppedAt ?? Infinity));
    return this.recorderTasks.some((t) => t.stoppedAt === undefined) || now < lastStop + 30 * SECOND;
  }

  private recorderTaskSnapshot(t: SimAws['recorderTasks'][number], now: number): TaskSnapshot {
    const age = (now - t.createdAt) / SECOND;
    const running = age >= RECORDER_TIMELINE.running;
    const status =
      t.stoppedAt !== undefined ? 'STOPPED' : t.stopRequestedAt !== undefined ? 'DEACTIVATING' : running ? 'RUNNING' : 'PENDING';
    return {
      arn: t.arn,
      lastStatus: status,
      desiredStatus: t.stopRequestedAt !== undefined || t.stoppedAt !== undefined ? 'STOPPED' : 'RUNNING',
      health: 'UNKNOWN',
      createdAt: t.createdAt,
      ...(running ? { startedAt: t.createdAt + RECORDER_TIMELINE.running * SECOND } : {}),
      ...(t.stoppedAt !== undefined ? { stoppedAt: t.stoppedAt, stoppedReason: 'Task stopped by user' } : {}),
      containers: [],
    };
  }

  /** A person stops the recording in the meeting: Jibri finalizes and uploads while the meeting goes on. */
  stopRecording(): void {
    this.tick(this.clock.now());
    this.recordingStopped = true;
    this.tick(this.clock.now());
  }
  private recordingStopped = false;

  /** A person presses Record in the meeting (the recorder must be up). */
  startRecording(): void {
    this.tick(this.clock.now());
    this.recordingSince = this.clock.now();
  }

  /**
   * What the recorder's status container says: now while a task lives; with none alive, its last
   * line (at the newest task's stop) when that was at or after `since`.
   */
  private recorderStatus(now: number, since = 0): RecorderStatus | undefined {
    const pending = this.recorderDisk.map(({ seconds: _seconds, ...marker }) => marker);
    const t = this.recorderTasks.find((x) => x.stoppedAt === undefined);
    if (!t) {
      const last = Math.max(0, ...this.recorderTasks.map((x) => x.stoppedAt ?? 0));
      return last > 0 && last >= since ? { at: last, answering: false, pending } : undefined;
    }
    const readyAt = t.createdAt + (RECORDER_TIMELINE.running + RECORDER_TIMELINE.ready) * SECOND;
    if (now < t.createdAt + RECORDER_TIMELINE.running * SECOND) return undefined;
    if (now < readyAt || this.faults.recorderNeverReady) return { at: now, answering: false, pending };
    const busy = this.recordingSince !== undefined || this.uploadingUntil !== undefined;
    return { at: now, answering: true, busy: busy ? 'BUSY' : 'IDLE', healthy: true, pending };
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
      ...(status !== 'PROVISIONING' ? { privateIp: this.taskPrivateIp(t), eniId: this.taskEni(t) } : {}),
      containers: this.containerNames().map((name) => ({
        name,
        lastStatus: status === 'STOPPED' ? 'STOPPED' : status === 'RUNNING' ? 'RUNNING' : 'PENDING',
        health: healthy ? ('HEALTHY' as const) : ('UNKNOWN' as const),
        ...(t.failedContainer === name ? { reason: 'CannotPullContainerError: not found', exitCode: undefined } : {}),
      })),
    };
  }

  /**
   * The containers of the meeting's task definition, one per definition as ECS describes a task
   * (CONTAINERS and TLS_CONTAINER of src/infra/constructs/jitsi-task.ts; the contract tests compare
   * them with the synthesized template).
   */
  private containerNames(): string[] {
    return ['prosody', 'web', 'jicofo', 'jvb', 'stats', ...(this.ingress === 'direct' ? ['tls'] : [])];
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
      MeetingUrl: `https://${this.domain}`,
      ClusterName: SIMULATED_CLUSTER,
      RecordingsBucketName: 'meet-recordings-bucket',
      StateTableName: 'meet-state',
      LogGroupNames: `web=/meet/web,prosody=/meet/prosody,jicofo=/meet/jicofo,jvb=/meet/jvb,stats=/meet/stats${this.ingress === 'direct' ? ',tls=/meet/tls' : ''}`,
      IngressMode: this.ingress,
      JitsiTokenSecretArn: SIMULATED_TOKEN_SECRET_ARN,
      InternalSecretArn: SIMULATED_INTERNAL_SECRET_ARN,
      UserPoolId: 'us-west-2_SiMuLaTeD',
      ScheduleGroupName: this.stackName,
      EventLogGroupName: `${this.stackName}-events`,
      SchedulerRoleArn: 'arn:aws:iam::111122223333:role/meet-scheduler',
      ScheduledStartFunctionArn: 'arn:aws:lambda:us-west-2:111122223333:function:meet-scheduled-start',
      AlertTopicArn: 'arn:aws:sns:us-west-2:111122223333:meet-alerts',
      OrganizerPageUrl: `https://start.${this.domain}`,
      UserPoolClientId: 'simulatedorganizerpageclient',
      SignInUrl: `https://${this.stackName.toLowerCase()}.auth.us-west-2.amazoncognito.com`,
      ...(this.recorderEnabled
        ? {
            RecorderGroupName: 'meet-recorder-group',
            RecorderTaskDefinitionFamily: 'meet-recorder',
            RecorderCapacityProviderName: 'meet-recorder-capacity',
            RecorderLogGroupName: '/meet/recorder',
            RecorderLauncherName: SIMULATED_RECORDER_LAUNCHER,
            RecorderSecretArn: SIMULATED_RECORDER_SECRET_ARN,
          }
        : {}),
      ...(this.ingress === 'direct'
        ? {
            HostedZoneId: 'ZSIMULATED0000',
            AsleepDnsName: SIMULATED_ASLEEP.dnsName,
            AsleepHostedZoneId: SIMULATED_ASLEEP.hostedZoneId,
          }
        : {}),
      ...(this.serviceExists
        ? {
            ServiceName: SIMULATED_SERVICE,
            TaskDefinitionFamily: 'meet-task',
            ...(this.ingress === 'load-balancer' ? { WebTargetGroupArn: 'arn:tg/web' } : {}),
          }
        : {}),
    };
  }

  /** Everything that changes, for a simulation kept between commands (`meetctl` under MEETCTL_SIMULATE=1). */
  toJSON(): Record<string, unknown> {
    return {
      at: this.clock.now(),
      power: this.power,
      ingress: this.ingress,
      stackStatus: this.stackStatus,
      stackChangeUntil: this.stackChangeUntil,
      pendingPower: this.pendingPower,
      deletingUntil: this.deletingUntil,
      deleted: this.deleted,
      serviceExists: this.serviceExists,
      desired: this.desired,
      templateDesired: this.templateDesired,
      tasks: this.tasks,
      people: this.people.map((p) => ({ ...p, from: Number.isFinite(p.from) ? p.from : null })),
      schedules: this.schedules,
      logLines: this.logLines.slice(-500),
      taskCounter: this.taskCounter,
      lastFailureAt: Number.isFinite(this.lastFailureAt) ? this.lastFailureAt : null,
      lock: this.state.lock,
      window: this.state.meetingWindow,
      log: this.state.log.slice(-500),
      members: [...this.members.values()],
      objects: [...this.objects.entries()],
      secrets: [...this.secretValues.entries()],
      hostRecord: this.hostRecordTarget ?? null,
      dnsRows: this.dnsRows,
      dnsChanges: this.dnsChanges,
      recorder: {
        enabled: this.recorderEnabled,
        capacity: this.recorderCapacity,
        capacityAt: this.recorderCapacityAt,
        tasks: this.recorderTasks,
        recordingSince: this.recordingSince ?? null,
        uploadingUntil: this.uploadingUntil ?? null,
        pendingUpload: this.pendingUpload ?? null,
        disk: this.recorderDisk,
        uploaderRoundAt: this.uploaderRoundAt ?? null,
      },
    };
  }

  /** Restore what `toJSON` saved (unknown or missing fields keep their defaults). */
  restore(saved: Record<string, unknown>): void {
    const get = <T>(key: string, fallback: T): T => (key in saved && saved[key] !== undefined ? (saved[key] as T) : fallback);
    this.power = get('power', this.power);
    this.ingress = get('ingress', this.ingress);
    this.stackStatus = get('stackStatus', this.stackStatus);
    this.stackChangeUntil = get('stackChangeUntil', this.stackChangeUntil);
    this.pendingPower = get<PowerState | undefined>('pendingPower', undefined);
    this.deletingUntil = get<number | undefined>('deletingUntil', undefined);
    this.deleted = get('deleted', false);
    this.serviceExists = get('serviceExists', this.serviceExists);
    this.desired = get('desired', 0);
    this.templateDesired = get('templateDesired', 0);
    this.tasks = get('tasks', []);
    this.people.splice(
      0,
      this.people.length,
      ...get<Array<{ from: number | null; count: number }>>('people', []).map((p) => ({
        count: p.count,
        from: p.from ?? -Infinity,
      })),
    );
    this.schedules = get('schedules', []);
    const recorder = get<Record<string, unknown> | undefined>('recorder', undefined);
    if (recorder) {
      this.recorderEnabled = Boolean(recorder.enabled) || this.recorderEnabled;
      this.recorderCapacity = Number(recorder.capacity) || 0;
      this.recorderCapacityAt = Number(recorder.capacityAt) || 0;
      this.recorderTasks = (recorder.tasks as SimAws['recorderTasks']) ?? [];
      this.recordingSince = (recorder.recordingSince as number | null) ?? undefined;
      this.uploadingUntil = (recorder.uploadingUntil as number | null) ?? undefined;
      this.pendingUpload = (recorder.pendingUpload as SimAws['pendingUpload'] | null) ?? undefined;
      this.recorderDisk = (recorder.disk as SimAws['recorderDisk']) ?? [];
      this.uploaderRoundAt = (recorder.uploaderRoundAt as number | null) ?? undefined;
    }
    for (const [arn, value] of get<Array<[string, { current: string }]>>('secrets', [])) this.secretValues.set(arn, value);
    this.hostRecordTarget = get<RecordTarget | null>('hostRecord', { kind: 'asleep' }) ?? undefined;
    this.dnsRows = get('dnsRows', {});
    this.dnsChanges = get('dnsChanges', {});
    this.objects.clear();
    for (const [key, o] of get<Array<[string, { body: string; at: number }]>>('objects', [])) this.objects.set(key, o);
    this.logLines = get('logLines', []);
    this.taskCounter = get('taskCounter', 0);
    this.lastFailureAt = get<number | null>('lastFailureAt', null) ?? -Infinity;
    this.state.lock = get<LockLease | undefined>('lock', undefined);
    this.state.meetingWindow = get<MeetingWindow | undefined>('window', undefined);
    this.state.log.splice(0, this.state.log.length, ...get<TransitionEvent[]>('log', []));
    this.members.clear();
    for (const m of get<Member[]>('members', [])) this.members.set(m.email, m);
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
        return { name: this.stackName, status, powerState: this.pendingPower ?? this.power, outputs: this.outputs() };
      },
      setPower: async (power) => {
        this.call();
        if (this.stackStatus.endsWith('_IN_PROGRESS')) {
          throw new PortError('other', 'ValidationError', `Stack is in ${this.stackStatus} state and can not be updated.`);
        }
        if (this.ingress === 'direct' && power === 'off') {
          // The direct-mode template allows only "on".
          throw new PortError('other', 'ValidationError', "Parameter 'PowerState' must be one of AllowedValues");
        }
        this.recordMutation('setPower');
        // CloudFormation answers an update that changes nothing with "No updates are to be performed."
        // (a ValidationError); the port, like the SDK adapter, reports that as done.
        if (power === this.power && !this.pendingPower) return;
        this.stackStatus = 'UPDATE_IN_PROGRESS';
        this.pendingPower = power;
        this.stackChangeUntil = this.clock.now() + TIMING.powerChange * SECOND;
        this.tick(this.clock.now());
      },
      delete: async () => {
        this.call();
        this.recordMutation('delete');
        this.deletingUntil = this.clock.now() + TIMING.delete * SECOND;
        for (const t of this.tasks) t.stopRequestedAt ??= this.clock.now();
        this.desired = 0;
      },
    },
    service: {
      describe: async (cluster, service) => {
        this.call();
        if (!this.isService(cluster, service)) return undefined;
        const now = this.clock.now();
        const live = this.tasks.filter((t) => t.stoppedAt === undefined);
        return {
          desired: this.desired,
          running: live.filter((t) => this.lastStatus(t, now) === 'RUNNING').length,
          pending: live.filter((t) => ['PROVISIONING', 'PENDING'].includes(this.lastStatus(t, now))).length,
        };
      },
      setDesired: async (cluster, service, count) => {
        this.call();
        if (!this.isService(cluster, service)) throw new PortError('other', 'ServiceNotFoundException', 'Service not found.');
        this.recordMutation('setDesired');
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
      check: async (host, connectTo): Promise<CheckResult[]> => {
        this.call();
        const now = this.clock.now();
        const ready =
          this.ingress === 'direct'
            ? this.tasks.some(
                (t) =>
                  t.stoppedAt === undefined &&
                  t.stopRequestedAt === undefined &&
                  this.snapshotTask(t, now).health === 'HEALTHY' &&
                  connectTo === this.taskIp(t),
              )
            : this.targetStates(now).some((t) => t.state === 'healthy');
        const https: CheckResult = ready
          ? { name: 'https', status: 'pass', detail: `https://${host}/ answered 200${connectTo ? ` at ${connectTo}` : ''}` }
          : { name: 'https', status: 'fail', detail: 'connection refused', hint: 'wait for the task' };
        const certificate: CheckResult = this.faults.wrongCertificate
          ? {
              name: 'certificate',
              status: 'fail',
              detail: `certificate is for other.example.org, not ${host}`,
              hint: 'check the certificate',
            }
          : { name: 'certificate', status: ready ? 'pass' : 'skip', detail: `valid for ${host}` };
        return [https, certificate, { name: 'websocket', status: ready ? 'pass' : 'skip', detail: 'upgraded (101)' }];
      },
    },
    users: {
      add: async (_pool, user) => {
        this.call();
        if (this.members.has(user.email)) throw new PortError('other', 'UsernameExistsException', 'User account already exists.');
        this.members.set(user.email, {
          email: user.email,
          ...(user.name ? { name: user.name } : {}),
          status: 'FORCE_CHANGE_PASSWORD',
          enabled: true,
          groups: [],
        });
      },
      addToGroup: async (_pool, email, group) => {
        this.call();
        this.userGroup(group);
        const member = this.member(email);
        if (!member.groups.includes(group)) this.members.set(email, { ...member, groups: [...member.groups, group].sort() });
      },
      removeFromGroup: async (_pool, email, group) => {
        this.call();
        this.userGroup(group);
        const member = this.member(email);
        this.members.set(email, { ...member, groups: member.groups.filter((g) => g !== group) });
      },
      remove: async (_pool, email) => {
        this.call();
        this.member(email);
        this.members.delete(email);
      },
      list: async () => {
        this.call();
        return [...this.members.values()].sort((a, b) => a.email.localeCompare(b.email));
      },
    },
    secrets: {
      value: async (arn) => {
        this.call();
        return this.secret(arn).current;
      },
      stage: async (arn, value) => {
        this.call();
        this.recordMutation(`stage ${arn}`);
        this.secretStages += 1;
        if (this.faults.rotationFailsAt === 'stage' && this.secretStages === 2) {
          throw new PortError('other', 'InternalServiceError', 'Secrets Manager failed to store the value');
        }
        const versionId = `v${this.secretStages}`;
        const secret = this.secret(arn);
        secret.pending = { versionId, value };
        secret.staged = [...(secret.staged ?? []), { versionId, value }];
        return versionId;
      },
      promote: async (arn, versionId) => {
        this.call();
        this.recordMutation(`promote ${arn}`);
        this.secretPromotions += 1;
        if (this.faults.rotationFailsAt === 'promote' && this.secretPromotions === 2) {
          throw new PortError('other', 'InternalServiceError', 'Secrets Manager failed to move the stage');
        }
        const secret = this.secret(arn);
        const version = secret.staged?.find((v) => v.versionId === versionId);
        if (!version) throw new PortError('other', 'InvalidRequestException', 'no such version');
        secret.previous = secret.current;
        secret.current = version.value;
        if (secret.pending?.versionId === versionId) secret.pending = undefined;
      },
    },
    certificate: {
      status: async () => {
        this.call();
        if (this.ingress !== 'direct') return undefined;
        const now = this.clock.now();
        return { notAfter: now + 60 * 86_400_000, checkedAt: now - 3_600_000, action: 'not-due' };
      },
    },
    taskDns: {
      status: async (taskArn): Promise<TaskDnsStatus | undefined> => {
        this.call();
        const row = this.dnsRows[taskArn];
        if (this.ingress !== 'direct' || !row?.ip) return undefined;
        const changedAt = row.changeId ? this.dnsChanges[row.changeId] : undefined;
        return {
          taskArn,
          ip: row.ip,
          inSync: changedAt !== undefined && this.clock.now() >= changedAt + DNS_INSYNC_SECONDS * SECOND,
        };
      },
    },
    hostRecord: {
      current: async () => {
        this.call();
        return this.hostRecordTarget;
      },
      replace: async (from, to) => {
        this.call();
        // Route 53's conditional batch: DELETE exactly what is there (or CREATE where nothing is).
        if (JSON.stringify(from ?? null) !== JSON.stringify(this.hostRecordTarget ?? null)) {
          throw new PortError(
            'other',
            'StaleRecordError',
            'Tried to delete resource record set but the values provided do not match the current values',
          );
        }
        this.hostRecordTarget = to;
        return this.dnsChange(this.clock.now());
      },
      publicIp: async (eniId) => {
        this.call();
        const now = this.clock.now();
        const task = this.tasks.find((t) => this.taskEni(t) === eniId && t.stoppedAt === undefined);
        return task && this.lastStatus(task, now) !== 'PROVISIONING' ? this.taskIp(task) : undefined;
      },
      taskRow: async (arn) => {
        this.call();
        const row = this.dnsRows[arn];
        return row ? { version: row.version, ...(row.ip ? { ip: row.ip } : {}) } : undefined;
      },
      putTaskRow: async (arn, version, ip) => {
        this.call();
        const row = this.dnsRows[arn];
        if (row && row.version > version) return false;
        this.dnsRows[arn] = { ...row, version, ...(ip ? { ip } : {}) };
        return true;
      },
      noteChange: async (arn, version, changeId) => {
        this.call();
        const row = this.dnsRows[arn];
        if (row?.version === version) row.changeId = changeId;
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
      samples: async (_group, since) => {
        this.call();
        return this.statsSamples(since);
      },
    },
    recordings: {
      owner: async (bucket) => {
        this.call();
        if (bucket !== 'meet-recordings-bucket')
          throw new PortError('other', 'NoSuchBucket', 'The specified bucket does not exist');
        return this.stackName;
      },
      deleteAll: async () => {
        this.call();
        this.recordMutation('deleteAll');
        this.bucketExists();
        const versions = this.objects.versionCount();
        this.objects.clear();
        this.deletedRecordings = true;
        return versions;
      },
      list: async (_bucket, prefix) => {
        this.call();
        this.bucketExists();
        // S3 lists keys in UTF-8 binary order; sizes are bytes.
        return [...this.objects.entries()]
          .filter(([key]) => key.startsWith(prefix))
          .sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
          .map(([key, o]) => ({ key, size: Buffer.byteLength(o.body), lastModified: o.at }));
      },
      read: async (_bucket, key) => {
        this.call();
        return this.object(key).body;
      },
      download: async (_bucket, key, file) => {
        this.call();
        const { body } = this.object(key);
        writeFileSync(file, body, { flag: 'wx' });
        return Buffer.byteLength(body);
      },
      remove: async (_bucket, key) => {
        this.call();
        this.recordMutation(`remove ${key}`);
        this.bucketExists();
        return this.objects.removeEveryVersion(key);
      },
      link: async (bucket, key, seconds) => {
        this.call();
        this.object(key);
        return `https://${bucket}.s3.us-west-2.amazonaws.com/${encodeURI(key)}?X-Amz-Expires=${seconds}&X-Amz-Signature=simulated`;
      },
    },
    recorder: {
      capacity: async () => {
        this.call();
        return this.recorderCapacity;
      },
      setCapacity: async (_group, count) => {
        this.call();
        this.recordMutation(`recorder capacity ${count}`);
        if (count !== this.recorderCapacity) this.recorderCapacityAt = this.clock.now();
        this.recorderCapacity = count;
      },
      instances: async () => {
        this.call();
        return this.recorderEnabled && this.recorderInstanceUp(this.clock.now()) ? 1 : 0;
      },
      tasks: async () => {
        this.call();
        return this.recorderTasks.map((t) => this.recorderTaskSnapshot(t, this.clock.now()));
      },
      launch: async (launcher) => {
        this.call();
        this.recordMutation('launch recorder');
        if (launcher !== SIMULATED_RECORDER_LAUNCHER) {
          throw new PortError('other', 'ResourceNotFoundException', `Function not found: ${launcher}`);
        }
        // The launcher finds the meeting's address itself (src/recording/launcher.ts).
        const now = this.clock.now();
        const meeting = this.tasks.find(
          (t) => t.stoppedAt === undefined && t.stopRequestedAt === undefined && this.lastStatus(t, now) === 'RUNNING',
        );
        if (!meeting) {
          throw new PortError(
            'other',
            'NoMeetingTask',
            'no meeting task runs: the recorder joins a running meeting only (start the meeting first)',
          );
        }
        const xmppServer = this.taskPrivateIp(meeting);
        const existing = this.recorderTasks.find(
          (t) => t.stoppedAt === undefined && t.stopRequestedAt === undefined && t.xmppServer === xmppServer,
        );
        if (existing) return existing.arn;
        if (!this.recorderInstanceUp(now) || this.recorderCapacity === 0) {
          throw new PortError(
            'other',
            'RunTaskFailure',
            'ECS could not place the recorder: RESOURCE:MEMORY (no container instance)',
          );
        }
        const arn = `arn:aws:ecs:us-west-2:111122223333:task/meet-cluster/recorder${this.recorderTasks.length + 1}`;
        this.recorderTasks.push({ arn, createdAt: now, xmppServer });
        return arn;
      },
      stop: async (_cluster, arn) => {
        this.call();
        this.recordMutation(`stop recorder ${arn}`);
        const t = this.recorderTasks.find((x) => x.arn === arn);
        if (t) t.stopRequestedAt ??= this.clock.now();
      },
      status: async (_group, since) => {
        this.call();
        return this.recorderStatus(this.clock.now(), since);
      },
    },
    state: this.stateProxy(),
    schedules: {
      create: async (group, schedule, target) => {
        this.call();
        this.scheduleGroup(group);
        if (this.schedules.some((s) => s.group === group && s.schedule.name === schedule.name)) {
          throw new PortError('other', 'ConflictException', `Schedule ${schedule.name} already exists.`);
        }
        // EventBridge Scheduler stores at most 512 characters of a description; the adapter cuts it there.
        const description = schedule.description.slice(0, 512);
        this.schedules.push({ group, schedule: { ...schedule, description, state: 'ENABLED' }, target });
      },
      list: async (group) => {
        this.call();
        return this.schedules.filter((s) => s.group === group).map((s) => s.schedule);
      },
      remove: async (group, name) => {
        this.call();
        const index = this.schedules.findIndex((s) => s.group === group && s.schedule.name === name);
        if (index < 0) throw new PortError('other', 'ResourceNotFoundException', `Schedule ${name} does not exist.`);
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
      takeOver: guard((r, version) => this.state.takeOver(r, version)),
      heartbeat: guard((token, version, lease, now) => this.state.heartbeat(token, version, lease, now)),
      release: guard((token) => this.state.release(token)),
      current: guard(() => this.state.current()),
      append: guard((e) => this.state.append(e)),
      events: guard((since) => this.state.events(since)),
      setWindow: guard((w) => this.state.setWindow(w)),
      window: guard(() => this.state.window()),
    };
  }
}
