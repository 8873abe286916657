import { type BandwidthPreset, DEFAULT_BANDWIDTH_PRESET } from '../config/bandwidth.js';
import { EGRESS_GB_PER_PARTICIPANT_HOUR, recorderGbPerHour } from './bandwidth.js';

/** Hours in the month the scenarios use: 31 days, so that 744 running hours means "always on". */
export const HOURS_PER_MONTH = 744;
/** The usage scenarios of the requirements (running hours per month). */
export const SCENARIO_HOURS = [0, 10, 60, 120, 744] as const;

/** What the platform is doing between meetings. */
export type IdleTier = 'stopped' | 'powered-down';
export const IDLE_TIERS: readonly IdleTier[] = ['stopped', 'powered-down'];

/** Usage assumptions behind the estimate; all shown by `meetctl plan`. */
export interface Assumptions {
  /** Average people in a running meeting. */
  readonly averageParticipants: number;
  /** The config's bandwidth preset (src/config/bandwidth.ts), which decides the two figures below. */
  readonly bandwidth: BandwidthPreset;
  /**
   * Internet egress per participant-hour (GB): what one person receives under the preset, modelled
   * from the caps and last-N it writes (EGRESS_GB_PER_PARTICIPANT_HOUR, src/cost/bandwidth.ts).
   */
  readonly egressGbPerParticipantHour: number;
  /** What the recorder receives from the meeting per hour (GB) under the preset (recorderGbPerHour). */
  readonly recorderGbPerHour: number;
  /**
   * Bytes through the load balancer per participant-hour (GB), both directions (NLCU): signalling
   * only (the web app, the XMPP websocket); media goes straight to the task.
   */
  readonly processedGbPerParticipantHour: number;
  /** Recordings kept in S3 (GB), priced as Standard. */
  readonly recordingsGb: number;
  /** Container logs ingested per running hour (GB). */
  readonly logsGbPerRunningHour: number;
  /** Public IPv4 addresses of the load balancer (one per subnet, billed like any public IPv4). */
  readonly loadBalancerAddresses: number;
  /** Runtime-guard invocations a month (every 5 minutes) and their duration (s) at 256 MB. */
  readonly guardInvocationsMonth: number;
  readonly guardSeconds: number;
  /**
   * Bytes one guard run logs while nothing runs: its own lines and Lambda's START, END and REPORT
   * lines, as the Node.js runtime writes them (test/cost/idle-resources.test.ts measures them).
   */
  readonly guardLogBytesPerRun: number;
  /** The dashboard is one of the account's first three, which CloudWatch does not bill. */
  readonly dashboardFree: boolean;
  /**
   * The stack's alarms and custom metrics fit the account's CloudWatch free tier (10 alarms and 10
   * custom metrics a month, per account): true when the account has no other alarms or metrics.
   */
  readonly cloudWatchFreeTier: boolean;
  /**
   * With server-side recording: new recordings a month (GB). Each is downloaded once (internet egress,
   * from the same free 100 GB as the meetings' video) and, once deleted, kept as an old version until
   * the bucket's noncurrent-version expiry removes it.
   */
  readonly newRecordingsGbMonth: number;
  /** With sign-in through an OIDC provider: members who sign in that way in a month (Cognito's federated users). */
  readonly federatedMonthlyUsers: number;
}

/** The usage figures that do not depend on the bandwidth preset. */
const USAGE = {
  averageParticipants: 15,
  processedGbPerParticipantHour: 0.02,
  recordingsGb: 10,
  logsGbPerRunningHour: 0.02,
  loadBalancerAddresses: 2,
  guardInvocationsMonth: (31 * 24 * 60) / 5,
  guardSeconds: 1,
  guardLogBytesPerRun: 700,
  dashboardFree: true,
  cloudWatchFreeTier: true,
  newRecordingsGbMonth: 5,
  federatedMonthlyUsers: 30,
} satisfies Omit<Assumptions, 'bandwidth' | 'egressGbPerParticipantHour' | 'recorderGbPerHour'>;

/** The assumptions under a bandwidth preset: its modelled traffic, and the usage figures below. */
export function assumptionsFor(bandwidth: BandwidthPreset): Assumptions {
  const { averageParticipants, ...rest } = USAGE;
  return {
    averageParticipants,
    bandwidth,
    egressGbPerParticipantHour: EGRESS_GB_PER_PARTICIPANT_HOUR[bandwidth],
    recorderGbPerHour: recorderGbPerHour(bandwidth),
    ...rest,
  };
}

/** The assumptions under the default bandwidth preset (talk). */
export const DEFAULT_ASSUMPTIONS: Assumptions = assumptionsFor(DEFAULT_BANDWIDTH_PRESET);

/**
 * Metrics from the stats sidecar's lines (billed for the hours they get data: while a task runs).
 * The unhealthy-component metric gets data only in minutes a component fails, so it is left out.
 */
export const RUNNING_METRICS = 5;
/** Alarms the meeting has (src/infra/constructs/monitoring.ts); the idle alarm is the automation's. */
export const MEETING_ALARMS = 4;

/** The recorder instance's root volume (GB); src/infra/constructs/recorder.ts creates it. */
export const RECORDER_VOLUME_GB = 40;

/**
 * Days an old (noncurrent) version of a recording stays in the versioned bucket before S3 expires it:
 * a deleted recording is billed this much longer. The bucket's lifecycle rule must use the same number.
 */
export const NONCURRENT_VERSION_EXPIRY_DAYS = 30;
/** Days in the 744-hour month (GB-months of storage are pro rata by day). */
export const DAYS_PER_MONTH = HOURS_PER_MONTH / 24;
/**
 * Days the functions' log groups keep what they logged (src/infra/constructs/function.ts uses it as
 * its default, the runtime guard's among them; test/cost/idle-resources.test.ts reads it from the template).
 */
export const FUNCTION_LOG_RETENTION_DAYS = 90;
