import { afterEach, describe, expect, it, vi } from 'vitest';

const ENV_VARS = {
  AWS_REGION: 'us-west-2',
  STACK_NAME: 'Meet-meet-ne3d-org',
  MEETING_HOST: 'meet.ne3d.org',
  ALERT_TOPIC_ARN: 'arn:aws:sns:us-west-2:111122223333:alerts',
  IDLE_STOP_MINUTES: '15',
  START_GRACE_MINUTES: '20',
  MAX_RUNTIME_HOURS: '4',
};

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

describe('Lambda environment', () => {
  it('builds the automation from the variables the stack sets, once per container', async () => {
    for (const [k, v] of Object.entries(ENV_VARS)) vi.stubEnv(k, v);
    const { automationDeps } = await import('../../src/lambda/environment.js');
    const deps = automationDeps();
    expect(deps.host).toBe('meet.ne3d.org');
    expect(deps.settings).toEqual({ idleStopMinutes: 15, startGraceMinutes: 20, maxRuntimeHours: 4 });
    expect(automationDeps()).toBe(deps);
  });

  it('names a missing variable', async () => {
    for (const [k, v] of Object.entries(ENV_VARS)) if (k !== 'ALERT_TOPIC_ARN') vi.stubEnv(k, v);
    vi.stubEnv('ALERT_TOPIC_ARN', '');
    const { automationDeps } = await import('../../src/lambda/environment.js');
    expect(() => automationDeps()).toThrow('environment variable ALERT_TOPIC_ARN is not set');
  });

  it('each entry exports a handler', async () => {
    for (const file of ['scheduled-start', 'idle-stop', 'runtime-guard']) {
      const module = (await import(`../../src/lambda/${file}.ts`)) as { handler: unknown };
      expect(typeof module.handler, file).toBe('function');
    }
  });
});
