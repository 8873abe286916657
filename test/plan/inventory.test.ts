import { describe, expect, it } from 'vitest';
import { countByType, inventory, purposeOf } from '../../src/plan/inventory.js';
import { buildPlanReport } from '../../src/plan/report.js';
import { exampleConfig } from '../support/fixtures.js';

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
    const report = buildPlanReport(exampleConfig(), template);
    expect(report.resources).toMatchObject({ total: 7, removedWhenPoweredDown: 2 });
    expect(report.endpoints.filter((e) => e.exposure === 'internet').map((e) => [e.port, e.protocol])).toEqual([
      [443, 'TLS (TCP)'],
      [10000, 'UDP'],
    ]);
    expect(report.size).toEqual({ name: 'medium', vcpu: 4, memoryMiB: 8192, expectedParticipants: 50 });
    expect(report.cost.scenarios).toHaveLength(5);
  });
});
