import { describe, expect, it } from 'vitest';
import { CHECKED_CONTAINERS } from '../../src/sim/simulated-ecs.js';
import { configWith, resource, synth } from '../support/fixtures.js';

// The simulator reports HEALTHY only for the containers the real task definition gives a health
// check; ECS shows the others as UNKNOWN for good (API_HealthCheck). The list must follow the template.
describe('the simulated task health follows the synthesized task definition', () => {
  it.each(['direct', 'load-balancer'] as const)('%s: the containers with a health check are the checked ones', (ingress) => {
    const { json } = synth(configWith({ ingress }));
    const definitions = resource(json, 'AWS::ECS::TaskDefinition', 'Task').props.ContainerDefinitions as Array<{
      Name: string;
      HealthCheck?: unknown;
    }>;
    expect(
      definitions
        .filter((d) => d.HealthCheck)
        .map((d) => d.Name)
        .sort(),
    ).toEqual([...CHECKED_CONTAINERS].sort());
    // And some have none (the sidecars), which is why the list exists.
    expect(definitions.some((d) => !d.HealthCheck)).toBe(true);
  });
});
