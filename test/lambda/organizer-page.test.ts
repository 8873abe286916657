import { CloudFormationClient, DescribeStacksCommand, type StackStatus } from '@aws-sdk/client-cloudformation';
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { DescribeServicesCommand, DescribeTasksCommand, ECSClient, ListTasksCommand } from '@aws-sdk/client-ecs';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { JWT_SECRET_KEY } from '../../src/auth/jitsi-settings.js';
import { verifyJitsiToken } from '../../src/auth/jitsi-token.js';
import { modelledStartSeconds } from '../../src/control/start-time.js';
import { measuredStartSeconds, PAGE_ENV, SECRET_CACHE_SECONDS } from '../../src/lambda/organizer-page.js';
import { CSRF_HEADER, SESSION_COOKIE } from '../../src/page/api.js';
import { sessionKey } from '../../src/page/session.js';
import { START_NEEDS_REPAIR } from '../../src/page/start-refusal.js';
import { CLIENT, ISSUER, POOL } from '../support/cognito.js';

// The page function's own wiring, with the SDK clients mocked: the environment it reads, the
// DynamoDB rate limit and session rows, the start checked against the plan on the stack CloudFormation
// describes, the asynchronous self-invocation for start and stop, the
// token secret read at most every few minutes, and the API Gateway event shape (cookies array, base64
// bodies, the source address). Cognito's keys are a local key pair handed to aws-jwt-verify's cache,
// so nothing is fetched.
const keys = vi.hoisted(() => ({ jwks: undefined as unknown }));
vi.mock('aws-jwt-verify', async (original) => {
  const actual = await original<typeof import('aws-jwt-verify')>();
  return {
    ...actual,
    CognitoJwtVerifier: {
      create: (options: Parameters<typeof actual.CognitoJwtVerifier.create>[0]) => {
        const verifier = actual.CognitoJwtVerifier.create(options);
        (verifier as unknown as { cacheJwks(jwks: unknown): void }).cacheJwks(keys.jwks);
        return verifier;
      },
    },
  };
});

const dynamo = mockClient(DynamoDBClient);
const lambda = mockClient(LambdaClient);
const secrets = mockClient(SecretsManagerClient);
const cloudFormation = mockClient(CloudFormationClient);
/** The stack as DescribeStacks answers (no outputs: no service the plan would have to stop first). */
const stackIn = (status: StackStatus) => ({
  Stacks: [{ StackName: 'Meet-meet-community-test', StackStatus: status, CreationTime: new Date(0), Outputs: [] }],
});
const ORIGIN = 'https://start.meet.community.test';
const APP_SECRET = 'an-app-secret-of-at-least-32-bytes-long!';
const FUNCTION = 'Meet-page-function';
let sign: (groups: string[]) => Promise<string>;

const ENVIRONMENT = {
  AWS_REGION: 'us-west-2',
  AWS_LAMBDA_FUNCTION_NAME: FUNCTION,
  STACK_NAME: 'Meet-meet-community-test',
  MEETING_HOST: 'meet.community.test',
  ALERT_TOPIC_ARN: 'arn:aws:sns:us-west-2:111122223333:alerts',
  IDLE_STOP_MINUTES: '15',
  START_GRACE_MINUTES: '20',
  MAX_RUNTIME_HOURS: '4',
  PAGE_ORIGIN: ORIGIN,
  USER_POOL_ID: POOL,
  USER_POOL_CLIENT_ID: CLIENT,
  SIGN_IN_BASE_URL: 'https://meet-community.auth.us-west-2.amazoncognito.com',
  TOKEN_SECRET_ARN: 'arn:aws:secretsmanager:us-west-2:111122223333:secret:Meet-jitsi-token-AbC',
  STATE_TABLE_NAME: 'Meet-state',
  COST_MODEL: JSON.stringify({ size: 'medium', architecture: 'arm64', ingress: 'direct', budgetUsd: 30 }),
  BRANDING: JSON.stringify({ appName: 'Community Meet', logoUrl: 'https://community.test/logo.svg' }),
};

