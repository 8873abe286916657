import { describe, expect, it } from 'vitest';
import { MEETING_ALARMS, RUNNING_METRICS } from '../../src/cost/model.js';
import { METRICS } from '../../src/infra/constructs/automation.js';
import {
  ALARM_THRESHOLDS,
  MONITORING_METRICS,
  nextSize,
  UNHEALTHY_ALERT_MINUTES,
} from '../../src/infra/constructs/monitoring.js';
import { configWith, resource, synth } from '../support/fixtures.js';
import { resolve } from '../support/iam.js';

// One template for the whole file: the shipped example (direct, medium).
const { json } = synth(configWith({}));
const ofType = (type: string) =>
  Object.entries(json.Resources).filter(([, r]) => r.Type === type) as Array<[string, { Properties: Record<string, unknown> }]>;

/** Every metric the stack's metric filters emit, as "namespace/name". */
const emitted = new Set(
  ofType('AWS::Logs::MetricFilter').flatMap(([, f]) =>
    (f.Properties.MetricTransformations as Array<{ MetricNamespace: string; MetricName: string }>).map(
      (t) => `${t.MetricNamespace}/${t.MetricName}`,
    ),
  ),
);
/** AWS/ECS service metrics need no agent: they exist for every Fargate service. */
const awsEcs = new Set(['AWS/ECS/CPUUtilization', 'AWS/ECS/MemoryUtilization']);

type Widget = { type: string; properties: { metrics?: unknown[][]; query?: string; title?: string } };
const [[, dashboardResource]] = ofType('AWS::CloudWatch::Dashboard') as [[string, { Properties: { DashboardBody: unknown } }]];
const body = JSON.parse(resolve(json, dashboardResource.Properties.DashboardBody) as string) as { widgets: Widget[] };

/** [namespace, name] of each metric line of a widget (CloudWatch's compact form: "." repeats the line above). */
function metricsOf(lines: unknown[][]): string[] {
  const out: string[] = [];
  let previous: unknown[] = [];
  for (const line of lines) {
    if (typeof line[0] === 'object') continue; // a math expression; its inputs are lines of their own
    const full = line.map((cell, i) => (cell === '.' ? previous[i] : cell));
    previous = full;
    out.push(`${full[0]}/${full[1]}`);
  }
  return out;
}

describe('the dashboard', () => {
  it('is one dashboard (billed per month, nothing by the hour)', () => {
    expect(ofType('AWS::CloudWatch::Dashboard')).toHaveLength(1);
  });

  it('names only metrics the stack really emits: its metric filters, or AWS/ECS service metrics', () => {
    const named = body.widgets.flatMap((w) => metricsOf(w.properties.metrics ?? []));
    expect(named.length).toBeGreaterThanOrEqual(8);
    for (const metric of named) expect(emitted.has(metric) || awsEcs.has(metric), metric).toBe(true);
  });

  it('shows people, task CPU and memory against the size, the bridge, start durations, running hours and the guards', () => {
    const titles = body.widgets.map((w) => w.properties.title ?? '');
    expect(titles).toEqual(
      expect.arrayContaining([
        'People and conferences',
        'Task CPU and memory (% of "medium": 4 vCPU, 8 GiB)',
        'Video bridge: stress (1 = overloaded) and packet loss',
        'Components failing their health check (e-mail after 3 minutes; nothing restarts them)',
        'Stopped → READY (seconds per start)',
        'Running hours in the time range',
        'What the automation did (schedules, idle stop, runtime guard, rotation)',
      ]),
    );
    const named = body.widgets.flatMap((w) => metricsOf(w.properties.metrics ?? [])).map((m) => m.split('/').pop());
    for (const name of [
      METRICS.participants,
      METRICS.conferences,
      ...Object.values(MONITORING_METRICS).filter((n) => n !== MONITORING_METRICS.endpointFailures),
    ]) {
      expect(named, name).toContain(name);
    }
    const query = body.widgets.find((w) => w.type === 'log')?.properties.query ?? '';
    expect(query).toContain(resource(json, 'AWS::Logs::LogGroup', 'EventLog').id);
    expect(query).toMatch(/idle-stop\|runtime-guard/);
  });
});

