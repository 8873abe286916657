import {
  type AttributeValue,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dynamoStateStore } from '../../src/aws/state-store.js';
import type { LockWrite } from '../../src/control/ports.js';
import { createStateTable, startDynalite } from '../support/dynalite.js';

// The real adapter against a DynamoDB implementation nobody here wrote (dynalite, in memory, on
// 127.0.0.1): the condition expressions are evaluated, not compared as strings.
let dynamo: Awaited<ReturnType<typeof startDynalite>>;
let table = 0;
let store: ReturnType<typeof dynamoStateStore>;

beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(() => dynamo.stop());
beforeEach(async () => {
  table += 1;
  await createStateTable(dynamo.client, `meet-state-${table}`);
  store = dynamoStateStore(dynamo.client, `meet-state-${table}`);
});

const write = (owner: string, token: string, version: string, now = 1000): LockWrite => ({
  owner,
  reason: `running: ${owner}`,
  token,
  version,
  leaseSeconds: 60,
  now,
});

describe('DynamoDB lock record (dynalite)', () => {
  it('creates the record only when there is none, and names the holder otherwise', async () => {
    const first = await store.acquire(write('cli:ana', 'a', 'v1'));
    expect(first).toMatchObject({ acquired: true, lease: { owner: 'cli:ana', token: 'a', version: 'v1', leaseSeconds: 60 } });
    // Whatever the second actor's clock says (far in the future here), a present record is never replaced by acquire.
    const second = await store.acquire(write('schedule:weekly', 'b', 'w1', 10 ** 13));
    expect(second).toEqual({
      acquired: false,
      holder: expect.objectContaining({ owner: 'cli:ana', token: 'a', version: 'v1', acquiredAt: 1000 }),
    });
    expect((await store.current())?.token).toBe('a');
  });

  it('heartbeats only for the holder, rewriting the version', async () => {
    await store.acquire(write('cli:ana', 'a', 'v1'));
    expect(await store.heartbeat('intruder', 'x', 60, 2000)).toBe(false);
    expect((await store.current())?.version).toBe('v1');
    expect(await store.heartbeat('a', 'v2', 60, 2000)).toBe(true);
    expect(await store.current()).toMatchObject({ token: 'a', version: 'v2', heartbeatAt: 2000, acquiredAt: 1000 });
  });

  it('takes over only the version the taker watched', async () => {
    await store.acquire(write('cli:ana', 'a', 'v1'));
    await store.heartbeat('a', 'v2', 60, 2000);
    // The taker watched v1, but the holder heartbeated since: alive, no takeover.
    expect(await store.takeOver(write('idle-stop', 'b', 'w1'), 'v1')).toBe(false);
    expect((await store.current())?.token).toBe('a');
    expect(await store.takeOver(write('idle-stop', 'b', 'w1'), 'v2')).toBe(true);
    expect(await store.current()).toMatchObject({ owner: 'idle-stop', token: 'b', version: 'w1' });
    // The old holder is fenced out: its heartbeat and release do nothing.
    expect(await store.heartbeat('a', 'v3', 60, 3000)).toBe(false);
    await store.release('a');
    expect((await store.current())?.token).toBe('b');
  });

  it('takes over a record written before versions existed (watched as "")', async () => {
    await dynamo.client.send(
      new PutItemCommand({
        TableName: `meet-state-${table}`,
        Item: { pk: { S: 'LOCK' }, sk: { S: 'LOCK' }, owner: { S: 'old-cli' }, token: { S: 'old' }, leaseUntil: { N: '1' } },
      }),
    );
    const holder = await store.current();
    expect(holder).toMatchObject({ owner: 'old-cli', version: '' });
    expect(await store.takeOver(write('idle-stop', 'b', 'w1'), '')).toBe(true);
    expect((await store.current())?.owner).toBe('idle-stop');
    // A versioned record is never taken over by a taker that watched "".
    expect(await store.takeOver(write('other', 'c', 'x1'), '')).toBe(false);
  });

  it('takes over nothing when there is no record', async () => {
    expect(await store.takeOver(write('idle-stop', 'b', 'w1'), 'v1')).toBe(false);
    expect(await store.current()).toBeUndefined();
  });

  it('releases only its own record', async () => {
    await store.acquire(write('cli:ana', 'a', 'v1'));
    await store.release('b');
    expect((await store.current())?.token).toBe('a');
    await store.release('a');
    expect(await store.current()).toBeUndefined();
    expect((await store.acquire(write('idle-stop', 'c', 'x1'))).acquired).toBe(true);
  });

  it('keeps the latest meeting window', async () => {
    expect(await store.window()).toBeUndefined();
    await store.setWindow({ schedule: 'weekly', from: 1, until: 2 });
    await store.setWindow({ schedule: 'december', from: 3, until: 4 });
    expect(await store.window()).toEqual({ schedule: 'december', from: 3, until: 4 });
    // A schedule with --record: the runtime guard adds the recorder inside this window.
    await store.setWindow({ schedule: 'recorded', from: 5, until: 6, record: true });
    expect(await store.window()).toEqual({ schedule: 'recorded', from: 5, until: 6, record: true });
  });
});

/**
 * DynamoDB as its guide documents reads ("Read consistency"): an eventually consistent read "might not
 * reflect the results of a recently completed write"; a strongly consistent read (ConsistentRead: true)
 * returns the most up-to-date data. dynalite always answers with the latest item, so this layer makes
 * a read without ConsistentRead return the item as it was before the last write through it.
 */
