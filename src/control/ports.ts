import type { RecordingObject } from '../recording/catalog.js';
import type { RecorderStatus } from '../recording/recorder.js';
import type {
  CertificateStatus,
  CheckResult,
  LockLease,
  PowerState,
  StackSnapshot,
  StatsSample,
  TargetSnapshot,
  TaskDnsStatus,
  TaskSnapshot,
} from './snapshot.js';
import type { RecordTarget, TaskDnsPorts } from './task-dns.js';

/**
 * The narrow interfaces the control plane needs from AWS (and from the network). The CLI builds them
 * over the AWS SDK v3 (`src/aws/control-adapters.ts`); tests give the core a simulated AWS.
 */
export interface ControlPorts {
  readonly stack: {
    /** The stack, or undefined when it does not exist. */
    describe(): Promise<StackSnapshot | undefined>;
    /**
     * When CloudFormation put the stack in its current status `status`: the Timestamp (epoch ms) of the
     * stack's own newest event with it (DescribeStackEvents), or undefined when none is among them.
     */
    statusSince(status: string): Promise<number | undefined>;
    /** Flip the PowerState parameter on the previous template. Returns when CloudFormation accepted it. */
    setPower(power: PowerState): Promise<void>;
    /** Start deleting the stack. */
    delete(): Promise<void>;
  };
  readonly service: {
    /** Counts, or undefined when the service does not exist. */
    describe(cluster: string, service: string): Promise<{ desired: number; running: number; pending: number } | undefined>;
    setDesired(cluster: string, service: string, count: number): Promise<void>;
    /** Live tasks of the service and those stopped recently. */
    tasks(cluster: string, service: string): Promise<TaskSnapshot[]>;
  };
  readonly targets: {
    health(targetGroupArn: string): Promise<TargetSnapshot[]>;
  };
  readonly endpoints: {
    /**
     * HTTPS, certificate for the host, web client config, XMPP websocket upgrade. With `connectTo`
     * (direct mode: the task's address) the checks connect there, with SNI and Host set to `host`,
     * so no resolver cache can make them pass or fail wrongly.
     */
    check(host: string, connectTo?: string): Promise<CheckResult[]>;
  };
  readonly users: UsersPort;
  readonly secrets: {
    /** A secret's value (the Jitsi token secret, for `meetctl link`); never logged. */
    value(secretArn: string): Promise<string>;
    /** Store a new value as the secret's AWSPENDING version (the current one is untouched); its version id. */
    stage(secretArn: string, value: string): Promise<string>;
    /** Make a staged version AWSCURRENT (the previous one becomes AWSPREVIOUS). */
    promote(secretArn: string, versionId: string): Promise<void>;
  };
  readonly certificate: {
    /** Direct mode: the certificate function's last report, or undefined when it never ran. */
    status(): Promise<CertificateStatus | undefined>;
  };
  readonly taskDns: {
    /** Direct mode: the DNS function's row for a task, and whether its record change is INSYNC. */
    status(taskArn: string): Promise<TaskDnsStatus | undefined>;
  };
  readonly hostRecord: HostRecordPort;
  readonly logs: {
    /** The last `lines` lines a container wrote (newest last). */
    tail(logGroup: string, streamPrefix: string, lines: number): Promise<string[]>;
    /** Every line of a log group written at or after `since` (epoch ms), oldest first. */
    read(logGroup: string, since: number): Promise<Array<{ at: number; stream: string; message: string }>>;
  };
  readonly participants: {
    /** The stats sidecar's lines written at or after `since` (epoch ms), oldest first. */
    samples(logGroup: string, since: number): Promise<StatsSample[]>;
  };
  readonly recordings: RecordingsPort;
  readonly recorder: RecorderPort;
  readonly state: StateStore;
  readonly schedules: SchedulesPort;
}

/**
 * Direct mode: the meeting host's A record and what the DNS function keeps for it (the same calls as
 * the DNS function's ports, src/control/task-dns.ts), for the runtime guard's reconcile and for `deploy`
 * and `destroy`, which put back what CloudFormation created before they change the stack.
 */
