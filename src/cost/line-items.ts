import { type Assumptions, HOURS_PER_MONTH, MEETING_ALARMS, RECORDER_VOLUME_GB, RUNNING_METRICS } from './assumptions.js';
import type { Billed, CostInput, RateLine } from './estimate.js';
import type { PricedService, Prices } from './prices.js';

/** One priced line item: the AWS service whose price it uses, when it bills, and its rate. */
export interface PricedItem extends RateLine {
  readonly service: PricedService;
}

/** What the items are priced from: the config's choices, the usage assumptions and the price table. */
export interface PricingBasis {
  readonly input: CostInput;
  readonly assumptions: Assumptions;
  readonly prices: Prices;
  /** Load-balancer ingress (the NLB and its addresses exist). */
  readonly balanced: boolean;
}

const line = (service: PricedService, item: string, billed: Billed, usd: number, note: string): PricedItem => ({
  service,
  item,
  billed,
  usd,
  note,
});

/** Fargate: the meeting task's vCPU-hours and GB-hours. */
export function fargateTask({ input, prices }: PricingBasis): PricedItem {
  const fargate = prices.fargate[input.architecture];
  const memoryGb = input.size.memoryMiB / 1024;
  return line(
    'fargate',
    `Fargate task (${input.sizeName}: ${input.size.vcpu} vCPU, ${memoryGb} GB, ${input.architecture})`,
    'per running hour',
    input.size.vcpu * fargate.vcpuHour + memoryGb * fargate.gbHour,
    `${input.size.vcpu} × $${fargate.vcpuHour}/vCPU-h + ${memoryGb} × $${fargate.gbHour}/GB-h`,
  );
}

/** Public IPv4: the task's own address, while it runs. */
export function taskAddress({ prices }: PricingBasis): PricedItem {
  return line(
    'public-ipv4',
    'Task public IPv4 address',
    'per running hour',
    prices.publicIpv4Hour,
    `$${prices.publicIpv4Hour}/h`,
  );
}

/** The Network Load Balancer's three lines: capacity units while running, its hour and its addresses. */
export interface LoadBalancerItems {
  readonly capacity: PricedItem;
  readonly hour: PricedItem;
  readonly addresses: PricedItem;
}

/** Load-balancer mode only: the NLB bills every hour it exists (stopped too), its NLCUs while a meeting runs. */
export function loadBalancer({ assumptions: a, prices, balanced }: PricingBasis): LoadBalancerItems | undefined {
  if (!balanced) return undefined;
  const addresses = a.loadBalancerAddresses * prices.publicIpv4Hour;
  return {
    capacity: line(
      'network-load-balancer',
      'Load balancer capacity units (NLCU)',
      'per running hour',
      ((a.averageParticipants * a.processedGbPerParticipantHour) / prices.nlb.gbPerNlcu) * prices.nlb.nlcuHour,
      `${a.averageParticipants} people × ${a.processedGbPerParticipantHour} GB/h processed × $${prices.nlb.nlcuHour}/NLCU-h`,
    ),
    hour: line(
      'network-load-balancer',
      'Network Load Balancer',
      'per idle hour (stopped)',
      prices.nlb.hour,
      `$${prices.nlb.hour}/h, also while running; removed when powered down`,
    ),
    addresses: line(
      'public-ipv4',
      `Load balancer public IPv4 addresses (${a.loadBalancerAddresses})`,
      'per idle hour (stopped)',
      addresses,
      `${a.loadBalancerAddresses} × $${prices.publicIpv4Hour}/h, also while running; gone when powered down`,
    ),
  };
}

/** Internet egress: video to the participants, after the account's free 100 GB a month. */
export function internetEgress({ assumptions: a, prices }: PricingBasis): PricedItem & { readonly gbPerHour: number } {
  const gbPerHour = a.averageParticipants * a.egressGbPerParticipantHour;
  return {
    ...line(
      'data-transfer',
      'Internet egress (video to participants)',
      'per running hour',
      gbPerHour * prices.dataTransferOut.gb,
      `${a.averageParticipants} people × ${a.egressGbPerParticipantHour} GB/h × $${prices.dataTransferOut.gb}/GB after ${prices.dataTransferOut.freeGbMonth} GB free each month`,
    ),
    gbPerHour,
  };
}

