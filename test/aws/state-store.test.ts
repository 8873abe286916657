import { PutItemCommand } from '@aws-sdk/client-dynamodb';
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
