import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  ListSchedulesCommand,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { sdkSchedules } from '../../src/aws/schedules.js';

const scheduler = mockClient(SchedulerClient);
const port = sdkSchedules(new SchedulerClient({ region: 'us-west-2' }));
const target = { functionArn: 'arn:aws:lambda:us-west-2:1:function:start', roleArn: 'arn:aws:iam::1:role/scheduler' };

beforeEach(() => scheduler.reset());

describe('EventBridge Scheduler adapter', () => {
  it('creates a schedule with no flexible window, the lead and window in the input, and self-deletion for one-offs', async () => {
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:aws:scheduler:us-west-2:1:schedule/g/x' });
    await port.create(
      'g',
      {
        name: 'x',
        expression: 'at(2026-12-10T17:45:00)',
        timeZone: 'America/Denver',
        leadMinutes: 15,
        windowMinutes: 120,
        description: 'd',
        oneOff: true,
      },
      target,
    );
    expect(scheduler).toHaveReceivedCommandWith(CreateScheduleCommand, {
      Name: 'x',
      GroupName: 'g',
      ScheduleExpression: 'at(2026-12-10T17:45:00)',
      ScheduleExpressionTimezone: 'America/Denver',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Target: {
        Arn: target.functionArn,
        RoleArn: target.roleArn,
        Input: '{"schedule":"x","leadMinutes":15,"windowMinutes":120}',
        RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 600 },
      },
    });
  });

  it('lists schedules across pages with their lead and window', async () => {
    scheduler
      .on(ListSchedulesCommand)
      .resolvesOnce({ Schedules: [{ Name: 'a' }], NextToken: 't' })
      .resolvesOnce({ Schedules: [{ Name: 'b' }] });
    scheduler.on(GetScheduleCommand).callsFake((input: { Name: string }) => ({
      Name: input.Name,
      ScheduleExpression: input.Name === 'a' ? 'cron(45 17 ? * WED *)' : 'at(2026-12-10T17:45:00)',
      ScheduleExpressionTimezone: 'UTC',
      State: 'ENABLED',
      Target: { Arn: target.functionArn, RoleArn: target.roleArn, Input: '{"schedule":"a","leadMinutes":15,"windowMinutes":90}' },
    }));
    const list = await port.list('g');
    expect(list.map((s) => [s.name, s.oneOff, s.windowMinutes, s.state])).toEqual([
      ['a', false, 90, 'ENABLED'],
      ['b', true, 90, 'ENABLED'],
    ]);
  });

  it('carries --record in the target input, and reads it back', async () => {
    scheduler.on(CreateScheduleCommand).resolves({});
    await port.create(
      'g',
      {
        name: 'rec',
        expression: 'cron(45 17 ? * WED *)',
        timeZone: 'UTC',
        leadMinutes: 15,
        windowMinutes: 120,
        description: 'd',
        oneOff: false,
        record: true,
      },
      target,
    );
    const input = scheduler.commandCalls(CreateScheduleCommand)[0]?.args[0].input.Target?.Input ?? '';
    expect(JSON.parse(input)).toEqual({ schedule: 'rec', leadMinutes: 15, windowMinutes: 120, record: true });
    scheduler.on(ListSchedulesCommand).resolves({ Schedules: [{ Name: 'rec' }] });
    scheduler
      .on(GetScheduleCommand)
      .resolves({ Name: 'rec', ScheduleExpression: 'cron(45 17 ? * WED *)', Target: { Arn: 'a', RoleArn: 'r', Input: input } });
    expect((await port.list('g'))[0]?.record).toBe(true);
  });

  it('deletes a schedule', async () => {
    scheduler.on(DeleteScheduleCommand).resolves({});
    await port.remove('g', 'x');
    expect(scheduler).toHaveReceivedCommandWith(DeleteScheduleCommand, { GroupName: 'g', Name: 'x' });
  });
});