/** CloudWatch Logs: the containers' logs ingested while a task runs. */
export function logsIngestion({ assumptions: a, prices }: PricingBasis): PricedItem {
  return line(
    'cloudwatch-logs',
    'CloudWatch Logs ingestion',
    'per running hour',
    a.logsGbPerRunningHour * prices.cloudWatchLogs.ingestGb,
    `${a.logsGbPerRunningHour} GB/h × $${prices.cloudWatchLogs.ingestGb}/GB`,
  );
}

/**
 * CloudWatch custom metrics from the stats lines, which only get data while a task runs: participants,
 * conferences, and the bridge's stress, round trip and loss.
 */
export function meetingMetrics({ prices }: PricingBasis): PricedItem {
  return line(
    'cloudwatch',
    'Meeting metrics (people, conferences, bridge stress, round trip, loss)',
    'per running hour',
    (RUNNING_METRICS * prices.cloudWatch.metricMonth) / HOURS_PER_MONTH,
    `${RUNNING_METRICS} × $${prices.cloudWatch.metricMonth}/metric-month, only for hours with data`,
  );
}

/** Direct mode only: the HTTP API in front of the asleep page (and the organizer page), per request. */
export function pageRequests({ input, prices, balanced }: PricingBasis): PricedItem | undefined {
  if (balanced) return undefined;
  return line(
    'api-gateway',
    `Asleep page${input.membersOnly ? ' and organizer page' : ''} (HTTP API, functions), DNS and certificate functions`,
    'per request',
    prices.httpApiRequestsPerMillion / 1_000_000,
    `$${prices.httpApiRequestsPerMillion} per million requests (pennies a month for a community); the functions run within the Lambda free tier`,
  );
}

/** The secrets the stack creates, by what they hold. */
export function secretNames({ input, balanced }: PricingBasis): string[] {
  return [
    'the internal passwords',
    ...(balanced ? [] : ["the task's TLS certificate and key"]),
    ...(input.membersOnly ? ['the Jitsi token secret'] : []),
    // Server-side recording: the recorder's XMPP passwords, a secret of their own (it reads no other).
    ...(input.recorder ? ["the recorder's XMPP passwords"] : []),
  ];
}

/** Secrets Manager: each secret bills by the month. */
export function secrets(basis: PricingBasis): PricedItem & { readonly count: number } {
  const names = secretNames(basis);
  const cognito = basis.input.membersOnly
    ? '. The user pool (Cognito Essentials) is free for the first 10,000 monthly active users'
    : '';
  return {
    ...line(
      'secrets-manager',
      names.length === 1 ? 'Secrets Manager secret' : `Secrets Manager secrets (${names.length})`,
      'per month',
      names.length * basis.prices.secretsManagerSecretMonth,
      `${names.join('; ')}${cognito}`,
    ),
    count: names.length,
  };
}

/** Route 53: the community's hosted zone. */
export function hostedZone({ prices }: PricingBasis): PricedItem {
  return line(
    'route53',
    'Route 53 hosted zone',
    'per month',
    prices.route53HostedZoneMonth,
    'your zone; billed whether or not the platform exists',
  );
}

/**
 * The automation: the idle alarm, and the runtime guard's Lambda, whose GB-seconds fit the free tier
 * many times over (priced as if it were used up).
 */
export function automation({ assumptions: a, prices }: PricingBasis): PricedItem {
  const guardGbSeconds = a.guardInvocationsMonth * a.guardSeconds * 0.25;
  const monthly =
    prices.cloudWatch.alarmMonth +
    Math.max(0, guardGbSeconds - prices.lambda.freeGbSecondsMonth) * prices.lambda.armGbSecond +
    Math.max(0, a.guardInvocationsMonth - prices.lambda.freeRequestsMonth) * (prices.lambda.requestsPerMillion / 1_000_000);
  return line(
    'cloudwatch',
    'Automation (idle alarm, runtime guard, schedules, alerts, budget)',
    'per month',
    monthly,
    `alarm $${prices.cloudWatch.alarmMonth}; ${a.guardInvocationsMonth} guard runs (${guardGbSeconds} GB-s) within the Lambda free tier; Scheduler, SNS e-mail, DynamoDB on-demand and the first two budgets cost nothing at this volume`,
  );
}

/** CloudWatch: one dashboard and the four meeting alarms (CPU, bridge stress, failing page checks, an unhealthy component). */
export function monitoring({ assumptions: a, prices }: PricingBasis): PricedItem {
  const dashboardMonthly = a.dashboardFree ? 0 : prices.cloudWatch.dashboardMonth;
  const dashboard = a.dashboardFree
    ? `free as one of the account's first ${prices.cloudWatch.freeDashboards} (otherwise`
    : '(it is';
  return line(
    'cloudwatch',
    'Dashboard and meeting alarms',
    'per month',
    dashboardMonthly + MEETING_ALARMS * prices.cloudWatch.alarmMonth,
    `${MEETING_ALARMS} alarms × $${prices.cloudWatch.alarmMonth}; one dashboard, ${dashboard} $${prices.cloudWatch.dashboardMonth}/month)`,
  );
}

