import { describe, expect, it } from 'vitest';
import { modelledStartSeconds } from '../../src/control/start-time.js';
import { countByType, inventory, purposeOf } from '../../src/plan/inventory.js';
import { buildPlanReport } from '../../src/plan/report.js';
import { configWith, exampleConfig } from '../support/fixtures.js';

const template = {
  Resources: {
    Vpc: { Type: 'AWS::EC2::VPC' },
    SubnetA: { Type: 'AWS::EC2::Subnet' },
    SubnetB: { Type: 'AWS::EC2::Subnet' },
    Nlb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Condition: 'PowerIsOn' },
    Ip: { Type: 'AWS::EC2::EIP', Condition: 'PowerIsOn' },
    Bucket: { Type: 'AWS::S3::Bucket' },
    Helper: { Type: 'Custom::Something' },
  },
};

describe('inventory', () => {
  it('groups resources by purpose and marks the powered-only ones', () => {
    const groups = inventory(template);
    expect(groups.map((g) => g.purpose)).toEqual(['Network', 'Load balancer and TLS', 'Recordings', 'Deploy-time helpers']);
    const lb = groups.find((g) => g.purpose === 'Load balancer and TLS');
    expect(lb?.items.every((i) => i.poweredOnly)).toBe(true);
    expect(countByType(groups[0]?.items ?? [])).toEqual([
      { type: 'AWS::EC2::VPC', count: 1, poweredOnly: false },
      { type: 'AWS::EC2::Subnet', count: 2, poweredOnly: false },
    ]);
  });

  it('sorts unknown types into deploy-time helpers rather than dropping them', () => {
    expect(purposeOf('AWS::Something::New')).toBe('Deploy-time helpers');
    expect(purposeOf('AWS::SecretsManager::Secret')).toBe('Secrets');
  });

  it('builds the plan report with endpoints and cost', () => {
    const report = buildPlanReport(configWith({ ingress: 'load-balancer' }), template);
    expect(report.resources).toMatchObject({ total: 7, removedWhenPoweredDown: 2 });
    expect(report.endpoints.filter((e) => e.exposure === 'internet').map((e) => [e.port, e.protocol])).toEqual([
      [443, 'TLS (TCP)'],
      [10000, 'UDP'],
    ]);
    const direct = buildPlanReport(exampleConfig(), template);
    expect(direct.endpoints.filter((e) => e.exposure === 'internet').map((e) => [e.port, e.protocol])).toEqual([
      [443, 'TLS (TCP)'],
      [80, 'HTTP (TCP)'],
      [10000, 'UDP'],
    ]);
    expect(report.size).toEqual({ name: 'medium', vcpu: 4, memoryMiB: 8192, expectedParticipants: 50 });
    expect(report.cost.scenarios).toHaveLength(5);
  });

  it('compares both ingress modes: idle month, running hour, resources and a modelled start', () => {
    const other = { Resources: { Nlb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Condition: 'PowerIsOn' } } };
    const report = buildPlanReport(exampleConfig(), template, other);
    expect(report.ingress).toBe('direct');
    const [direct, balanced] = report.modes;
    expect(direct).toMatchObject({ ingress: 'direct', configured: true, resources: 7, loadBalancer: false });
    expect(balanced).toMatchObject({ ingress: 'load-balancer', configured: false, resources: 1, loadBalancer: true });
    // About $1.20 a month of its own idle (its three secrets, the members' token secret among them; five
    // alarms within the account's CloudWatch free tier, the dashboard one of the account's free three),
    // plus the zone and 10 GB of recordings that both modes pay: $1.93 in all.
    expect(direct?.idleMonthUsd).toBeCloseTo(3 * 0.4 + 0.5 + 10 * 0.023, 2);
    expect(direct?.idleMonthPoweredDownUsd).toBeUndefined();
    // The load balancer and its two addresses bill every hour unless powered down.
    expect((balanced?.idleMonthUsd ?? 0) - (direct?.idleMonthUsd ?? 0)).toBeGreaterThan(20);
    expect(balanced?.idleMonthPoweredDownUsd).toBeLessThan(direct?.idleMonthUsd ?? 0);
    expect(direct?.runningHourUsd).toBeLessThan(balanced?.runningHourUsd ?? 0);
    // The model: direct in about 95 s, faster than waiting for NLB target registration; every stage sourced.
    expect(direct?.start.seconds).toBe(95);
    expect(direct?.start.seconds).toBeLessThan(balanced?.start.seconds ?? 0);
    expect(direct?.start.measured).toBe(false);
    for (const mode of report.modes) for (const stage of mode.start.stages) expect(stage.source.length).toBeGreaterThan(20);
    expect(balanced?.start.stages.map((s) => s.name)).toContain('NLB target healthy');
    expect(direct?.start.stages.map((s) => s.name)).toContain('Route 53 change INSYNC');
    expect(modelledStartSeconds('load-balancer').range).toEqual([75, 272]);
  });
});
