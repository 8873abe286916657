import type { BandwidthPreset } from '../config/bandwidth.js';
import type { SizePreset } from '../config/presets.js';
import type { Ingress } from '../control/snapshot.js';
import type { Assumptions, IdleTier } from './assumptions.js';
import type { Prices } from './prices.js';

/** The shapes going into and coming out of the cost model (`meetctl plan --json` prints the estimate). */
export interface CostInput {
  /** The region whose prices apply (PRICES_BY_REGION); us-west-2's for one without a table. */
  readonly region?: string;
  /**
   * direct: no load balancer (nothing billed by the hour while stopped; a second secret for the
   * task's certificate). load-balancer (the default here, the requirements' design): the NLB and its
   * addresses bill every hour unless powered down.
   */
  readonly ingress?: Ingress;
  /**
   * Where the stack keeps its own secrets (config `secretStore`): Secrets Manager (default, billed per
   * secret and month) or Parameter Store's standard tier (no monthly charge). The sign-in providers'
   * client secrets stay in Secrets Manager either way.
   */
  readonly secretStore?: 'secrets-manager' | 'parameter-store';
  /**
   * Days the containers' (and the recorder's) log groups keep their logs (config `logRetentionDays`,
   * which the stack sets on them): what a running hour's logs cost to store. The config's default when unset.
   */
  readonly logRetentionDays?: number;
  /** Members-only meetings: one more secret (the Jitsi token secret); the user pool is free up to 10,000 monthly users. */
  readonly membersOnly?: boolean;
  readonly size: SizePreset;
  readonly sizeName: string;
  readonly architecture: 'arm64' | 'x86_64';
  /** Server-side recording: the recorder's instance type (billed only while it records). */
  readonly recorder?: { readonly instanceType: string };
  /**
   * Sign-in through external providers (members-only): each has a client secret in Secrets Manager;
   * OIDC providers' users are Cognito federated users.
   */
  readonly signIn?: { readonly google: boolean; readonly oidcProviders: readonly string[] };
  /** The bandwidth preset (the default, talk, when unset): its modelled traffic goes into the assumptions. */
  readonly bandwidth?: BandwidthPreset;
  /** Replaces the assumptions of the bandwidth preset. */
  readonly assumptions?: Assumptions;
  readonly prices?: Prices;
}

/** When a priced line bills. */
export type Billed = 'per running hour' | 'per recording hour' | 'per idle hour (stopped)' | 'per month' | 'per request';

/** One priced line: what it is, when it bills, its rate, and the AWS pricing pages its prices come from. */
export interface RateLine {
  readonly item: string;
  readonly billed: Billed;
  readonly usd: number;
  readonly note: string;
  readonly sources: readonly string[];
}

export interface ScenarioCost {
  readonly hours: number;
  /** Monthly total per idle tier. */
  readonly byTier: Record<IdleTier, number>;
  /** The parts of the total (stopped tier), for the comparison. */
  readonly breakdown: { fixed: number; compute: number; loadBalancer: number; publicIps: number; egress: number; logs: number };
}

export interface Comparison {
  readonly hours: number;
  readonly label: string;
  readonly requirements: number;
  readonly ours: number;
  readonly difference: number;
}

export interface CostEstimate {
  readonly ingress: Ingress;
  readonly pricesAsOf: string;
  readonly region: string;
  readonly hoursPerMonth: number;
  readonly assumptions: Assumptions;
  readonly rates: readonly RateLine[];
  /** Cost per running hour (task, its address, load balancer, its addresses, NLCU, egress after the free tier, logs and their storage). */
  readonly runningHourUsd: number;
  /**
   * With a recorder: what one more hour with the recorder costs (instance, its volume, its address),
   * on top of the running hour; undefined when there is no recorder or its type has no listed price.
   */
  readonly recordingHourUsd?: number;
  /** Cost per idle hour in each tier. */
  readonly idleHourUsd: Record<IdleTier, number>;
  /**
   * What the project itself adds in a month without meetups, per idle tier: the month with no running
   * hour, less the hosted zone and the stored recordings (and their old versions), which `plan` shows
   * apart.
   */
  readonly ownIdleMonthlyUsd: Record<IdleTier, number>;
  /** Fixed monthly cost (any tier but destroyed). */
  readonly fixedMonthlyUsd: number;
  /** Monthly cost once destroyed with recordings kept. */
  readonly destroyedMonthlyUsd: number;
  readonly scenarios: readonly ScenarioCost[];
  readonly comparison: readonly Comparison[];
  /** Why the numbers differ from the requirements' table, one line per cause. */
  readonly differences: readonly string[];
  /** The video a 2-hour meetup of 15 sends to its participants under each bandwidth preset. */
  readonly meetupVideo: MeetupVideo;
}

/** One meetup's video to its participants under every bandwidth preset, the configured one marked. */
export interface MeetupVideo {
  readonly participants: number;
  readonly hours: number;
  /** Internet egress price per GB once the month is past its free allowance. */
  readonly usdPerGb: number;
  readonly freeGbMonth: number;
  readonly presets: ReadonlyArray<{
    readonly preset: BandwidthPreset;
    readonly configured: boolean;
    readonly gbPerParticipantHour: number;
    readonly gb: number;
    /** Dollars once the month is past the free allowance. */
    readonly usd: number;
  }>;
  /** The same meetup under the earlier rule of thumb (0.675 GB per participant-hour), for comparison. */
  readonly ruleOfThumbGb: number;
}
