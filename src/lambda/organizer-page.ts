import { randomBytes } from 'node:crypto';
import { ConditionalCheckFailedException, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { JITSI_APP_ID, JITSI_AUDIENCE, JWT_SECRET_KEY } from '../auth/jitsi-settings.js';
import { cognitoVerifier, type Role } from '../auth/token-exchange.js';
import type { AutomationDeps } from '../automation/handlers.js';
import { dynamoSessions } from '../aws/page-sessions.js';
import type { BandwidthPreset } from '../config/bandwidth.js';
import type { SizeName } from '../config/presets.js';
import { observe, withParticipants } from '../control/observe.js';
import { OUTPUT_NAMES } from '../control/outputs.js';
import { meetingPhase, type Phase, stackBroken } from '../control/phase.js';
import { isLive, recorderPending, recorderState, type Snapshot } from '../control/snapshot.js';
import { modelledStartSeconds } from '../control/start-time.js';
import { estimateForConfig } from '../cost/model.js';
import { liveSince, monthStart, monthToDate } from '../cost/month-to-date.js';
import { DOWNLOAD_LINK_SECONDS, handlePage, type PageDeps, type RecordingView, type StatusView } from '../page/api.js';
import { historyText } from '../page/history-words.js';
import { startRefusal } from '../page/start-refusal.js';
import { clientThrottle } from '../page/throttle.js';
import { isPageAction, type PageAction, runPageAction } from '../page/worker.js';
import { metadataOf, recordingsFrom } from '../recording/catalog.js';
import { RECORDINGS_PREFIX } from '../recording/recorder.js';
import { nextMeetup } from '../schedule/next.js';
import { ttlCache } from '../ttl-cache.js';
import { automationDeps } from './environment.js';
import { required, withBranding } from './required.js';

/** Environment of the page's function, on top of the automation's. */
export const PAGE_ENV = {
  origin: 'PAGE_ORIGIN',
  userPoolId: 'USER_POOL_ID',
  clientId: 'USER_POOL_CLIENT_ID',
  signInBaseUrl: 'SIGN_IN_BASE_URL',
  tokenSecretArn: 'TOKEN_SECRET_ARN',
  stateTable: 'STATE_TABLE_NAME',
  /** For the month-to-date estimate: the size, architecture, ingress and budget of the config. */
  costModel: 'COST_MODEL',
  /** `on` when the stack has a recorder: organizers see the recordings. */
  recordings: 'RECORDINGS',
  /** The config's `timeZone` (absent when it has none): the meetup form's default, the zone of the page's times. */
  timeZone: 'TIME_ZONE',
  /**
   * Whole seconds, the median of the recorded starts that match the deployment, when the deploy found
   * any (docs/deploy.md, "Measured start times"); absent: the page shows the model.
   */
  measuredStart: 'MEASURED_START_SECONDS',
} as const;

/** Seconds between two starts asked for on the page. */
export const START_INTERVAL_SECONDS = 60;
/** How long a member's Jitsi token lives. */
export const MEMBER_TOKEN_SECONDS = 4 * 3600;
/**
 * How long a container keeps the token secret it read: a rotation (`meetctl rotate-secrets`, only
 * while stopped) is picked up within this, instead of never for a warm container.
 */
export const SECRET_CACHE_SECONDS = 300;
/**
 * How long a container keeps the status it observed, per role: every member polls every 5 s, and
 * however many ask, the AWS calls behind a status run once per role and container in this time.
 */
export const STATUS_CACHE_SECONDS = 4;

let cachedDeps: PageDeps | undefined;

/** Built once per Lambda container: the verifier keeps Cognito's keys, the clients their connections. */
function pageDeps(): PageDeps {
  cachedDeps ??= buildPageDeps();
  return cachedDeps;
}

function buildPageDeps(): PageDeps {
  const base = automationDeps();
  const region = required('AWS_REGION');
  const dynamo = new DynamoDBClient({ region });
  const table = required(PAGE_ENV.stateTable);
  const verify = cognitoVerifier(required(PAGE_ENV.userPoolId), required(PAGE_ENV.clientId));
  const appSecret = jitsiAppSecret(base);
  const control = pageControl(base, new LambdaClient({ region }));
  return {
    schedules: pageSchedules(base),
    origin: required(PAGE_ENV.origin),
    host: base.host,
    ...withBranding(),
    ...(process.env[PAGE_ENV.timeZone] ? { timeZone: process.env[PAGE_ENV.timeZone] as string } : {}),
    verify: async (token) => (await verify)(token),
    control,
    ...(process.env[PAGE_ENV.recordings] === 'on' ? { recordings: { list: () => recordingViews(base.ports) } } : {}),
    rateLimit: startRateLimit(dynamo, table),
    tokens: {
      settings: async () => ({ appId: JITSI_APP_ID, audience: JITSI_AUDIENCE, host: base.host, secret: await appSecret() }),
      lifetimeSeconds: MEMBER_TOKEN_SECONDS,
    },
    signIn: cognitoSignIn(required(PAGE_ENV.signInBaseUrl), required(PAGE_ENV.clientId)),
    sessions: dynamoSessions(dynamo, table),
    throttle: clientThrottle(),
    random: (bytes) => randomBytes(bytes).toString('base64url'),
    now: () => base.clock.now(),
  };
}

/** The secret that signs members' Jitsi tokens, read again after SECRET_CACHE_SECONDS (a rotation is picked up). */
function jitsiAppSecret(base: AutomationDeps): () => Promise<string> {
  return ttlCache(
    async () => {
      // Either store (config `secretStore`): the reference is a secret ARN or the token parameter's ARN.
      const value = await base.ports.secrets.value(required(PAGE_ENV.tokenSecretArn));
      const secret = (JSON.parse(value || '{}') as Record<string, string>)[JWT_SECRET_KEY];
      if (!secret) throw new Error('the Jitsi token secret holds no key');
      return secret;
    },
    SECRET_CACHE_SECONDS * 1000,
    () => base.clock.now(),
  );
}

/** The meetup schedules, in the schedule group and aimed at the scheduled start named by the stack outputs (read once). */
function pageSchedules(base: AutomationDeps): PageDeps['schedules'] {
  let targets: Promise<{ group: string; functionArn: string; roleArn: string }> | undefined;
  const scheduleTargets = () => {
    targets ??= base.ports.stack.describe().then((stack) => {
      const out = stack?.outputs ?? {};
      const group = out[OUTPUT_NAMES.scheduleGroup];
      const functionArn = out[OUTPUT_NAMES.scheduledStart];
      const roleArn = out[OUTPUT_NAMES.schedulerRole];
      if (!group || !functionArn || !roleArn) throw new Error('the stack has no schedule group outputs');
      return { group, functionArn, roleArn };
    });
    return targets;
  };
  return {
    list: async () => base.ports.schedules.list((await scheduleTargets()).group),
    add: async (schedule) => {
      const { group, functionArn, roleArn } = await scheduleTargets();
      await base.ports.schedules.create(group, schedule, { functionArn, roleArn });
    },
    remove: async (name) => base.ports.schedules.remove((await scheduleTargets()).group, name),
  };
}

/**
 * The status each role sees (cached STATUS_CACHE_SECONDS per role and container), and start or stop
 * handed to this same function as an asynchronous page action (the page answers 202 at once).
 */
function pageControl(base: AutomationDeps, lambda: LambdaClient): PageDeps['control'] {
  const status = pageStatus(
    base,
    JSON.parse(required(PAGE_ENV.costModel)) as PageCostModel,
    measuredStartSeconds(process.env[PAGE_ENV.measuredStart]),
  );
  const statusOf: Record<Role, () => Promise<StatusView>> = {
    organizer: ttlCache(
      () => status('organizer'),
      STATUS_CACHE_SECONDS * 1000,
      () => base.clock.now(),
    ),
    member: ttlCache(
      () => status('member'),
      STATUS_CACHE_SECONDS * 1000,
      () => base.clock.now(),
    ),
  };
  return {
    status: (role) => statusOf[role](),
    startRefusal: pageStartRefusal(base),
    async dispatch(goal, actor, options) {
      const action: PageAction = { action: 'transition', goal, actor, ...(options?.record ? { record: true } : {}) };
      await lambda.send(
        new InvokeCommand({
          FunctionName: required('AWS_LAMBDA_FUNCTION_NAME'),
          InvocationType: 'Event',
          Payload: Buffer.from(JSON.stringify(action)),
        }),
      );
    },
  };
}

/**
 * Why a start asked for on the page cannot work, from the plan on a fresh snapshot (not the cached
 * status: the plan decides on what AWS says now), in plain words; undefined when it can.
 */
export function pageStartRefusal(base: AutomationDeps): PageDeps['control']['startRefusal'] {
  return async (options) => startRefusal(await observe(base.ports, { host: base.host, now: base.clock.now() }), options);
}

/** The start's rate limit: a conditional write of the RATE row (one start a minute, across containers). */
function startRateLimit(dynamo: DynamoDBClient, table: string): PageDeps['rateLimit'] {
  return async (action, now) => {
    try {
      await dynamo.send(
        new PutItemCommand({
          TableName: table,
          Item: { pk: { S: `RATE#${action}` }, sk: { S: 'RATE' }, at: { N: String(now) } },
          ConditionExpression: 'attribute_not_exists(pk) OR #at < :cutoff',
          ExpressionAttributeNames: { '#at': 'at' },
          ExpressionAttributeValues: { ':cutoff': { N: String(now - START_INTERVAL_SECONDS * 1000) } },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException || (error as Error).name === 'ConditionalCheckFailedException')
        return false;
      throw error;
    }
  };
}

/** Cognito's token and revocation endpoints for the page's app client (no client secret). */
function cognitoSignIn(baseUrl: string, clientId: string): PageDeps['signIn'] {
  const post = (path: string, form: Record<string, string>) =>
    fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form),
    });
  return {
    baseUrl,
    clientId,
    async exchangeCode(code, verifier, redirectUri) {
      const response = await post('/oauth2/token', {
        grant_type: 'authorization_code',
        client_id: clientId,
        code,
        redirect_uri: redirectUri,
        code_verifier: verifier,
      });
      if (!response.ok) throw new Error(`token endpoint answered ${response.status}`);
      const body = (await response.json()) as { id_token?: string; refresh_token?: string };
      if (!body.id_token) throw new Error('no id_token');
      return { idToken: body.id_token, ...(body.refresh_token ? { refreshToken: body.refresh_token } : {}) };
    },
    // https://docs.aws.amazon.com/cognito/latest/developerguide/revocation-endpoint.html: a client
    // without a secret sends its id; the refresh token and the tokens issued with it stop working.
    async revoke(refreshToken) {
      const response = await post('/oauth2/revoke', { token: refreshToken, client_id: clientId });
      if (!response.ok) throw new Error(`revocation endpoint answered ${response.status}`);
    },
  };
}

