import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { SetDesiredCapacityCommand } from '@aws-sdk/client-auto-scaling';
import { UpdateStackCommand } from '@aws-sdk/client-cloudformation';
import { CreateLogStreamCommand, DeleteLogGroupCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { AdminAddUserToGroupCommand, DeleteUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { RunInstancesCommand, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import {
  DeregisterContainerInstanceCommand,
  DescribeTasksCommand,
  RegisterContainerInstanceCommand,
  RunTaskCommand,
  StopTaskCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import {
  ChangeResourceRecordSetsCommand,
  DeleteHostedZoneCommand,
  ListResourceRecordSetsCommand,
  type RRType,
} from '@aws-sdk/client-route-53';
import {
  AbortMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { CreateScheduleCommand, DeleteScheduleCommand, GetScheduleCommand } from '@aws-sdk/client-scheduler';
import { DeleteSecretCommand, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { PublishCommand } from '@aws-sdk/client-sns';
import { STSClient } from '@aws-sdk/client-sts';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sdkControlPorts } from '../../src/aws/control-adapters.js';
import { challengeName } from '../../src/certs/certificate.js';
import { OUTPUT_NAMES } from '../../src/control/outputs.js';
import type { ControlPorts } from '../../src/control/ports.js';
import { systemClock } from '../../src/control/ports.js';
import type { Ingress } from '../../src/control/snapshot.js';
import { transition } from '../../src/control/transition.js';
import { CSRF_HEADER } from '../../src/page/api.js';
import { LOGIN_COOKIE, SESSION_COOKIE } from '../../src/page/session.js';
import { RECORDER_CONTAINERS } from '../../src/recording/recorder.js';
import {
  fetchPresigned,
  installAuthorizationLayer,
  type Layer,
  type ObservedCall,
  type Outcome,
} from '../support/aws-authorization.js';
import { configWith, resource, synth, type TemplateJson } from '../support/fixtures.js';
import { ACCOUNT, REGION, resolve, STACK_NAME } from '../support/iam.js';
import {
  asLambda,
  clientsFor,
  enforcedMotoWorld,
  type IamWorld,
  type Principal,
  type RoleClients,
  roleOfFunction,
  UNRELATED_GROUP,
} from '../support/moto-iam.js';
import { type MotoServer, motoAvailable } from '../support/moto-server.js';
import { externalTool, TOOLS } from '../support/tools.js';

/*
 * IAM as written, enforced. Every role of the synthesized template (its policies resolved to this
 * world's names, never retyped) and the organizers' permission set (docs/organizer-policy.json) is a
 * role in moto, assumed through moto's STS; its production path runs with that session (the Lambda
 * entries with the environment the template gives them, the control ports, rclone for the recorder)
 * while moto enforces IAM (`enforceIam(0)`: every request signed by a known principal and checked).
 *
 * Who proves what (the table's `by` says it for each refusal):
 * - moto (written by others): the signature and the session, the ACTION of every request, and for S3
 *   the bucket and object ARN. A call whose action the policy lacks is refused by moto.
 * - iam-simulate on the real request (test/support/aws-authorization.ts): the RESOURCE of every
 *   non-S3 request and every CONDITION KEY (dynamodb:LeadingKeys, the route53 record keys,
 *   ecs:cluster, s3:prefix, iam:PassedToService), and iam:PassRole, which ecs:RunTask and
 *   scheduler:CreateSchedule imply. moto evaluates none of these (it matches non-S3 resources against
 *   "*", ignores identity-policy conditions, checks no implied action). Such refusals are the AWS
 *   check's, and so are S3 requests moto cannot verify (presigned URLs, a query with "/").
 * - Not evaluated here at all: resource-based policies (the recordings bucket's TLS-only policy, the
 *   SNS topic policy), SCPs and permission boundaries (the project has none).
 */
const SUITE = 'IAM as written, enforced by moto';
const available = motoAvailable(SUITE);
const rclone = available ? externalTool(TOOLS.rclone, `${SUITE}: the recorder's upload`) : undefined;
const jq = available ? externalTool(TOOLS.jq, `${SUITE}: the recorder's upload`) : undefined;

// The variants with the most roles: direct ingress (the DNS and certificate functions, the asleep
// page) with a recorder, members-only meetings and the monthly rotation; and the load balancer (target
// health instead of the DNS function's rows) with a recorder.
const VARIANTS = [
  {
    name: 'direct ingress, recorder, members-only, monthly rotation',
    template: synth(configWith({ recording: { enabled: true }, rotateSecretsMonthly: true })).json,
  },
  {
    name: 'load balancer, recorder, members-only',
    template: synth(configWith({ ingress: 'load-balancer', recording: { enabled: true } })).json,
  },
];
const ZONE = { id: 'Z0000000000EXAMPLE0000', name: 'example.org' };
const HOST = 'meet.example.org';

// Cognito's keys are a local key pair handed to aws-jwt-verify's cache, so nothing is fetched (as in
// test/lambda/organizer-page.test.ts): the page's session check is not an AWS call.
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

let moto: MotoServer;
let world: IamWorld;
let organizer: Principal;
let layer: Layer;
const calls: ObservedCall[] = [];
const scratch = mkdtempSync(path.join(tmpdir(), 'meetctl-iam-'));
const uninstall = installAuthorizationLayer(() => layer, STSClient);
afterAll(() => {
  uninstall();
  rmSync(scratch, { recursive: true, force: true });
});

/** A moto world of the template: its roles and the organizers' permission set assumed, then IAM enforced. */
async function setUp(template: TemplateJson): Promise<void> {
  // Tasks stay in the state they are put in (RUNNING until stopped), as in the moto suites. From here
  // on, every request must be signed by a principal moto knows, and is checked against its policies.
  ({ moto, world, organizer, layer } = await enforcedMotoWorld(template, ZONE, calls));
}

// ---------------------------------------------------------------------------------------------------
// The world's names and the principals of the table
// ---------------------------------------------------------------------------------------------------

const out = (name: keyof typeof OUTPUT_NAMES) => world.outputs[OUTPUT_NAMES[name]] as string;
const logGroup = (container: string) =>
  (
    out('logGroups')
      .split(',')
      .find((pair) => pair.startsWith(`${container}=`)) ?? ''
  ).split('=')[1] as string;
const functionId = (part: string) => resource(world.json, 'AWS::Lambda::Function', part).id;
const roleOf = (part: string) => roleOfFunction(world.json, functionId(part));
/** A principal by the logical id (part) of its role or function, or 'organizer'. */
function principal(part: string): Principal {
  if (part === 'organizer') return organizer;
  const roleId = Object.keys(world.json.Resources).find(
    (id) => world.json.Resources[id]?.Type === 'AWS::IAM::Role' && id.startsWith(part),
  );
  const found = world.roles.get(roleId ?? roleOf(part));
  if (!found) throw new Error(`no principal ${part}`);
  return found;
}
const clients = (part: string): RoleClients => clientsFor(principal(part).credentials);
const direct = () => out('ingress') === 'direct';
const context = { getRemainingTimeInMillis: () => 120_000 } as Context;
const scheduledEvent = { 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} } as never;
const now = () => Date.now();

/** The meeting task the world pretends runs (moto runs no service tasks): its ARN in the cluster. */
const meetingTask = () => `arn:aws:ecs:${REGION}:${ACCOUNT}:task/${out('cluster')}/0123456789abcdef0123456789abcdef`;

// ---------------------------------------------------------------------------------------------------
// What the world must hold before a role's calls (seeded by the test administrator)
// ---------------------------------------------------------------------------------------------------

/** A log stream with a line in it (a container's log, the recorder's status line). */
async function seedLogLine(group: string, stream: string, message: string): Promise<void> {
  await world.admin.logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: stream })).catch(() => undefined);
  await world.admin.logs.send(
    new PutLogEventsCommand({ logGroupName: group, logStreamName: stream, logEvents: [{ timestamp: now(), message }] }),
  );
}

/** The DNS function's row of the meeting task, with the Route 53 change that pointed the host at it. */
async function seedTaskRow(): Promise<void> {
  const { ChangeInfo } = await world.admin.route53.send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: world.zoneId,
      ChangeBatch: {
        Changes: [
          {
            Action: 'UPSERT',
            ResourceRecordSet: { Name: `seed.${ZONE.name}`, Type: 'A', TTL: 60, ResourceRecords: [{ Value: '192.0.2.1' }] },
          },
        ],
      },
    }),
  );
  await world.admin.dynamodb.send(
    new PutItemCommand({
      TableName: out('stateTable'),
      Item: {
        pk: { S: `TASK#${meetingTask()}` },
        sk: { S: 'TASK' },
        version: { N: '3' },
        ip: { S: world.eni.publicIp },
        changeId: { S: ChangeInfo?.Id ?? '' },
      },
    }),
  );
}

