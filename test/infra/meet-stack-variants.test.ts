import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { WEB_CONFIG_CONTAINER } from '../../src/infra/constructs/jitsi-task.js';
import { MeetStack } from '../../src/infra/meet-stack.js';
import { configWith, resource, synth } from '../support/fixtures.js';

// One template: small preset, x86_64, a pre-GHCR release, 14-day logs.
const { json } = synth(
  configWith({
    size: 'small',
    architecture: 'x86_64',
    jitsiRelease: 'stable-11031',
    logRetentionDays: 14,
    ingress: 'load-balancer',
  }),
);
const taskDefinition = resource(json, 'AWS::ECS::TaskDefinition').props;
const containers = taskDefinition.ContainerDefinitions as Array<{
  Name: string;
  Image: string;
  Environment: Array<{ Name: string; Value: unknown }>;
  MountPoints?: Array<{ ContainerPath: string; ReadOnly: boolean }>;
}>;

describe('stack variants', () => {
  it('sizes the task from the small preset on x86_64', () => {
    expect(taskDefinition).toMatchObject({ Cpu: '2048', Memory: '4096', RuntimePlatform: { CpuArchitecture: 'X86_64' } });
    const jvb = containers.find((c) => c.Name === 'jvb');
    expect(jvb?.Environment).toContainEqual({ Name: 'VIDEOBRIDGE_MAX_MEMORY', Value: '1536m' });
  });

  it('pulls releases before stable-11146 from Docker Hub and serves web on port 80', () => {
    for (const c of containers.filter((c) => c.Name !== 'stats' && c.Name !== WEB_CONFIG_CONTAINER)) {
      expect(c.Image).toBe(`jitsi/${c.Name}:stable-11031`);
    }
    expect(resource(json, 'AWS::ElasticLoadBalancingV2::TargetGroup', 'WebTargets').props).toMatchObject({
      Port: 80,
      HealthCheckPort: '80',
    });
  });

  it('lets the root web image of these releases write its generated config into /config (cont-init.d/10-config at stable-11031)', () => {
    expect(containers.find((c) => c.Name === 'web')?.MountPoints).toEqual([
      expect.objectContaining({ ContainerPath: '/config', ReadOnly: false }),
    ]);
  });

  it('uses the configured log retention', () => {
    expect(resource(json, 'AWS::Logs::LogGroup', 'LogsJvbLogs').props).toMatchObject({ RetentionInDays: 14 });
  });

  it('refuses a release tag that is not pinned', () => {
    const config = { ...configWith({}), jitsiRelease: 'stable' };
    expect(() => new MeetStack(new App(), 'Bad', { config })).toThrow('jitsiRelease "stable" is not a pinned stable tag');
  });
});
