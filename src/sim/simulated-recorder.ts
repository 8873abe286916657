import { PortError } from '../control/errors.js';
import type { ControlPorts } from '../control/ports.js';
import type { TaskSnapshot } from '../control/snapshot.js';
import { type PendingRecording, type RecorderStatus, UPLOAD_RETRY_SECONDS } from '../recording/recorder.js';
import { RECORDER_TIMELINE, SECOND, type ServiceContext, SIMULATED_RECORDER_LAUNCHER } from './model.js';
import type { SimulatedEcs } from './simulated-ecs.js';
import type { VersionedObjects } from './simulated-s3.js';

export type SimRecorderTask = {
  arn: string;
  createdAt: number;
  xmppServer: string;
  stopRequestedAt?: number;
  stoppedAt?: number;
};
type PendingUpload = { key: string; at: number; seconds: number };

/** JSON has no Infinity (it writes null): an upload that never ends (the uploadHangs fault) is saved as 'never'. */
const NEVER = 'never';
const toSaved = (at: number | undefined): number | typeof NEVER | null =>
  at === Number.POSITIVE_INFINITY ? NEVER : (at ?? null);
const fromSaved = (saved: unknown): number | undefined =>
  saved === NEVER ? Number.POSITIVE_INFINITY : typeof saved === 'number' ? saved : undefined;

/**
 * Server-side recording: the recorder's Auto Scaling group (desired capacity, its one instance and
 * that instance's disk), the recorder's ECS tasks on it, the launcher function (Lambda), Jibri's
 * status and the uploads to the recordings bucket (faults: `recorderNeverRegisters`, `uploadHangs`,
 * `recorderNeverReady`, `uploadFails`).
 */