beforeAll(async () => {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  keys.jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] };
  sign = (groups) =>
    new SignJWT({
      token_use: 'id',
      aud: CLIENT,
      iss: ISSUER,
      sub: 'u1',
      email: 'ana@community.test',
      name: 'Ana',
      'cognito:groups': groups,
    })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(privateKey);
  for (const [name, value] of Object.entries(ENVIRONMENT)) vi.stubEnv(name, value);
});
afterAll(() => vi.unstubAllEnvs());
beforeEach(() => {
  dynamo.reset();
  lambda.reset();
  secrets.reset();
  cloudFormation.reset();
  cloudFormation.on(DescribeStacksCommand).resolves(stackIn('UPDATE_COMPLETE'));
  secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ [JWT_SECRET_KEY]: APP_SECRET }) });
  lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
});

let sessionCount = 0;
/** A signed-in session: its row (as the state table answers GetItem) and the cookie's id. */
function session(idToken: string): string {
  const id = `session${++sessionCount}`.padEnd(43, 'x');
  dynamo
    .on(GetItemCommand, { Key: { pk: { S: `SESSION#${sessionKey(id)}` }, sk: { S: 'SESSION' } } })
    .resolves({ Item: { idToken: { S: idToken }, expiresAt: { N: String(Math.floor(Date.now() / 1000) + 3600) } } });
  return id;
}

function event(
  method: string,
  path: string,
  o: { token?: string; body?: string; base64?: boolean } = {},
): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: { host: 'start.meet.community.test', origin: ORIGIN, [CSRF_HEADER]: '1' },
    ...(o.token ? { cookies: ['other=1', `${SESSION_COOKIE}=${session(o.token)}`] } : {}),
    requestContext: { http: { method, path, sourceIp: '198.51.100.7' } } as APIGatewayProxyEventV2['requestContext'],
    isBase64Encoded: Boolean(o.base64),
    ...(o.body !== undefined ? { body: o.base64 ? Buffer.from(o.body).toString('base64') : o.body } : {}),
  };
}

async function call(e: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const { handler } = await import('../../src/lambda/organizer-page.js');
  return (await handler(e)) as APIGatewayProxyStructuredResultV2;
}

const noAwsCalls = () => {
  expect(dynamo.calls()).toHaveLength(0);
  expect(lambda.calls()).toHaveLength(0);
  expect(secrets.calls()).toHaveLength(0);
  expect(cloudFormation.calls()).toHaveLength(0);
};