/** The recorder's instance as its ECS agent registers it once the group has launched it; returns its removal. */
async function registerRecorderInstance(): Promise<() => Promise<void>> {
  const { Instances } = await world.admin.ec2.send(
    new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1 }),
  );
  const instanceId = Instances?.[0]?.InstanceId ?? '';
  const { containerInstance } = await world.admin.ecs.send(
    new RegisterContainerInstanceCommand({
      cluster: out('cluster'),
      instanceIdentityDocument: JSON.stringify({ instanceId, region: REGION, accountId: ACCOUNT }),
      totalResources: [
        { name: 'CPU', type: 'INTEGER', integerValue: 4096 },
        { name: 'MEMORY', type: 'INTEGER', integerValue: 8192 },
      ],
    }),
  );
  const containerInstanceArn = containerInstance?.containerInstanceArn;
  // The instance leaves the cluster when the group terminates it.
  return async () => {
    await world.admin.ecs.send(
      new DeregisterContainerInstanceCommand({
        cluster: out('cluster'),
        containerInstance: containerInstanceArn ?? '',
        force: true,
      }),
    );
    await world.admin.ec2.send(new TerminateInstancesCommand({ InstanceIds: [instanceId] }));
  };
}

// ---------------------------------------------------------------------------------------------------
// Drives: the production paths, through the project's own entries and adapters
// ---------------------------------------------------------------------------------------------------

/**
 * Every port call of the control plane an automation function can reach (observe, a transition's
 * steps and their compensation, the lock, the event log, the recorder, a failed start's log tail),
 * through the adapters the function's own entry built (`automationDeps().ports`).
 */
async function controlPlane(ports: ControlPorts, actor: string): Promise<void> {
  const [cluster, service, group, family] = [out('cluster'), out('service'), out('recorderGroup'), out('recorderTaskFamily')];
  const since = now() - 3_600_000;
  await ports.stack.describe();
  await ports.service.describe(cluster, service);
  await ports.service.setDesired(cluster, service, 0);
  await ports.service.tasks(cluster, service);
  const token = `${actor}-token`;
  const write = { owner: actor, reason: 'iam test', token, version: 'v1', leaseSeconds: 60, now: now() };
  await ports.state.current();
  expect((await ports.state.acquire(write)).acquired).toBe(true);
  expect(await ports.state.takeOver({ ...write, version: 'v2' }, 'v1')).toBe(true);
  expect(await ports.state.heartbeat(token, 'v3', 60, now())).toBe(true);
  await ports.state.release(token);
  await ports.state.setWindow({ schedule: 'weekly', from: now(), until: now() + 3_600_000 });
  await ports.state.window();
  await ports.state.append({
    at: now(),
    actor,
    reason: 'iam test',
    goal: 'running',
    from: 'STOPPED',
    to: 'STOPPED',
    outcome: 'no-op',
  });
  await ports.state.events(since);
  await ports.participants.samples(logGroup('stats'), since);
  await seedLogLine(logGroup('jvb'), 'jvb/jvb/0123456789abcdef0123456789abcdef', 'a line of the bridge');
  expect(await ports.logs.tail(logGroup('jvb'), 'jvb/jvb/0123456789abcdef0123456789abcdef', 20)).toContain(
    'a line of the bridge',
  );
  if (direct()) {
    await seedTaskRow();
    expect(await ports.taskDns.status(meetingTask())).toMatchObject({ ip: world.eni.publicIp, inSync: true });
    await ports.certificate.status();
  } else {
    await ports.targets.health(out('webTargets'));
  }
  await ports.recorder.capacity(group);
  await ports.recorder.setCapacity(group, 1);
  const removeInstance = await registerRecorderInstance();
  expect(await ports.recorder.instances(cluster)).toBeGreaterThan(0);
  // The recorder starts through its launcher, which runs (as itself) what it derives; the caller only invokes it.
  const stopMeeting = await seedMeetingTask();
  await queueLauncherAnswer(await runLauncher());
  const task = await ports.recorder.launch(out('recorderLauncher'));
  expect((await ports.recorder.tasks(cluster, family)).map((t) => t.arn)).toContain(task);
  await stopMeeting();
  await seedLogLine(
    out('recorderLogGroup'),
    `${RECORDER_CONTAINERS.status}/${RECORDER_CONTAINERS.status}/0123`,
    '{"type":"recorder-status"}',
  );
  await ports.recorder.status(out('recorderLogGroup'), since);
  await ports.recorder.stop(cluster, task, 'the meeting is over');
  await stopSettled(task);
  await ports.recorder.setCapacity(group, 0);
  await removeInstance();
}

/**
 * A meeting task as the service runs it (moto's services place none): the meeting's family on
 * Fargate in the world's subnet, with a network interface and a private address. Returns its stop.
 */
async function seedMeetingTask(): Promise<() => Promise<void>> {
  const { tasks } = await world.admin.ecs.send(
    new RunTaskCommand({
      cluster: out('cluster'),
      taskDefinition: out('taskFamily'),
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: [world.subnetId], securityGroups: [] } },
    }),
  );
  const arn = tasks?.[0]?.taskArn ?? '';
  return () => stopSettled(arn);
}

/**
 * Stop a task the test started and let it reach STOPPED (moto moves a task one lifecycle state per
 * read), so that no later row finds it still stopping.
 */
async function stopSettled(arn: string): Promise<void> {
  await world.admin.ecs.send(new StopTaskCommand({ cluster: out('cluster'), task: arn }));
  for (let read = 0; read < 10; read++) {
    const { tasks } = await world.admin.ecs.send(new DescribeTasksCommand({ cluster: out('cluster'), tasks: [arn] }));
    if (tasks?.[0]?.lastStatus === 'STOPPED') return;
  }
  throw new Error(`task ${arn} did not reach STOPPED in moto`);
}

/** The recorder launcher's Lambda entry, as the launcher role runs it (it ignores its input); its answer. */
async function runLauncher(): Promise<unknown> {
  return asLambda(world, functionId('RecorderLauncher'), async () => {
    vi.spyOn(console, 'log').mockImplementationOnce(() => {});
    const { handler } = await import('../../src/lambda/recorder-launcher.js');
    const answer = await handler();
    expect(answer, JSON.stringify(answer)).toMatchObject({ ok: true });
    return answer;
  });
}

/**
 * moto's Lambda runs no code (its "simple" backend answers every invoke from a queue): queue what the
 * launcher answered, so the caller's authorized Invoke gets it back.
 */
async function queueLauncherAnswer(answer: unknown): Promise<void> {
  const response = await fetch(`${moto.endpoint}/moto-api/static/lambda-simple/response`, {
    method: 'POST',
    body: JSON.stringify({ results: [JSON.stringify(answer)], account_id: ACCOUNT, region: REGION }),
  });
  expect(response.status).toBe(201);
}

