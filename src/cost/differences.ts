import { HOURS_PER_MONTH } from './assumptions.js';
import type { PricedItems, PricingBasis } from './line-items.js';
import { REQUIREMENTS_TABLE } from './prices.js';
import { fixedMonth, idleHour, loadBalancerRates } from './scenarios.js';

/** Why this plan differs from the requirements' cost table, one line per cause. */
export function differences(basis: PricingBasis, items: PricedItems): string[] {
  return basis.balanced
    ? [computeDifference(basis, items), ...loadBalancerDifferences(basis, items)]
    : [computeDifference(basis, items), ...directDifferences(basis, items)];
}

function computeDifference({ input }: PricingBasis, items: PricedItems): string {
  const memoryGb = input.size.memoryMiB / 1024;
  return `Compute: the requirements price 4 vCPU / 8 GB x86 at $${REQUIREMENTS_TABLE.fargateHour}/h; this config runs ${input.size.vcpu} vCPU / ${memoryGb} GB ${input.architecture} at $${items.task.usd.toFixed(4)}/h${input.architecture === 'arm64' ? ' (Graviton is ~20% cheaper)' : ''}.`;
}

function directDifferences({ assumptions: a, prices }: PricingBasis, items: PricedItems): string[] {
  return [
    `No load balancer (ingress "direct"): the requirements' $${REQUIREMENTS_TABLE.nlbMonthly}/month NLB is gone; the task terminates TLS itself and DNS follows it, so a stopped platform bills nothing by the hour.`,
    `Public IPv4 (billed since 2024-02): only the task's address, $${items.taskAddress.usd}/h while running; the requirements omit it.`,
    `Media traffic: internet egress ($${prices.dataTransferOut.gb}/GB after ${prices.dataTransferOut.freeGbMonth} GB free) grows with participants; the requirements omit it. At ${a.averageParticipants} people that is $${items.egress.usd.toFixed(2)} per running hour once the free tier is used.`,
    `Fixed: ${items.secrets.count} secrets $${items.secrets.usd.toFixed(2)}${items.parameters ? ` (${items.parameters.count} SecureString parameters $${items.parameters.usd.toFixed(2)})` : ''}, the Route 53 zone $${items.zone.usd}, ${a.recordingsGb} GB of recordings $${items.recordings.usd.toFixed(2)} and the automation's alarm $${items.automation.usd.toFixed(2)}${alarmTier(a)}; the requirements count S3 at $0.02 and no zone.`,
  ];
}

function loadBalancerDifferences({ assumptions: a, prices }: PricingBasis, items: PricedItems): string[] {
  const lb = loadBalancerRates(items);
  const fixed = fixedMonth(items);
  return [
    `Load balancer hours: the requirements count $${REQUIREMENTS_TABLE.nlbMonthly} (720 h); a 744-hour month at $${lb.hour}/h is $${(HOURS_PER_MONTH * lb.hour).toFixed(2)}.`,
    `Public IPv4 (billed since 2024-02): the load balancer's ${a.loadBalancerAddresses} addresses cost $${(HOURS_PER_MONTH * lb.addresses).toFixed(2)}/month while not powered down, plus $${items.taskAddress.usd}/h for the task's address while running; the requirements omit both.`,
    `Media traffic: internet egress ($${prices.dataTransferOut.gb}/GB after ${prices.dataTransferOut.freeGbMonth} GB free) and NLCUs grow with participants; the requirements omit them. At ${a.averageParticipants} people that is $${(lb.capacity + items.egress.usd).toFixed(2)} per running hour once the free tier is used.`,
    `Fixed: Route 53 zone $${items.zone.usd}, ${a.recordingsGb} GB of recordings $${items.recordings.usd.toFixed(2)} and the automation's alarm $${items.automation.usd.toFixed(2)}${alarmTier(a)} are counted here; the requirements count S3 at $0.02 and no zone.`,
    `Powering down between meetings (instead of only stopping) removes the load balancer and its addresses: idle cost falls from $${(HOURS_PER_MONTH * idleHour(items).stopped + fixed).toFixed(2)} to $${fixed.toFixed(2)} a month.`,
  ];
}

/** Whether the alarms cost nothing because the account's CloudWatch free tier covers them. */
const alarmTier = (a: PricingBasis['assumptions']) =>
  a.cloudWatchFreeTier ? " (within the account's CloudWatch free tier)" : '';