function eventuallyConsistent(client: DynamoDBClient): DynamoDBClient {
  const stale = new Map<string, Record<string, AttributeValue> | undefined>();
  const keyOf = (key: Record<string, AttributeValue> | undefined) => `${key?.pk?.S}/${key?.sk?.S}`;
  const send = async (command: unknown): Promise<unknown> => {
    if (command instanceof GetItemCommand && !command.input.ConsistentRead) {
      const key = keyOf(command.input.Key);
      if (stale.has(key)) return { Item: stale.get(key) };
    }
    if (command instanceof PutItemCommand || command instanceof UpdateItemCommand || command instanceof DeleteItemCommand) {
      const key = command instanceof PutItemCommand ? command.input.Item : command.input.Key;
      const pk = { pk: key?.pk as AttributeValue, sk: key?.sk as AttributeValue };
      const before = await client.send(new GetItemCommand({ TableName: command.input.TableName, Key: pk, ConsistentRead: true }));
      stale.set(keyOf(pk), before.Item);
    }
    return client.send(command as never);
  };
  return { send } as unknown as DynamoDBClient;
}

/** A client whose writes of one kind fail with the given error, the rest going to dynalite. */
function failing(client: DynamoDBClient, kind: new (...args: never[]) => unknown, error: Error): DynamoDBClient {
  return {
    send: (command: unknown) => (command instanceof kind ? Promise.reject(error) : client.send(command as never)),
  } as never;
}
const named = (name: string, extra: object = {}) => Object.assign(new Error(name), { name, ...extra });

describe('DynamoDB lock record: reads and errors', () => {
  it('reads the lock and the window strongly consistent: a heartbeat or a new window is seen at once', async () => {
    const consistent = dynamoStateStore(eventuallyConsistent(dynamo.client), `meet-state-${table}`);
    await consistent.acquire(write('cli:ana', 'a', 'v1'));
    await consistent.heartbeat('a', 'v2', 60, 2000);
    expect((await consistent.current())?.version).toBe('v2');
    await consistent.setWindow({ schedule: 'weekly', from: 1, until: 2 });
    await consistent.setWindow({ schedule: 'december', from: 3, until: 4 });
    expect((await consistent.window())?.schedule).toBe('december');
  });

  it('reads what an older or partial record has, with defaults for the rest, and no lock without a token', async () => {
    const put = (Item: Record<string, AttributeValue>) =>
      dynamo.client.send(
        new PutItemCommand({ TableName: `meet-state-${table}`, Item: { pk: Item.pk, sk: Item.sk, ...Item } as never }),
      );
    await put({ pk: { S: 'LOCK' }, sk: { S: 'LOCK' }, owner: { S: 'old-cli' } });
    expect(await store.current()).toBeUndefined();
    await put({ pk: { S: 'LOCK' }, sk: { S: 'LOCK' }, token: { S: 't' } });
    expect(await store.current()).toEqual({
      owner: '?',
      reason: '',
      token: 't',
      version: '',
      leaseSeconds: 0,
      acquiredAt: 0,
      heartbeatAt: 0,
    });
    await put({ pk: { S: 'LOCK' }, sk: { S: 'LOCK' }, token: { S: 't' }, acquiredAt: { N: '5' } });
    expect((await store.current())?.heartbeatAt).toBe(5);
    await put({ pk: { S: 'WINDOW' }, sk: { S: 'WINDOW' }, schedule: { S: 'weekly' } });
    expect(await store.window()).toBeUndefined();
    await put({ pk: { S: 'WINDOW' }, sk: { S: 'WINDOW' }, until: { N: '9' } });
    expect(await store.window()).toEqual({ schedule: '?', from: 0, until: 9 });
  });

  it('passes on every error that is not a failed condition, and answers a failed one', async () => {
    const missing = dynamoStateStore(dynamo.client, 'no-such-table');
    await expect(missing.acquire(write('cli:ana', 'a', 'v1'))).rejects.toThrow(
      expect.objectContaining({ name: 'ResourceNotFoundException' }),
    );
    await expect(missing.takeOver(write('cli:ana', 'a', 'v1'), 'v0')).rejects.toThrow();
    await expect(missing.heartbeat('a', 'v2', 60, 1)).rejects.toThrow();
    await expect(missing.release('a')).rejects.toThrow();
    // A refused write (not a failed condition) is not read as "someone else holds the lock".
    await store.acquire(write('cli:ana', 'a', 'v1'));
    const throttled = named('ProvisionedThroughputExceededException');
    const busy = dynamoStateStore(failing(dynamo.client, PutItemCommand, throttled), `meet-state-${table}`);
    await expect(busy.acquire(write('idle-stop', 'b', 'w1'))).rejects.toBe(throttled);
    // A failed condition without the old item: the holder is read; none left (released meanwhile) is an error.
    const conflict = named('ConditionalCheckFailedException');
    const racing = dynamoStateStore(failing(dynamo.client, PutItemCommand, conflict), `meet-state-${table}`);
    expect(await racing.acquire(write('idle-stop', 'b', 'w1'))).toMatchObject({ acquired: false, holder: { token: 'a' } });
    await store.release('a');
    await expect(racing.acquire(write('idle-stop', 'b', 'w1'))).rejects.toBe(conflict);
    expect(await racing.takeOver(write('idle-stop', 'b', 'w1'), 'v1')).toBe(false);
    const fenced = dynamoStateStore(failing(dynamo.client, UpdateItemCommand, conflict), `meet-state-${table}`);
    expect(await fenced.heartbeat('a', 'v2', 60, 1)).toBe(false);
    const gone = dynamoStateStore(failing(dynamo.client, DeleteItemCommand, conflict), `meet-state-${table}`);
    await expect(gone.release('a')).resolves.toBeUndefined();
  });
});
