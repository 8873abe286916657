import { HOURS_PER_MONTH, IDLE_TIERS, type IdleTier } from './assumptions.js';
import type { Comparison, ScenarioCost } from './estimate.js';
import type { PricedItems } from './line-items.js';
import { type Prices, REQUIREMENTS_TABLE } from './prices.js';

// The priced items composed into what `plan` shows: an hour running, an idle hour, a month, a recorded hour.

export const round = (usd: number) => Math.round(usd * 100) / 100;

/** The load balancer's rates, zero without one (direct ingress). */
export function loadBalancerRates(items: PricedItems): { hour: number; addresses: number; capacity: number } {
  const lb = items.loadBalancer;
  return { hour: lb?.hour.usd ?? 0, addresses: lb?.addresses.usd ?? 0, capacity: lb?.capacity.usd ?? 0 };
}

/** A running hour, except egress, whose first 100 GB a month are free. */
export function runningHourBeforeEgress(items: PricedItems): number {
  const lb = loadBalancerRates(items);
  return items.task.usd + items.taskAddress.usd + lb.hour + lb.addresses + lb.capacity + meetingLogsHour(items);
}

/** A running hour's logs: ingested, stored for their retention, and the metrics drawn from them. */
function meetingLogsHour(items: PricedItems): number {
  return items.logs.usd + items.logsStorage.usd + items.metrics.usd;
}

/** A running hour once the month's free egress is used up. */
export const runningHour = (items: PricedItems): number => runningHourBeforeEgress(items) + items.egress.usd;

/** An idle hour: stopped keeps the load balancer and its addresses; powered down bills nothing by the hour. */
export function idleHour(items: PricedItems): Record<IdleTier, number> {
  const lb = loadBalancerRates(items);
  return { stopped: lb.hour + lb.addresses, 'powered-down': 0 };
}

/**
 * What a month costs whatever the platform does (not destroyed): secrets, zone, recordings,
 * automation and its logs, monitoring, and with them the user pool's federated users and deleted recordings' old versions.
 */
export function fixedMonth(items: PricedItems): number {
  const stack =
    items.secrets.usd +
    (items.parameters?.usd ?? 0) +
    items.zone.usd +
    items.recordings.usd +
    items.automation.usd +
    items.automationLogs.usd +
    items.monitoring.usd;
  return stack + (items.userPool?.usd ?? 0) + (items.oldVersions?.usd ?? 0);
}

/**
 * What the project itself adds in a month without meetups, per idle tier: everything billed while
 * nothing runs except the hosted zone and the stored recordings (with their old versions), which are
 * the community's whatever it runs.
 */
export function ownIdleMonth(items: PricedItems): Record<IdleTier, number> {
  const own = fixedMonth(items) - items.zone.usd - items.recordings.usd - (items.oldVersions?.usd ?? 0);
  const idle = idleHour(items);
  return Object.fromEntries(IDLE_TIERS.map((tier) => [tier, round(own + HOURS_PER_MONTH * idle[tier])])) as Record<
    IdleTier,
    number
  >;
}

/** A month after `destroy`: the recordings kept and the zone. */
export const destroyedMonth = (items: PricedItems): number => round(items.recordings.usd + items.zone.usd);

/** Internet egress for a month of `hours` running hours and the recording downloads, after the shared free allowance. */
export function egressMonth(items: PricedItems, prices: Prices, hours: number): number {
  const gb = items.egress.gbPerHour * hours + (items.downloads?.gb ?? 0);
  return Math.max(0, gb - prices.dataTransferOut.freeGbMonth) * prices.dataTransferOut.gb;
}

/** A month with `hours` running hours, idle the rest of the time in each tier. */
export function month(items: PricedItems, prices: Prices, hours: number): ScenarioCost {
  const fixed = fixedMonth(items);
  const idle = HOURS_PER_MONTH - hours;
  const idleRate = idleHour(items);
  const egress = egressMonth(items, prices, hours);
  const running = hours * runningHourBeforeEgress(items) + egress;
  const byTier = Object.fromEntries(IDLE_TIERS.map((tier) => [tier, round(fixed + running + idle * idleRate[tier])])) as Record<
    IdleTier,
    number
  >;
  const lb = loadBalancerRates(items);
  return {
    hours,
    byTier,
    breakdown: {
      fixed: round(fixed),
      compute: round(hours * items.task.usd),
      loadBalancer: round(HOURS_PER_MONTH * lb.hour + hours * lb.capacity),
      publicIps: round(HOURS_PER_MONTH * lb.addresses + hours * items.taskAddress.usd),
      egress: round(egress),
      logs: round(hours * meetingLogsHour(items)),
    },
  };
}

/** Each row of the requirements' table next to this plan's month with as many running hours (idle as stopped). */
export function comparison(scenarios: readonly ScenarioCost[]): Comparison[] {
  const stopped = (hours: number) => scenarios.find((s) => s.hours === hours)?.byTier.stopped ?? 0;
  return REQUIREMENTS_TABLE.rows.map((row) => ({
    hours: row.hours,
    label: row.label,
    requirements: row.total,
    ours: stopped(row.hours),
    difference: round(stopped(row.hours) - row.total),
  }));
}
