import { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import { ASLEEP_RETRY_SECONDS, asleepPage } from '../asleep/page.js';
import { sdkSchedules } from '../aws/schedules.js';
import { nextMeetup } from '../schedule/next.js';
import { required, withBranding } from './required.js';

/** Environment variables of the asleep page's function. */
export const ASLEEP_ENV = { host: 'MEETING_HOST', scheduleGroup: 'SCHEDULE_GROUP', pageUrl: 'PAGE_URL' } as const;

let schedules: ReturnType<typeof sdkSchedules> | undefined;

/**
 * Lambda entry of the asleep page (HTTP API, every path): 503 with Retry-After, since the meeting is
 * not being served, and a page that says when the next meetup is.
 */
export const handler = async (): Promise<APIGatewayProxyResultV2> => {
  const host = required(ASLEEP_ENV.host);
  const pageUrl = process.env[ASLEEP_ENV.pageUrl] || undefined;
  const common = { host, ...(pageUrl ? { pageUrl } : {}), ...withBranding() };
  let body: string;
  try {
    schedules ??= sdkSchedules(new SchedulerClient({}));
    const next = nextMeetup(await schedules.list(required(ASLEEP_ENV.scheduleGroup)), Date.now());
    body = asleepPage({ ...common, ...(next ? { next } : {}) });
  } catch (error) {
    console.log(JSON.stringify({ message: 'schedules unreadable', error: (error as Error).name }));
    body = asleepPage({ ...common, schedulesUnknown: true });
  }
  return {
    statusCode: 503,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'retry-after': String(ASLEEP_RETRY_SECONDS),
      'strict-transport-security': 'max-age=31536000',
    },
    body,
  };
};