describe('the organizer page function', () => {
  it('serves the page with the branding of its environment, touching no AWS service', async () => {
    const page = await call(event('GET', '/'));
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<title>Community Meet (meet.community.test)</title>');
    expect(page.headers?.['content-security-policy']).toContain("img-src 'self' https://community.test;");
    noAwsCalls();
  });

  it('answers 401 without a session and calls nothing', async () => {
    expect((await call(event('GET', '/api/status'))).statusCode).toBe(401);
    expect((await call(event('POST', '/api/start', { body: '{}' }))).statusCode).toBe(401);
    noAwsCalls();
  });

  it("joins a member with a token signed by the stack's secret, read from Secrets Manager once for minutes", async () => {
    const token = await sign(['members']);
    for (const base64 of [false, true]) {
      const joined = await call(event('POST', '/api/join', { token, body: JSON.stringify({ room: 'weekly' }), base64 }));
      expect(joined.statusCode).toBe(200);
      const jwt = new URL(JSON.parse(joined.body ?? '{}').url).searchParams.get('jwt') ?? '';
      const settings = { appId: 'meetctl', audience: 'jitsi', host: 'meet.community.test', secret: APP_SECRET };
      expect(await verifyJitsiToken(jwt, { ...settings, room: 'weekly', now: Date.now() })).toMatchObject({ ok: true });
    }
    // Cached for minutes (it was read by an earlier test or this one, never twice).
    expect(secrets.commandCalls(GetSecretValueCommand).length).toBeLessThanOrEqual(1);
    expect(lambda.calls()).toHaveLength(0);
  });

  it('picks up a rotated token secret within minutes, not only in a new container', async () => {
    const token = await sign(['members']);
    const join = async () => {
      const joined = await call(event('POST', '/api/join', { token, body: JSON.stringify({ room: 'weekly' }) }));
      return new URL(JSON.parse(joined.body ?? '{}').url).searchParams.get('jwt') ?? '';
    };
    const check = (jwt: string, secret: string) =>
      verifyJitsiToken(jwt, { appId: 'meetctl', secret, room: 'weekly', now: Date.now() });
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      await join();
      const ROTATED = 'the-rotated-app-secret-of-at-least-32-bytes';
      secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ [JWT_SECRET_KEY]: ROTATED }) });
      vi.setSystemTime(Date.now() + SECRET_CACHE_SECONDS * 1000);
      expect(await check(await join(), ROTATED)).toMatchObject({ ok: true });
    } finally {
      vi.useRealTimers();
    }
  });

  it('signs out by deleting the session row, so the same cookie is refused on the next request', async () => {
    const token = await sign(['organizers', 'members']);
    const id = session(token);
    const withCookie = (method: string, path: string) => ({ ...event(method, path), cookies: [`${SESSION_COOKIE}=${id}`] });
    expect((await call(withCookie('GET', '/api/recordings'))).statusCode).toBe(200);
    dynamo.on(DeleteItemCommand).callsFake(() => {
      dynamo.on(GetItemCommand).resolves({});
      return { Attributes: { idToken: { S: token }, expiresAt: { N: '0' } } };
    });
    const out = await call(withCookie('GET', '/auth/logout'));
    expect(out.statusCode).toBe(302);
    expect(dynamo.commandCalls(DeleteItemCommand)[0]?.args[0].input).toMatchObject({
      TableName: 'Meet-state',
      Key: { pk: { S: `SESSION#${sessionKey(id)}` }, sk: { S: 'SESSION' } },
    });
    expect((await call(withCookie('GET', '/api/recordings'))).statusCode).toBe(401);
    expect(dynamo.commandCalls(GetItemCommand).at(-1)?.args[0].input.ConsistentRead).toBe(true);
  });

  it('starts by invoking itself asynchronously, after a conditional write of the rate limit', async () => {
    const token = await sign(['organizers', 'members']);
    const started = await call(event('POST', '/api/start', { token, body: '{}' }));
    expect(started.statusCode).toBe(202);
    const put = dynamo.commandCalls(PutItemCommand)[0]?.args[0].input;
    expect(put).toMatchObject({
      TableName: 'Meet-state',
      Item: { pk: { S: 'RATE#start' }, sk: { S: 'RATE' } },
      ConditionExpression: 'attribute_not_exists(pk) OR #at < :cutoff',
    });
    const invoke = lambda.commandCalls(InvokeCommand)[0]?.args[0].input;
    expect(invoke).toMatchObject({ FunctionName: FUNCTION, InvocationType: 'Event' });
    expect(JSON.parse(Buffer.from(invoke?.Payload as Uint8Array).toString('utf8'))).toEqual({
      action: 'transition',
      goal: 'running',
      actor: 'page:ana@community.test',
    });
  });

  it('refuses a second start within the minute (the conditional write fails) and invokes nothing', async () => {
    dynamo
      .on(PutItemCommand)
      .rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));
    const token = await sign(['organizers', 'members']);
    expect((await call(event('POST', '/api/start', { token, body: '{}' }))).statusCode).toBe(429);
    expect(lambda.calls()).toHaveLength(0);
  });

  it('refuses a start on a stack CloudFormation left for a person to repair: 409 in plain words, no start spent, nothing invoked', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves(stackIn('UPDATE_ROLLBACK_FAILED'));
    const token = await sign(['organizers', 'members']);
    const refused = await call(event('POST', '/api/start', { token, body: '{}' }));
    expect([refused.statusCode, JSON.parse(refused.body ?? '{}')]).toEqual([409, { error: START_NEEDS_REPAIR }]);
    expect(cloudFormation.commandCalls(DescribeStacksCommand)[0]?.args[0].input).toEqual({
      StackName: 'Meet-meet-community-test',
    });
    expect(dynamo.commandCalls(PutItemCommand)).toHaveLength(0);
    expect(lambda.calls()).toHaveLength(0);
    // A stop is asked for as anywhere: the control plane stops what runs there.
    expect((await call(event('POST', '/api/stop', { token, body: '{}' }))).statusCode).toBe(202);
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(1);
  });

  it('lets a member neither start nor stop', async () => {
    const token = await sign(['members']);
    expect((await call(event('POST', '/api/stop', { token, body: '{}' }))).statusCode).toBe(403);
    expect(lambda.calls()).toHaveLength(0);
    // Only the session was read; no rate-limit row written.
    expect(dynamo.calls().map((c) => c.args[0].constructor.name)).toEqual(['GetItemCommand']);
  });
});

