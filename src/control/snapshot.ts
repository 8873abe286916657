import type { PendingRecording, RecorderStatus } from '../recording/recorder.js';

/**
 * What the control plane knows about the world at one instant. Built by `observe()` from the ports;
 * everything else in the core is a pure function of it.
 */
export type PowerState = 'on' | 'off';
/**
 * How browsers reach the task: `direct` (the task terminates TLS and the DNS function points the
 * host at it) or `load-balancer` (a Network Load Balancer terminates TLS 443).
 */
export type Ingress = 'direct' | 'load-balancer';
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
  /** When Fargate began and finished pulling the task's images (DescribeTasks; for `start` timings). */
  readonly pullStartedAt?: number;
  readonly pullStoppedAt?: number;
  readonly startedAt?: number;
  readonly stoppedAt?: number;
  readonly stopCode?: string;
  readonly stoppedReason?: string;
  readonly containers: readonly ContainerSnapshot[];
  /** The task's private IPv4 address (awsvpc), where the recorder reaches prosody. */
  readonly privateIp?: string;
  /** The task's network interface (awsvpc): its public address is the meeting host's in direct mode. */
  readonly eniId?: string;
}

/**
 * The recorder (server-side recording), when the stack has one: its instance group, the instances
 * registered with the cluster, its tasks, and what Jibri said last.
 */
export interface RecorderSnapshot {
  /** The Auto Scaling group's desired capacity (0 or 1). */
  readonly desiredCapacity: number;
  /** ECS container instances registered with the cluster (the recorder's, since the service is on Fargate). */
  readonly instances: number;
  /** Live recorder tasks and those stopped recently. */
  readonly tasks: readonly TaskSnapshot[];
  /** The status container's newest line of the last few minutes, while a recorder task lives. */
  readonly status?: RecorderStatus;
  /**
   * Recordings on the recorder's disk that S3 has not confirmed, as its newest status line says (the
   * last line of a stopped task when none lives): the recorder is never removed while there are any.
   */
  readonly pending: readonly PendingRecording[];
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
  /**
   * Epoch ms CloudFormation put the stack in `status` (the Timestamp of the stack's own newest event
   * with that status). Read only when asked for (the runtime guard) and the stack is broken.
   */
  readonly statusSince?: number;
}

export interface CheckResult {
  readonly name: string;
  readonly status: 'pass' | 'fail' | 'skip';
  readonly detail: string;
  /** How to fix a failure. */
  readonly hint?: string;
}

/** The lock record as stored (see src/control/lock.ts). */
export interface LockLease {
  readonly owner: string;
  readonly reason: string;
  /** The holder's identity: heartbeat and release are conditional on it (fencing). */
  readonly token: string;
  /** Record version number: rewritten on every heartbeat; a taker watches it stay unchanged. */
  readonly version: string;
  /** The lease duration the holder declared. */
  readonly leaseSeconds: number;
  /** Epoch ms on the holder's clock: for people to read only, never compared across clocks. */
  readonly acquiredAt: number;
  /** Epoch ms of the last heartbeat on the holder's clock: for people to read only. */
  readonly heartbeatAt: number;
}

/**
 * Direct mode: what the DNS function recorded for the running task: its public IPv4 address, and
 * whether the Route 53 change that pointed the meeting host at it is INSYNC on every server.
 */
export interface TaskDnsStatus {
  readonly taskArn: string;
  readonly ip?: string;
  readonly inSync: boolean;
  /** Epoch ms Route 53 accepted the change (GetChange SubmittedAt), for `start` timings. */
  readonly changeSubmittedAt?: number;
}

/**
 * Direct mode: what the certificate function last reported (no key, no certificate: dates and the
 * outcome only), for `meetctl health`.
 */
export interface CertificateStatus {
  /** Epoch ms; undefined while no certificate was ever issued. */
  readonly notAfter?: number;
  /** When the function last ran (epoch ms). */
  readonly checkedAt: number;
  /** not-due, issued, renewed, deferred or failed. */
  readonly action: string;
  readonly why?: string;
}

