import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { LockWrite, StateStore } from '../control/ports.js';
import type { LockLease } from '../control/snapshot.js';

/** Partition keys of the state table (STATE_KEYS in src/infra/constructs/state-table.ts). */
const LOCK = { pk: { S: 'LOCK' }, sk: { S: 'LOCK' } };
const WINDOW = { pk: { S: 'WINDOW' }, sk: { S: 'WINDOW' } };

const s = (value: string): AttributeValue => ({ S: value });
const n = (value: number): AttributeValue => ({ N: String(value) });

function leaseFrom(item: Record<string, AttributeValue> | undefined): LockLease | undefined {
  if (!item?.token?.S) return undefined;
  return {
    owner: item.owner?.S ?? '?',
    reason: item.reason?.S ?? '',
    token: item.token.S,
    version: item.version?.S ?? '',
    leaseSeconds: Number(item.leaseSeconds?.N ?? 0),
    acquiredAt: Number(item.acquiredAt?.N ?? 0),
    heartbeatAt: Number(item.heartbeatAt?.N ?? item.acquiredAt?.N ?? 0),
  };
}

const isConditionFailure = (error: unknown): error is Error & { Item?: Record<string, AttributeValue> } =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

function lockItem(w: LockWrite): Record<string, AttributeValue> {
  return {
    ...LOCK,
    owner: s(w.owner),
    reason: s(w.reason),
    token: s(w.token),
    version: s(w.version),
    leaseSeconds: n(w.leaseSeconds),
    acquiredAt: n(w.now),
    heartbeatAt: n(w.now),
  };
}

/** The DynamoDB commands, imported on first use. */
const sdk = () => import('@aws-sdk/client-dynamodb');

/** Run a conditional write: true when it was applied, false when its condition failed; any other error is thrown. */
async function unlessConditionFails(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/**
 * The lock and the meeting window in DynamoDB. No condition compares times: the lock record is
 * created only when absent, replaced only when its version is the one a taker watched stay unchanged
 * for a lease duration, and heartbeats and release are conditional on the holder's token (fencing).
 * The protocol is in src/control/lock.ts; the event log is in CloudWatch Logs (src/aws/event-log.ts).
 */
export function dynamoStateStore(client: DynamoDBClient, tableName: string): Omit<StateStore, 'append' | 'events'> {
  return { ...lockRecord(client, tableName), ...meetingWindow(client, tableName) };
}

/** The lock record: acquire it when absent, take it over by version, heartbeat and release it by token. */
function lockRecord(
  client: DynamoDBClient,
  tableName: string,
): Pick<StateStore, 'acquire' | 'takeOver' | 'heartbeat' | 'release' | 'current'> {
  return {
    async acquire(write) {
      const { PutItemCommand } = await sdk();
      const item = lockItem(write);
      try {
        await client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: item,
            ConditionExpression: 'attribute_not_exists(pk)',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return { acquired: true, lease: leaseFrom(item) as LockLease };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        const holder = leaseFrom(error.Item) ?? (await this.current());
        if (!holder) throw error;
        return { acquired: false, holder };
      }
    },
    async takeOver(write, expectedVersion) {
      const { PutItemCommand } = await sdk();
      return unlessConditionFails(
        client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: lockItem(write),
            // A record written before versions existed has none: the taker watched "" for it.
            ...(expectedVersion
              ? { ConditionExpression: '#version = :seen', ExpressionAttributeValues: { ':seen': s(expectedVersion) } }
              : { ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#version)' }),
            ExpressionAttributeNames: { '#version': 'version' },
          }),
        ),
      );
    },
    async heartbeat(token, version, leaseSeconds, now) {
      const { UpdateItemCommand } = await sdk();
      return unlessConditionFails(
        client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: LOCK,
            UpdateExpression: 'SET #version = :version, leaseSeconds = :lease, heartbeatAt = :now',
            ConditionExpression: '#token = :token',
            ExpressionAttributeNames: { '#token': 'token', '#version': 'version' },
            ExpressionAttributeValues: { ':version': s(version), ':lease': n(leaseSeconds), ':now': n(now), ':token': s(token) },
          }),
        ),
      );
    },
    async release(token) {
      const { DeleteItemCommand } = await sdk();
      await unlessConditionFails(
        client.send(
          new DeleteItemCommand({
            TableName: tableName,
            Key: LOCK,
            ConditionExpression: '#token = :token',
            ExpressionAttributeNames: { '#token': 'token' },
            ExpressionAttributeValues: { ':token': s(token) },
          }),
        ),
      );
    },
    async current() {
      const { GetItemCommand } = await sdk();
      const { Item } = await client.send(new GetItemCommand({ TableName: tableName, Key: LOCK, ConsistentRead: true }));
      return leaseFrom(Item);
    },
  };
}

/** The meeting window (the schedule that opened it, from and until, whether it records). */
function meetingWindow(client: DynamoDBClient, tableName: string): Pick<StateStore, 'setWindow' | 'window'> {
  return {
    async setWindow(window) {
      const { PutItemCommand } = await sdk();
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: {
            ...WINDOW,
            schedule: s(window.schedule),
            from: n(window.from),
            until: n(window.until),
            ...(window.record ? { record: { BOOL: true } } : {}),
          },
        }),
      );
    },
    async window() {
      const { GetItemCommand } = await sdk();
      const { Item } = await client.send(new GetItemCommand({ TableName: tableName, Key: WINDOW, ConsistentRead: true }));
      if (!Item?.until?.N) return undefined;
      return {
        schedule: Item.schedule?.S ?? '?',
        from: Number(Item.from?.N ?? 0),
        until: Number(Item.until.N),
        ...(Item.record?.BOOL ? { record: true } : {}),
      };
    },
  };
}
