import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoSessions, EXPIRES_AT, SESSION_ROW_PREFIX } from '../../src/aws/page-sessions.js';
import { createStateTable, startDynalite } from '../support/dynalite.js';

// The organizer page's session rows against dynalite, a DynamoDB implementation nobody here wrote.
const TABLE = 'Meet-state';
let db: Awaited<ReturnType<typeof startDynalite>>;

beforeAll(async () => {
  db = await startDynalite();
  await createStateTable(db.client, TABLE);
});
afterAll(() => db?.stop());

describe('the page sessions in the state table', () => {
  it('stores a session under its key, reads it back, and deletes it, returning what it held', async () => {
    const sessions = dynamoSessions(db.client, TABLE);
    const session = { idToken: 'id.token.sig', refreshToken: 'refresh', expiresAt: 1_900_000_000 };
    await sessions.put('k1', session);
    expect(await sessions.get('k1')).toEqual(session);
    // The row: the SESSION# partition the page's IAM allows, and the TTL attribute DynamoDB deletes by.
    const { Item } = await db.client.send(
      new GetItemCommand({ TableName: TABLE, Key: { pk: { S: `${SESSION_ROW_PREFIX}k1` }, sk: { S: 'SESSION' } } }),
    );
    expect(Item?.[EXPIRES_AT]).toEqual({ N: '1900000000' });
    expect(await sessions.remove('k1')).toEqual(session);
    expect(await sessions.get('k1')).toBeUndefined();
    expect(await sessions.remove('k1')).toBeUndefined();
  });

  it('keeps a session without a refresh token as such', async () => {
    const sessions = dynamoSessions(db.client, TABLE);
    await sessions.put('k2', { idToken: 't', expiresAt: 5 });
    expect(await sessions.get('k2')).toEqual({ idToken: 't', expiresAt: 5 });
  });
});
