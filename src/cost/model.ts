import { SIZE_PRESETS, type SizeName, type SizePreset } from '../config/presets.js';
import type { Ingress } from '../control/snapshot.js';
import { PRICES, type Prices, REQUIREMENTS_TABLE } from './prices.js';

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
  /** Internet egress per participant-hour (GB): ~1.5 Mbit/s down per participant with the default layout. */
  readonly egressGbPerParticipantHour: number;
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
  /** The dashboard is one of the account's first three, which CloudWatch does not bill. */
  readonly dashboardFree: boolean;
}

export const DEFAULT_ASSUMPTIONS: Assumptions = {
  averageParticipants: 15,
  egressGbPerParticipantHour: 0.675,
  processedGbPerParticipantHour: 0.02,
  recordingsGb: 10,
  logsGbPerRunningHour: 0.02,
  loadBalancerAddresses: 2,
  guardInvocationsMonth: (31 * 24 * 60) / 5,
  guardSeconds: 1,
  dashboardFree: true,
};

export interface CostInput {
  /**
   * direct: no load balancer (nothing billed by the hour while stopped; a second secret for the
   * task's certificate). load-balancer (the default here, the requirements' design): the NLB and its
   * addresses bill every hour unless powered down.
   */
  readonly ingress?: Ingress;
  /** Members-only meetings: one more secret (the Jitsi token secret); the user pool is free up to 10,000 monthly users. */
  readonly membersOnly?: boolean;
  readonly size: SizePreset;
  readonly sizeName: string;
  readonly architecture: 'arm64' | 'x86_64';
  /** Server-side recording: the recorder's instance type (billed only while it records). */
  readonly recorder?: { readonly instanceType: string };
  readonly assumptions?: Assumptions;
  readonly prices?: Prices;
}

/** One priced line: what it is, when it bills, and its rate. */
export interface RateLine {
  readonly item: string;
  readonly billed: 'per running hour' | 'per recording hour' | 'per idle hour (stopped)' | 'per month' | 'per request';
  readonly usd: number;
  readonly note: string;
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
  /** Cost per running hour (task, its address, load balancer, its addresses, NLCU, egress after the free tier, logs). */
  readonly runningHourUsd: number;
  /**
   * With a recorder: what one more hour with the recorder costs (instance, its volume, its address),
   * on top of the running hour; undefined when there is no recorder or its type has no listed price.
   */
  readonly recordingHourUsd?: number;
  /** Cost per idle hour in each tier. */
  readonly idleHourUsd: Record<IdleTier, number>;
  /** Fixed monthly cost (any tier but destroyed). */
  readonly fixedMonthlyUsd: number;
  /** Monthly cost once destroyed with recordings kept. */
  readonly destroyedMonthlyUsd: number;
  readonly scenarios: readonly ScenarioCost[];
  readonly comparison: readonly Comparison[];
  /** Why the numbers differ from the requirements' table, one line per cause. */
  readonly differences: readonly string[];
}

const round = (usd: number) => Math.round(usd * 100) / 100;

/**
 * Metrics from the stats sidecar's lines (billed for the hours they get data: while a task runs).
 * The unhealthy-component metric gets data only in minutes a component fails, so it is left out.
 */
export const RUNNING_METRICS = 5;
/** Alarms the meeting has (src/infra/constructs/monitoring.ts); the idle alarm is the automation's. */
export const MEETING_ALARMS = 4;

/** The recorder instance's root volume (GB); src/infra/constructs/recorder.ts creates it. */
export const RECORDER_VOLUME_GB = 40;