describe('the meeting alarms', () => {
  const alarms = ofType('AWS::CloudWatch::Alarm').map(([id, a]) => ({ id, props: a.Properties }));
  const alarm = (idPart: string) => alarms.find((a) => a.id.startsWith(`Monitoring${idPart}`))?.props as Record<string, unknown>;
  const topic = resource(json, 'AWS::SNS::Topic').id;

  it('each names a metric the stack emits and e-mails through the alert topic', () => {
    for (const idPart of ['TaskCpuHigh', 'BridgeStressHigh', 'EndpointFailingInCall', 'ComponentUnhealthy']) {
      const a = alarm(idPart);
      // A single metric, given directly or (with a label) as the one MetricStat of Metrics.
      const stat = (a.Metrics as Array<{ MetricStat: { Metric: { Namespace: string; MetricName: string } } }> | undefined)?.[0]
        ?.MetricStat.Metric;
      const name = stat ? `${stat.Namespace}/${stat.MetricName}` : `${a.Namespace}/${a.MetricName}`;
      expect(emitted.has(name) || awsEcs.has(name), `${idPart}: ${name}`).toBe(true);
      expect(a.AlarmActions).toEqual([{ Ref: topic }]);
      expect(a.TreatMissingData).toBe('notBreaching');
    }
  });

  it('says the size is too small after five minutes of high CPU or bridge stress, naming the next size', () => {
    expect(alarm('TaskCpuHigh')).toMatchObject({
      Threshold: ALARM_THRESHOLDS.cpuPercent,
      EvaluationPeriods: 5,
      DatapointsToAlarm: 5,
    });
    expect(alarm('BridgeStressHigh')).toMatchObject({ Threshold: ALARM_THRESHOLDS.bridgeStress, EvaluationPeriods: 5 });
    expect(nextSize('medium')).toBe('large');
    expect(nextSize('large')).toBeUndefined();
    for (const idPart of ['TaskCpuHigh', 'BridgeStressHigh'])
      expect(alarm(idPart).AlarmDescription).toContain('Set "size": "large"');
  });

  it("alerts when a container exits (the task is replaced), never on the control plane's own stops", () => {
    const [[, rule]] = ofType('AWS::Events::Rule').filter(([id]) => id.startsWith('MonitoringContainerExited'));
    expect(rule.Properties.EventPattern).toMatchObject({
      source: ['aws.ecs'],
      'detail-type': ['ECS Task State Change'],
      detail: { lastStatus: ['STOPPED'], stopCode: ['EssentialContainerExited'] },
    });
    expect(JSON.stringify(rule.Properties.Targets)).toContain(topic);
  });

  it('alerts when the page fails its checks while people are in a call (the guard logs them)', () => {
    const [[, filter]] = ofType('AWS::Logs::MetricFilter').filter(([id]) => id.includes(MONITORING_METRICS.endpointFailures));
    expect(filter.Properties.FilterPattern).toBe('{ ($.message = "endpoint-check") && ($.failingInCall = 1) }');
    expect(JSON.stringify(filter.Properties.LogGroupName)).toContain('AutomationRuntimeGuard');
  });

  it('e-mails the organizer when a component fails its health endpoint for three minutes in a row', () => {
    const [[, filter]] = ofType('AWS::Logs::MetricFilter').filter(([id]) => id.includes(MONITORING_METRICS.componentUnhealthy));
    expect(filter.Properties.FilterPattern).toBe('{ ($.type = "health") && ($.ok IS FALSE) }');
    expect(filter.Properties.MetricTransformations).toEqual([expect.objectContaining({ MetricValue: '1' })]);
    expect(JSON.stringify(filter.Properties.LogGroupName)).toContain('StatsLogs');
    expect(alarm('ComponentUnhealthy')).toMatchObject({
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: UNHEALTHY_ALERT_MINUTES,
      DatapointsToAlarm: UNHEALTHY_ALERT_MINUTES,
      TreatMissingData: 'notBreaching',
    });
    expect(alarm('ComponentUnhealthy').AlarmDescription).toContain('nothing restarts it by itself');
  });

  it("the plan prices exactly the meeting alarms and the stats lines' every-minute metrics the template has", () => {
    const statsGroup = resource(json, 'AWS::Logs::LogGroup', 'StatsLogs').id;
    expect(alarms.filter((a) => a.id.startsWith('Monitoring'))).toHaveLength(MEETING_ALARMS);
    const everyMinute = ofType('AWS::Logs::MetricFilter').filter(
      ([id, f]) =>
        JSON.stringify(f.Properties.LogGroupName).includes(statsGroup) && !id.includes(MONITORING_METRICS.componentUnhealthy),
    );
    expect(everyMinute).toHaveLength(RUNNING_METRICS);
  });
});
