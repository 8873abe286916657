import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  ListSchedulesCommand,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import type { MeetupSchedule, SchedulesPort } from '../control/ports.js';

/** What each schedule passes to the scheduled-start function (see src/automation/handlers.ts). */
interface Input {
  schedule: string;
  leadMinutes: number;
  windowMinutes: number;
  /** Start the recorder too (server-side recording). */
  record?: boolean;
}

/** EventBridge Scheduler adapter: schedules carry their lead and window in the target input. */
export function sdkSchedules(client: SchedulerClient): SchedulesPort {
  return {
    async create(group, schedule, target) {
      const input: Input = {
        schedule: schedule.name,
        leadMinutes: schedule.leadMinutes,
        windowMinutes: schedule.windowMinutes,
        ...(schedule.record ? { record: true } : {}),
      };
      await client.send(
        new CreateScheduleCommand({
          Name: schedule.name,
          GroupName: group,
          ScheduleExpression: schedule.expression,
          ScheduleExpressionTimezone: schedule.timeZone,
          Description: schedule.description.slice(0, 512),
          FlexibleTimeWindow: { Mode: 'OFF' },
          State: 'ENABLED',
          ActionAfterCompletion: schedule.oneOff ? 'DELETE' : 'NONE',
          Target: {
            Arn: target.functionArn,
            RoleArn: target.roleArn,
            Input: JSON.stringify(input),
            RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 600 },
          },
        }),
      );
    },
    async list(group) {
      const names: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new ListSchedulesCommand({ GroupName: group, NextToken: token }));
        for (const s of page.Schedules ?? []) if (s.Name) names.push(s.Name);
        token = page.NextToken;
      } while (token);
      return Promise.all(
        names.map(async (name): Promise<MeetupSchedule> => {
          const s = await client.send(new GetScheduleCommand({ GroupName: group, Name: name }));
          const input = JSON.parse(s.Target?.Input ?? '{}') as Partial<Input>;
          return {
            name,
            expression: s.ScheduleExpression ?? '',
            timeZone: s.ScheduleExpressionTimezone ?? 'UTC',
            leadMinutes: input.leadMinutes ?? 0,
            windowMinutes: input.windowMinutes ?? 0,
            description: s.Description ?? '',
            oneOff: (s.ScheduleExpression ?? '').startsWith('at('),
            ...(input.record ? { record: true } : {}),
            ...(s.State ? { state: s.State } : {}),
          };
        }),
      );
    },
    async remove(group, name) {
      await client.send(new DeleteScheduleCommand({ GroupName: group, Name: name }));
    },
  };
}
