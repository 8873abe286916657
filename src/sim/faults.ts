import { PortError } from '../control/errors.js';
import type { Clock } from '../control/ports.js';

/** The faults a scenario injects into the simulated AWS; every simulated service reads them from here. */
export interface Faults {
  /** Tasks never leave PENDING. */
  stuckPending?: boolean;
  /**
   * Fargate has no capacity for the task: the service scheduler creates none while it lasts (ECS keeps
   * trying, and the service's events say "Capacity is unavailable at this time").
   */
  noCapacity?: boolean;
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
  /**
   * Every stack update (a deploy, a power change) fails and so does its rollback: the stack is left
   * UPDATE_ROLLBACK_FAILED, with the resources it had, until a person continues the rollback.
   */
  updateRollbackFails?: boolean;
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
 * The door every simulated AWS call goes through: it counts the call, fails it as the scenario's
 * call-level faults say (expired credentials, throttling bursts), then advances the world to now.
 * The other faults are read where they act, by the service they concern.
 */
export class FaultInjection {
  calls = 0;
  throttled = 0;

  constructor(
    private readonly clock: Clock,
    readonly faults: Faults,
    /** Advance every simulated service to `now`. */
    private readonly advance: (now: number) => void,
  ) {}

  call(): void {
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
    this.advance(now);
  }
}