/** S3: the recordings kept, priced as Standard. */
export function recordingsStorage({ assumptions: a, prices }: PricingBasis): PricedItem {
  return line(
    's3',
    `Recordings in S3 (${a.recordingsGb} GB)`,
    'per month',
    a.recordingsGb * prices.s3.standardGbMonth,
    `$${prices.s3.standardGbMonth}/GB-month Standard; $${prices.s3.infrequentAccessGbMonth} after 30 days`,
  );
}

/** The recorder's line, and its hourly cost when its instance type has a listed price. */
export interface RecorderItem {
  readonly line: PricedItem;
  readonly hourUsd?: number;
}

/** EC2 with EBS and a public IPv4 address: the recorder, which exists only while a meeting records. */
export function recorder({ input, prices }: PricingBasis): RecorderItem | undefined {
  if (!input.recorder) return undefined;
  const type = input.recorder.instanceType;
  const instanceHour = prices.ec2Hour[type];
  const extras = prices.publicIpv4Hour + (RECORDER_VOLUME_GB * prices.ebsGp3GbMonth) / HOURS_PER_MONTH;
  const hourUsd = instanceHour !== undefined ? instanceHour + extras : undefined;
  const note =
    instanceHour !== undefined
      ? `$${instanceHour}/h instance + $${prices.publicIpv4Hour}/h address + ${RECORDER_VOLUME_GB} GB × $${prices.ebsGp3GbMonth}/GB-month, only while the recorder exists (0 instances otherwise)`
      : `price unknown for ${type}: see the EC2 on-demand price page; plus $${prices.publicIpv4Hour}/h address and the volume`;
  return {
    line: line('ec2', `Recorder (${type}, ${RECORDER_VOLUME_GB} GB gp3, public IPv4)`, 'per recording hour', hourUsd ?? 0, note),
    ...(hourUsd !== undefined ? { hourUsd } : {}),
  };
}

/** Every priced item of a config, by what it is. */
export interface PricedItems {
  readonly task: PricedItem;
  readonly taskAddress: PricedItem;
  readonly loadBalancer?: LoadBalancerItems;
  readonly recorder?: RecorderItem;
  readonly egress: ReturnType<typeof internetEgress>;
  readonly logs: PricedItem;
  readonly metrics: PricedItem;
  readonly pageRequests?: PricedItem;
  readonly secrets: ReturnType<typeof secrets>;
  readonly zone: PricedItem;
  readonly automation: PricedItem;
  readonly monitoring: PricedItem;
  readonly recordings: PricedItem;
}

export function priceItems(basis: PricingBasis): PricedItems {
  const lb = loadBalancer(basis);
  const rec = recorder(basis);
  const requests = pageRequests(basis);
  return {
    task: fargateTask(basis),
    taskAddress: taskAddress(basis),
    ...(lb ? { loadBalancer: lb } : {}),
    ...(rec ? { recorder: rec } : {}),
    egress: internetEgress(basis),
    logs: logsIngestion(basis),
    metrics: meetingMetrics(basis),
    ...(requests ? { pageRequests: requests } : {}),
    secrets: secrets(basis),
    zone: hostedZone(basis),
    automation: automation(basis),
    monitoring: monitoring(basis),
    recordings: recordingsStorage(basis),
  };
}

/** The lines as `plan` lists them: running-hour items first, then idle, request and monthly ones. */
export function rateLines(items: PricedItems): RateLine[] {
  const lines: PricedItem[] = [
    items.task,
    items.taskAddress,
    ...(items.loadBalancer ? [items.loadBalancer.capacity] : []),
    ...(items.recorder ? [items.recorder.line] : []),
    items.egress,
    items.logs,
    items.metrics,
    ...(items.loadBalancer ? [items.loadBalancer.hour, items.loadBalancer.addresses] : []),
    ...(items.pageRequests ? [items.pageRequests] : []),
    items.secrets,
    items.zone,
    items.automation,
    items.monitoring,
    items.recordings,
  ];
  return lines.map(({ item, billed, usd, note }) => ({ item, billed, usd, note }));
}
