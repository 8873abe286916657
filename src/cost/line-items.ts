import {
  type Assumptions,
  DAYS_PER_MONTH,
  HOURS_PER_MONTH,
  MEETING_ALARMS,
  NONCURRENT_VERSION_EXPIRY_DAYS,
  RECORDER_VOLUME_GB,
  RUNNING_METRICS,
} from './assumptions.js';
import type { Billed, CostInput, RateLine } from './estimate.js';
import { PRICE_SOURCES, type PricedService, type Prices } from './prices.js';

/** One priced line item: the AWS services whose prices it uses, when it bills, and its rate. */
export interface PricedItem extends RateLine {
  readonly services: readonly PricedService[];
}

/** What the items are priced from: the config's choices, the usage assumptions and the price table. */
export interface PricingBasis {
  readonly input: CostInput;
  readonly assumptions: Assumptions;
  readonly prices: Prices;
  /** Load-balancer ingress (the NLB and its addresses exist). */
  readonly balanced: boolean;
}

/** A line whose note ends with the pricing pages of its services, so every figure in `plan` has its source. */
function line(
  services: PricedService | readonly PricedService[],
  item: string,
  billed: Billed,
  usd: number,
  note: string,
): PricedItem {
  const list = typeof services === 'string' ? [services] : services;
  const sources = [...new Set(list.map((service) => PRICE_SOURCES[service].page))];
  return { services: list, item, billed, usd, note: `${note}. Prices: ${sources.join(', ')}`, sources };
}

/** How CloudWatch's per-account free tier shows on a line: free within it, else the price. */
function freeTierNote(count: number, what: string, free: number, price: string, covered: boolean): string {
  return covered
    ? `${count} ${what}: free within the account's free tier (${free} ${what} a month), else ${price} each`
    : `${count} ${what} × ${price} (beyond the account's free tier of ${free})`;
}

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
      `${a.averageParticipants} people × ${a.egressGbPerParticipantHour} GB/h × $${prices.dataTransferOut.gb}/GB after ${prices.dataTransferOut.freeGbMonth} GB free each month (account-wide, shared with recording downloads)`,
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
export function meetingMetrics({ assumptions: a, prices }: PricingBasis): PricedItem {
  const free = a.cloudWatchFreeTier;
  const cw = prices.cloudWatch;
  return line(
    'cloudwatch',
    'Meeting metrics (people, conferences, bridge stress, round trip, loss)',
    'per running hour',
    free ? 0 : (RUNNING_METRICS * cw.metricMonth) / HOURS_PER_MONTH,
    `${freeTierNote(RUNNING_METRICS, 'metrics', cw.freeMetrics, `$${cw.metricMonth}/metric-month`, free)}, only for hours with data`,
  );
}

/** Direct mode only: the HTTP API in front of the asleep page (and the organizer page), per request. */
export function pageRequests({ input, prices, balanced }: PricingBasis): PricedItem | undefined {
  if (balanced) return undefined;
  return line(
    ['api-gateway', 'lambda'],
    `Asleep page${input.membersOnly ? ' and organizer page' : ''} (HTTP API, functions), DNS and certificate functions`,
    'per request',
    prices.httpApiRequestsPerMillion / 1_000_000,
    `$${prices.httpApiRequestsPerMillion} per million requests (pennies a month for a community); the functions run within the Lambda free tier`,
  );
}

/** The secrets the stack creates, by what they hold, and the sign-in providers' client secrets the account keeps. */
export function secretNames({ input, balanced }: PricingBasis): string[] {
  return [
    'the internal passwords',
    ...(balanced ? [] : ["the task's TLS certificate and key"]),
    ...(input.membersOnly ? ['the Jitsi token secret'] : []),
    // Server-side recording: the recorder's XMPP passwords, a secret of their own (it reads no other).
    ...(input.recorder ? ["the recorder's XMPP passwords"] : []),
    // External sign-in: each provider's client secret, which you create in Secrets Manager (signIn.*.clientSecretArn).
    ...(input.membersOnly && input.signIn?.google ? ["Google's client secret (yours)"] : []),
    ...(input.membersOnly ? (input.signIn?.oidcProviders ?? []).map((name) => `${name}'s client secret (yours)`) : []),
  ];
}

/** Secrets Manager: each secret bills by the month. */
export function secrets(basis: PricingBasis): PricedItem & { readonly count: number } {
  const names = secretNames(basis);
  return {
    ...line(
      'secrets-manager',
      names.length === 1 ? 'Secrets Manager secret' : `Secrets Manager secrets (${names.length})`,
      'per month',
      names.length * basis.prices.secretsManagerSecretMonth,
      `${names.length} × $${basis.prices.secretsManagerSecretMonth}: ${names.join('; ')}`,
    ),
    count: names.length,
  };
}

