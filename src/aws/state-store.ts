import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { StateStore, TransitionEvent } from '../control/ports.js';
import type { LockLease } from '../control/snapshot.js';

/** Partition keys of the state table (see src/infra/constructs/state-table.ts). */
const LOCK = { pk: { S: 'LOCK' }, sk: { S: 'LOCK' } };
const WINDOW = { pk: { S: 'WINDOW' }, sk: { S: 'WINDOW' } };
const EVENTS = 'EVENT';

const s = (value: string): AttributeValue => ({ S: value });
const n = (value: number): AttributeValue => ({ N: String(value) });

function leaseFrom(item: Record<string, AttributeValue> | undefined): LockLease | undefined {
  if (!item?.token?.S) return undefined;
  return {
    owner: item.owner?.S ?? '?',
    reason: item.reason?.S ?? '',
    token: item.token.S,
    acquiredAt: Number(item.acquiredAt?.N ?? 0),
    leaseUntil: Number(item.leaseUntil?.N ?? 0),
  };
}

const isConditionFailure = (error: unknown): error is Error & { Item?: Record<string, AttributeValue> } =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

/**
 * The lock and the event log in DynamoDB. The lock is one item written with a condition (absent, or
 * its lease expired), so two actors can never both hold it, and a holder that died is taken over
 * once its lease ends. Renew and release are conditional on the holder's token (fencing).
 */
export function dynamoStateStore(client: DynamoDBClient, tableName: string): StateStore {
  const sdk = () => import('@aws-sdk/client-dynamodb');
  return {
    async acquire({ owner, reason, token, now, leaseSeconds }) {
      const { PutItemCommand } = await sdk();
      const item = {
        ...LOCK,
        owner: s(owner),
        reason: s(reason),
        token: s(token),
        acquiredAt: n(now),
        leaseUntil: n(now + leaseSeconds * 1000),
      };
      try {
        await client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: item,
            ConditionExpression: 'attribute_not_exists(pk) OR leaseUntil < :now',
            ExpressionAttributeValues: { ':now': n(now) },
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
    async renew(token, now, leaseSeconds) {
      const { UpdateItemCommand } = await sdk();
      try {
        await client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: LOCK,
            UpdateExpression: 'SET leaseUntil = :until',
            ConditionExpression: '#token = :token',
            ExpressionAttributeNames: { '#token': 'token' },
            ExpressionAttributeValues: { ':until': n(now + leaseSeconds * 1000), ':token': s(token) },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },
    async release(token) {
      const { DeleteItemCommand } = await sdk();
      try {
        await client.send(
          new DeleteItemCommand({
            TableName: tableName,
            Key: LOCK,
            ConditionExpression: '#token = :token',
            ExpressionAttributeNames: { '#token': 'token' },
            ExpressionAttributeValues: { ':token': s(token) },
          }),
        );
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    },
    async current() {
      const { GetItemCommand } = await sdk();
      const { Item } = await client.send(new GetItemCommand({ TableName: tableName, Key: LOCK, ConsistentRead: true }));
      return leaseFrom(Item);
    },
    async append(event) {
      const { PutItemCommand } = await sdk();
      const sk = `${new Date(event.at).toISOString()}#${Math.random().toString(36).slice(2, 10)}`;
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: { pk: s(EVENTS), sk: s(sk), event: s(JSON.stringify(event)) },
          // Append-only: never overwrite an entry.
          ConditionExpression: 'attribute_not_exists(sk)',
        }),
      );
    },
    async setWindow(window) {
      const { PutItemCommand } = await sdk();
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: { ...WINDOW, schedule: s(window.schedule), from: n(window.from), until: n(window.until) },
        }),
      );
    },
    async window() {
      const { GetItemCommand } = await sdk();
      const { Item } = await client.send(new GetItemCommand({ TableName: tableName, Key: WINDOW, ConsistentRead: true }));
      if (!Item?.until?.N) return undefined;
      return { schedule: Item.schedule?.S ?? '?', from: Number(Item.from?.N ?? 0), until: Number(Item.until.N) };
    },
    async events(since) {
      const { QueryCommand } = await sdk();
      const out: TransitionEvent[] = [];
      let start: Record<string, AttributeValue> | undefined;
      do {
        const page = await client.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk AND sk >= :since',
            ExpressionAttributeValues: { ':pk': s(EVENTS), ':since': s(new Date(since).toISOString()) },
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        for (const item of page.Items ?? []) if (item.event?.S) out.push(JSON.parse(item.event.S) as TransitionEvent);
        start = page.LastEvaluatedKey;
      } while (start);
      return out;
    },
  };
}
