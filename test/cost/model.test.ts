import { describe, expect, it } from 'vitest';
import { SIZE_PRESETS } from '../../src/config/presets.js';
import { DEFAULT_ASSUMPTIONS, estimateCost, HOURS_PER_MONTH, SCENARIO_HOURS } from '../../src/cost/model.js';
import { PRICES, REQUIREMENTS_TABLE } from '../../src/cost/prices.js';

const medium = (architecture: 'arm64' | 'x86_64' = 'arm64', assumptions = DEFAULT_ASSUMPTIONS) =>
  estimateCost({ size: SIZE_PRESETS.medium, sizeName: 'medium', architecture, assumptions });

describe('cost model', () => {
  it('uses a dated us-west-2 price table', () => {
    expect(PRICES.region).toBe('us-west-2');
    expect(PRICES.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(medium().pricesAsOf).toBe(PRICES.asOf);
  });

  it('prices the task from vCPU-hours and GB-hours per architecture', () => {
    const x86 = medium('x86_64').rates[0];
    const arm = medium('arm64').rates[0];
    expect(x86?.usd).toBeCloseTo(4 * 0.04048 + 8 * 0.004445, 6); // $0.1975/h, the requirements' $0.198
    expect(arm?.usd).toBeCloseTo(4 * 0.03238 + 8 * 0.00356, 6);
    expect(arm?.usd ?? 0).toBeLessThan(x86?.usd ?? 0);
  });

  it('covers the requirements scenarios for both idle tiers', () => {
    const estimate = medium();
    expect(estimate.scenarios.map((s) => s.hours)).toEqual([...SCENARIO_HOURS]);
    expect(SCENARIO_HOURS).toEqual([0, 10, 60, 120, 744]);
    for (const s of estimate.scenarios) expect(s.byTier['powered-down']).toBeLessThanOrEqual(s.byTier.stopped);
  });

  it('charges only the fixed monthly parts when powered down and unused', () => {
    const estimate = medium();
    const idle = estimate.scenarios[0];
    // Secret, zone, recordings; the idle alarm and the four meeting alarms are within the account's CloudWatch
    // free tier (10 alarms), as the dashboard is one of the account's free three.
    expect(idle?.byTier['powered-down']).toBeCloseTo(0.4 + 0.5 + 10 * 0.023, 2);
    // An account whose free tier other alarms use up pays $0.10 for each of the five.
    const paid = medium('arm64', { ...DEFAULT_ASSUMPTIONS, cloudWatchFreeTier: false });
    expect(paid.scenarios[0]?.byTier['powered-down']).toBeCloseTo(0.4 + 0.5 + 10 * 0.023 + 0.1 + 4 * 0.1, 2);
    // Stopped keeps the NLB and its two Elastic IPs for the whole month.
    expect(idle?.byTier.stopped).toBeCloseTo(estimate.fixedMonthlyUsd + HOURS_PER_MONTH * (0.0225 + 2 * 0.005), 2);
  });

  it('prices the automation at near zero while idle', () => {
    const automation = medium().rates.find((r) => r.item.startsWith('Automation'));
    // One alarm, within CloudWatch's free tier; the guard fits the Lambda free tier.
    expect(automation).toMatchObject({ billed: 'per month', usd: 0 });
    expect(automation?.note).toContain("free within the account's free tier (10 alarms a month), else $0.1");
    expect(DEFAULT_ASSUMPTIONS.guardInvocationsMonth).toBe(8928);
    const metrics = medium().rates.find((r) => r.item.startsWith('Meeting metrics'));
    expect(metrics?.billed).toBe('per running hour');
    expect(metrics?.usd).toBe(0);
    const beyondFreeTier = medium('arm64', { ...DEFAULT_ASSUMPTIONS, cloudWatchFreeTier: false });
    expect(beyondFreeTier.rates.find((r) => r.item.startsWith('Meeting metrics'))?.usd).toBeCloseTo(
      (5 * 0.3) / HOURS_PER_MONTH,
      6,
    );
    expect(medium().rates.find((r) => r.item === 'Dashboard and meeting alarms')?.usd).toBe(0);
    expect(beyondFreeTier.rates.find((r) => r.item === 'Dashboard and meeting alarms')?.usd).toBeCloseTo(0.4, 6);
    // An account that already has three dashboards pays for the fourth.
    const paid = medium('arm64', { ...DEFAULT_ASSUMPTIONS, dashboardFree: false });
    expect(paid.fixedMonthlyUsd - medium().fixedMonthlyUsd).toBeCloseTo(PRICES.cloudWatch.dashboardMonth, 2);
  });

  it('makes the tiers equal when the platform runs the whole month', () => {
    const always = medium().scenarios.at(-1);
    expect(always?.hours).toBe(HOURS_PER_MONTH);
    expect(always?.byTier.stopped).toBe(always?.byTier['powered-down']);
  });

  it('counts internet egress only beyond the monthly free tier', () => {
    const quiet = medium('arm64', { ...DEFAULT_ASSUMPTIONS, averageParticipants: 1 });
    expect(quiet.scenarios.find((s) => s.hours === 10)?.breakdown.egress).toBe(0); // 6.75 GB < 100 GB
    const busy = medium();
    const egress60 = busy.scenarios.find((s) => s.hours === 60)?.breakdown.egress ?? 0;
    expect(egress60).toBeCloseTo((15 * 0.675 * 60 - 100) * 0.09, 1);
  });

  it('compares every row with the requirements table and explains the differences', () => {
    const estimate = medium('x86_64');
    expect(estimate.comparison.map((c) => [c.hours, c.requirements])).toEqual(
      REQUIREMENTS_TABLE.rows.map((r) => [r.hours, r.total]),
    );
    for (const c of estimate.comparison) expect(c.difference).toBeCloseTo(c.ours - c.requirements, 2);
    const reasons = estimate.differences.join('\n');
    expect(reasons).toMatch(/Public IPv4/);
    expect(reasons).toMatch(/egress/);
    expect(reasons).toMatch(/720 h/);
    expect(reasons).toMatch(/Route 53 zone/);
  });

  it('prices the direct ingress mode: nothing by the hour while stopped, a second secret, no load balancer lines', () => {
    const direct = estimateCost({ size: SIZE_PRESETS.medium, sizeName: 'medium', architecture: 'arm64', ingress: 'direct' });
    const balanced = medium();
    expect(direct.ingress).toBe('direct');
    expect(direct.idleHourUsd).toEqual({ stopped: 0, 'powered-down': 0 });
    const idleMonth = direct.scenarios.find((s) => s.hours === 0);
    expect(idleMonth?.byTier.stopped).toBe(idleMonth?.byTier['powered-down']);
    // Two secrets, the zone, 10 GB of recordings (five alarms within CloudWatch's free tier): about $1.53, of which $0.80 is the platform's own.
    expect(idleMonth?.byTier.stopped).toBeCloseTo(2 * PRICES.secretsManagerSecretMonth + 0.5 + 10 * 0.023, 2);
    expect(direct.rates.map((r) => r.item).join(' ')).not.toMatch(/Load balancer|NLCU/);
    expect(direct.runningHourUsd).toBeCloseTo(
      balanced.runningHourUsd - PRICES.nlb.hour - 2 * PRICES.publicIpv4Hour - 15 * 0.02 * PRICES.nlb.nlcuHour,
      6,
    );
    expect(direct.differences.join(' ')).toContain('No load balancer');
  });

  it('counts the Jitsi token secret of members-only meetings, and nothing for the user pool', () => {
    const open = estimateCost({ size: SIZE_PRESETS.medium, sizeName: 'medium', architecture: 'arm64', ingress: 'direct' });
    const members = estimateCost({
      size: SIZE_PRESETS.medium,
      sizeName: 'medium',
      architecture: 'arm64',
      ingress: 'direct',
      membersOnly: true,
    });
    expect(members.fixedMonthlyUsd - open.fixedMonthlyUsd).toBeCloseTo(PRICES.secretsManagerSecretMonth, 6);
    expect(members.rates.find((r) => r.item.startsWith('Secrets Manager'))?.note).toContain('Jitsi token secret');
  });

  it("counts the recorder's XMPP passwords, a secret of their own, when server-side recording is on", () => {
    const base = { size: SIZE_PRESETS.medium, sizeName: 'medium', architecture: 'arm64' as const, ingress: 'direct' as const };
    const recording = estimateCost({ ...base, recorder: { instanceType: 'c6a.xlarge' } });
    // Its secret, and the deleted recordings kept as old versions until the noncurrent-version expiry.
    const oldVersions = recording.rates.find((r) => r.item.startsWith('Deleted recordings kept 30 days'))?.usd ?? NaN;
    expect(oldVersions).toBeCloseTo(((5 * 30) / 31) * PRICES.s3.standardGbMonth, 6);
    expect(recording.fixedMonthlyUsd - estimateCost(base).fixedMonthlyUsd).toBeCloseTo(
      PRICES.secretsManagerSecretMonth + oldVersions,
      2,
    );
    expect(recording.rates.find((r) => r.item.startsWith('Secrets Manager'))?.note).toContain("the recorder's XMPP passwords");
  });
});