/**
 * Cognito (members-only): members and Google sign-ins are free up to 10,000 monthly active users;
 * members signing in through an OIDC provider are federated users, free only up to 50.
 */
export function userPool({ input, assumptions: a, prices }: PricingBasis): PricedItem | undefined {
  if (!input.membersOnly) return undefined;
  const providers = input.signIn?.oidcProviders ?? [];
  const federated = providers.length > 0 ? a.federatedMonthlyUsers : 0;
  const c = prices.cognito;
  const federatedNote =
    providers.length > 0
      ? `; ${federated} a month sign in through ${providers.join(', ')} (OIDC: federated users, ${c.freeFederatedMau} free, then $${c.mau} each)`
      : `; users federated through OIDC or SAML would be free only up to ${c.freeFederatedMau}`;
  return line(
    'cognito',
    'User pool (Cognito Essentials)',
    'per month',
    Math.max(0, federated - c.freeFederatedMau) * c.mau,
    `members and Google sign-ins free up to ${c.freeMau.toLocaleString('en-US')} monthly active users${federatedNote}`,
  );
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
  const cw = prices.cloudWatch;
  const monthly =
    (a.cloudWatchFreeTier ? 0 : cw.alarmMonth) +
    Math.max(0, guardGbSeconds - prices.lambda.freeGbSecondsMonth) * prices.lambda.armGbSecond +
    Math.max(0, a.guardInvocationsMonth - prices.lambda.freeRequestsMonth) * (prices.lambda.requestsPerMillion / 1_000_000);
  return line(
    ['cloudwatch', 'lambda'],
    'Automation (idle alarm, runtime guard, schedules, alerts, budget)',
    'per month',
    monthly,
    `idle alarm ${a.cloudWatchFreeTier ? `free within the account's free tier (${cw.freeAlarms} alarms a month), else $${cw.alarmMonth}` : `$${cw.alarmMonth}`}; ${a.guardInvocationsMonth} guard runs (${guardGbSeconds} GB-s) within the Lambda free tier; Scheduler, SNS e-mail, DynamoDB on-demand and the first two budgets cost nothing at this volume`,
  );
}