/** The launcher: the meeting's address from its task, the recorder's task started with nothing else overridden. */
async function recorderLauncher(): Promise<void> {
  const removeInstance = await registerRecorderInstance();
  const stopMeeting = await seedMeetingTask();
  const answer = (await runLauncher()) as { taskArn: string };
  const { tasks } = await world.admin.ecs.send(new DescribeTasksCommand({ cluster: out('cluster'), tasks: [answer.taskArn] }));
  expect(tasks?.[0]?.overrides?.containerOverrides?.map((c) => c.environment?.map((e) => e.name))).toEqual([['XMPP_SERVER']]);
  await stopSettled(answer.taskArn);
  await stopMeeting();
  await removeInstance();
}

/** An automation function: its Lambda entry, its alert, and the control plane it drives. */
type Entry = () => Promise<{ handler: (event: never, context: Context) => Promise<unknown> }>;
function automation(entry: Entry, event: () => unknown, outcome: Record<string, unknown>) {
  return (part: string) =>
    asLambda(world, functionId(part), async () => {
      const { automationDeps } = await import('../../src/lambda/environment.js');
      const deps = automationDeps(context);
      const { handler } = await entry();
      expect(await handler(event() as never, context)).toMatchObject(outcome);
      await controlPlane(deps.ports, part);
      await deps.notify('iam test', 'an alert');
    });
}

/** An ID token of the world's user pool and page client, signed with the local key (see the mock above). */
let signIdToken: (groups: string[]) => Promise<string>;
async function localCognito(): Promise<void> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  keys.jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] };
  signIdToken = (groups) =>
    new SignJWT({
      token_use: 'id',
      aud: out('userPoolClient'),
      iss: `https://cognito-idp.${REGION}.amazonaws.com/${out('userPool')}`,
      sub: 'u1',
      email: 'ana@example.org',
      'cognito:groups': groups,
    })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(privateKey);
}

function pageEvent(
  method: string,
  rawPath: string,
  cookies: readonly string[],
  body?: unknown,
  query: Record<string, string> = {},
): APIGatewayProxyEventV2 {
  const origin = out('pageUrl');
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString: new URLSearchParams(query).toString(),
    queryStringParameters: query,
    headers: { host: new URL(origin).host, origin, 'sec-fetch-site': 'same-origin', [CSRF_HEADER]: '1' },
    cookies: [...cookies],
    requestContext: { http: { method, path: rawPath, sourceIp: '127.0.0.1' } } as APIGatewayProxyEventV2['requestContext'],
    isBase64Encoded: false,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  };
}

/** The `name=value` part of the Set-Cookie header naming `name`. */
function cookieOf(response: APIGatewayProxyStructuredResultV2, name: string): string {
  const found = (response.cookies ?? []).find((c) => c.startsWith(`${name}=`));
  if (!found) throw new Error(`no ${name} cookie in ${JSON.stringify(response.cookies)}`);
  return found.split(';')[0] ?? '';
}

/**
 * The organizer signs in as a browser does: the page's login redirect, then its callback, whose code
 * the page exchanges at Cognito's token endpoint (not an AWS API: answered here with the ID token)
 * and keeps as a session row in the state table; sign-out deletes the row and revokes the token.
 */
async function signedIn(
  handler: (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>,
  idToken: string,
): Promise<{ cookie: string; signOut: () => Promise<void> }> {
  const realFetch = globalThis.fetch;
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    if (url.endsWith('/oauth2/token')) return Response.json({ id_token: idToken, refresh_token: 'refresh-token' });
    if (url.endsWith('/oauth2/revoke')) return new Response('', { status: 200 });
    return realFetch(input, init);
  });
  const login = (await handler(pageEvent('GET', '/auth/login', []), context)) as APIGatewayProxyStructuredResultV2;
  const state = new URL(String(login.headers?.location)).searchParams.get('state') ?? '';
  const back = (await handler(
    pageEvent('GET', '/auth/callback', [cookieOf(login, LOGIN_COOKIE)], undefined, { code: 'code-1', state }),
    context,
  )) as APIGatewayProxyStructuredResultV2;
  const cookie = cookieOf(back, SESSION_COOKIE);
  return {
    cookie,
    signOut: async () => {
      const out = (await handler(pageEvent('GET', '/auth/logout', [cookie]), context)) as APIGatewayProxyStructuredResultV2;
      expect(out.statusCode).toBe(302);
      vi.mocked(globalThis.fetch).mockRestore();
    },
  };
}

/** A recording as the recorder leaves it: the video and its metadata file under the recordings prefix. */
async function seedRecording(): Promise<string> {
  const key = 'recordings/2026-12-03/weekly-meetup/weekly-meetup_2026-12-03-18-00-05.mp4';
  const bucket = out('bucket');
  await world.admin.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'a recording' }));
  await world.admin.s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key.replace(/\.mp4$/, '.json'),
      Body: JSON.stringify({ room: 'weekly-meetup', start: '2026-12-03T18:00:05Z', durationSeconds: 3723, key }),
    }),
  );
  return key;
}

/** The organizer page: its HTTP API as an organizer uses it, its own asynchronous start and stop. */
async function organizerPage(part: string): Promise<void> {
  await localCognito();
  await seedRecording();
  await asLambda(world, functionId(part), async () => {
    const { handler } = await import('../../src/lambda/organizer-page.js');
    const session = await signedIn(handler as never, await signIdToken(['organizers', 'members']));
    const call = async (method: string, route: string, body?: unknown) => {
      const response = (await handler(
        pageEvent(method, route, [session.cookie], body),
        context,
      )) as APIGatewayProxyStructuredResultV2;
      return response.statusCode === 503 || response.statusCode === 500
        ? `${response.statusCode} ${response.body}`
        : response.statusCode;
    };
    expect(await call('GET', '/api/status')).toBe(200);
    expect(await call('POST', '/api/schedules', { name: 'weekly', cron: '0 18 ? * WED *', tz: 'Europe/Berlin' })).toBe(201);
    expect(await call('GET', '/api/status')).toBe(200);
    expect(await call('POST', '/api/schedules/remove', { name: 'weekly' })).toBe(200);
    const listed = (await handler(
      pageEvent('GET', '/api/recordings', [session.cookie]),
      context,
    )) as APIGatewayProxyStructuredResultV2;
    const [recording] = (JSON.parse(listed.body ?? '{}') as { recordings: Array<{ url: string }> }).recordings;
    // The download link is signed with the page's session: the organizer's browser fetches it.
    expect((await fetchPresigned(layer, recording?.url ?? '')).status).toBe(200);
    expect(await call('POST', '/api/join', { room: 'weekly-meetup' })).toBe(200);
    expect(await call('POST', '/api/start', {})).toBe(202);
    await session.signOut();
    expect(await call('GET', '/api/status')).toBe(401);
    expect(await handler({ action: 'transition', goal: 'stopped', actor: 'page:ana@example.org' }, context)).toMatchObject({
      outcome: expect.stringMatching(/done|no-op/),
    });
    const { automationDeps } = await import('../../src/lambda/environment.js');
    await controlPlane(automationDeps(context).ports, part);
  });
}

/** The DNS function on a task's RUNNING event, then on its "told to stop" event. */
async function taskDns(part: string): Promise<void> {
  await asLambda(world, functionId(part), async () => {
    const { handler } = await import('../../src/lambda/task-dns.js');
    const change = (version: number, desiredStatus: string) =>
      ({
        detail: {
          taskArn: meetingTask().replace(/0123456789abcdef/g, 'fedcba9876543210'),
          clusterArn: world.ref(resource(world.json, 'AWS::ECS::Cluster').id, 'Arn'),
          group: `service:${out('service')}`,
          lastStatus: 'RUNNING',
          desiredStatus,
          version,
          attachments: [{ type: 'eni', details: [{ name: 'networkInterfaceId', value: world.eni.id }] }],
        },
      }) as never;
    expect(await handler(change(1, 'RUNNING'))).toMatchObject({ action: 'pointed-at-task' });
    expect(await handler(change(2, 'STOPPED'))).toMatchObject({ action: 'pointed-asleep' });
  });
  // An event that failed every attempt: Lambda sends the invocation record to the on-failure
  // destination with the function's own execution role (AWS Lambda Developer Guide, "Capturing records
  // of Lambda asynchronous invocations": the execution role needs permission for the destination).
  await clients(part).sns.send(
    new PublishCommand({
      TopicArn: out('alertTopic'),
      Message: JSON.stringify({ requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 3 } }),
    }),
  );
}

