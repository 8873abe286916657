import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import { asleepCsp, asleepPage, retrySeconds } from '../asleep/page.js';
import { sdkSchedules } from '../aws/schedules.js';
import { type NextMeetup, nextMeetup } from '../schedule/next.js';
import { ttlCache } from '../ttl-cache.js';
import { EMBED_ORIGINS_ENV, embedOriginsFromEnv, HSTS } from '../web-headers.js';
import { required, withBranding } from './required.js';

/** Environment variables of the asleep page's function. */
export const ASLEEP_ENV = {
  host: 'MEETING_HOST',
  /** The meeting's ECS cluster and service (direct mode): a desired count of 1 means a start is under way. */
  cluster: 'MEETING_CLUSTER',
  service: 'MEETING_SERVICE',
  scheduleGroup: 'SCHEDULE_GROUP',
  pageUrl: 'PAGE_URL',
  embedOrigins: EMBED_ORIGINS_ENV,
} as const;

/**
 * How long a container keeps the next meetup it looked up. The page is public and reloads itself
 * every minute: a burst of visitors costs one read of the schedules per container and minute, not
 * one per visitor (`npm run bench` counts the Scheduler calls for 1,000 requests).
 */
export const NEXT_MEETUP_CACHE_SECONDS = 60;

type Lookup = { readonly next?: NextMeetup } | { readonly unknown: true };
let lookup: (() => Promise<Lookup>) | undefined;
let startingLookup: (() => Promise<boolean>) | undefined;

/** How long a container keeps whether a start is under way: one DescribeServices per container and 5 s. */
export const STARTING_CACHE_SECONDS = 5;

/**
 * Whether the meeting's service asks for a task: while the host still points here, that is a start
 * under way (or the seconds before Route 53 has the switch). Unknown (no service named, or ECS cannot
 * be read) counts as asleep: the page then says so, which is never wrong for long.
 */
function serviceStartingLookup(): () => Promise<boolean> {
  const cluster = process.env[ASLEEP_ENV.cluster];
  const service = process.env[ASLEEP_ENV.service];
  if (!cluster || !service) return async () => false;
  const ecs = new ECSClient({});
  return ttlCache(
    async () => {
      try {
        const { services } = await ecs.send(new DescribeServicesCommand({ cluster, services: [service] }));
        return (services?.[0]?.desiredCount ?? 0) > 0;
      } catch (error) {
        console.log(JSON.stringify({ message: 'service unreadable', error: (error as Error).name }));
        return false;
      }
    },
    STARTING_CACHE_SECONDS * 1000,
    Date.now,
  );
}

function nextMeetupLookup(): () => Promise<Lookup> {
  const schedules = sdkSchedules(new SchedulerClient({}));
  const group = required(ASLEEP_ENV.scheduleGroup);
  return ttlCache(
    async (): Promise<Lookup> => {
      try {
        const next = nextMeetup(await schedules.list(group), Date.now());
        return next ? { next } : {};
      } catch (error) {
        // Kept for the same minute as an answer: a flood while Scheduler fails costs no more reads.
        console.log(JSON.stringify({ message: 'schedules unreadable', error: (error as Error).name }));
        return { unknown: true };
      }
    },
    NEXT_MEETUP_CACHE_SECONDS * 1000,
    Date.now,
  );
}

/**
 * Lambda entry of the asleep page (HTTP API, every path): 503 with Retry-After, since the meeting is
 * not being served, and a page that says when the next meetup is.
 */
export const handler = async (): Promise<APIGatewayProxyResultV2> => {
  const host = required(ASLEEP_ENV.host);
  const pageUrl = process.env[ASLEEP_ENV.pageUrl] || undefined;
  const { branding } = withBranding();
  lookup ??= nextMeetupLookup();
  startingLookup ??= serviceStartingLookup();
  const [found, starting] = await Promise.all([lookup(), startingLookup()]);
  const body = asleepPage({
    host,
    ...(starting ? { starting } : {}),
    ...(pageUrl ? { pageUrl } : {}),
    ...(branding ? { branding } : {}),
    ...('unknown' in found ? { schedulesUnknown: true } : found.next ? { next: found.next } : {}),
  });
  return {
    statusCode: 503,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'retry-after': String(retrySeconds({ starting })),
      'strict-transport-security': HSTS,
      'content-security-policy': asleepCsp(branding, embedOriginsFromEnv(process.env[ASLEEP_ENV.embedOrigins])),
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    },
    body,
  };
};