/** What the month-to-date estimate needs from the config (the COST_MODEL environment variable). */
export interface PageCostModel {
  readonly size: SizeName;
  readonly architecture: 'arm64' | 'x86_64';
  readonly ingress: 'direct' | 'load-balancer';
  readonly budgetUsd: number;
  /** The rest of what `meetctl plan` prices: without them the page priced every stack as us-west-2, talk, no recorder. */
  readonly region?: string;
  readonly bandwidth?: BandwidthPreset;
  readonly secretStore?: 'secrets-manager' | 'parameter-store';
  readonly recording?: { readonly enabled: boolean; readonly instanceType: string };
  readonly signIn?: { readonly google?: true; readonly oidc?: readonly { readonly name: string }[] };
  /** Days the meeting's logs are kept (config `logRetentionDays`): plan prices their storage. */
  readonly logRetentionDays?: number;
}

/** MEASURED_START_SECONDS as seconds: a whole number above 0, else undefined (the page shows the model). */
export function measuredStartSeconds(value: string | undefined): number | undefined {
  const seconds = Number(value);
  return value && Number.isInteger(seconds) && seconds > 0 ? seconds : undefined;
}

/**
 * What the page shows each role: the phase (with the start's progress against `measuredStart`, else
 * the model) and the next meetup; organizers also people, recent starts and stops in plain words, the
 * month's cost, the recorder and any recording not in S3 yet. On a stack CloudFormation left broken,
 * the meeting's phase and that the setup needs repair (organizers: with the stack's status).
 */