/** A released address left as the meeting host's record (the DNS function failed at the stop). */
async function seedReleasedAddress(): Promise<void> {
  await world.admin.route53.send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: world.zoneId,
      ChangeBatch: {
        Changes: [
          {
            Action: 'UPSERT',
            ResourceRecordSet: { Name: `${HOST}.`, Type: 'A', TTL: 60, ResourceRecords: [{ Value: '192.0.2.99' }] },
          },
        ],
      },
    }),
  );
}

/** What the meeting host's A record is now: 'asleep' (an alias) or its address. */
async function hostRecordNow(): Promise<string | undefined> {
  const { ResourceRecordSets } = await world.admin.route53.send(
    new ListResourceRecordSetsCommand({ HostedZoneId: world.zoneId, StartRecordName: HOST, StartRecordType: 'A' }),
  );
  const set = ResourceRecordSets?.find((r) => r.Name === `${HOST}.` && r.Type === 'A');
  return set?.AliasTarget ? 'asleep' : set?.ResourceRecords?.[0]?.Value;
}

/** The certificate function: a DNS-01 challenge record's life, the secret, its report, an alert. */
async function certificate(part: string): Promise<void> {
  await asLambda(world, functionId(part), async () => {
    const { certificateDeps } = await import('../../src/lambda/certificate-environment.js');
    const deps = certificateDeps();
    // The ACME exchange itself is with the CA, not AWS (test/certs/certificate.test.ts runs it against pebble).
    const changeId = await deps.ports.dns.setTxt(challengeName(HOST), 'key-authorization-digest');
    await deps.ports.dns.waitInSync(changeId);
    await deps.ports.dns.removeTxt(challengeName(HOST), 'key-authorization-digest');
    await deps.ports.store.save({
      certificatePem: 'certificate',
      privateKeyPem: 'key',
      accountKeyPem: 'account key',
      host: HOST,
      directoryUrl: deps.settings.directoryUrl,
      notAfter: now() + 60 * 86_400_000,
      issuedAt: now(),
      history: { issued: [now()], failures: [] },
    });
    const { handler } = await import('../../src/lambda/certificate.js');
    expect(await handler(scheduledEvent)).toMatchObject({ action: 'not-due' });
    await deps.ports.notify('iam test', 'an alert');
  });
}

/** The deploy-time password generator fills the keys CloudFormation did not generate, in each secret it fills. */
async function passwordGenerator(part: string): Promise<void> {
  const fills = Object.values(world.json.Resources).filter((r) => r.Type === 'Custom::InternalPasswords');
  expect(fills.length).toBeGreaterThan(0);
  await asLambda(world, functionId(part), async () => {
    const { handler } = await import('../../src/infra/lambda/secret-generator.js');
    for (const fill of fills) {
      const props = fill.Properties ?? {};
      const result = await handler({
        RequestType: 'Create',
        ResourceProperties: { SecretArn: world.ref((props.SecretArn as { Ref: string }).Ref), Keys: props.Keys },
      } as never);
      expect(result.Data?.Keys).toBe((props.Keys as string[]).join(','));
    }
  });
}

async function asleepPage(part: string): Promise<void> {
  await world.admin.scheduler.send(
    new CreateScheduleCommand({
      Name: 'weekly',
      GroupName: out('scheduleGroup'),
      ScheduleExpression: 'cron(0 18 ? * WED *)',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: out('scheduledStart'),
        RoleArn: out('schedulerRole'),
        Input: '{"schedule":"weekly","leadMinutes":15,"windowMinutes":120}',
      },
    }),
  );
  await asLambda(world, functionId(part), async () => {
    const { handler } = await import('../../src/lambda/asleep-page.js');
    expect(await handler()).toMatchObject({ statusCode: 503 });
  });
  await world.admin.scheduler.send(new DeleteScheduleCommand({ Name: 'weekly', GroupName: out('scheduleGroup') }));
}

async function signInRules(part: string): Promise<void> {
  await asLambda(world, functionId(part), async () => {
    const { handler } = await import('../../src/lambda/sign-in-rules.js');
    await expect(
      handler({
        triggerSource: 'PreSignUp_ExternalProvider',
        userPoolId: out('userPool'),
        userName: 'google_1',
        request: { userAttributes: { email: 'someone@else.test' } },
        response: {},
      } as never),
    ).rejects.toThrow();
  });
}

/**
 * What EventBridge Scheduler does with the scheduler role: invoke the scheduled start (the schedule's
 * target, the ScheduledStartFunctionArn output) with the schedule's input. By name: moto checks the
 * signature of a request whose path holds an ARN against the decoded path and refuses it
 * (SignatureDoesNotMatch); IAM authorizes the function's ARN either way.
 */
async function schedulerInvokes(part: string): Promise<void> {
  await clients(part).lambda.send(
    new InvokeCommand({
      FunctionName: out('scheduledStart').split(':').pop(),
      InvocationType: 'Event',
      Payload: Buffer.from('{"schedule":"weekly","leadMinutes":15,"windowMinutes":120}'),
    }),
  );
}

/**
 * What the ECS agent does with a task's execution role when it starts the task (the task definition
 * as synthesized): read each container's secrets (the secret's ARN before the JSON key of ValueFrom)
 * and create and write each container's awslogs stream `prefix/container/task-id`. The images come
 * from public registries: no registry call (test/infra/iam.test.ts checks the image names).
 */
function ecsAgentStarts(taskDefinitionPart: string) {
  return async (part: string): Promise<void> => {
    const c = clients(part);
    const definition = resource(world.json, 'AWS::ECS::TaskDefinition', taskDefinitionPart).props;
    const containers = definition.ContainerDefinitions as Array<{
      Name: string;
      Secrets?: Array<{ ValueFrom: unknown }>;
      LogConfiguration?: { Options: Record<string, unknown> };
    }>;
    const value = (v: unknown) => String(resolve(world.json, v, world.naming));
    for (const container of containers) {
      for (const secret of container.Secrets ?? []) {
        const arn = value(secret.ValueFrom).split(':').slice(0, 7).join(':');
        await c.secretsmanager.send(new GetSecretValueCommand({ SecretId: arn }));
      }
      const options = container.LogConfiguration?.Options;
      if (!options) continue;
      const group = value(options['awslogs-group']);
      const stream = `${value(options['awslogs-stream-prefix'])}/${container.Name}/0123456789abcdef0123456789abcdef`;
      await c.logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: stream }));
      await c.logs.send(
        new PutLogEventsCommand({
          logGroupName: group,
          logStreamName: stream,
          logEvents: [{ timestamp: now(), message: 'started' }],
        }),
      );
    }
  };
}

/** S3 actions of the requests rclone logged (`--dump headers`), as S3 authorizes them (Amazon S3 API reference). */
function rcloneActions(log: string): string[] {
  const actions = [...log.matchAll(/ : (GET|PUT|POST|HEAD|DELETE) (\/\S*) HTTP\/1\.1$/gm)].map(([, method, target]) => {
    const query = new URL(`http://x${target}`).searchParams;
    if (method === 'HEAD' || (method === 'GET' && !query.has('uploadId') && !query.has('list-type'))) return 's3:GetObject';
    if (method === 'GET' && query.has('uploadId')) return 's3:ListMultipartUploadParts';
    if (method === 'DELETE' && query.has('uploadId')) return 's3:AbortMultipartUpload';
    if (method === 'GET') return 's3:ListBucket';
    if (method === 'DELETE') return 's3:DeleteObject';
    // PUT object, POST ?uploads, PUT ?partNumber&uploadId, POST ?uploadId: all s3:PutObject.
    return 's3:PutObject';
  });
  return [...new Set(actions)].sort();
}