export interface Snapshot {
  /** Epoch milliseconds when observed. */
  readonly at: number;
  readonly stack: StackSnapshot;
  /** From the stack's IngressMode output; stacks from before it existed are `load-balancer`. */
  readonly ingress: Ingress;
  /** Direct mode, while a task runs: where the meeting host's record stands for it. */
  readonly taskDns?: TaskDnsStatus;
  /** Direct mode, when asked for: the certificate function's last report. */
  readonly certificate?: CertificateStatus;
  /** Undefined when the service does not exist (powered down). */
  readonly service?: { readonly desired: number; readonly running: number; readonly pending: number };
  /** Live tasks and those stopped recently (ECS keeps stopped tasks about an hour). */
  readonly tasks: readonly TaskSnapshot[];
  /** The load balancer's web (TLS 443) targets; media never goes through it. */
  readonly targets: { readonly web: readonly TargetSnapshot[] };
  /** Endpoint checks, when they were run. */
  readonly endpoints?: readonly CheckResult[];
  /** People in conferences, when known: the stats sidecar's latest line, at most 3 minutes old. */
  readonly participants?: number;
  /** The sidecar's recent lines (oldest first), when they were read. */
  readonly stats?: readonly StatsSample[];
  readonly lock?: LockLease;
  /** Server-side recording: undefined when the stack has no recorder. */
  readonly recorder?: RecorderSnapshot;
}

/** One line of the stats sidecar: how many people were in calls at a time. */
export interface StatsSample {
  /** Epoch milliseconds. */
  readonly at: number;
  readonly participants: number;
  /**
   * Guests connected to the XMPP server, when prosody answered. With nobody in a call they are
   * waiting in the lobby for a host (src/control/stats-lines.ts).
   */
  readonly guests?: number;
}

export const isLive = (task: TaskSnapshot): boolean => task.lastStatus !== 'STOPPED';

/** The recorder task that is running or starting (not told to stop), if any. */
export const liveRecorderTask = (snapshot: Snapshot): TaskSnapshot | undefined =>
  snapshot.recorder?.tasks.find((t) => isLive(t) && t.desiredStatus !== 'STOPPED');

/** Something of the recorder bills: an instance asked for or registered, or a task alive. */
export const recorderLive = (snapshot: Snapshot): boolean =>
  Boolean(
    snapshot.recorder &&
      (snapshot.recorder.desiredCapacity > 0 || snapshot.recorder.instances > 0 || snapshot.recorder.tasks.some(isLive)),
  );

/** Jibri says it is busy: recording while the meeting runs, uploading after it. */
export const recorderBusy = (snapshot: Snapshot): boolean =>
  Boolean(liveRecorderTask(snapshot) && snapshot.recorder?.status?.busy === 'BUSY');

/** A recording is running: Jibri is busy while the meeting task still runs (after it, busy means uploading). */
export const recordingNow = (snapshot: Snapshot): boolean =>
  recorderBusy(snapshot) && snapshot.tasks.some((t) => t.lastStatus === 'RUNNING' && t.desiredStatus !== 'STOPPED');

/** Recordings waiting on the recorder's disk for an upload (none without a recorder). */
export const recorderPending = (snapshot: Snapshot): readonly PendingRecording[] => snapshot.recorder?.pending ?? [];

/**
 * Where the recorder is, in words people and scripts read (status, the page). `pending`: no meeting
 * runs, and a recording on the recorder is not in S3 yet (the recorder is kept and retries).
 */
export type RecorderState = 'off' | 'starting' | 'ready' | 'recording' | 'uploading' | 'pending' | 'stopping';

export function recorderState(snapshot: Snapshot): RecorderState {
  const r = snapshot.recorder;
  if (!r || !recorderLive(snapshot)) return 'off';
  const task = liveRecorderTask(snapshot);
  const meeting = snapshot.tasks.some((t) => t.lastStatus === 'RUNNING' && t.desiredStatus !== 'STOPPED');
  if (!task) {
    if (r.pending.length > 0) return 'pending';
    return r.desiredCapacity > 0 && !r.tasks.some(isLive) ? 'starting' : 'stopping';
  }
  if (task.lastStatus !== 'RUNNING' || !r.status?.answering) return 'starting';
  if (r.status.busy === 'BUSY') return recordingNow(snapshot) ? 'recording' : 'uploading';
  if (r.pending.length > 0 && !meeting) return 'pending';
  return 'ready';
}
