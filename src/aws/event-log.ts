import { randomUUID } from 'node:crypto';
import {
  type CloudWatchLogsClient,
  CreateLogStreamCommand,
  FilterLogEventsCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import type { TransitionEvent } from '../control/ports.js';

/**
 * The control plane's event log in CloudWatch Logs: each event is one JSON log event in a stream of
 * its own. CloudWatch Logs has no call that edits or deletes a single event, and the writers are
 * granted only CreateLogStream and PutLogEvents, so the log is append-only by IAM (no writer can
 * delete a stream or the group, or shorten the retention).
 */
export function cloudWatchEventLog(client: CloudWatchLogsClient, logGroupName: string) {
  return {
    async append(event: TransitionEvent): Promise<void> {
      const logStreamName = `${new Date(event.at).toISOString().slice(0, 10)}/${randomUUID()}`;
      await client.send(new CreateLogStreamCommand({ logGroupName, logStreamName }));
      await client.send(
        new PutLogEventsCommand({
          logGroupName,
          logStreamName,
          logEvents: [{ timestamp: event.at, message: JSON.stringify(event) }],
        }),
      );
    },
    async events(since: number): Promise<TransitionEvent[]> {
      const out: TransitionEvent[] = [];
      let nextToken: string | undefined;
      do {
        const page = await client.send(new FilterLogEventsCommand({ logGroupName, startTime: since, nextToken }));
        for (const e of page.events ?? []) {
          try {
            out.push(JSON.parse(e.message ?? '') as TransitionEvent);
          } catch {
            // Not one of ours; the group is append-only for us, but an admin may have written to it.
          }
        }
        nextToken = page.nextToken;
      } while (nextToken);
      return out.sort((a, b) => a.at - b.at);
    },
  };
}