export interface HostRecordPort {
  current(): Promise<RecordTarget | undefined>;
  /** DELETE exactly `from`, CREATE `to`, in one batch; a StaleRecordError when `from` is not there. The change id. */
  replace(from: RecordTarget | undefined, to: RecordTarget): Promise<string>;
  /** The public IPv4 address on a network interface (a task's). */
  publicIp(eniId: string): Promise<string | undefined>;
  taskRow(taskArn: string): Promise<{ readonly version: number; readonly ip?: string } | undefined>;
  putTaskRow(taskArn: string, version: number, ip?: string): Promise<boolean>;
  noteChange(taskArn: string, version: number, changeId: string): Promise<void>;
}

/** The DNS function's ports over the control plane's host-record port. */
export function taskDnsPortsOf(port: HostRecordPort, clock: Clock): TaskDnsPorts {
  return {
    publicIp: (eniId) => port.publicIp(eniId),
    record: { current: () => port.current(), replace: (from, to) => port.replace(from, to) },
    tasks: {
      get: (arn) => port.taskRow(arn),
      put: (arn, version, ip) => port.putTaskRow(arn, version, ip),
      noteChange: (arn, version, changeId) => port.noteChange(arn, version, changeId),
    },
    clock,
  };
}

/** The recorder: its Auto Scaling group, the instances of the cluster, its tasks and its status lines. */
export interface RecorderPort {
  /** The group's desired capacity. */
  capacity(group: string): Promise<number>;
  setCapacity(group: string, count: number): Promise<void>;
  /** ACTIVE container instances registered with the cluster. */
  instances(cluster: string): Promise<number>;
  /** Live tasks of the family and those stopped recently. */
  tasks(cluster: string, family: string): Promise<TaskSnapshot[]>;
  /**
   * Start the recorder on the meeting that runs now, through the launcher function (the only
   * principal that may run a recorder task; src/recording/launcher.ts); the task's ARN.
   */
  launch(launcher: string): Promise<string>;
  stop(cluster: string, taskArn: string, reason: string): Promise<void>;
  /** The status container's newest line written at or after `since` (epoch ms). */
  status(logGroup: string, since: number): Promise<RecorderStatus | undefined>;
}

/** The recordings bucket (S3). */
export interface RecordingsPort {
  /** Delete every object version and the bucket; returns the number of versions deleted. */
  deleteAll(bucket: string): Promise<number>;
  /** Every current object under `prefix`. */
  list(bucket: string, prefix: string): Promise<RecordingObject[]>;
  /** A small object's text (a metadata file). */
  read(bucket: string, key: string): Promise<string>;
  /** Copy an object to a local file; returns the bytes written. */
  download(bucket: string, key: string, file: string): Promise<number>;
  /** Delete every version of exactly this key (the bucket is versioned); returns how many. */
  remove(bucket: string, key: string): Promise<number>;
  /** A GET link that works for `seconds` without credentials (the page's downloads). */
  link(bucket: string, key: string, seconds: number): Promise<string>;
  /**
   * The stack that created the bucket: its `aws:cloudformation:stack-name` tag, one of the stack-level
   * tags CloudFormation puts on what it creates (kept after the stack is deleted), or undefined when it
   * has none. Throws an error named NoSuchBucket when there is no such bucket.
   */
  owner(bucket: string): Promise<string | undefined>;
}

/** A member of the community's user pool. */
export interface Member {
  readonly email: string;
  readonly name?: string;
  /** Cognito's status: FORCE_CHANGE_PASSWORD until the first sign-in, then CONFIRMED. */
  readonly status: string;
  readonly enabled: boolean;
  readonly groups: readonly string[];
}

/** The user pool (Cognito): members are created by an admin, never by themselves. */
export interface UsersPort {
  /** Create the user (Cognito e-mails a temporary password); throws an error named UsernameExistsException when there is one. */
  add(userPoolId: string, user: { email: string; name?: string }): Promise<void>;
  addToGroup(userPoolId: string, email: string, group: string): Promise<void>;
  removeFromGroup(userPoolId: string, email: string, group: string): Promise<void>;
  /** Delete the user; throws an error named UserNotFoundException when there is none. */
  remove(userPoolId: string, email: string): Promise<void>;
  list(userPoolId: string): Promise<Member[]>;
}

/** One EventBridge Scheduler schedule that starts the platform before a meetup. */
export interface MeetupSchedule {
  readonly name: string;
  /** `at(…)` or `cron(…)`, already moved earlier by the lead. */
  readonly expression: string;
  readonly timeZone: string;
  readonly leadMinutes: number;
  readonly windowMinutes: number;
  readonly description: string;
  /** One-off schedules delete themselves after they fire. */
  readonly oneOff: boolean;
  /** Start the recorder with the meeting (the runtime guard adds it once the meeting is READY). */
  readonly record?: boolean;
  readonly state?: string;
}

