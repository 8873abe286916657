import { PortError } from '../control/errors.js';
import type { ControlPorts } from '../control/ports.js';
import type { Ingress, PowerState } from '../control/snapshot.js';
import {
  SECOND,
  type ServiceContext,
  SIMULATED_ASLEEP,
  SIMULATED_CLUSTER,
  SIMULATED_INTERNAL_SECRET_ARN,
  SIMULATED_RECORDER_LAUNCHER,
  SIMULATED_RECORDER_SECRET_ARN,
  SIMULATED_RECORDINGS_BUCKET,
  SIMULATED_SERVICE,
  SIMULATED_TOKEN_SECRET_ARN,
  TIMING,
} from './model.js';
import type { SimulatedEcs } from './simulated-ecs.js';
import type { SimulatedHostRecord } from './simulated-host-record.js';
import type { SimulatedRecordingsBucket } from './simulated-s3.js';

/** The stack's resources CloudFormation creates, updates and deletes. */
export interface StackResources {
  readonly ecs: SimulatedEcs;
  readonly hostRecord: SimulatedHostRecord;
  readonly bucket: SimulatedRecordingsBucket;
  /** The stack has a recorder (its outputs then name it). */
  readonly recorderEnabled: () => boolean;
}

/**
 * CloudFormation: one stack with a PowerState parameter, deployed, updated (a power change, a
 * deploy) and deleted on the virtual clock; powering down deletes the ECS service (faults:
 * `stackBusyUntil`, `powerChangeFails`, `updateRollbackFails`).
 */
export class SimulatedCloudFormation {
  power: PowerState;
  private status = 'CREATE_COMPLETE';
  /** When the stack took its status: the Timestamp of its own newest event (DescribeStackEvents). */
  statusSince = 0;
  stackChangeUntil = 0;
  pendingPower?: PowerState;
  deletingUntil?: number;
  deleted = false;
  /** The DesiredCount of the template last deployed. */
  templateDesired = 0;
  /** Deploys run through `deploy()`. */
  readonly deploys: Array<{ at: number; desiredCount: number }> = [];
  /** direct: no load balancer; the DNS function's rows and Route 53 changes instead of target health. */
  ingress: Ingress;

  constructor(
    private readonly ctx: ServiceContext,
    readonly stackName: string,
    readonly domain: string,
    private readonly resources: StackResources,
    options: { power: PowerState; ingress: Ingress },
  ) {
    this.power = options.power;
    this.ingress = options.ingress;
    this.statusSince = ctx.clock.now();
    if (ctx.faults.stackBusyUntil) this.stackStatus = 'UPDATE_IN_PROGRESS';
  }

  get stackStatus(): string {
    return this.status;
  }
  /** A status set from outside (a test, a restore) took effect now. */
  set stackStatus(value: string) {
    this.enter(value, this.ctx.clock.now());
  }

  /** The stack takes `status` at `at`; CloudFormation records a stack event only for a change. */
  private enter(status: string, at: number): void {
    if (status === this.status) return;
    this.status = status;
    this.statusSince = at;
  }

  /** Advance the stack to `now`: updates and rollbacks finish, a delete ends, the service follows the power. */
  tick(now: number): void {
    this.advanceUpdate(now);
    this.advanceDelete(now);
    const ecs = this.resources.ecs;
    // Powering down deletes the service; its tasks are stopped.
    if (this.stackStatus === 'UPDATE_IN_PROGRESS' && this.pendingPower === 'off' && ecs.serviceExists) {
      ecs.serviceExists = false;
      ecs.desired = 0;
      ecs.stopAll(now);
    }
    if (this.stackStatus !== 'UPDATE_IN_PROGRESS' && this.power === 'on' && !ecs.serviceExists) {
      ecs.serviceExists = true;
      ecs.desired = this.templateDesired;
    }
  }

  private advanceUpdate(now: number): void {
    const faults = this.ctx.faults;
    if (faults.stackBusyUntil && now < faults.stackBusyUntil) {
      this.stackStatus = 'UPDATE_IN_PROGRESS';
      return;
    }
    if (this.stackStatus === 'UPDATE_IN_PROGRESS' && now >= this.stackChangeUntil) {
      const ended = this.stackChangeUntil;
      if ((this.pendingPower && faults.powerChangeFails) || faults.updateRollbackFails) {
        this.enter('UPDATE_ROLLBACK_IN_PROGRESS', ended);
        this.pendingPower = undefined;
        this.stackChangeUntil = ended + 60 * SECOND;
      } else {
        this.enter('UPDATE_COMPLETE', ended);
        if (this.pendingPower) {
          this.power = this.pendingPower;
          this.pendingPower = undefined;
        }
      }
    }
    // The rollback may have ended too by now (the world advances on each call, not on each second).
    if (this.stackStatus === 'UPDATE_ROLLBACK_IN_PROGRESS' && now >= this.stackChangeUntil) {
      this.enter(faults.updateRollbackFails ? 'UPDATE_ROLLBACK_FAILED' : 'UPDATE_ROLLBACK_COMPLETE', this.stackChangeUntil);
    }
  }

  /**
   * ContinueUpdateRollback, once a person fixed what the rollback failed on: the stack rolls back to
   * UPDATE_ROLLBACK_COMPLETE and can be updated again (CloudFormation API Reference).
   */
  continueUpdateRollback(): void {
    if (this.stackStatus !== 'UPDATE_ROLLBACK_FAILED') {
      throw new PortError('other', 'ValidationError', `Stack is in ${this.stackStatus} state and can not be rolled back.`);
    }
    this.ctx.faults.updateRollbackFails = false;
    this.stackStatus = 'UPDATE_ROLLBACK_IN_PROGRESS';
    this.stackChangeUntil = this.ctx.clock.now() + 60 * SECOND;
  }