/** The monthly cost model. Pure: no AWS calls, prices from the dated table. */
export function estimateCost(input: CostInput): CostEstimate {
  const prices = input.prices ?? PRICES;
  const a = input.assumptions ?? DEFAULT_ASSUMPTIONS;
  const ingress = input.ingress ?? 'load-balancer';
  const balanced = ingress === 'load-balancer';
  const secretNames = [
    'the internal passwords',
    ...(balanced ? [] : ["the task's TLS certificate and key"]),
    ...(input.membersOnly ? ['the Jitsi token secret'] : []),
    // Server-side recording: the recorder's XMPP passwords, a secret of their own (it reads no other).
    ...(input.recorder ? ["the recorder's XMPP passwords"] : []),
  ];
  const secretCount = secretNames.length;
  const fargate = prices.fargate[input.architecture];
  const memoryGb = input.size.memoryMiB / 1024;

  const taskHour = input.size.vcpu * fargate.vcpuHour + memoryGb * fargate.gbHour;
  const taskIpHour = prices.publicIpv4Hour;
  const nlbHour = balanced ? prices.nlb.hour : 0;
  const nlbIpsHour = balanced ? a.loadBalancerAddresses * prices.publicIpv4Hour : 0;
  const nlcuHour = balanced
    ? ((a.averageParticipants * a.processedGbPerParticipantHour) / prices.nlb.gbPerNlcu) * prices.nlb.nlcuHour
    : 0;
  const egressGbPerHour = a.averageParticipants * a.egressGbPerParticipantHour;
  const logsHour = a.logsGbPerRunningHour * prices.cloudWatchLogs.ingestGb;
  // Metrics from the stats lines only get data while a task runs: participants, conferences, and the
  // bridge's stress, round trip and loss.
  const metricsHour = (RUNNING_METRICS * prices.cloudWatch.metricMonth) / HOURS_PER_MONTH;
  // The runtime guard's GB-seconds fit the Lambda free tier many times over; priced as if it were used up.
  const guardGbSeconds = a.guardInvocationsMonth * a.guardSeconds * 0.25;
  const automationMonthly =
    prices.cloudWatch.alarmMonth +
    Math.max(0, guardGbSeconds - prices.lambda.freeGbSecondsMonth) * prices.lambda.armGbSecond +
    Math.max(0, a.guardInvocationsMonth - prices.lambda.freeRequestsMonth) * (prices.lambda.requestsPerMillion / 1_000_000);

  // One dashboard, and the idle alarm plus four meeting alarms (CPU, bridge stress, failing page
  // checks, an unhealthy component).
  const dashboardMonthly = a.dashboardFree ? 0 : prices.cloudWatch.dashboardMonth;
  const monitoringMonthly = dashboardMonthly + MEETING_ALARMS * prices.cloudWatch.alarmMonth;
  const fixed = {
    monitoring: monitoringMonthly,
    // The internal passwords; in direct mode also the task's certificate; members-only, the token
    // secret; with a recorder, its own passwords.
    secret: secretCount * prices.secretsManagerSecretMonth,
    zone: prices.route53HostedZoneMonth,
    recordings: a.recordingsGb * prices.s3.standardGbMonth,
    automation: automationMonthly,
  };
  const fixedMonthly = fixed.secret + fixed.zone + fixed.recordings + fixed.automation + fixed.monitoring;
  const idleHourUsd: Record<IdleTier, number> = { stopped: nlbHour + nlbIpsHour, 'powered-down': 0 };

  // Everything a running hour costs except egress, whose first 100 GB a month are free.
  const runningHour = taskHour + taskIpHour + nlbHour + nlbIpsHour + nlcuHour + logsHour + metricsHour;
  const egressCost = (hours: number) =>
    Math.max(0, egressGbPerHour * hours - prices.dataTransferOut.freeGbMonth) * prices.dataTransferOut.gb;

  const scenarios: ScenarioCost[] = SCENARIO_HOURS.map((hours) => {
    const idle = HOURS_PER_MONTH - hours;
    const running = hours * runningHour + egressCost(hours);
    const byTier = Object.fromEntries(
      IDLE_TIERS.map((tier) => [tier, round(fixedMonthly + running + idle * idleHourUsd[tier])]),
    ) as Record<IdleTier, number>;
    return {
      hours,
      byTier,
      breakdown: {
        fixed: round(fixedMonthly),
        compute: round(hours * taskHour),
        loadBalancer: round(HOURS_PER_MONTH * nlbHour + hours * nlcuHour),
        publicIps: round(HOURS_PER_MONTH * nlbIpsHour + hours * taskIpHour),
        egress: round(egressCost(hours)),
        logs: round(hours * (logsHour + metricsHour)),
      },
    };
  });

  const loadBalancerRates: RateLine[] = [
    {
      item: 'Load balancer capacity units (NLCU)',
      billed: 'per running hour',
      usd: nlcuHour,
      note: `${a.averageParticipants} people × ${a.processedGbPerParticipantHour} GB/h processed × $${prices.nlb.nlcuHour}/NLCU-h`,
    },
    {
      item: 'Network Load Balancer',
      billed: 'per idle hour (stopped)',
      usd: nlbHour,
      note: `$${nlbHour}/h, also while running; removed when powered down`,
    },
    {
      item: `Load balancer public IPv4 addresses (${a.loadBalancerAddresses})`,
      billed: 'per idle hour (stopped)',
      usd: nlbIpsHour,
      note: `${a.loadBalancerAddresses} × $${prices.publicIpv4Hour}/h, also while running; gone when powered down`,
    },
  ];
  const directRates: RateLine[] = [
    {
      item: `Asleep page${input.membersOnly ? ' and organizer page' : ''} (HTTP API, functions), DNS and certificate functions`,
      billed: 'per request',
      usd: prices.httpApiRequestsPerMillion / 1_000_000,
      note: `$${prices.httpApiRequestsPerMillion} per million requests (pennies a month for a community); the functions run within the Lambda free tier`,
    },
  ];
  const recorderInstanceHour = input.recorder ? prices.ec2Hour[input.recorder.instanceType] : undefined;
  const recorderExtras = prices.publicIpv4Hour + (RECORDER_VOLUME_GB * prices.ebsGp3GbMonth) / HOURS_PER_MONTH;
  const recordingHour = recorderInstanceHour !== undefined ? recorderInstanceHour + recorderExtras : undefined;
  const recorderRates: RateLine[] = input.recorder
    ? [
        {
          item: `Recorder (${input.recorder.instanceType}, ${RECORDER_VOLUME_GB} GB gp3, public IPv4)`,
          billed: 'per recording hour',
          usd: recordingHour ?? 0,
          note:
            recorderInstanceHour !== undefined
              ? `$${recorderInstanceHour}/h instance + $${prices.publicIpv4Hour}/h address + ${RECORDER_VOLUME_GB} GB × $${prices.ebsGp3GbMonth}/GB-month, only while the recorder exists (0 instances otherwise)`
              : `price unknown for ${input.recorder.instanceType}: see the EC2 on-demand price page; plus $${prices.publicIpv4Hour}/h address and the volume`,
        },
      ]
    : [];
  const rates: RateLine[] = [
    {
      item: `Fargate task (${input.sizeName}: ${input.size.vcpu} vCPU, ${memoryGb} GB, ${input.architecture})`,
      billed: 'per running hour',
      usd: taskHour,
      note: `${input.size.vcpu} × $${fargate.vcpuHour}/vCPU-h + ${memoryGb} × $${fargate.gbHour}/GB-h`,
    },
    { item: 'Task public IPv4 address', billed: 'per running hour', usd: taskIpHour, note: `$${prices.publicIpv4Hour}/h` },
    ...(balanced ? loadBalancerRates.slice(0, 1) : []),
    ...recorderRates,
    {
      item: 'Internet egress (video to participants)',
      billed: 'per running hour',
      usd: egressGbPerHour * prices.dataTransferOut.gb,
      note: `${a.averageParticipants} people × ${a.egressGbPerParticipantHour} GB/h × $${prices.dataTransferOut.gb}/GB after ${prices.dataTransferOut.freeGbMonth} GB free each month`,
    },
    {
      item: 'CloudWatch Logs ingestion',
      billed: 'per running hour',
      usd: logsHour,
      note: `${a.logsGbPerRunningHour} GB/h × $${prices.cloudWatchLogs.ingestGb}/GB`,
    },
    {
      item: 'Meeting metrics (people, conferences, bridge stress, round trip, loss)',
      billed: 'per running hour',
      usd: metricsHour,
      note: `${RUNNING_METRICS} × $${prices.cloudWatch.metricMonth}/metric-month, only for hours with data`,
    },
    ...(balanced ? loadBalancerRates.slice(1) : directRates),
    {
      item: secretCount === 1 ? 'Secrets Manager secret' : `Secrets Manager secrets (${secretCount})`,
      billed: 'per month',
      usd: fixed.secret,
      note: `${secretNames.join('; ')}${input.membersOnly ? '. The user pool (Cognito Essentials) is free for the first 10,000 monthly active users' : ''}`,
    },
    {
      item: 'Route 53 hosted zone',
      billed: 'per month',
      usd: fixed.zone,
      note: 'your zone; billed whether or not the platform exists',
    },
    {
      item: 'Automation (idle alarm, runtime guard, schedules, alerts, budget)',
      billed: 'per month',
      usd: fixed.automation,
      note: `alarm $${prices.cloudWatch.alarmMonth}; ${a.guardInvocationsMonth} guard runs (${guardGbSeconds} GB-s) within the Lambda free tier; Scheduler, SNS e-mail, DynamoDB on-demand and the first two budgets cost nothing at this volume`,
    },
    {
      item: 'Dashboard and meeting alarms',
      billed: 'per month',
      usd: fixed.monitoring,
      note: `${MEETING_ALARMS} alarms × $${prices.cloudWatch.alarmMonth}; one dashboard, ${a.dashboardFree ? `free as one of the account's first ${prices.cloudWatch.freeDashboards} (otherwise` : '(it is'} $${prices.cloudWatch.dashboardMonth}/month)`,
    },
    {
      item: `Recordings in S3 (${a.recordingsGb} GB)`,
      billed: 'per month',
      usd: fixed.recordings,
      note: `$${prices.s3.standardGbMonth}/GB-month Standard; $${prices.s3.infrequentAccessGbMonth} after 30 days`,
    },
  ];

  const stopped = (hours: number) => scenarios.find((s) => s.hours === hours)?.byTier.stopped ?? 0;
  const comparison: Comparison[] = REQUIREMENTS_TABLE.rows.map((row) => ({
    hours: row.hours,
    label: row.label,
    requirements: row.total,
    ours: stopped(row.hours),
    difference: round(stopped(row.hours) - row.total),
  }));

  const ipMonth = HOURS_PER_MONTH * nlbIpsHour;
  const computeDifference = `Compute: the requirements price 4 vCPU / 8 GB x86 at $${REQUIREMENTS_TABLE.fargateHour}/h; this config runs ${input.size.vcpu} vCPU / ${memoryGb} GB ${input.architecture} at $${taskHour.toFixed(4)}/h${input.architecture === 'arm64' ? ' (Graviton is ~20% cheaper)' : ''}.`;
  const differences = balanced
    ? loadBalancerDifferences()
    : [
        computeDifference,
        `No load balancer (ingress "direct"): the requirements' $${REQUIREMENTS_TABLE.nlbMonthly}/month NLB is gone; the task terminates TLS itself and DNS follows it, so a stopped platform bills nothing by the hour.`,
        `Public IPv4 (billed since 2024-02): only the task's address, $${taskIpHour}/h while running; the requirements omit it.`,
        `Media traffic: internet egress ($${prices.dataTransferOut.gb}/GB after ${prices.dataTransferOut.freeGbMonth} GB free) grows with participants; the requirements omit it. At ${a.averageParticipants} people that is $${(egressGbPerHour * prices.dataTransferOut.gb).toFixed(2)} per running hour once the free tier is used.`,
        `Fixed: ${secretCount} secrets $${fixed.secret.toFixed(2)}, the Route 53 zone $${fixed.zone}, ${a.recordingsGb} GB of recordings $${fixed.recordings.toFixed(2)} and the automation's alarm $${fixed.automation.toFixed(2)}; the requirements count S3 at $0.02 and no zone.`,
      ];
  function loadBalancerDifferences(): string[] {
    return [
      computeDifference,
      `Load balancer hours: the requirements count $${REQUIREMENTS_TABLE.nlbMonthly} (720 h); a 744-hour month at $${nlbHour}/h is $${(HOURS_PER_MONTH * nlbHour).toFixed(2)}.`,
      `Public IPv4 (billed since 2024-02): the load balancer's ${a.loadBalancerAddresses} addresses cost $${ipMonth.toFixed(2)}/month while not powered down, plus $${taskIpHour}/h for the task's address while running; the requirements omit both.`,
      `Media traffic: internet egress ($${prices.dataTransferOut.gb}/GB after ${prices.dataTransferOut.freeGbMonth} GB free) and NLCUs grow with participants; the requirements omit them. At ${a.averageParticipants} people that is $${(nlcuHour + egressGbPerHour * prices.dataTransferOut.gb).toFixed(2)} per running hour once the free tier is used.`,
      `Fixed: Route 53 zone $${fixed.zone}, ${a.recordingsGb} GB of recordings $${fixed.recordings.toFixed(2)} and the automation's alarm $${fixed.automation.toFixed(2)} are counted here; the requirements count S3 at $0.02 and no zone.`,
      `Powering down between meetings (instead of only stopping) removes the load balancer and its addresses: idle cost falls from $${(HOURS_PER_MONTH * idleHourUsd.stopped + fixedMonthly).toFixed(2)} to $${fixedMonthly.toFixed(2)} a month.`,
    ];
  }

  return {
    ingress,
    pricesAsOf: prices.asOf,
    region: prices.region,
    hoursPerMonth: HOURS_PER_MONTH,
    assumptions: a,
    rates,
    runningHourUsd: runningHour + egressGbPerHour * prices.dataTransferOut.gb,
    ...(recordingHour !== undefined ? { recordingHourUsd: recordingHour } : {}),
    idleHourUsd,
    fixedMonthlyUsd: round(fixedMonthly),
    destroyedMonthlyUsd: round(fixed.recordings + fixed.zone),
    scenarios,
    comparison,
    differences,
  };
}

/** The estimate for a config's size preset and architecture, with the default assumptions. */
export function estimateForConfig(config: {
  readonly size: SizeName;
  readonly architecture: 'arm64' | 'x86_64';
  readonly ingress: Ingress;
  readonly auth?: 'members' | 'open';
  readonly recording?: { readonly enabled: boolean; readonly instanceType: string };
}): CostEstimate {
  return estimateCost({
    membersOnly: config.auth === 'members',
    ...(config.recording?.enabled ? { recorder: { instanceType: config.recording.instanceType } } : {}),
    size: SIZE_PRESETS[config.size],
    sizeName: config.size,
    architecture: config.architecture,
    ingress: config.ingress,
  });
}
