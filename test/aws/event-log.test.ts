import {
  CloudWatchLogsClient,
  CreateLogStreamCommand,
  FilterLogEventsCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { cloudWatchEventLog } from '../../src/aws/event-log.js';
import type { TransitionEvent } from '../../src/control/ports.js';

const logs = mockClient(CloudWatchLogsClient);
const log = cloudWatchEventLog(new CloudWatchLogsClient({ region: 'us-west-2' }), 'Meet-x-events');
const event: TransitionEvent = {
  at: Date.UTC(2026, 11, 3, 18),
  actor: 'cli:ana',
  reason: 'meetup',
  goal: 'running',
  from: 'STOPPED',
  to: 'READY',
  outcome: 'done',
};

beforeEach(() => logs.reset());

describe('the event log in CloudWatch Logs', () => {
  it('appends each event as one log event in a new stream of its own', async () => {
    logs.on(CreateLogStreamCommand).resolves({});
    logs.on(PutLogEventsCommand).resolves({});
    await log.append(event);
    await log.append(event);
    const streams = logs.commandCalls(CreateLogStreamCommand).map((c) => c.args[0].input.logStreamName);
    expect(new Set(streams).size).toBe(2);
    expect(streams[0]).toMatch(/^2026-12-03\//);
    const put = logs.commandCalls(PutLogEventsCommand)[0]?.args[0].input;
    expect(put).toMatchObject({ logGroupName: 'Meet-x-events', logStreamName: streams[0] });
    expect(put?.logEvents).toEqual([{ timestamp: event.at, message: JSON.stringify(event) }]);
  });

  it('reads events since a time across pages, oldest first, skipping lines that are not events', async () => {
    logs
      .on(FilterLogEventsCommand)
      .resolvesOnce({ events: [{ message: JSON.stringify({ ...event, at: event.at + 5, outcome: 'no-op' }) }], nextToken: 'n' })
      .resolvesOnce({ events: [{ message: JSON.stringify(event) }, { message: 'not json' }] });
    const events = await log.events(Date.UTC(2026, 11, 1));
    expect(events.map((e) => e.outcome)).toEqual(['done', 'no-op']);
    expect(logs.commandCalls(FilterLogEventsCommand)[0]?.args[0].input).toMatchObject({
      logGroupName: 'Meet-x-events',
      startTime: Date.UTC(2026, 11, 1),
    });
  });
});