export function pageStatus(
  base: AutomationDeps,
  model: PageCostModel,
  measuredStart?: number,
): (role: Role) => Promise<StatusView> {
  const estimate = estimateForConfig({ ...model, auth: 'members' });
  /** What organizers see beyond the status: recent starts and stops, and the month's cost so far. */
  const organizerView = async (current: Phase, snapshot: Snapshot, now: number) => {
    const events = await base.ports.state.events(Math.min(now - 14 * 86_400_000, monthStart(now)));
    const month = monthToDate(events, { phase: current, ...liveSince(snapshot) }, now, estimate);
    const pending = recorderPending(snapshot);
    return {
      history: events.slice(-10).map((e) => ({ at: new Date(e.at).toISOString(), text: historyText(e) })),
      monthToDate: { costUsd: month.costUsd, budgetUsd: model.budgetUsd },
      ...(snapshot.recorder ? { recorder: recorderState(snapshot) } : {}),
      ...(pending.length > 0
        ? { pendingRecordings: pending.map((p) => ({ file: p.file, why: p.why, since: p.since, tries: p.tries })) }
        : {}),
    };
  };
  return async (role) => {
    const now = base.clock.now();
    const observed = await observe(base.ports, { host: base.host, now });
    if (!observed) return { phase: 'ABSENT' };
    const snapshot = role === 'organizer' ? await withParticipants(base.ports, observed) : observed;
    const group = snapshot.stack.outputs[OUTPUT_NAMES.scheduleGroup];
    const next = group ? nextMeetup(await base.ports.schedules.list(group), now) : undefined;
    // On a stack left for a person to repair, the meeting's own phase (a meeting may run on there).
    const current = meetingPhase(snapshot);
    const organizer = role === 'organizer' ? await organizerView(current, snapshot, now) : {};
    return {
      phase: current,
      ...(current === 'STARTING' ? { starting: startProgress(snapshot, now, measuredStart) } : {}),
      ...(snapshot.participants !== undefined ? { participants: snapshot.participants } : {}),
      ...(next ? { nextMeetup: { name: next.name, at: new Date(next.meetupAt).toISOString(), timeZone: next.timeZone } } : {}),
      ...organizer,
      ...(stackBroken(snapshot) ? { repair: role === 'organizer' ? { stackStatus: snapshot.stack.status } : {} } : {}),
    };
  };
}

