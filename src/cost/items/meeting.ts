import { HOURS_PER_MONTH, RUNNING_METRICS } from '../assumptions.js';
import { gbFigure, participantFigureSource } from '../bandwidth.js';
import { freeTierNote, line, type PricedItem, type PricingBasis } from './line.js';

// The items of a meeting: what a running hour costs, and what the load balancer costs every hour it exists.

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
      `${a.averageParticipants} people × ${gbFigure(a.egressGbPerParticipantHour)} GB/h (${participantFigureSource(a.bandwidth)}) × $${prices.dataTransferOut.gb}/GB after ${prices.dataTransferOut.freeGbMonth} GB free each month (account-wide, shared with recording downloads)`,
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

/**
 * The HTTP API, per request: in direct mode the asleep page (and the organizer page), behind the
 * load balancer the organizer page of members-only meetings; open rooms behind one have neither.
 */
export function pageRequests({ input, prices, balanced }: PricingBasis): PricedItem | undefined {
  if (balanced && !input.membersOnly) return undefined;
  const pages = balanced
    ? 'Organizer page (HTTP API, function)'
    : `Asleep page${input.membersOnly ? ' and organizer page' : ''} (HTTP API, functions), DNS and certificate functions`;
  return line(
    ['api-gateway', 'lambda'],
    pages,
    'per request',
    prices.httpApiRequestsPerMillion / 1_000_000,
    `$${prices.httpApiRequestsPerMillion} per million requests (pennies a month for a community); the functions run within the Lambda free tier`,
  );
}
