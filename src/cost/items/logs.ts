import { DEFAULT_LOG_RETENTION_DAYS } from '../../config/log-retention.js';
import { DAYS_PER_MONTH, FUNCTION_LOG_RETENTION_DAYS } from '../assumptions.js';
import { line, type PricedItem, type PricingBasis } from './line.js';

// CloudWatch Logs that bill while nothing runs: what meetings logged, kept for its retention, and
// what the automation logs every few minutes whatever the platform does.

/** GB-months a volume logged once stays stored when it is kept `days` days. */
const monthsKept = (days: number) => days / DAYS_PER_MONTH;

/**
 * Storage of the meetings' logs: each running hour's logs stay in the containers' log groups for
 * the config's `logRetentionDays`, billed per GB-month over those days, stopped or not. A month
 * with N running hours keeps N × GB per hour × days / days-in-month GB-months in steady state, so
 * the line bills per running hour. Priced as logged: CloudWatch stores logs compressed, so it is an
 * upper bound.
 */
export function logsStorage({ input, assumptions: a, prices }: PricingBasis): PricedItem & { readonly days: number } {
  const days = input.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS;
  const price = prices.cloudWatchLogs.storageGbMonth;
  return {
    ...line(
      'cloudwatch-logs',
      `CloudWatch Logs storage (meeting logs kept ${days} days)`,
      'per running hour',
      a.logsGbPerRunningHour * monthsKept(days) * price,
      `${a.logsGbPerRunningHour} GB/h kept ${days} days ("logRetentionDays") = ${a.logsGbPerRunningHour} × ${days}/${DAYS_PER_MONTH} GB-month × $${price}/GB-month, billed over those ${days} days while stopped too; priced as logged (stored compressed, so less)`,
    ),
    days,
  };
}

/**
 * The automation's logs: the runtime guard logs every run (every 5 minutes, also while nothing
 * runs), ingested and then kept FUNCTION_LOG_RETENTION_DAYS. The other functions log only when
 * something happens (a start, a page request, the daily certificate check): not counted.
 */
export function automationLogs({ assumptions: a, prices }: PricingBasis): PricedItem & { readonly gbMonth: number } {
  const gbMonth = (a.guardInvocationsMonth * a.guardLogBytesPerRun) / 1e9;
  const logs = prices.cloudWatchLogs;
  const storedGb = gbMonth * monthsKept(FUNCTION_LOG_RETENTION_DAYS);
  return {
    ...line(
      'cloudwatch-logs',
      'CloudWatch Logs of the runtime guard',
      'per month',
      gbMonth * logs.ingestGb + storedGb * logs.storageGbMonth,
      `${a.guardInvocationsMonth} runs × ${a.guardLogBytesPerRun} bytes = ${gbMonth.toFixed(5)} GB a month × $${logs.ingestGb}/GB ingested, kept ${FUNCTION_LOG_RETENTION_DAYS} days (${storedGb.toFixed(5)} GB stored × $${logs.storageGbMonth}/GB-month)`,
    ),
    gbMonth,
  };
}