  private advanceDelete(now: number): void {
    if (this.deletingUntil === undefined || now < this.deletingUntil) return;
    // CloudFormation deletes the meeting host's record by the values it created (the asleep alias):
    // a record that names an address instead fails the delete.
    if (this.ingress === 'direct' && this.resources.hostRecord.hostRecordTarget?.kind !== 'asleep') {
      this.enter('DELETE_FAILED', this.deletingUntil);
      this.deletingUntil = undefined;
    } else this.deleted = true;
  }

  /**
   * A `cdk deploy` of a template whose service says DesiredCount `desiredCount`. CloudFormation
   * applies the template's DesiredCount on every update that touches the service (a new task
   * definition, for one): aws/containers-roadmap #493. A running task is replaced.
   */
  async deploy(desiredCount: number, options: { changesTaskDefinition?: boolean; ingress?: Ingress } = {}): Promise<void> {
    this.ctx.call();
    this.refuseUpdate();
    this.ctx.mutation('deploy');
    const now = this.ctx.clock.now();
    this.deploys.push({ at: now, desiredCount });
    if (this.deleted) this.create();
    this.templateDesired = desiredCount;
    if (options.ingress && options.ingress !== this.ingress) {
      // A mode switch: direct has no power-down tier, so the stack comes up on (and the task is replaced).
      this.ingress = options.ingress;
      if (this.ingress === 'direct') {
        this.power = 'on';
        this.resources.ecs.serviceExists = true;
        // The record becomes the asleep page's alias (a property update of CloudFormation's record).
        this.resources.hostRecord.hostRecordTarget = { kind: 'asleep' };
      }
    }
    this.stackStatus = 'UPDATE_IN_PROGRESS';
    this.stackChangeUntil = now + TIMING.powerChange * SECOND;
    const ecs = this.resources.ecs;
    if (ecs.serviceExists) {
      ecs.desired = this.templateDesired;
      if (options.changesTaskDefinition ?? true) ecs.stopAll(now);
    }
    this.ctx.tick(now);
  }

  /**
   * UpdateStack refuses a stack that is changing, and one whose rollback failed: only
   * ContinueUpdateRollback (or a delete) moves it on (CloudFormation API Reference, ContinueUpdateRollback).
   */
  private refuseUpdate(): void {
    if (this.stackStatus.endsWith('_IN_PROGRESS') || this.stackStatus === 'UPDATE_ROLLBACK_FAILED') {
      throw new PortError('other', 'ValidationError', `Stack is in ${this.stackStatus} state and can not be updated.`);
    }
  }

  /** A first deploy (or one after a destroy): the stack is created, with a new bucket if the old one was deleted. */
  private create(): void {
    const { ecs, hostRecord, bucket } = this.resources;
    this.deleted = false;
    this.deletingUntil = undefined;
    ecs.tasks = [];
    ecs.desired = 0;
    bucket.deletedRecordings = false;
    hostRecord.hostRecordTarget = { kind: 'asleep' };
    hostRecord.dnsRows = {};
    ecs.serviceExists = this.power === 'on';
  }

  private outputs(): Record<string, string> {
    return {
      MeetingUrl: `https://${this.domain}`,
      ClusterName: SIMULATED_CLUSTER,
      RecordingsBucketName: SIMULATED_RECORDINGS_BUCKET,
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
      ...(this.resources.recorderEnabled()
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
      ...(this.resources.ecs.serviceExists
        ? {
            ServiceName: SIMULATED_SERVICE,
            TaskDefinitionFamily: 'meet-task',
            ...(this.ingress === 'load-balancer' ? { WebTargetGroupArn: 'arn:tg/web' } : {}),
          }
        : {}),
    };
  }

  readonly port: ControlPorts['stack'] = {
    describe: async () => {
      this.ctx.call();
      if (this.deleted) return undefined;
      const status = this.deletingUntil !== undefined ? 'DELETE_IN_PROGRESS' : this.stackStatus;
      return { name: this.stackName, status, powerState: this.pendingPower ?? this.power, outputs: this.outputs() };
    },
    statusSince: async (status) => {
      this.ctx.call();
      return !this.deleted && this.deletingUntil === undefined && status === this.stackStatus ? this.statusSince : undefined;
    },
    setPower: async (power) => {
      this.ctx.call();
      this.refuseUpdate();
      if (this.ingress === 'direct' && power === 'off') {
        // The direct-mode template allows only "on".
        throw new PortError('other', 'ValidationError', "Parameter 'PowerState' must be one of AllowedValues");
      }
      this.ctx.mutation('setPower');
      // CloudFormation answers an update that changes nothing with "No updates are to be performed."
      // (a ValidationError); the port, like the SDK adapter, reports that as done.
      if (power === this.power && !this.pendingPower) return;
      this.stackStatus = 'UPDATE_IN_PROGRESS';
      this.pendingPower = power;
      this.stackChangeUntil = this.ctx.clock.now() + TIMING.powerChange * SECOND;
      this.ctx.tick(this.ctx.clock.now());
    },
    delete: async () => {
      this.ctx.call();
      this.ctx.mutation('delete');
      this.deletingUntil = this.ctx.clock.now() + TIMING.delete * SECOND;
      this.resources.ecs.stopAll(this.ctx.clock.now());
      this.resources.ecs.desired = 0;
    },
  };
}
