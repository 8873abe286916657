import { GetScheduleCommand, ListSchedulesCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const scheduler = mockClient(SchedulerClient);

beforeEach(() => {
  scheduler.reset();
  vi.stubEnv('MEETING_HOST', 'meet.community.test');
  vi.stubEnv('SCHEDULE_GROUP', 'Meet-meet-community-test');
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

async function answer(): Promise<APIGatewayProxyStructuredResultV2> {
  const { handler } = await import('../../src/lambda/asleep-page.js');
  return (await handler()) as APIGatewayProxyStructuredResultV2;
}

describe('the asleep page function', () => {
  it('answers 503 with Retry-After, never cached, naming the next meetup of its schedule group', async () => {
    scheduler.on(ListSchedulesCommand).resolves({ Schedules: [{ Name: 'weekly' }] });
    scheduler.on(GetScheduleCommand).resolves({
      Name: 'weekly',
      ScheduleExpression: 'cron(45 17 ? * WED *)',
      ScheduleExpressionTimezone: 'Europe/Berlin',
      Description: 'Blender user group',
      State: 'ENABLED',
      Target: { Arn: 'arn', RoleArn: 'role', Input: JSON.stringify({ schedule: 'weekly', leadMinutes: 15, windowMinutes: 120 }) },
    });
    const result = await answer();
    expect(result.statusCode).toBe(503);
    expect(result.headers).toMatchObject({
      'retry-after': '60',
      'cache-control': 'no-store',
      'content-type': 'text/html; charset=utf-8',
    });
    expect(result.body).toContain('meet.community.test is asleep');
    expect(result.body).toContain('18:00 (Europe/Berlin)');
    expect(result.body).toContain('Blender user group');
    expect(scheduler.commandCalls(ListSchedulesCommand)[0]?.args[0].input).toMatchObject({
      GroupName: 'Meet-meet-community-test',
    });
  });

  it('still answers, saying the meetup could not be looked up, when the schedules cannot be read', async () => {
    scheduler.on(ListSchedulesCommand).rejects(new Error('AccessDenied'));
    const result = await answer();
    expect(result.statusCode).toBe(503);
    expect(result.body).toContain('could not be looked up');
  });
});
