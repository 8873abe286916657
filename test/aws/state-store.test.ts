import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { dynamoStateStore } from '../../src/aws/state-store.js';

const dynamo = mockClient(DynamoDBClient);
const store = dynamoStateStore(new DynamoDBClient({ region: 'us-west-2' }), 'meet-state');
const conditionFailed = (item?: Record<string, unknown>) =>
  Object.assign(
    new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }),
    item ? { Item: item } : {},
  );

beforeEach(() => dynamo.reset());

describe('DynamoDB lock', () => {
  it('acquires with a conditional put that also accepts an expired lease', async () => {
    dynamo.on(PutItemCommand).resolves({});
    const result = await store.acquire({
      owner: 'cli:ana',
      reason: 'running: meetup',
      token: 'tok',
      now: 1000,
      leaseSeconds: 60,
    });
    expect(result).toEqual({
      acquired: true,
      lease: { owner: 'cli:ana', reason: 'running: meetup', token: 'tok', acquiredAt: 1000, leaseUntil: 61_000 },
    });
    expect(dynamo).toHaveReceivedCommandWith(PutItemCommand, {
      TableName: 'meet-state',
      ConditionExpression: 'attribute_not_exists(pk) OR leaseUntil < :now',
      ExpressionAttributeValues: { ':now': { N: '1000' } },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  });

  it('reports the holder when the lock is taken', async () => {
    dynamo.on(PutItemCommand).rejects(
      conditionFailed({
        pk: { S: 'LOCK' },
        sk: { S: 'LOCK' },
        owner: { S: 'schedule:weekly' },
        reason: { S: 'running: meetup' },
        token: { S: 'x' },
        acquiredAt: { N: '5' },
        leaseUntil: { N: '99' },
      }),
    );
    const result = await store.acquire({ owner: 'cli:ana', reason: 'r', token: 'tok', now: 10, leaseSeconds: 60 });
    expect(result).toEqual({
      acquired: false,
      holder: { owner: 'schedule:weekly', reason: 'running: meetup', token: 'x', acquiredAt: 5, leaseUntil: 99 },
    });
  });

  it("renews and releases only with the holder's token", async () => {
    dynamo.on(UpdateItemCommand).rejectsOnce(conditionFailed()).resolves({});
    expect(await store.renew('stale', 0, 60)).toBe(false);
    expect(await store.renew('tok', 0, 60)).toBe(true);
    expect(dynamo).toHaveReceivedCommandWith(UpdateItemCommand, {
      ConditionExpression: '#token = :token',
      ExpressionAttributeValues: { ':until': { N: '60000' }, ':token': { S: 'tok' } },
    });
    dynamo.on(DeleteItemCommand).rejects(conditionFailed());
    await expect(store.release('stale')).resolves.toBeUndefined();
  });

  it('passes other errors on', async () => {
    dynamo.on(PutItemCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    await expect(store.acquire({ owner: 'a', reason: 'r', token: 't', now: 0, leaseSeconds: 1 })).rejects.toThrow(
      'Rate exceeded',
    );
  });

  it('reads the current lease consistently', async () => {
    dynamo.on(GetItemCommand).resolves({});
    expect(await store.current()).toBeUndefined();
    expect(dynamo).toHaveReceivedCommandWith(GetItemCommand, { ConsistentRead: true });
  });
});

describe('DynamoDB event log', () => {
  const event = {
    at: Date.UTC(2026, 11, 3, 18),
    actor: 'cli:ana',
    reason: 'meetup',
    goal: 'running',
    from: 'STOPPED',
    to: 'READY',
    outcome: 'done' as const,
  };

  it('appends without ever overwriting', async () => {
    dynamo.on(PutItemCommand).resolves({});
    await store.append(event);
    const input = dynamo.commandCalls(PutItemCommand)[0]?.args[0].input;
    expect(input?.ConditionExpression).toBe('attribute_not_exists(sk)');
    expect(input?.Item?.pk).toEqual({ S: 'EVENT' });
    expect(input?.Item?.sk?.S).toMatch(/^2026-12-03T18:00:00\.000Z#/);
    expect(JSON.parse(input?.Item?.event?.S ?? '{}')).toEqual(event);
  });

  it('reads events since a time across pages, oldest first', async () => {
    dynamo
      .on(QueryCommand)
      .resolvesOnce({
        Items: [{ pk: { S: 'EVENT' }, sk: { S: 'a' }, event: { S: JSON.stringify(event) } }],
        LastEvaluatedKey: { pk: { S: 'EVENT' }, sk: { S: 'a' } },
      })
      .resolvesOnce({
        Items: [{ pk: { S: 'EVENT' }, sk: { S: 'b' }, event: { S: JSON.stringify({ ...event, outcome: 'no-op' }) } }],
      });
    const events = await store.events(Date.UTC(2026, 11, 1));
    expect(events.map((e) => e.outcome)).toEqual(['done', 'no-op']);
    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, {
      ExpressionAttributeValues: { ':pk': { S: 'EVENT' }, ':since': { S: '2026-12-01T00:00:00.000Z' } },
    });
  });
});