/**
 * The recorder task: Jibri's finalize script (as the task writes it) uploads a recording with
 * Debian's rclone, configured by the jibri container's environment as synthesized, with the task
 * role's session credentials (rclone's env_auth). The recording is over rclone's multipart cutoff
 * (forced down to 5 MiB, rclone's own setting, so the test stays small), as every real one is.
 */
async function recorderUploads(part: string): Promise<string[]> {
  const { finalizeScript } = await import('../../src/recording/recorder.js');
  const dir = mkdtempSync(path.join(scratch, 'recorder-'));
  const recording = path.join(dir, 'recordings', 'abcdefgh');
  mkdirSync(recording, { recursive: true });
  writeFileSync(path.join(dir, 'finalize.sh'), finalizeScript());
  writeFileSync(path.join(recording, 'weekly-meetup_2026-12-03-18-00-05.mp4'), Buffer.alloc(6 * 1024 * 1024, 7));
  const jibri = (
    resource(world.json, 'AWS::ECS::TaskDefinition', 'RecorderTaskDefinition').props.ContainerDefinitions as Array<{
      Name: string;
      Environment?: Array<{ Name: string; Value: unknown }>;
    }>
  ).find((c) => c.Name === RECORDER_CONTAINERS.jibri);
  const environment = Object.fromEntries(
    (jibri?.Environment ?? []).map((e) => [e.Name, String(resolve(world.json, e.Value, world.naming))]),
  );
  const { credentials } = principal(part);
  const log = path.join(dir, 'rclone.log');
  const { AWS_CA_BUNDLE: _bundle, ...inherited } = process.env;
  const result = spawnSync('bash', [path.join(dir, 'finalize.sh'), recording], {
    encoding: 'utf8',
    env: {
      ...inherited,
      ...environment,
      RCLONE: rclone as string,
      PATH: `${path.dirname(jq as string)}:${process.env.PATH}`,
      RCLONE_CONFIG_S3_ENDPOINT: moto.endpoint,
      // rclone 1.60 addresses provider AWS virtual-host style (bucket.host), which an endpoint at
      // 127.0.0.1 cannot serve; its generic provider makes the same S3 requests path-style.
      RCLONE_CONFIG_S3_PROVIDER: 'Other',
      RCLONE_CONFIG_S3_FORCE_PATH_STYLE: 'true',
      RCLONE_S3_UPLOAD_CUTOFF: '5Mi',
      RCLONE_S3_CHUNK_SIZE: '5Mi',
      RCLONE_DUMP: 'headers',
      RCLONE_LOG_LEVEL: 'DEBUG',
      RCLONE_LOG_FILE: log,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_SESSION_TOKEN: credentials.sessionToken ?? '',
      UPLOAD_ATTEMPTS: '1',
      UPLOAD_PAUSE_SECONDS: '0',
    },
  });
  const rcloneLog = () =>
    readFileSync(log, 'utf8')
      .split('\n')
      .filter((l) => /ERROR|HTTP\/1\.1 [45]|<Code>/.test(l))
      .join('\n');
  expect(result.status, `${result.stdout}\n${rcloneLog()}`).toBe(0);
  const listed = await world.admin.s3.send(new ListObjectsV2Command({ Bucket: out('bucket'), Prefix: 'recordings' }));
  expect(listed.Contents?.map((o) => o.Key)).toEqual(
    expect.arrayContaining([
      'recordings/2026-12-03/weekly-meetup/weekly-meetup_2026-12-03-18-00-05.mp4',
      'recordings/2026-12-03/weekly-meetup/weekly-meetup_2026-12-03-18-00-05.json',
    ]),
  );
  const text = readFileSync(log, 'utf8');
  expect(/ : POST \/\S+\?uploads=? HTTP\/1\.1$/m.test(text), 'rclone uploaded in parts').toBe(true);
  return rcloneActions(text);
}

/** The failure path of a multipart upload: rclone aborts an upload whose parts did not all arrive. */
async function recorderAbortsUpload(part: string): Promise<void> {
  const s3 = clients(part).s3;
  const target = { Bucket: out('bucket'), Key: 'recordings/2026-12-03/weekly-meetup/aborted.mp4' };
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand(target));
  await s3.send(new AbortMultipartUploadCommand({ ...target, UploadId }));
}

/**
 * `meetctl` as an organizer runs it (start, stop, status, health, logs, history, cost, users, link,
 * record, recordings): the same control ports over clients with the organizer's session.
 */
async function organizerRunsMeetctl(): Promise<void> {
  const ports = sdkControlPorts(clientsFor(organizer.credentials), STACK_NAME);
  const rt = { ports, clock: systemClock, host: HOST, pollMs: 1000, onProgress: () => {} };
  await transition({ goal: 'running', actor: 'cli:organizer', reason: 'meetctl start', startOnly: true }, rt);
  await transition({ goal: 'stopped', actor: 'cli:organizer', reason: 'meetctl stop' }, rt);
  const since = now() - 3_600_000;
  for (const container of ['web', 'jvb']) await ports.logs.read(logGroup(container), since);
  const pool = out('userPool');
  await ports.users.add(pool, { email: 'bo@example.org', name: 'Bo' });
  await ports.users.addToGroup(pool, 'bo@example.org', 'organizers');
  expect((await ports.users.list(pool)).map((m) => m.email)).toContain('bo@example.org');
  await ports.users.removeFromGroup(pool, 'bo@example.org', 'organizers');
  await ports.users.remove(pool, 'bo@example.org');
  await ports.secrets.value(out('tokenSecret'));
  const key = await seedRecording();
  const bucket = out('bucket');
  expect((await ports.recordings.list(bucket, 'recordings/')).map((r) => r.key)).toContain(key);
  await ports.recordings.read(bucket, key.replace(/\.mp4$/, '.json'));
  await ports.recordings.download(bucket, key, path.join(mkdtempSync(path.join(scratch, 'download-')), 'recording.mp4'));
  expect((await fetchPresigned(layer, await ports.recordings.link(bucket, key, 300))).status).toBe(200);
  await controlPlane(ports, 'organizer');
}

// ---------------------------------------------------------------------------------------------------
// The table: principal → every call its production path makes → a sample of calls it must never make
// ---------------------------------------------------------------------------------------------------

const MOTO = 'refused by moto' as const;
const AWS_CHECK = 'refused by the AWS resource and condition check' as const;
interface Never {
  readonly call: string;
  /** moto refuses what the policy does not allow by action (and S3 by resource); the rest only AWS's check does. */
  readonly by: typeof MOTO | typeof AWS_CHECK;
  readonly send: (c: RoleClients) => Promise<unknown>;
}
interface Row {
  /** The role's (or its function's) logical id, as far as it is unique, or 'organizer'. */
  readonly principal: string;
  /** Runs the principal's production path (its Lambda entry, its adapters, rclone …); returns calls made outside the SDK. */
  readonly drive: (principal: string) => Promise<unknown>;
  /** Every IAM action of that path: each is made and allowed, and no other is made. */
  readonly makes: readonly string[];
  readonly never: readonly Never[];
}