/** CloudWatch: one dashboard and the four meeting alarms (CPU, bridge stress, failing page checks, an unhealthy component). */
export function monitoring({ assumptions: a, prices }: PricingBasis): PricedItem {
  const cw = prices.cloudWatch;
  const dashboardMonthly = a.dashboardFree ? 0 : cw.dashboardMonth;
  const alarmsMonthly = a.cloudWatchFreeTier ? 0 : MEETING_ALARMS * cw.alarmMonth;
  const dashboard = a.dashboardFree ? `free as one of the account's first ${cw.freeDashboards} (otherwise` : '(it is';
  return line(
    'cloudwatch',
    'Dashboard and meeting alarms',
    'per month',
    dashboardMonthly + alarmsMonthly,
    `${freeTierNote(MEETING_ALARMS, 'alarms', cw.freeAlarms, `$${cw.alarmMonth}`, a.cloudWatchFreeTier)}; one dashboard, ${dashboard} $${cw.dashboardMonth}/month)`,
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

/**
 * EC2 with EBS and a public IPv4 address: the recorder, which exists only while a meeting records. It
 * joins the meeting through the task's public address, so the meeting's video to it (one participant's
 * worth) is regional data transfer over public IPv4, billed as it leaves the task and as it reaches the recorder.
 */
export function recorder({ input, assumptions: a, prices }: PricingBasis): RecorderItem | undefined {
  if (!input.recorder) return undefined;
  const type = input.recorder.instanceType;
  const instanceHour = prices.ec2Hour[type];
  const trafficHour = a.egressGbPerParticipantHour * 2 * prices.regionalDataTransferGb;
  const extras = prices.publicIpv4Hour + (RECORDER_VOLUME_GB * prices.ebsGp3GbMonth) / HOURS_PER_MONTH + trafficHour;
  const hourUsd = instanceHour !== undefined ? instanceHour + extras : undefined;
  const parts = `$${prices.publicIpv4Hour}/h address + ${RECORDER_VOLUME_GB} GB × $${prices.ebsGp3GbMonth}/GB-month + ${a.egressGbPerParticipantHour} GB/h from the meeting × $${prices.regionalDataTransferGb}/GB each way (public IPv4)`;
  const note =
    instanceHour !== undefined
      ? `$${instanceHour}/h instance + ${parts}, only while the recorder exists (0 instances otherwise)`
      : `price unknown for ${type}: see the EC2 on-demand price page; plus ${parts}`;
  return {
    line: line(
      ['ec2', 'ebs', 'public-ipv4', 'data-transfer'],
      `Recorder (${type}, ${RECORDER_VOLUME_GB} GB gp3, public IPv4)`,
      'per recording hour',
      hourUsd ?? 0,
      note,
    ),
    ...(hourUsd !== undefined ? { hourUsd } : {}),
  };
}

/**
 * Recording downloads: internet egress from the same free 100 GB a month as the meetings' video, so
 * the months' egress counts them (scenarios.ts); the line shows their rate once the allowance is used.
 */
export function recordingDownloads({
  input,
  assumptions: a,
  prices,
}: PricingBasis): (PricedItem & { readonly gb: number }) | undefined {
  if (!input.recorder) return undefined;
  return {
    ...line(
      ['data-transfer', 's3'],
      `Recording downloads (${a.newRecordingsGbMonth} GB a month)`,
      'per month',
      a.newRecordingsGbMonth * prices.dataTransferOut.gb,
      `each new recording downloaded once: ${a.newRecordingsGbMonth} GB × $${prices.dataTransferOut.gb}/GB, from the same ${prices.dataTransferOut.freeGbMonth} GB free each month as the meetings' video (counted in the months' egress, not in the fixed cost)`,
    ),
    gb: a.newRecordingsGbMonth,
  };
}

/**
 * Old versions in the versioned bucket: a deleted recording stays, as a noncurrent version, until the
 * lifecycle rule expires it NONCURRENT_VERSION_EXPIRY_DAYS later (as many GB deleted as recorded).
 */
export function oldVersions({ input, assumptions: a, prices }: PricingBasis): PricedItem | undefined {
  if (!input.recorder) return undefined;
  const gbMonths = (a.newRecordingsGbMonth * NONCURRENT_VERSION_EXPIRY_DAYS) / DAYS_PER_MONTH;
  return line(
    's3',
    `Deleted recordings kept ${NONCURRENT_VERSION_EXPIRY_DAYS} days as old versions`,
    'per month',
    gbMonths * prices.s3.standardGbMonth,
    `${a.newRecordingsGbMonth} GB deleted a month × ${NONCURRENT_VERSION_EXPIRY_DAYS}/${DAYS_PER_MONTH} month × $${prices.s3.standardGbMonth}/GB-month Standard, until the noncurrent-version expiry removes them`,
  );
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
  readonly userPool?: PricedItem;
  readonly zone: PricedItem;
  readonly automation: PricedItem;
  readonly monitoring: PricedItem;
  readonly recordings: PricedItem;
  readonly downloads?: NonNullable<ReturnType<typeof recordingDownloads>>;
  readonly oldVersions?: PricedItem;
}

/** The optional items, present only when the config has what they price. */
function optionalItems(basis: PricingBasis): Partial<PricedItems> {
  const entries = {
    loadBalancer: loadBalancer(basis),
    recorder: recorder(basis),
    pageRequests: pageRequests(basis),
    userPool: userPool(basis),
    downloads: recordingDownloads(basis),
    oldVersions: oldVersions(basis),
  };
  return Object.fromEntries(Object.entries(entries).filter(([, item]) => item !== undefined));
}

export function priceItems(basis: PricingBasis): PricedItems {
  return {
    task: fargateTask(basis),
    taskAddress: taskAddress(basis),
    egress: internetEgress(basis),
    logs: logsIngestion(basis),
    metrics: meetingMetrics(basis),
    secrets: secrets(basis),
    zone: hostedZone(basis),
    automation: automation(basis),
    monitoring: monitoring(basis),
    recordings: recordingsStorage(basis),
    ...optionalItems(basis),
  };
}

const present = <T>(item: T | undefined): T[] => (item === undefined ? [] : [item]);

/** The lines as `plan` lists them: running-hour items first, then idle, request and monthly ones. */
export function rateLines(items: PricedItems): RateLine[] {
  const lines: PricedItem[] = [
    items.task,
    items.taskAddress,
    ...present(items.loadBalancer?.capacity),
    ...present(items.recorder?.line),
    items.egress,
    items.logs,
    items.metrics,
    ...(items.loadBalancer ? [items.loadBalancer.hour, items.loadBalancer.addresses] : []),
    ...present(items.pageRequests),
    items.secrets,
    ...present(items.userPool),
    items.zone,
    items.automation,
    items.monitoring,
    items.recordings,
    ...present(items.oldVersions),
    ...present(items.downloads),
  ];
  return lines.map(({ item, billed, usd, note, sources }) => ({ item, billed, usd, note, sources }));
}