describe("the page's expected start: the measured one the deploy set, else the model", () => {
  // The file's one CloudFormation mock: a second mockClient of the same client would replace it.
  const cloudformation = cloudFormation;
  const ecs = mockClient(ECSClient);
  afterAll(() => {
    ecs.restore();
  });

  /**
   * A member's status, in a fresh container (the page reads its environment once per container), while
   * ECS places the task that a start asked for 30 s ago.
   */
  async function startingStatus(measured: string | undefined) {
    cloudformation.reset();
    ecs.reset();
    cloudformation.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: ENVIRONMENT.STACK_NAME,
          StackStatus: 'UPDATE_COMPLETE',
          CreationTime: new Date(),
          Outputs: [
            { OutputKey: 'ClusterName', OutputValue: 'meet' },
            { OutputKey: 'ServiceName', OutputValue: 'meet-service' },
          ],
        },
      ],
    });
    ecs.on(DescribeServicesCommand).resolves({
      services: [{ status: 'ACTIVE', desiredCount: 1, runningCount: 0, pendingCount: 1 }],
    });
    ecs
      .on(ListTasksCommand, { desiredStatus: 'RUNNING' })
      .resolves({ taskArns: ['arn:aws:ecs:us-west-2:111122223333:task/meet/t1'] });
    ecs.on(ListTasksCommand, { desiredStatus: 'STOPPED' }).resolves({ taskArns: [] });
    ecs.on(DescribeTasksCommand).resolves({
      tasks: [
        {
          taskArn: 'arn:aws:ecs:us-west-2:111122223333:task/meet/t1',
          lastStatus: 'PROVISIONING',
          desiredStatus: 'RUNNING',
          createdAt: new Date(Date.now() - 30_000),
        },
      ],
    });
    vi.stubEnv(PAGE_ENV.measuredStart, measured);
    vi.resetModules();
    const { handler } = await import('../../src/lambda/organizer-page.js');
    const answer = (await handler(
      event('GET', '/api/status', { token: await sign(['members']) }),
    )) as APIGatewayProxyStructuredResultV2;
    expect(answer.statusCode, answer.body).toBe(200);
    return JSON.parse(answer.body ?? '{}') as { phase: string; starting?: Record<string, unknown> };
  }

  it('shows the measured median from MEASURED_START_SECONDS, marked measured', async () => {
    const status = await startingStatus('81');
    expect(status.phase).toBe('STARTING');
    expect(status.starting).toMatchObject({ expectedSeconds: 81, expectedFrom: 'measured' });
    expect(status.starting?.seconds).toBeGreaterThanOrEqual(30);
  });

  it('takes only whole seconds above 0 (anything else shows the model)', () => {
    expect(measuredStartSeconds('81')).toBe(81);
    for (const value of [undefined, '', '0', '-80', '80.5', 'soon']) expect(measuredStartSeconds(value), value).toBeUndefined();
  });

  it('shows the model, marked so, without the variable', async () => {
    const status = await startingStatus(undefined);
    expect(status.starting).toMatchObject({
      expectedSeconds: modelledStartSeconds('load-balancer').seconds,
      expectedFrom: 'model',
    });
  });
});