/** What the control plane calls (observe, transitions, the lock, the event log, the recorder). */
const controlPlaneCalls = (ingress: Ingress) => [
  'cloudformation:DescribeStacks',
  'ecs:DescribeServices',
  'ecs:UpdateService',
  'ecs:ListTasks',
  'ecs:DescribeTasks',
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'logs:CreateLogStream',
  'logs:PutLogEvents',
  'logs:FilterLogEvents',
  'logs:GetLogEvents',
  // Readiness: the DNS function's record change, or the load balancer's target health.
  ingress === 'direct' ? 'route53:GetChange' : 'elasticloadbalancing:DescribeTargetHealth',
  'autoscaling:DescribeAutoScalingGroups',
  'autoscaling:SetDesiredCapacity',
  'ecs:ListContainerInstances',
  // The recorder starts through its launcher: nobody else may run its task or pass its roles.
  'lambda:InvokeFunction',
  'ecs:StopTask',
];
const RECORDING = 'recordings/2026-12-03/weekly-meetup/weekly-meetup_2026-12-03-18-00-05.mp4';
const otherRow = (pk: string) => ({ pk: { S: pk }, sk: { S: pk } });

const n = {
  changeStack: {
    call: 'change the stack',
    by: MOTO,
    send: (c) => c.cloudformation.send(new UpdateStackCommand({ StackName: STACK_NAME, UsePreviousTemplate: true })),
  },
  deleteRecording: {
    call: 'delete a recording',
    by: MOTO,
    send: (c) => c.s3.send(new DeleteObjectCommand({ Bucket: out('bucket'), Key: RECORDING })),
  },
  readInternalSecret: (by: Never['by']): Never => ({
    call: 'read the internal passwords',
    by,
    send: (c) => c.secretsmanager.send(new GetSecretValueCommand({ SecretId: out('secret') })),
  }),
  readTokenSecret: (by: Never['by']): Never => ({
    call: 'read the Jitsi token secret',
    by,
    send: (c) => c.secretsmanager.send(new GetSecretValueCommand({ SecretId: out('tokenSecret') })),
  }),
  deleteEventLog: {
    call: 'delete the event log',
    by: MOTO,
    send: (c) => c.logs.send(new DeleteLogGroupCommand({ logGroupName: out('eventLog') })),
  },
  forgeStats: {
    call: 'write a line into the stats log group (the participants metric)',
    by: AWS_CHECK,
    send: async (c) => {
      await c.logs.send(new CreateLogStreamCommand({ logGroupName: logGroup('stats'), logStreamName: `forged-${randomUUID()}` }));
    },
  },
  writeRow: (pk: string, by: Never['by'] = AWS_CHECK): Never => ({
    call: `write the ${pk} row of the state table`,
    by,
    send: (c) => c.dynamodb.send(new PutItemCommand({ TableName: out('stateTable'), Item: otherRow(pk) })),
  }),
  scanTable: {
    call: 'read the whole state table',
    by: MOTO,
    send: (c) => c.dynamodb.send(new ScanCommand({ TableName: out('stateTable') })),
  },
  otherTopic: {
    call: 'publish to another topic',
    by: AWS_CHECK,
    send: (c) => c.sns.send(new PublishCommand({ TopicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:someone-else`, Message: 'x' })),
  },
  otherGroup: {
    call: 'scale another Auto Scaling group',
    by: AWS_CHECK,
    send: (c) => c.autoscaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: UNRELATED_GROUP, DesiredCapacity: 1 })),
  },
  runOtherFamily: (by: Never['by'] = AWS_CHECK): Never => ({
    call: 'run the meeting task definition itself',
    by,
    send: (c) => c.ecs.send(new RunTaskCommand({ cluster: out('cluster'), taskDefinition: out('taskFamily') })),
  }),
  passAnyRole: (by: Never['by'] = MOTO): Never => ({
    call: 'pass another role to a task (the recorder family with an administrator task role)',
    by,
    send: (c) =>
      c.ecs.send(
        new RunTaskCommand({
          cluster: out('cluster'),
          taskDefinition: out('recorderTaskFamily'),
          overrides: { taskRoleArn: `arn:aws:iam::${ACCOUNT}:role/iam-test-administrator` },
        }),
      ),
  }),
  runRecorder: (by: Never['by'] = MOTO): Never => ({
    call: "run the recorder's task (RunTask takes overrides no IAM condition limits)",
    by,
    send: (c) =>
      c.ecs.send(
        new RunTaskCommand({
          cluster: out('cluster'),
          taskDefinition: out('recorderTaskFamily'),
          overrides: { containerOverrides: [{ name: RECORDER_CONTAINERS.jibri, command: ['sh', '-c', 'env'] }] },
        }),
      ),
  }),
  runRecorderWithExec: {
    call: 'run the recorder with ECS Exec on',
    by: AWS_CHECK,
    send: (c) =>
      c.ecs.send(
        new RunTaskCommand({ cluster: out('cluster'), taskDefinition: out('recorderTaskFamily'), enableExecuteCommand: true }),
      ),
  },
  updateService: {
    call: 'start or stop the meeting',
    by: MOTO,
    send: (c) => c.ecs.send(new UpdateServiceCommand({ cluster: out('cluster'), service: out('service'), desiredCount: 1 })),
  },
  serviceWithOtherFamily: {
    call: "put another task definition (the recorder's) in the meeting's service",
    by: AWS_CHECK,
    send: (c) =>
      c.ecs.send(
        new UpdateServiceCommand({ cluster: out('cluster'), service: out('service'), taskDefinition: out('recorderTaskFamily') }),
      ),
  },
  serviceWithExec: {
    call: "turn ECS Exec on in the meeting's service",
    by: AWS_CHECK,
    send: (c) =>
      c.ecs.send(new UpdateServiceCommand({ cluster: out('cluster'), service: out('service'), enableExecuteCommand: true })),
  },
  readRecorderSecret: (by: Never['by']): Never => ({
    call: "read the recorder's XMPP passwords",
    by,
    send: (c) => c.secretsmanager.send(new GetSecretValueCommand({ SecretId: out('recorderSecret') })),
  }),
  putObject: (key: string, by: Never['by']): Never => ({
    call: `write ${key}`,
    by,
    send: (c) => c.s3.send(new PutObjectCommand({ Bucket: out('bucket'), Key: key, Body: 'x' })),
  }),
  getObject: (key: string, by: Never['by']): Never => ({
    call: `read ${key}`,
    by,
    send: (c) => c.s3.send(new GetObjectCommand({ Bucket: out('bucket'), Key: key })),
  }),
  listBucket: (prefix: string, by: Never['by']): Never => ({
    call: `list the bucket under "${prefix}"`,
    by,
    send: (c) => c.s3.send(new ListObjectsV2Command({ Bucket: out('bucket'), Prefix: prefix })),
  }),
  changeRecord: (name: string, type: RRType, action: 'CREATE' | 'UPSERT' | 'DELETE', by: Never['by'] = AWS_CHECK): Never => ({
    call: `${action} the ${type} record ${name}`,
    by,
    send: (c) =>
      c.route53.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: world.zoneId,
          ChangeBatch: {
            Changes: [
              {
                Action: action,
                ResourceRecordSet: {
                  Name: name,
                  Type: type,
                  TTL: 60,
                  ResourceRecords: [{ Value: type === 'TXT' ? '"x"' : '192.0.2.7' }],
                },
              },
            ],
          },
        }),
      ),
  }),
  deleteZone: {
    call: 'delete the hosted zone',
    by: MOTO,
    send: (c) => c.route53.send(new DeleteHostedZoneCommand({ Id: world.zoneId })),
  },
  listZone: {
    call: 'read the zone',
    by: MOTO,
    send: (c) => c.route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: world.zoneId })),
  },
  deleteSecret: {
    call: 'delete a secret',
    by: MOTO,
    send: (c) => c.secretsmanager.send(new DeleteSecretCommand({ SecretId: out('secret'), ForceDeleteWithoutRecovery: true })),
  },
  invoke: (fn: string, by: Never['by']): Never => ({
    call: `invoke ${fn}`,
    by,
    send: (c) =>
      c.lambda.send(
        new InvokeCommand({ FunctionName: world.ref(functionId(fn)), InvocationType: 'Event', Payload: Buffer.from('{}') }),
      ),
  }),
  addToOrganizers: {
    call: 'make someone an organizer',
    by: MOTO,
    send: (c) =>
      c.cognito.send(
        new AdminAddUserToGroupCommand({ UserPoolId: out('userPool'), Username: 'x@example.org', GroupName: 'organizers' }),
      ),
  },
  deletePool: {
    call: 'delete the user pool',
    by: MOTO,
    send: (c) => c.cognito.send(new DeleteUserPoolCommand({ UserPoolId: out('userPool') })),
  },
  scheduleWithRole: (role: string): Never => ({
    call: `create a schedule that runs as ${role}`,
    by: AWS_CHECK,
    send: (c) =>
      c.scheduler.send(
        new CreateScheduleCommand({
          Name: 'sneaky',
          GroupName: out('scheduleGroup'),
          ScheduleExpression: 'rate(1 hour)',
          FlexibleTimeWindow: { Mode: 'OFF' },
          Target: { Arn: out('scheduledStart'), RoleArn: `arn:aws:iam::${ACCOUNT}:role/${role}` },
        }),
      ),
  }),
  otherSchedule: {
    call: "read another group's schedule",
    by: AWS_CHECK,
    send: (c) => c.scheduler.send(new GetScheduleCommand({ Name: 'weekly', GroupName: 'someone-else' })),
  },
  deleteSchedule: {
    call: 'delete a meetup schedule',
    by: MOTO,
    send: (c) => c.scheduler.send(new DeleteScheduleCommand({ Name: 'weekly', GroupName: out('scheduleGroup') })),
  },
  publish: {
    call: 'send an alert',
    by: MOTO,
    send: (c) => c.sns.send(new PublishCommand({ TopicArn: out('alertTopic'), Message: 'x' })),
  },
} satisfies Record<string, Never | ((...args: never[]) => Never)>;

const automationNever: Never[] = [
  n.changeStack,
  n.runOtherFamily(MOTO),
  n.runRecorder(),
  n.passAnyRole(),
  n.serviceWithOtherFamily,
  n.serviceWithExec,
  n.otherGroup,
  n.deleteEventLog,
  n.forgeStats,
  n.writeRow('EVENT'),
  n.scanTable,
  n.otherTopic,
  n.deleteRecording,
];

/** The table of one ingress mode; a row whose principal the template does not have is left out. */
const table = (ingress: Ingress): Row[] => [
  {
    principal: 'InternalSecretGenerator',
    drive: passwordGenerator,
    makes: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'],
    never: [n.readTokenSecret(AWS_CHECK), n.deleteSecret, n.putObject(RECORDING, MOTO)],
  },
  {
    principal: 'RecorderTaskRole',
    drive: async (p) => [...(await recorderUploads(p)), ...(await recorderAbortsUpload(p).then(() => []))],
    makes: ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload'],
    never: [
      n.deleteRecording,
      n.getObject('other/notes.txt', MOTO),
      n.putObject('other/notes.txt', MOTO),
      n.listBucket('recordings', MOTO),
      n.readInternalSecret(MOTO),
      n.readRecorderSecret(MOTO),
    ],
  },
  {
    // Reads the recorder's own secret (its XMPP accounts) only: never the meeting's passwords or the token secret.
    principal: 'RecorderExecutionRole',
    drive: ecsAgentStarts('RecorderTaskDefinition'),
    makes: ['secretsmanager:GetSecretValue', 'logs:CreateLogStream', 'logs:PutLogEvents'],
    never: [
      n.readTokenSecret(AWS_CHECK),
      n.readInternalSecret(AWS_CHECK),
      n.forgeStats,
      n.runOtherFamily(MOTO),
      n.getObject(RECORDING, MOTO),
    ],
  },
  {
    // The one principal that may start a recorder task: fixed family, capacity provider and XMPP server.
    principal: 'RecorderLauncher',
    drive: recorderLauncher,
    makes: ['ecs:ListTasks', 'ecs:DescribeTasks', 'ecs:RunTask', 'iam:PassRole'],
    never: [
      n.runOtherFamily(AWS_CHECK),
      n.runRecorderWithExec,
      n.passAnyRole(AWS_CHECK),
      n.updateService,
      n.readRecorderSecret(MOTO),
      n.readInternalSecret(MOTO),
      n.forgeStats,
    ],
  },
  {
    principal: 'PoweredJitsiTaskDefinitionExecutionRole',
    drive: ecsAgentStarts('PoweredJitsiTaskDefinition'),
    makes: ['secretsmanager:GetSecretValue', 'logs:CreateLogStream', 'logs:PutLogEvents'],
    never: [
      n.deleteSecret,
      n.deleteEventLog,
      {
        ...n.forgeStats,
        call: 'write into the event log',
        send: (c) => c.logs.send(new CreateLogStreamCommand({ logGroupName: out('eventLog'), logStreamName: 'forged' })),
      },
    ],
  },
  {
    principal: 'PoweredJitsiTaskDefinitionTaskRole',
    drive: async () => [],
    makes: [],
    never: [n.putObject(RECORDING, MOTO), n.readInternalSecret(MOTO), n.updateService],
  },
  ...['AutomationScheduledStart', 'AutomationIdleStop', 'AutomationRuntimeGuard'].map(
    (principal): Row => ({
      principal,
      drive: {
        AutomationScheduledStart: automation(
          () => import('../../src/lambda/scheduled-start.js'),
          () => ({ schedule: 'weekly', leadMinutes: 15, windowMinutes: 120 }),
          { action: 'started' },
        ),
        AutomationIdleStop: automation(
          () => import('../../src/lambda/idle-stop.js'),
          () => ({ alarmData: { state: { value: 'ALARM' } } }),
          {
            action: 'none',
          },
        ),
        AutomationRuntimeGuard: async (p: string) => {
          if (direct()) await seedReleasedAddress();
          await automation(
            () => import('../../src/lambda/runtime-guard.js'),
            () => scheduledEvent,
            { action: 'none' },
          )(p);
          if (direct()) expect(await hostRecordNow()).toEqual('asleep');
        },
      }[principal] as Row['drive'],
      makes: [
        ...controlPlaneCalls(ingress),
        'sns:Publish',
        // The guard reconciles the meeting host's record (direct mode): it finds a released address there.
        ...(principal === 'AutomationRuntimeGuard' && ingress === 'direct'
          ? ['route53:ListResourceRecordSets', 'route53:ChangeResourceRecordSets']
          : []),
      ],
      never: [...automationNever, n.readInternalSecret(MOTO), n.readRecorderSecret(MOTO)],
    }),
  ),
  {
    principal: 'SecretRotationFunction',
    drive: async (p) => {
      await world.admin.ecs.send(new UpdateServiceCommand({ cluster: out('cluster'), service: out('service'), desiredCount: 0 }));
      await automation(
        () => import('../../src/lambda/rotate-secrets.js'),
        () => scheduledEvent,
        {
          action: 'none',
          why: expect.stringMatching(/^rotated \d+ keys in internal passwords, recorder passwords and Jitsi token secret$/),
        },
      )(p);
    },
    makes: [
      ...controlPlaneCalls(ingress),
      'sns:Publish',
      'secretsmanager:GetSecretValue',
      'secretsmanager:PutSecretValue',
      'secretsmanager:DescribeSecret',
      'secretsmanager:UpdateSecretVersionStage',
    ],
    never: [
      ...automationNever,
      {
        call: 'read the certificate secret',
        by: AWS_CHECK,
        send: (c) =>
          c.secretsmanager.send(
            new GetSecretValueCommand({
              SecretId: world.ref(resource(world.json, 'AWS::SecretsManager::Secret', 'TaskCertificate').id),
            }),
          ),
      },
      n.deleteSecret,
    ],
  },
  {
    principal: 'OrganizerPageFunction',
    drive: organizerPage,
    makes: [
      ...controlPlaneCalls(ingress),
      'scheduler:ListSchedules',
      'scheduler:GetSchedule',
      'scheduler:CreateSchedule',
      'scheduler:DeleteSchedule',
      's3:ListBucket',
      's3:GetObject',
      'secretsmanager:GetSecretValue',
      // The scheduler role it gives the schedules it creates (lambda:InvokeFunction, for itself and
      // the recorder launcher, is the control plane's).
      'iam:PassRole',
    ],
    never: [
      n.deleteRecording,
      n.putObject(RECORDING, MOTO),
      n.getObject('other/notes.txt', MOTO),
      n.listBucket('other/', AWS_CHECK),
      n.readInternalSecret(AWS_CHECK),
      n.readRecorderSecret(AWS_CHECK),
      n.runRecorder(),
      n.serviceWithOtherFamily,
      n.serviceWithExec,
      n.invoke('AutomationIdleStop', AWS_CHECK),
      n.scheduleWithRole('iam-test-administrator'),
      n.otherSchedule,
      n.changeStack,
      n.writeRow('EVENT'),
      n.forgeStats,
    ],
  },
  {
    principal: 'TaskDnsFunction',
    drive: taskDns,
    makes: [
      'dynamodb:GetItem',
      'dynamodb:UpdateItem',
      'ec2:DescribeNetworkInterfaces',
      'route53:ListResourceRecordSets',
      'route53:ChangeResourceRecordSets',
      'sns:Publish',
    ],
    never: [
      n.changeRecord(`www.${ZONE.name}`, 'A', 'CREATE'),
      n.changeRecord(HOST, 'A', 'UPSERT'),
      n.changeRecord(HOST, 'AAAA', 'CREATE'),
      n.changeRecord(challengeName(HOST), 'TXT', 'UPSERT'),
      n.deleteZone,
      // It updates task rows and nothing else: it may not even put one.
      n.writeRow('LOCK', MOTO),
      n.updateService,
      n.readInternalSecret(MOTO),
      n.readRecorderSecret(MOTO),
      n.otherTopic,
      n.forgeStats,
    ],
  },
  {
    principal: 'TaskCertificateFunction',
    drive: certificate,
    makes: [
      'route53:ChangeResourceRecordSets',
      'route53:GetChange',
      'secretsmanager:GetSecretValue',
      'secretsmanager:PutSecretValue',
      'dynamodb:PutItem',
      'sns:Publish',
    ],
    never: [
      n.changeRecord(HOST, 'A', 'UPSERT'),
      n.changeRecord(ZONE.name, 'TXT', 'UPSERT'),
      n.listZone,
      n.readInternalSecret(AWS_CHECK),
      n.writeRow('LOCK'),
      n.deleteZone,
      n.forgeStats,
    ],
  },
  {
    principal: 'AsleepFunction',
    drive: asleepPage,
    makes: ['scheduler:ListSchedules', 'scheduler:GetSchedule', 'ecs:DescribeServices'],
    never: [n.deleteSchedule, n.otherSchedule, n.scanTable, n.forgeStats],
  },
  {
    principal: 'MembersSignInRules',
    drive: signInRules,
    makes: [],
    never: [n.addToOrganizers, n.deletePool, n.forgeStats],
  },
  {
    principal: 'AutomationSchedulerRole',
    drive: schedulerInvokes,
    makes: ['lambda:InvokeFunction'],
    never: [n.invoke('AutomationIdleStop', AWS_CHECK), n.updateService],
  },
  {
    principal: 'organizer',
    drive: organizerRunsMeetctl,
    makes: [
      ...controlPlaneCalls(ingress),
      'cognito-idp:AdminCreateUser',
      'cognito-idp:AdminAddUserToGroup',
      'cognito-idp:ListUsers',
      'cognito-idp:ListUsersInGroup',
      'cognito-idp:AdminRemoveUserFromGroup',
      'cognito-idp:AdminDeleteUser',
      'secretsmanager:GetSecretValue',
      's3:ListBucket',
      's3:GetObject',
    ],
    never: [
      n.deleteRecording,
      n.changeStack,
      n.readInternalSecret(AWS_CHECK),
      n.readRecorderSecret(AWS_CHECK),
      n.passAnyRole(),
      n.runOtherFamily(MOTO),
      n.runRecorder(),
      n.serviceWithOtherFamily,
      n.serviceWithExec,
      n.deletePool,
      n.writeRow('EVENT'),
      n.publish,
      n.forgeStats,
    ],
  },
];

// ---------------------------------------------------------------------------------------------------
// The proofs
// ---------------------------------------------------------------------------------------------------

const REFUSALS: readonly Outcome[] = [MOTO, AWS_CHECK, 'allowed by moto although AWS refuses it'];
const describeIf = available ? describe : describe.skip;

/** The role (or the function whose role it is) a row names, in a template; undefined when it has none. */
function roleOfRow(template: TemplateJson, row: Row): string | undefined {
  const ids = Object.keys(template.Resources).filter((id) => id.startsWith(row.principal));
  const role = ids.find((id) => template.Resources[id]?.Type === 'AWS::IAM::Role');
  const fn = ids.find((id) => template.Resources[id]?.Type === 'AWS::Lambda::Function');
  return role ?? (fn ? roleOfFunction(template, fn) : undefined);
}

for (const variant of VARIANTS) {
  const ingress = (variant.template.Outputs.IngressMode?.Value ?? 'load-balancer') as Ingress;
  const rows = table(ingress).filter((row) => row.principal === 'organizer' || roleOfRow(variant.template, row));

  describeIf(`${SUITE}: ${variant.name}`, () => {
    beforeAll(() => setUp(variant.template), 180_000);
    afterAll(async () => moto?.stop());

    it('has a row for every role of the template (a new role needs one)', () => {
      // Not ours to prove: the CDK provider framework's deploy-time functions and the VPC's default
      // security group custom resource (CDK builds and grants them), and the recorder instance's
      // role, which CDK grants what the ECS agent needs for an EC2 capacity provider.
      const roles = [...world.roles.keys()].filter((id) => !/Providerframework|CustomVpc|RecorderInstanceRole/.test(id));
      const covered = new Set(rows.map((row) => roleOfRow(world.json, row)));
      expect(roles.filter((id) => !covered.has(id))).toEqual([]);
    });

    for (const row of rows) {
      describe(row.principal, () => {
        it(`makes exactly ${row.makes.length} kinds of call on its production path, each allowed by its own policy`, async () => {
          const first = calls.length;
          const outside = ((await row.drive(row.principal)) as string[] | undefined) ?? [];
          const mine = calls.slice(first).filter((c) => c.principal === principal(row.principal).label);
          const refused = mine.filter(
            (c) => REFUSALS.includes(c.outcome) || /^failed: .*(Signature|Token|Credential|Denied|Forbidden)/.test(c.outcome),
          );
          expect(refused.map((c) => `${c.operation} ${c.resource}: ${c.outcome}`)).toEqual([]);
          const made = [...new Set([...mine.map((c) => c.action), ...outside])].sort();
          expect(made).toEqual([...row.makes].sort());
        }, 300_000);

        for (const never of row.never) {
          it(`may not ${never.call} (${never.by})`, async () => {
            const first = calls.length;
            const error = await never.send(clients(row.principal)).then(
              () => undefined,
              (e: unknown) => e as Error,
            );
            expect(error?.name).toMatch(/^AccessDenied(Exception)?$/);
            const mine = calls.slice(first).filter((c) => c.principal === principal(row.principal).label);
            expect(mine.map((c) => c.outcome)).toContain(never.by);
          });
        }
      });
    }
  });
}
