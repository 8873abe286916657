import type { ScheduledEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { runtimeGuard } from '../../src/automation/handlers.js';
import { SIZE_PRESETS } from '../../src/config/presets.js';
import { configSchema, DEFAULT_LOG_RETENTION_DAYS } from '../../src/config/schema.js';
import { DEFAULT_ASSUMPTIONS, estimateCost, estimateForConfig } from '../../src/cost/model.js';
import { automationWorld } from '../support/automation.js';
import { configWith } from '../support/fixtures.js';

// CloudWatch Logs that bill while nothing runs: the meetings' logs kept for their retention, and
// the runtime guard's logs of every round.

/**
 * What Lambda's Node.js runtime writes to CloudWatch Logs for one invocation in the text log format
 * (the guard's: test/cost/idle-resources.test.ts), after the examples of "Log and monitor Node.js
 * Lambda functions" (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-logging.html): START and
 * END, each console.log line as timestamp, request id, level and message, and REPORT with an init
 * duration (a cold start, the longest form), one event each.
 */
function lambdaTextLog(lines: readonly Record<string, unknown>[]): string[] {
  const id = 'c793869b-ee49-115b-a5b6-4fd21e8dedac';
  return [
    `START RequestId: ${id} Version: $LATEST\n`,
    ...lines.map((entry) => `2026-12-03T22:00:00.562Z\t${id}\tINFO\t${JSON.stringify(entry)}\n`),
    `END RequestId: ${id}\n`,
    `REPORT RequestId: ${id}\tDuration: 1170.19 ms\tBilled Duration: 1171 ms\tMemory Size: 256 MB\tMax Memory Used: 103 MB\tInit Duration: 496.59 ms\t\n`,
  ];
}

describe("the runtime guard's logs, every 5 minutes whatever the platform does", () => {
  it('are what a round logs while nothing runs, rounded up to 100 bytes', async () => {
    // Direct ingress logs the most: the host record's check and the decision.
    const w = automationWorld({ ingress: 'direct' });
    await runtimeGuard(w.deps)({} as ScheduledEvent);
    expect(w.logs.map((l) => l.message)).toEqual(['host-record', 'decision']);
    const bytes = lambdaTextLog(w.logs).reduce((sum, event) => sum + Buffer.byteLength(event), 0);
    expect(DEFAULT_ASSUMPTIONS.guardLogBytesPerRun).toBe(Math.ceil(bytes / 100) * 100);
  });

  it('are a line of their own in every month, stopped or powered down', () => {
    const plan = estimateForConfig(configWith({}));
    const line = plan.rates.find((r) => r.item === 'CloudWatch Logs of the runtime guard');
    const gb = (DEFAULT_ASSUMPTIONS.guardInvocationsMonth * DEFAULT_ASSUMPTIONS.guardLogBytesPerRun) / 1e9;
    // Ingested at $0.50/GB, kept 90 days at $0.03 per GB-month (https://aws.amazon.com/cloudwatch/pricing/).
    expect(line).toMatchObject({ billed: 'per month', usd: expect.closeTo(gb * 0.5 + gb * (90 / 31) * 0.03, 12) });
    expect(line?.note).toContain('8928 runs × 700 bytes');
  });

  it('are in the fixed month, so in the own idle month too', () => {
    const base = { size: SIZE_PRESETS.medium, sizeName: 'medium', architecture: 'arm64', ingress: 'direct' } as const;
    const chatty = { ...DEFAULT_ASSUMPTIONS, guardLogBytesPerRun: 1_000_000 };
    const quiet = estimateCost(base);
    const loud = estimateCost({ ...base, assumptions: chatty });
    const guard = (e: typeof quiet) => e.rates.find((r) => r.item === 'CloudWatch Logs of the runtime guard')?.usd ?? NaN;
    expect(guard(loud)).toBeGreaterThan(5);
    expect(loud.fixedMonthlyUsd - quiet.fixedMonthlyUsd).toBeCloseTo(guard(loud) - guard(quiet), 1);
    expect(loud.ownIdleMonthlyUsd.stopped - quiet.ownIdleMonthlyUsd.stopped).toBeCloseTo(guard(loud) - guard(quiet), 1);
  });
});

describe("the meetings' logs, kept for the config's logRetentionDays", () => {
  const storage = (days: 7 | 30 | 365) =>
    estimateForConfig(configWith({ logRetentionDays: days })).rates.find((r) => r.item.startsWith('CloudWatch Logs storage'));

  it('cost each running hour its GB-months of storage: 0.02 GB × days / 31 × $0.03', () => {
    for (const days of [7, 30, 365] as const) {
      expect(storage(days)).toMatchObject({
        item: `CloudWatch Logs storage (meeting logs kept ${days} days)`,
        billed: 'per running hour',
        usd: expect.closeTo(0.02 * (days / 31) * 0.03, 12),
      });
      expect(storage(days)?.note).toContain('while stopped too');
    }
  });

  it('are in the running hour, so each month with meetings pays for what they keep', () => {
    const week = estimateForConfig(configWith({ logRetentionDays: 7 }));
    const year = estimateForConfig(configWith({ logRetentionDays: 365 }));
    expect(year.runningHourUsd - week.runningHourUsd).toBeCloseTo(0.02 * ((365 - 7) / 31) * 0.03, 12);
    const sixty = (e: typeof week) => e.scenarios.find((s) => s.hours === 60)?.byTier.stopped ?? NaN;
    // Each month is rounded to cents.
    expect(Math.abs(sixty(year) - sixty(week) - 60 * 0.02 * ((365 - 7) / 31) * 0.03)).toBeLessThanOrEqual(0.01);
  });

  it("default to the config's own default when a caller has no config", () => {
    expect(DEFAULT_LOG_RETENTION_DAYS).toBe(configSchema.shape.logRetentionDays.parse(undefined));
    const { logRetentionDays: _, ...withoutRetention } = configWith({});
    expect(estimateForConfig(withoutRetention)).toEqual(estimateForConfig(configWith({})));
  });
});
