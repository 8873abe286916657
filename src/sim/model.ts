import type { Clock } from '../control/ports.js';
import {
  DNS_INSYNC_SECONDS,
  DNS_SWITCH_SECONDS,
  RECORDER_TIMELINE,
  SIDECAR_LINGER_SECONDS,
  TARGET_REGISTRATION_SECONDS,
  TASK_TIMELINE,
} from '../control/start-time.js';
import type { Faults } from './faults.js';

/** The start-time model the simulated services run on (this module is the simulator's one import of it). */
export { DNS_INSYNC_SECONDS, RECORDER_TIMELINE };

/**
 * What every simulated AWS service shares: the simulated stack's names, the model's timeline, and
 * the context a service is built with (the one clock, the one fault injection, the lock audit).
 */

export const SECOND = 1000;
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
/** The simulated stack's recordings bucket (the RecordingsBucketName output). */
export const SIMULATED_RECORDINGS_BUCKET = 'meet-recordings-bucket';
/** The simulated asleep page's alias target (direct mode). */
export const SIMULATED_ASLEEP = { dnsName: 'd-sim0000000.execute-api.us-west-2.amazonaws.com', hostedZoneId: 'Z2OJLYMUO9EFXC' };
/** Timeline of a healthy task, from creation (seconds): the start-time model of src/control/start-time.ts. */
export const TIMING = {
  pending: TASK_TIMELINE.placed,
  pulled: TASK_TIMELINE.pulled,
  running: TASK_TIMELINE.running,
  /** Direct mode: web and prosody answer at the task's address (the endpoint checks pass). */
  answering: TASK_TIMELINE.answering,
  healthy: TASK_TIMELINE.healthy,
  targetsHealthy: TARGET_REGISTRATION_SECONDS,
  /** The TLS sidecar RUNNING (direct mode), before the task is. */
  sidecar: TASK_TIMELINE.sidecar,
  dnsSwitched: TASK_TIMELINE.sidecar + DNS_SWITCH_SECONDS,
  dnsInSync: TASK_TIMELINE.sidecar + DNS_SWITCH_SECONDS + DNS_INSYNC_SECONDS,
  /** Told to stop, the Jitsi containers are gone after this many seconds (load-balancer mode: the task too). */
  draining: 20,
  /** Direct mode: the TLS sidecar answers through its linger, then nginx quits; then the task stops. */
  sidecarStopped: SIDECAR_LINGER_SECONDS + 2,
  powerChange: 120,
  delete: 300,
};

/** What a simulated service is built with (SimAws gives every service the same one). */
export interface ServiceContext {
  /** The one clock of the simulated world. */
  readonly clock: Clock;
  /** The scenario's faults. */
  readonly faults: Faults;
  /** Every call a port answers goes through here first: counted, failed as the faults say, world advanced. */
  call(): void;
  /** A mutation, checked against the lock its caller holds (see MutationAudit). */
  mutation(what: string): void;
  /** Advance every simulated service to `now`. */
  tick(now: number): void;
}