/**
 * How far a start is: since its task was created (0 before there is one), against the measured
 * start the deploy found, else the plan's model.
 */
function startProgress(snapshot: Snapshot, now: number, measured: number | undefined): NonNullable<StatusView['starting']> {
  const created = snapshot.tasks.filter(isLive).map((t) => t.createdAt);
  const since = created.length > 0 ? Math.min(...created) : now;
  return {
    seconds: Math.max(0, Math.floor((now - since) / 1000)),
    ...(measured !== undefined
      ? { expectedSeconds: measured, expectedFrom: 'measured' as const }
      : { expectedSeconds: modelledStartSeconds(snapshot.ingress).seconds, expectedFrom: 'model' as const }),
  };
}

/** Lambda entry of the organizer page: HTTP API requests, or its own asynchronous start/stop. */
export const handler = async (
  event: APIGatewayProxyEventV2 | PageAction,
  context?: Context,
): Promise<APIGatewayProxyStructuredResultV2 | { outcome: string }> => {
  if (isPageAction(event)) return runPageAction(automationDeps(context), event);
  const deps = pageDeps();
  const response = await handlePage(
    {
      method: event.requestContext.http.method,
      path: event.rawPath,
      headers: { ...event.headers, ...(event.cookies ? { cookie: event.cookies.join('; ') } : {}) },
      ...(event.queryStringParameters ? { query: event.queryStringParameters } : {}),
      ...(event.requestContext.http.sourceIp ? { client: event.requestContext.http.sourceIp } : {}),
      ...(event.body !== undefined
        ? { body: event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body }
        : {}),
    },
    deps,
  );
  return {
    statusCode: response.status,
    headers: response.headers,
    body: response.body,
    ...(response.cookies ? { cookies: [...response.cookies] } : {}),
  };
};

/** How many recordings the page lists (the newest). */
export const PAGE_RECORDINGS = 20;

/** The newest recordings with their metadata and a download link each. */
async function recordingViews(ports: AutomationDeps['ports']): Promise<RecordingView[]> {
  const stack = await ports.stack.describe();
  const bucket = stack?.outputs[OUTPUT_NAMES.bucket];
  if (!bucket) return [];
  const recordings = recordingsFrom(await ports.recordings.list(bucket, RECORDINGS_PREFIX)).slice(0, PAGE_RECORDINGS);
  return Promise.all(
    recordings.map(async (r): Promise<RecordingView> => {
      const metadata = await metadataOf(r, (key) => ports.recordings.read(bucket, key));
      return {
        day: r.day,
        room: r.room,
        file: r.file,
        sizeBytes: r.sizeBytes,
        ...(metadata.start ? { start: metadata.start } : {}),
        ...(metadata.durationSeconds !== undefined ? { durationSeconds: metadata.durationSeconds } : {}),
        url: await ports.recordings.link(bucket, r.key, DOWNLOAD_LINK_SECONDS),
      };
    }),
  );
}