export class SimulatedRecorder {
  enabled: boolean;
  capacity = 0;
  /** When the capacity became 1 (the instance registers RECORDER_TIMELINE.instance later), or 0. */
  private capacityAt = 0;
  tasks: SimRecorderTask[] = [];
  /** A recording in progress since this time (a person pressed Record), until the meeting ends. */
  recordingSince?: number;
  private recordingStopped = false;
  /** The finalize script uploads until this time. */
  uploadingUntil?: number;
  private pendingUpload?: PendingUpload;
  /**
   * Recordings on the recorder instance's disk that S3 has not confirmed, with their markers; the
   * disk outlives a task and goes with the instance.
   */
  disk: Array<PendingRecording & { key: string; seconds: number }> = [];
  /** When the uploader container last tried the pending recordings. */
  private uploaderRoundAt?: number;
  /** Recordings made: each ends up as an object in the bucket. */
  recordingCounter = 0;
  /** Recordings lost: the recorder's instance went while a recording waited on its disk (must stay 0). */
  lostRecordings = 0;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly ecs: SimulatedEcs,
    /** The recordings bucket's objects, where the uploads land. */
    private readonly objects: VersionedObjects,
    enabled: boolean,
  ) {
    this.enabled = enabled;
  }

  /** A person presses Record in the meeting (the recorder must be up). */
  startRecording(): void {
    this.ctx.tick(this.ctx.clock.now());
    this.recordingSince = this.ctx.clock.now();
  }

  /** A person stops the recording in the meeting: Jibri finalizes and uploads while the meeting goes on. */
  stopRecording(): void {
    this.ctx.tick(this.ctx.clock.now());
    this.recordingStopped = true;
    this.ctx.tick(this.ctx.clock.now());
  }

  /** The meeting ended while recording: Jibri finalizes and uploads, then the recording is in the bucket. */
  tick(now: number): void {
    this.endRecording(now);
    this.stopTasks(now);
    if (this.uploadingUntil !== undefined && now >= this.uploadingUntil) {
      if (this.pendingUpload) {
        const { key, at, seconds } = this.pendingUpload;
        if (this.ctx.faults.uploadFails) this.keepOnDisk(key, seconds, this.ctx.faults.uploadFails, at);
        else this.putRecording(key, seconds, at);
      }
      this.pendingUpload = undefined;
      this.uploadingUntil = undefined;
    }
    this.tickUploader(now);
    // The instance goes (capacity 0, drained) with its disk: whatever waited there is lost.
    if (this.disk.length > 0 && !this.instanceUp(now)) {
      this.lostRecordings += this.disk.length;
      this.disk = [];
    }
  }

  /** A recording ends with the meeting, its recorder, or a person stopping it: its upload starts (or it stays on disk). */
  private endRecording(now: number): void {
    const meetingLive = this.ecs.tasks.some((t) => t.stoppedAt === undefined && t.stopRequestedAt === undefined);
    const recorder = this.tasks.find((t) => t.stoppedAt === undefined && t.stopRequestedAt === undefined);
    if (this.recordingSince === undefined || (meetingLive && recorder && !this.recordingStopped)) return;
    const since = this.recordingSince;
    this.recordingSince = undefined;
    this.recordingStopped = false;
    this.recordingCounter += 1;
    const day = new Date(since).toISOString().slice(0, 10);
    const stamp = new Date(since).toISOString().slice(0, 19).replace('T', '-').replace(/:/g, '-');
    const key = `recordings/${day}/meetup/meetup_${stamp}.mp4`;
    const seconds = (now - since) / SECOND;
    if (recorder) {
      this.uploadingUntil = this.ctx.faults.uploadHangs ? Number.POSITIVE_INFINITY : now + RECORDER_TIMELINE.upload * SECOND;
      this.pendingUpload = { key, at: this.uploadingUntil, seconds };
    } else {
      // The recorder was stopped while it recorded: the file stays on the disk, and the next task marks it.
      this.keepOnDisk(key, seconds, 'the recorder stopped before it uploaded this recording', now);
    }
  }

  /** Recorder tasks asked to stop stop 10 s later; one stopped during its upload leaves the file on the disk. */
  private stopTasks(now: number): void {
    for (const t of this.tasks) {
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
  }

  /** The uploader container: a round at the recorder task's start, then every UPLOAD_RETRY_SECONDS. */
  private tickUploader(now: number): void {
    const task = this.tasks.find((t) => t.stoppedAt === undefined && t.stopRequestedAt === undefined);
    const running = task ? task.createdAt + RECORDER_TIMELINE.running * SECOND : undefined;
    if (running === undefined || now < running) return;
    const due =
      this.uploaderRoundAt === undefined || this.uploaderRoundAt < running
        ? running
        : this.uploaderRoundAt + UPLOAD_RETRY_SECONDS * SECOND;
    if (now < due) return;
    this.uploaderRoundAt = due;
    const waiting = this.disk;
    this.disk = [];
    for (const r of waiting) {
      if (this.ctx.faults.uploadFails) this.disk.push({ ...r, why: this.ctx.faults.uploadFails, tries: r.tries + 1 });
      else this.putRecording(r.key, r.seconds, due);
    }
  }

  private keepOnDisk(key: string, seconds: number, why: string, at: number): void {
    const file = key.split('/').pop() ?? key;
    this.disk.push({ file, key, why, since: new Date(at).toISOString(), tries: 1, seconds });
  }

  private putRecording(key: string, seconds: number, at: number): void {
    this.objects.set(key, { body: 'simulated video', at });
    this.objects.set(key.replace(/\.mp4$/, '.json'), {
      body: JSON.stringify({ room: 'meetup', start: new Date(at - seconds * SECOND).toISOString(), durationSeconds: seconds }),
      at,
    });
  }

  /** The recorder instance is registered with the cluster. */
  private instanceUp(now: number): boolean {
    if (this.ctx.faults.recorderNeverRegisters) return false;
    if (this.capacity > 0) return now >= this.capacityAt + RECORDER_TIMELINE.instance * SECOND;
    // At 0, ECS's managed draining keeps the instance until its tasks have stopped, then it goes in 30 s.
    const lastStop = Math.max(this.capacityAt, ...this.tasks.map((t) => t.stoppedAt ?? Infinity));
    return this.tasks.some((t) => t.stoppedAt === undefined) || now < lastStop + 30 * SECOND;
  }

  private taskSnapshot(t: SimRecorderTask, now: number): TaskSnapshot {
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

  /**
   * What the recorder's status container says: now while a task lives; with none alive, its last
   * line (at the newest task's stop) when that was at or after `since`.
   */
  private status(now: number, since = 0): RecorderStatus | undefined {
    const pending = this.disk.map(({ seconds: _seconds, ...marker }) => marker);
    const t = this.tasks.find((x) => x.stoppedAt === undefined);
    if (!t) {
      const last = Math.max(0, ...this.tasks.map((x) => x.stoppedAt ?? 0));
      return last > 0 && last >= since ? { at: last, answering: false, pending } : undefined;
    }
    const readyAt = t.createdAt + (RECORDER_TIMELINE.running + RECORDER_TIMELINE.ready) * SECOND;
    if (now < t.createdAt + RECORDER_TIMELINE.running * SECOND) return undefined;
    if (now < readyAt || this.ctx.faults.recorderNeverReady) return { at: now, answering: false, pending };
    const busy = this.recordingSince !== undefined || this.uploadingUntil !== undefined;
    return { at: now, answering: true, busy: busy ? 'BUSY' : 'IDLE', healthy: true, pending };
  }

  /** The launcher function (src/recording/launcher.ts): a recorder task next to the running meeting; its ARN. */
  private launch(launcher: string): string {
    if (launcher !== SIMULATED_RECORDER_LAUNCHER) {
      throw new PortError('other', 'ResourceNotFoundException', `Function not found: ${launcher}`);
    }
    // The launcher finds the meeting's address itself (src/recording/launcher.ts).
    const now = this.ctx.clock.now();
    const meeting = this.ecs.tasks.find(
      (t) => t.stoppedAt === undefined && t.stopRequestedAt === undefined && this.ecs.lastStatus(t, now) === 'RUNNING',
    );
    if (!meeting) {
      throw new PortError(
        'other',
        'NoMeetingTask',
        'no meeting task runs: the recorder joins a running meeting only (start the meeting first)',
      );
    }
    const xmppServer = this.ecs.taskPrivateIp(meeting);
    const existing = this.tasks.find(
      (t) => t.stoppedAt === undefined && t.stopRequestedAt === undefined && t.xmppServer === xmppServer,
    );
    if (existing) return existing.arn;
    if (!this.instanceUp(now) || this.capacity === 0) {
      throw new PortError('other', 'RunTaskFailure', 'ECS could not place the recorder: RESOURCE:MEMORY (no container instance)');
    }
    const arn = `arn:aws:ecs:us-west-2:111122223333:task/meet-cluster/recorder${this.tasks.length + 1}`;
    this.tasks.push({ arn, createdAt: now, xmppServer });
    return arn;
  }

  readonly port: ControlPorts['recorder'] = {
    capacity: async () => {
      this.ctx.call();
      return this.capacity;
    },
    setCapacity: async (_group, count) => {
      this.ctx.call();
      this.ctx.mutation(`recorder capacity ${count}`);
      if (count !== this.capacity) this.capacityAt = this.ctx.clock.now();
      this.capacity = count;
    },
    instances: async () => {
      this.ctx.call();
      return this.enabled && this.instanceUp(this.ctx.clock.now()) ? 1 : 0;
    },
    tasks: async () => {
      this.ctx.call();
      return this.tasks.map((t) => this.taskSnapshot(t, this.ctx.clock.now()));
    },
    launch: async (launcher) => {
      this.ctx.call();
      this.ctx.mutation('launch recorder');
      return this.launch(launcher);
    },
    stop: async (_cluster, arn) => {
      this.ctx.call();
      this.ctx.mutation(`stop recorder ${arn}`);
      const t = this.tasks.find((x) => x.arn === arn);
      if (t) t.stopRequestedAt ??= this.ctx.clock.now();
    },
    status: async (_group, since) => {
      this.ctx.call();
      return this.status(this.ctx.clock.now(), since);
    },
  };

  /** What changes, for a simulation kept between commands (the `recorder` part of SimAws.toJSON). */
  toJSON(): Record<string, unknown> {
    return {
      enabled: this.enabled,
      capacity: this.capacity,
      capacityAt: this.capacityAt,
      tasks: this.tasks,
      recordingSince: this.recordingSince ?? null,
      uploadingUntil: toSaved(this.uploadingUntil),
      pendingUpload: this.pendingUpload ? { ...this.pendingUpload, at: toSaved(this.pendingUpload.at) } : null,
      disk: this.disk,
      uploaderRoundAt: this.uploaderRoundAt ?? null,
    };
  }

  /** Restore what `toJSON` saved. */
  restore(recorder: Record<string, unknown>): void {
    this.enabled = Boolean(recorder.enabled) || this.enabled;
    this.capacity = Number(recorder.capacity) || 0;
    this.capacityAt = Number(recorder.capacityAt) || 0;
    this.tasks = (recorder.tasks as SimRecorderTask[]) ?? [];
    this.recordingSince = (recorder.recordingSince as number | null) ?? undefined;
    this.uploadingUntil = fromSaved(recorder.uploadingUntil);
    const pending = recorder.pendingUpload as (Omit<PendingUpload, 'at'> & { at: unknown }) | null | undefined;
    this.pendingUpload = pending ? { ...pending, at: fromSaved(pending.at) ?? Number.POSITIVE_INFINITY } : undefined;
    this.disk = (recorder.disk as SimulatedRecorder['disk']) ?? [];
    this.uploaderRoundAt = (recorder.uploaderRoundAt as number | null) ?? undefined;
  }
}
