import { DeleteItemCommand, type DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { SessionStore, StoredSession } from '../page/session.js';

/** Partition keys of the organizer page's sessions in the state table (IAM limits the page to them). */
export const SESSION_ROW_PREFIX = 'SESSION#';
/** The state table's TTL attribute: DynamoDB deletes a row some time after this epoch second. */
export const EXPIRES_AT = 'expiresAt';

type Item = Record<string, { S?: string; N?: string }>;

const key = (k: string) => ({ pk: { S: `${SESSION_ROW_PREFIX}${k}` }, sk: { S: 'SESSION' } });

function fromItem(item: Item | undefined): StoredSession | undefined {
  const idToken = item?.idToken?.S;
  const expiresAt = Number(item?.[EXPIRES_AT]?.N);
  if (!idToken || !Number.isFinite(expiresAt)) return undefined;
  const refreshToken = item?.refreshToken?.S;
  return { idToken, expiresAt, ...(refreshToken ? { refreshToken } : {}) };
}

/**
 * The page's sessions as rows of the state table, one per session, keyed by the hash of its id
 * (src/page/session.ts). Reads are strongly consistent, so a sign-out is seen by the very next request.
 */
export function dynamoSessions(client: DynamoDBClient, table: string): SessionStore {
  return {
    async put(k, session) {
      await client.send(
        new PutItemCommand({
          TableName: table,
          Item: {
            ...key(k),
            idToken: { S: session.idToken },
            ...(session.refreshToken ? { refreshToken: { S: session.refreshToken } } : {}),
            [EXPIRES_AT]: { N: String(session.expiresAt) },
          },
        }),
      );
    },
    async get(k) {
      const { Item } = await client.send(new GetItemCommand({ TableName: table, Key: key(k), ConsistentRead: true }));
      return fromItem(Item as Item | undefined);
    },
    async remove(k) {
      const { Attributes } = await client.send(new DeleteItemCommand({ TableName: table, Key: key(k), ReturnValues: 'ALL_OLD' }));
      return fromItem(Attributes as Item | undefined);
    },
  };
}
