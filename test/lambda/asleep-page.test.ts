import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { GetScheduleCommand, ListSchedulesCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { STARTING_RETRY_SECONDS } from '../../src/asleep/page.js';
import { NEXT_MEETUP_CACHE_SECONDS, STARTING_CACHE_SECONDS } from '../../src/lambda/asleep-page.js';

const scheduler = mockClient(SchedulerClient);
const ecs = mockClient(ECSClient);

beforeEach(() => {
  scheduler.reset();
  ecs.reset();
  vi.stubEnv('MEETING_HOST', 'meet.community.test');
  vi.stubEnv('SCHEDULE_GROUP', 'Meet-meet-community-test');
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
  vi.useRealTimers();
});

async function answer(): Promise<APIGatewayProxyStructuredResultV2> {
  const { handler } = await import('../../src/lambda/asleep-page.js');
  return (await handler()) as APIGatewayProxyStructuredResultV2;
}

const weekly = () => {
  scheduler.on(ListSchedulesCommand).resolves({ Schedules: [{ Name: 'weekly' }] });
  scheduler.on(GetScheduleCommand).resolves({
    Name: 'weekly',
    ScheduleExpression: 'cron(45 17 ? * WED *)',
    ScheduleExpressionTimezone: 'Europe/Berlin',
    Description: 'Meetup cron 0 18 ? * WED * (Europe/Berlin); starts 15 min early. Created by page:ana@community.test.',
    State: 'ENABLED',
    Target: { Arn: 'arn', RoleArn: 'role', Input: JSON.stringify({ schedule: 'weekly', leadMinutes: 15, windowMinutes: 120 }) },
  });
};

describe('the asleep page function', () => {
  it('answers 503 with Retry-After, never cached, naming the time of the next meetup and nobody', async () => {
    weekly();
    const result = await answer();
    expect(result.statusCode).toBe(503);
    expect(result.headers).toMatchObject({
      'retry-after': '60',
      'cache-control': 'no-store',
      'content-type': 'text/html; charset=utf-8',
      'strict-transport-security': 'max-age=31536000',
    });
    expect(result.headers?.['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(result.body).toContain('meet.community.test is asleep');
    expect(result.body).toContain('18:00 (Europe/Berlin)');
    expect(result.body).not.toMatch(/ana@|Created by/);
    expect(scheduler.commandCalls(ListSchedulesCommand)[0]?.args[0].input).toMatchObject({
      GroupName: 'Meet-meet-community-test',
    });
  });

  it('lets the embed origins of its environment frame it, and nobody else', async () => {
    weekly();
    vi.stubEnv('EMBED_ORIGINS', JSON.stringify(['https://community.test', 'javascript:alert(1)']));
    expect((await answer()).headers?.['content-security-policy']).toContain('frame-ancestors https://community.test;');
  });

  it('reads the schedules once a minute per container, however many people ask', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    weekly();
    const burst = await Promise.all(Array.from({ length: 1000 }, () => answer()));
    expect(new Set(burst.map((r) => r.statusCode))).toEqual(new Set([503]));
    expect(scheduler.commandCalls(ListSchedulesCommand)).toHaveLength(1);
    expect(scheduler.commandCalls(GetScheduleCommand)).toHaveLength(1);
    vi.setSystemTime(Date.now() + NEXT_MEETUP_CACHE_SECONDS * 1000);
    await answer();
    expect(scheduler.commandCalls(ListSchedulesCommand)).toHaveLength(2);
  });

  it('still answers, saying the meetup could not be looked up, when the schedules cannot be read, and keeps that for the minute', async () => {
    scheduler.on(ListSchedulesCommand).rejects(new Error('AccessDenied'));
    for (let i = 0; i < 50; i++) {
      const result = await answer();
      expect(result.statusCode).toBe(503);
      expect(result.body).toContain('could not be looked up');
    }
    expect(scheduler.commandCalls(ListSchedulesCommand)).toHaveLength(1);
  });

  it('says "starting" and reloads every 10 s while the service asks for a task; asleep again once it does not', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    weekly();
    vi.stubEnv('MEETING_CLUSTER', 'meet-cluster');
    vi.stubEnv('MEETING_SERVICE', 'meet-service');
    ecs
      .on(DescribeServicesCommand)
      .resolvesOnce({ services: [{ desiredCount: 1, runningCount: 0 }] })
      .resolves({ services: [{ desiredCount: 0, runningCount: 0 }] });
    const starting = await answer();
    expect(starting.statusCode).toBe(503);
    expect(starting.headers?.['retry-after']).toBe(String(STARTING_RETRY_SECONDS));
    expect(starting.body).toContain('meet.community.test is starting');
    expect(starting.body).toContain(`<meta http-equiv="refresh" content="${STARTING_RETRY_SECONDS}">`);
    expect(starting.body).toContain('reloads every 10 seconds');
    expect(ecs.commandCalls(DescribeServicesCommand)[0]?.args[0].input).toEqual({
      cluster: 'meet-cluster',
      services: ['meet-service'],
    });
    // One read per container and 5 s, however many visitors.
    await Promise.all(Array.from({ length: 200 }, () => answer()));
    expect(ecs.commandCalls(DescribeServicesCommand)).toHaveLength(1);
    vi.setSystemTime(Date.now() + STARTING_CACHE_SECONDS * 1000);
    const asleep = await answer();
    expect(asleep.headers?.['retry-after']).toBe('60');
    expect(asleep.body).toContain('meet.community.test is asleep');
    expect(ecs.commandCalls(DescribeServicesCommand)).toHaveLength(2);
  });

  it('says asleep when the service cannot be read, or no service is named', async () => {
    weekly();
    expect((await answer()).body).toContain('is asleep');
    expect(ecs.commandCalls(DescribeServicesCommand)).toHaveLength(0);
    vi.resetModules();
    vi.stubEnv('MEETING_CLUSTER', 'meet-cluster');
    vi.stubEnv('MEETING_SERVICE', 'meet-service');
    ecs.on(DescribeServicesCommand).rejects(new Error('AccessDenied'));
    const result = await answer();
    expect(result.statusCode).toBe(503);
    expect(result.body).toContain('is asleep');
  });
});
