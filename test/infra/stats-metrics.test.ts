import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRICS } from '../../src/infra/constructs/automation.js';
import { ALARM_THRESHOLDS, MONITORING_METRICS, UNHEALTHY_ALERT_MINUTES } from '../../src/infra/constructs/monitoring.js';
import { statsSidecarScript } from '../../src/infra/stats-sidecar.js';
import { configWith, resource, synth } from '../support/fixtures.js';
import { metricValue } from '../support/log-filter.js';
import { runRounds, type StatsServers, startStatsServers } from '../support/stats-endpoints.js';
import { externalTool, TOOLS } from '../support/tools.js';

// From the sidecar's real output to the alarms: the template's metric filters on the stats log group,
// applied (as AWS documents them, test/support/log-filter.ts) to lines the real loop printed.
const busybox = externalTool(TOOLS.busybox, 'stats lines to metrics');
const { json } = synth(configWith({}));
const statsGroup = resource(json, 'AWS::Logs::LogGroup', 'StatsLogs').id;

type Filter = { name: string; namespace: string; pattern: string; value: string };
const statsFilters: Filter[] = Object.values(json.Resources)
  .filter((r) => r.Type === 'AWS::Logs::MetricFilter' && JSON.stringify(r.Properties?.LogGroupName).includes(statsGroup))
  .map((r) => {
    const [t] = (r.Properties?.MetricTransformations ?? []) as Array<{
      MetricName: string;
      MetricNamespace: string;
      MetricValue: string;
    }>;
    return {
      name: t?.MetricName ?? '',
      namespace: t?.MetricNamespace ?? '',
      pattern: String(r.Properties?.FilterPattern),
      value: t?.MetricValue ?? '',
    };
  });
const alarm = (idPart: string) => {
  const [a] = Object.entries(json.Resources).filter(
    ([id, r]) => r.Type === 'AWS::CloudWatch::Alarm' && id.startsWith(`Monitoring${idPart}`),
  );
  return a?.[1].Properties as Record<string, unknown>;
};
const alarmMetric = (props: Record<string, unknown>) =>
  (props.MetricName as string | undefined) ??
  (props.Metrics as Array<{ MetricStat: { Metric: { MetricName: string } } }>)[0]?.MetricStat.Metric.MetricName;

/** The datapoints the stats filters publish for `lines`, by metric name. */
function datapoints(lines: readonly string[]): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const line of lines) {
    for (const f of statsFilters) {
      const value = metricValue(f, line);
      if (value !== undefined) out[f.name] = [...(out[f.name] ?? []), value];
    }
  }
  return out;
}

describe.skipIf(!busybox)("the sidecar's lines become the dashboard's metrics and can fire the alarms", () => {
  let servers: StatsServers;
  let lines: string[];
  beforeAll(async () => {
    servers = await startStatsServers();
    // The bridge passes its health check once, then fails for the rest of the run.
    servers.state.health.jvb = [200, 503];
    const rounds = await runRounds(busybox as string, statsSidecarScript(servers.ports, 0), UNHEALTHY_ALERT_MINUTES + 1);
    lines = rounds.flat();
  });
  afterAll(() => servers?.close());

  it('publishes people, conferences, stress, round trip and loss every minute', () => {
    const points = datapoints(lines);
    const rounds = UNHEALTHY_ALERT_MINUTES + 1;
    expect(points[METRICS.participants]).toEqual(Array(rounds).fill(3));
    expect(points[METRICS.conferences]).toEqual(Array(rounds).fill(1));
    expect(points[MONITORING_METRICS.bridgeStress]).toEqual(Array(rounds).fill(0.92));
    expect(points[MONITORING_METRICS.bridgeRtt]).toEqual(Array(rounds).fill(38.5));
    expect(points[MONITORING_METRICS.bridgeLoss]).toEqual(Array(rounds).fill(0.0001));
  });

  it('"meeting too small for its load": the stress the bridge reports reaches the alarm, which fires after five minutes', () => {
    const stress = alarm('BridgeStressHigh');
    expect(alarmMetric(stress)).toBe(MONITORING_METRICS.bridgeStress);
    expect(stress).toMatchObject({
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: ALARM_THRESHOLDS.minutes,
    });
    const minute = Math.max(...(datapoints(lines)[MONITORING_METRICS.bridgeStress] ?? []));
    expect(minute).toBeGreaterThanOrEqual(stress.Threshold as number);
  });

  it('an unhealthy component reaches its alarm: one datapoint a minute once it failed after passing', () => {
    const unhealthy = alarm('ComponentUnhealthy');
    expect(alarmMetric(unhealthy)).toBe(MONITORING_METRICS.componentUnhealthy);
    const points = datapoints(lines)[MONITORING_METRICS.componentUnhealthy] ?? [];
    expect(points).toEqual(Array(UNHEALTHY_ALERT_MINUTES).fill(1));
    expect(points.length).toBeGreaterThanOrEqual(unhealthy.DatapointsToAlarm as number);
    expect(Math.min(...points)).toBeGreaterThanOrEqual(unhealthy.Threshold as number);
  });

  it('negative: the lines of the old sidecar (colibri stats, never served) publish no bridge metric, and ok=false lines nothing', () => {
    const old = '{"type":"jvb-stats","ok":true,"stats":{"stress_level":0.95,"rtt_aggregate":40,"loss_rate_download":0.1}}';
    expect(datapoints([old])).toEqual({});
    expect(
      datapoints(['{"type":"jvb-metrics","ok":false}', '{"type":"jicofo-stats","ok":false,"stats":null,"guests":null}']),
    ).toEqual({});
  });
});
