import { PortError } from '../control/errors.js';
import type { ControlPorts } from '../control/ports.js';
import type { Ingress, TaskDnsStatus } from '../control/snapshot.js';
import { type RecordTarget, SERVING_CONTAINER } from '../control/task-dns.js';
import { DNS_INSYNC_SECONDS, SECOND, type ServiceContext, TIMING } from './model.js';
import type { SimulatedEcs } from './simulated-ecs.js';

/**
 * Direct mode's DNS: the meeting host's A record in Route 53, the DNS function (src/control/task-dns.ts)
 * that points it at a task on the task's events, and that function's task rows (faults:
 * `dnsNeverSwitches`, `dnsMissesStop`).
 */
export class SimulatedHostRecord {
  /** Where the meeting host's A record points (CloudFormation creates the asleep alias). */
  hostRecordTarget: RecordTarget | undefined = { kind: 'asleep' };
  /** The DNS function's task rows (the newest event version, the address, the change noted). */
  dnsRows: Record<string, { version: number; ip?: string; changeId?: string }> = {};
  /** Route 53 changes to the host record: change id → when it was made (INSYNC DNS_INSYNC_SECONDS later). */
  dnsChanges: Record<string, number> = {};

  constructor(
    private readonly ctx: ServiceContext,
    private readonly ecs: SimulatedEcs,
    private readonly ingress: () => Ingress,
  ) {}

  /** A Route 53 change of the host record made at `at`; its id. */
  private dnsChange(at: number): string {
    const id = `/change/CSIM${String(Object.keys(this.dnsChanges).length + 1).padStart(10, '0')}`;
    this.dnsChanges[id] = at;
    return id;
  }

  /**
   * The DNS function on each task's events: once the TLS sidecar runs (a container state change, the
   * task still PENDING) it records the address and points the host at it; on the first event that
   * says stop it points the host back at the asleep page, if it still holds this task's address.
   * Faults make it miss either.
   */
  tick(now: number): void {
    if (this.ingress() !== 'direct') return;
    const faults = this.ctx.faults;
    for (const t of this.ecs.tasks) {
      const switchAt = t.createdAt + TIMING.dnsSwitched * SECOND;
      const sidecarRuns = this.ecs
        .snapshotTask(t, now)
        .containers.some((c) => c.name === SERVING_CONTAINER && c.lastStatus === 'RUNNING');
      if (!t.dnsRunning && sidecarRuns && now >= switchAt && !faults.dnsNeverSwitches) {
        t.dnsRunning = true;
        const ip = this.ecs.taskIp(t);
        const changeId = this.dnsChange(switchAt);
        this.hostRecordTarget = { kind: 'task', ip };
        this.dnsRows[t.arn] = { version: 3, ip, changeId };
      }
      if (!t.dnsStopping && t.stopRequestedAt !== undefined) {
        t.dnsStopping = true;
        if (faults.dnsMissesStop) continue;
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

  readonly taskDns: ControlPorts['taskDns'] = {
    status: async (taskArn): Promise<TaskDnsStatus | undefined> => {
      this.ctx.call();
      const row = this.dnsRows[taskArn];
      if (this.ingress() !== 'direct' || !row?.ip) return undefined;
      const changedAt = row.changeId ? this.dnsChanges[row.changeId] : undefined;
      return {
        taskArn,
        ip: row.ip,
        inSync: changedAt !== undefined && this.ctx.clock.now() >= changedAt + DNS_INSYNC_SECONDS * SECOND,
        ...(changedAt !== undefined ? { changeSubmittedAt: changedAt } : {}),
      };
    },
  };

  readonly hostRecord: ControlPorts['hostRecord'] = {
    current: async () => {
      this.ctx.call();
      return this.hostRecordTarget;
    },
    replace: async (from, to) => {
      this.ctx.call();
      // Route 53's conditional batch: DELETE exactly what is there (or CREATE where nothing is).
      if (JSON.stringify(from ?? null) !== JSON.stringify(this.hostRecordTarget ?? null)) {
        throw new PortError(
          'other',
          'StaleRecordError',
          'Tried to delete resource record set but the values provided do not match the current values',
        );
      }
      this.hostRecordTarget = to;
      return this.dnsChange(this.ctx.clock.now());
    },
    publicIp: async (eniId) => {
      this.ctx.call();
      const now = this.ctx.clock.now();
      const task = this.ecs.tasks.find((t) => this.ecs.taskEni(t) === eniId && t.stoppedAt === undefined);
      return task && this.ecs.lastStatus(task, now) !== 'PROVISIONING' ? this.ecs.taskIp(task) : undefined;
    },
    taskRow: async (arn) => {
      this.ctx.call();
      const row = this.dnsRows[arn];
      return row ? { version: row.version, ...(row.ip ? { ip: row.ip } : {}) } : undefined;
    },
    putTaskRow: async (arn, version, ip) => {
      this.ctx.call();
      const row = this.dnsRows[arn];
      if (row && row.version > version) return false;
      this.dnsRows[arn] = { ...row, version, ...(ip ? { ip } : {}) };
      return true;
    },
    noteChange: async (arn, version, changeId) => {
      this.ctx.call();
      const row = this.dnsRows[arn];
      if (row?.version === version) row.changeId = changeId;
    },
  };
}
