import { describe, expect, it } from 'vitest';
import { SIZE_PRESETS } from '../../src/config/presets.js';
import type { TransitionEvent } from '../../src/control/ports.js';
import { estimateCost, estimateForConfig, HOURS_PER_MONTH, RECORDER_VOLUME_GB } from '../../src/cost/model.js';
import { monthToDate } from '../../src/cost/month-to-date.js';
import { PRICES } from '../../src/cost/prices.js';
import { RECORDER_VOLUME_GIB } from '../../src/infra/constructs/recorder.js';
import { buildPlanReport } from '../../src/plan/report.js';
import { configWith, synth } from '../support/fixtures.js';

const base = { size: SIZE_PRESETS.medium, sizeName: 'medium', architecture: 'arm64' as const, ingress: 'direct' as const };

describe('the cost of recording', () => {
  it('prices a recorded hour: the instance, its address, its volume and its traffic with the meeting while it exists', () => {
    const cost = estimateCost({ ...base, recorder: { instanceType: 'c6a.xlarge' } });
    // The meeting's video reaches the recorder over public IPv4: $0.01/GB as it leaves the task and as it arrives.
    const traffic = 0.675 * 2 * 0.01;
    const expected = 0.153 + PRICES.publicIpv4Hour + (RECORDER_VOLUME_GB * PRICES.ebsGp3GbMonth) / HOURS_PER_MONTH + traffic;
    expect(cost.recordingHourUsd).toBeCloseTo(expected, 6);
    expect(cost.rates.find((r) => r.billed === 'per recording hour')?.item).toBe('Recorder (c6a.xlarge, 40 GB gp3, public IPv4)');
    // Nothing by the hour while nobody records: the idle month adds only the recorder's own secret and the
    // deleted recordings' old versions (their downloads fit the free 100 GB of egress).
    expect(cost.scenarios[0]?.byTier.stopped).toBeCloseTo(
      (estimateCost(base).scenarios[0]?.byTier.stopped ?? 0) + PRICES.secretsManagerSecretMonth + ((5 * 30) / 31) * 0.023,
      2,
    );
    // Downloads share the free 100 GB with the meetings' video: at 60 running hours they are billed in full.
    const sixty = (e: typeof cost) => e.scenarios.find((s) => s.hours === 60)?.breakdown.egress ?? NaN;
    expect(sixty(cost) - sixty(estimateCost(base))).toBeCloseTo(5 * PRICES.dataTransferOut.gb, 2);
    expect(RECORDER_VOLUME_GIB).toBe(RECORDER_VOLUME_GB);
  });

  it('says so when the instance type has no listed price, and prices nothing then', () => {
    const cost = estimateCost({ ...base, recorder: { instanceType: 'z1d.xlarge' } });
    expect(cost.recordingHourUsd).toBeUndefined();
    expect(cost.rates.find((r) => r.billed === 'per recording hour')?.note).toMatch(/price unknown for z1d\.xlarge/);
  });

  it('counts recorder hours month to date: ended runs from the log and the one in progress', () => {
    const now = Date.UTC(2026, 11, 10, 12);
    const estimate = estimateForConfig({
      size: 'medium',
      architecture: 'arm64',
      ingress: 'direct',
      recording: { enabled: true, instanceType: 'c6a.xlarge' },
    });
    const events: TransitionEvent[] = [
      {
        at: Date.UTC(2026, 11, 3, 21),
        actor: 'a',
        reason: 'r',
        goal: 'stopped',
        from: 'READY',
        to: 'STOPPED',
        outcome: 'done',
        runningMinutes: 180,
        recorderMinutes: 120,
      },
    ];
    const month = monthToDate(
      events,
      { phase: 'READY', runningSince: now - 3_600_000, recorderSince: now - 1_800_000 },
      now,
      estimate,
    );
    expect(month.recorderHours).toBe(2.5);
    const without = monthToDate(events, { phase: 'READY', runningSince: now - 3_600_000 }, now, estimate);
    // Both totals are rounded to cents.
    expect(Math.abs(month.costUsd - without.costUsd - 0.5 * (estimate.recordingHourUsd ?? 0))).toBeLessThanOrEqual(0.01);
  });

  it('shows the recorder in the plan: what a recorded hour adds and when the recorder is ready', () => {
    const config = configWith({ recording: { enabled: true } });
    const report = buildPlanReport(config, synth(config).json);
    expect(report.recording).toMatchObject({ instanceType: 'c6a.xlarge', maxHours: 4, start: { measured: false } });
    expect(report.recording?.hourUsd).toBeCloseTo(estimateForConfig(config).recordingHourUsd ?? 0, 6);
    expect(report.resources.groups.map((g) => g.purpose)).toContain('Recorder (EC2 at 0 between recordings)');
    expect(buildPlanReport(configWith({}), synth(configWith({})).json).recording).toBeUndefined();
  });
});