export interface SchedulesPort {
  /** Create; throws an error named ConflictException when the name exists. */
  create(group: string, schedule: MeetupSchedule, target: { functionArn: string; roleArn: string }): Promise<void>;
  list(group: string): Promise<MeetupSchedule[]>;
  /** Delete; throws an error named ResourceNotFoundException when there is none. */
  remove(group: string, name: string): Promise<void>;
}

/** One transition (or refusal) in the append-only log. */
export interface TransitionEvent {
  readonly at: number;
  readonly actor: string;
  readonly reason: string;
  readonly goal: string;
  readonly from: string;
  readonly to: string;
  /**
   * `aborted`: the lease was lost half-way, so the actor stopped at once and changed nothing more;
   * `cancelled`: a person pressed Ctrl-C (a start was stopped again).
   */
  readonly outcome: 'done' | 'no-op' | 'failed' | 'refused' | 'aborted' | 'cancelled';
  readonly detail?: string;
  /** Minutes a task ran that this transition ended (for the cost report). */
  readonly runningMinutes?: number;
  /** Seconds the transition's steps took (a start's stopped → READY, for the dashboard). */
  readonly elapsedSeconds?: number;
  /** Minutes a recorder task ran that this transition ended (for the cost report). */
  readonly recorderMinutes?: number;
  /** When the task this transition started began running (epoch ms), for month-to-date accounting. */
  readonly taskStartedAt?: number;
}

/** A scheduled meeting: from the pre-warm start until the end of the announced window. */
export interface MeetingWindow {
  readonly schedule: string;
  /** Epoch milliseconds. */
  readonly from: number;
  readonly until: number;
  /** The schedule asked for the recorder. */
  readonly record?: boolean;
}

/** What a would-be holder writes into the lock record. `now` is its own clock, kept for people to read. */
export interface LockWrite {
  readonly owner: string;
  readonly reason: string;
  readonly token: string;
  readonly version: string;
  readonly leaseSeconds: number;
  readonly now: number;
}

/**
 * The DynamoDB state table: a lock record and the event log. The store compares no times: the lock
 * protocol (src/control/lock.ts) lives in the core and only needs these conditional writes.
 */
export interface StateStore {
  /** Create the lock record if there is none. Returns the current record when there is one. */
  acquire(request: LockWrite): Promise<{ acquired: true; lease: LockLease } | { acquired: false; holder: LockLease }>;
  /** Replace the record only if its version is still `expectedVersion` (taking over a dead holder). */
  takeOver(request: LockWrite, expectedVersion: string): Promise<boolean>;
  /** Rewrite the version (and lease) only if `token` still holds the lock; false when it does not. */
  heartbeat(token: string, version: string, leaseSeconds: number, now: number): Promise<boolean>;
  /** Delete the record if `token` still holds it. */
  release(token: string): Promise<void>;
  /** The current lease, if any. */
  current(): Promise<LockLease | undefined>;
  append(event: TransitionEvent): Promise<void>;
  /** Record a scheduled meeting window (the idle stop and the runtime guard respect it). */
  setWindow(window: MeetingWindow): Promise<void>;
  /** The latest scheduled window, if any. */
  window(): Promise<MeetingWindow | undefined>;
  /** Events at or after `since` (epoch ms), oldest first. */
  events(since: number): Promise<TransitionEvent[]>;
}

/** Time, injectable so tests run on a virtual clock. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Any function of a port. */
export type PortCall = (...args: unknown[]) => Promise<unknown>;

/** The same port group with every function replaced by `wrap(call, name)` (classifying errors, simulating actors). */
export function wrapGroup<T extends object>(group: T, wrap: (call: PortCall, name: string) => PortCall): T {
  return Object.fromEntries(Object.entries(group).map(([name, fn]) => [name, wrap(fn as PortCall, name)])) as T;
}

/** Every function of every port group wrapped by `wrap(call, group, name)`. */
export function wrapPorts<T extends object>(ports: T, wrap: (call: PortCall, group: string, name: string) => PortCall): T {
  return Object.fromEntries(
    Object.entries(ports).map(([group, calls]) => [group, wrapGroup(calls as object, (call, name) => wrap(call, group, name))]),
  ) as T;
}
