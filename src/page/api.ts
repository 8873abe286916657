import type { JitsiTokenSettings } from '../auth/jitsi-token.js';
import { jitsiRoomName } from '../auth/room-name.js';
import { type CognitoIdentity, ExchangeRefused, exchangeForJitsiToken, type Role } from '../auth/token-exchange.js';
import type { Branding } from '../branding/jitsi-branding.js';
import type { MeetupSchedule } from '../control/ports.js';
import { nextFire } from '../schedule/next.js';
import { organizerPage, pageCsp } from './html.js';
import { html, json, type PageRequest, type PageResponse, problem } from './http.js';
import { meetupFromForm } from './meetup-form.js';
import { crossSite, currentSession, type Session, type SessionStore, sessionId, sessionKey } from './session.js';
import { signInRoutes } from './sign-in.js';
import { PAGE_LIMITS } from './throttle.js';

export type { PageRequest, PageResponse } from './http.js';
export { cookies } from './http.js';
export { CSRF_HEADER, LOGIN_COOKIE, SESSION_COOKIE, SESSION_SECONDS, type StoredSession } from './session.js';
export { CALLBACK, pkceChallenge } from './sign-in.js';

/**
 * The organizer page's API (issue 10): pure request → response, so it runs the same in Lambda, in
 * a local server for browser tests, and under property tests. Sessions live on the server, the
 * cookie holds a random id (src/page/session.ts; an HTTP API JWT authorizer reads no cookies).
 * State-changing calls need an organizer, the page's own Origin (and Sec-Fetch-Site) and a custom
 * header (a cross-site form cannot send one), and Start is rate-limited. Every client is limited per
 * minute (src/page/throttle.ts). Start and stop return at once: the control plane runs them (same
 * core, lock and event log as the CLI) with the member as the actor, and the page polls the status.
 */

/** What the page shows; organizers see more. */
export interface StatusView {
  readonly phase: string;
  readonly participants?: number;
  /**
   * While STARTING: seconds since the start began, and how long a start usually takes: the median of
   * the recorded starts the deploy found (`measured`), else the plan's model.
   */
  readonly starting?: {
    readonly seconds: number;
    readonly expectedSeconds: number;
    readonly expectedFrom: 'measured' | 'model';
  };
  /** The soonest scheduled meetup, with the time zone it is planned in. */
  readonly nextMeetup?: { readonly name: string; readonly at: string; readonly timeZone: string };
  /** Organizers only: recent starts and stops, in plain words (src/page/history-words.ts). */
  readonly history?: ReadonlyArray<{ readonly at: string; readonly text: string }>;
  readonly monthToDate?: { readonly costUsd: number; readonly budgetUsd: number };
  /** Organizers, when the stack has a recorder: where it is (off, starting, ready, recording, uploading, pending, stopping). */
  readonly recorder?: string;
  /**
   * Present while CloudFormation has left the stack for a person to repair (`stackBroken`): `phase` is
   * then the meeting's own (`meetingPhase`), Start is refused and Stop works. Organizers also get the
   * stack's status, for the person who set the server up.
   */
  readonly repair?: { readonly stackStatus?: string };
  /** Organizers: recordings on the recorder that S3 has not confirmed yet (it keeps them and tries again). */
  readonly pendingRecordings?: ReadonlyArray<{
    readonly file: string;
    readonly why: string;
    readonly since: string;
    readonly tries: number;
  }>;
}

/** One recording as organizers see it on the page, with a download link that works for a short while. */
export interface RecordingView {
  readonly day: string;
  readonly room: string;
  readonly file: string;
  readonly sizeBytes: number;
  readonly start?: string;
  readonly durationSeconds?: number | null;
  readonly url: string;
}

/** How long a download link on the page works. */
export const DOWNLOAD_LINK_SECONDS = 15 * 60;

export interface PageDeps {
  /** The page's origin, e.g. https://start.meet.example.org: the only Origin state changes may come from. */
  readonly origin: string;
  /** Verifies a Cognito ID token (aws-jwt-verify in Lambda, a local key in tests). */
  readonly verify: (idToken: string) => Promise<CognitoIdentity>;
  readonly control: {
    status(role: Role): Promise<StatusView>;
    /**
     * Why a start cannot work now, in plain words (src/page/start-refusal.ts: the control plane's plan
     * on a fresh snapshot), or undefined; a start is asked for only when there is none.
     */
    startRefusal(options?: { readonly record?: boolean }): Promise<string | undefined>;
    /** Ask the control plane for a goal and return at once; the outcome lands in the event log. */
    dispatch(goal: 'running' | 'stopped', actor: string, options?: { readonly record?: boolean }): Promise<void>;
  };
  /** Server-side recordings (organizers): the newest, with links valid DOWNLOAD_LINK_SECONDS. Absent without a recorder. */
  readonly recordings?: { list(): Promise<RecordingView[]> };
  /** The meetup schedules (organizers add and remove them on the page). */
  readonly schedules: {
    list(): Promise<MeetupSchedule[]>;
    /** Throws an error named ConflictException when the name is taken. */
    add(schedule: MeetupSchedule): Promise<void>;
    /** Throws an error named ResourceNotFoundException when there is none. */
    remove(name: string): Promise<void>;
  };
  /** True when an action may run now; false within its interval since the last one. */
  readonly rateLimit: (action: 'start', now: number) => Promise<boolean>;
  /** The Jitsi token settings (the app secret comes from Secrets Manager, read when first needed). */
  readonly tokens: { settings(): Promise<JitsiTokenSettings>; readonly lifetimeSeconds: number };
  /** Cognito's managed login (authorization code with PKCE). */
  readonly signIn: {
    /** e.g. https://meet-example.auth.us-west-2.amazoncognito.com */
    readonly baseUrl: string;
    readonly clientId: string;
    /** The token endpoint call: the code and PKCE verifier for the ID token (and the refresh token). */
    exchangeCode(code: string, verifier: string, redirectUri: string): Promise<{ idToken: string; refreshToken?: string }>;
    /** The revocation endpoint: ends a refresh token and the tokens issued with it. */
    revoke(refreshToken: string): Promise<void>;
  };
  /** Where the sessions live (the state table in Lambda). */
  readonly sessions: SessionStore;
  /** Per-client limits (src/page/throttle.ts): true while `key` is under `limit` requests this minute. */
  readonly throttle: (key: string, limit: number, now: number) => boolean;
  /** Random bytes, base64url (PKCE verifier, state); crypto.randomBytes in Lambda. */
  readonly random: (bytes: number) => string;
  readonly now: () => number;
  /** The meeting host (the page's title). */
  readonly host: string;
  /** The group's branding (name, logo, colours, welcome line), from the config. */
  readonly branding?: Branding;
  /** The config's `timeZone`: the meetup form's default and the zone the page shows times in. */
  readonly timeZone?: string;
}

/** A session that may change state: signed in, from the page itself and, when `notOrganizer` names the refusal, an organizer. */
async function stateChange(request: PageRequest, deps: PageDeps, notOrganizer: string | false): Promise<Session | PageResponse> {
  const s = await currentSession(request, deps);
  if ('status' in s) return s;
  const refused = crossSite(request, deps.origin, true);
  if (refused) return refused;
  if (notOrganizer && s.role !== 'organizer') return problem(403, notOrganizer);
  return s;
}

const actorOf = (s: Session) => `page:${s.identity.email ?? s.identity.sub}`;

function parseBody(body: string | undefined): Record<string, unknown> | undefined {
  if (!body) return {};
  try {
    const value = JSON.parse(body) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A schedule as organizers see it in the page's list: when its next meetup is, in its own zone. */
function scheduleView(schedule: MeetupSchedule, now: number) {
  const fires = nextFire(schedule.expression, schedule.timeZone, now);
  return {
    name: schedule.name,
    timeZone: schedule.timeZone,
    ...(fires !== undefined ? { next: new Date(fires + schedule.leadMinutes * 60_000).toISOString() } : {}),
    repeats: !schedule.oneOff,
    ...(schedule.record ? { record: true } : {}),
  };
}

/** Handle one API request. Never throws: every failure is an answer with a status below 500, or a 503. */
export async function handlePage(request: PageRequest, deps: PageDeps): Promise<PageResponse> {
  try {
    return throttled(request, deps) ?? (await route(request, deps));
  } catch {
    // A dependency failed (AWS unreachable): say so without details; nothing changed on our side.
    return problem(503, 'the service could not answer just now; try again in a minute');
  }
}

/** 429 when this client (its session, else its address) has used up its requests of the minute. */
function throttled(request: PageRequest, deps: PageDeps): PageResponse | undefined {
  const id = sessionId(request);
  const allowed = id
    ? deps.throttle(`session:${sessionKey(id)}`, PAGE_LIMITS.perSession, deps.now())
    : deps.throttle(`address:${request.client ?? 'unknown'}`, PAGE_LIMITS.perAddress, deps.now());
  return allowed ? undefined : problem(429, 'too many requests from this browser; wait a minute', { 'retry-after': '60' });
}

/** The member's meeting URL with a Jitsi token for `room` (ExchangeRefused when not allowed). */
async function joinUrl(deps: PageDeps, idToken: string, room: string): Promise<string> {
  const joined = await exchangeForJitsiToken({
    verify: deps.verify,
    idToken,
    room,
    settings: await deps.tokens.settings(),
    lifetimeSeconds: deps.tokens.lifetimeSeconds,
    now: deps.now(),
  });
  return joined.url;
}

async function route(request: PageRequest, deps: PageDeps): Promise<PageResponse> {
  const key = `${request.method.toUpperCase()} ${request.path}`;
  const signIn = await signInRoutes(key, request, deps);
  if (signIn) return signIn;
  switch (key) {
    case 'GET /':
      // The page itself needs no session: its script asks /api/status, which does.
      return html(organizerPage(deps.host, deps.branding, deps.timeZone), pageCsp(deps.branding));
    case 'GET /api/status':
      return statusRoute(request, deps);
    case 'POST /api/start':
    case 'POST /api/stop':
      return powerRoute(request, deps, key === 'POST /api/start');
    case 'GET /api/recordings':
      return recordingsRoute(request, deps);
    case 'POST /api/schedules':
    case 'POST /api/schedules/remove':
      return schedulesRoute(request, deps, key === 'POST /api/schedules/remove');
    case 'GET /api/room':
      return roomRoute(request, deps);
    case 'POST /api/join':
      return joinRoute(request, deps);
    default:
      return problem(404, 'no such page');
  }
}

/** GET /api/status: the server's status for the signed-in member, and the schedules for an organizer. */
async function statusRoute(request: PageRequest, deps: PageDeps): Promise<PageResponse> {
  const s = await currentSession(request, deps);
  if ('status' in s) return s;
  const [status, schedules] = await Promise.all([
    deps.control.status(s.role),
    s.role === 'organizer' ? deps.schedules.list() : Promise.resolve(undefined),
  ]);
  return json(200, {
    role: s.role,
    ...status,
    ...(schedules ? { schedules: schedules.map((x) => scheduleView(x, deps.now())) } : {}),
  });
}

/** POST /api/start and /api/stop: an organizer's start (recording if asked and possible) or stop. */
async function powerRoute(request: PageRequest, deps: PageDeps, start: boolean): Promise<PageResponse> {
  const s = await stateChange(request, deps, 'only organizers start and stop the server');
  if ('status' in s) return s;
  const record = start && parseBody(request.body)?.record === true;
  if (record && !deps.recordings) {
    return problem(400, 'this server has no recorder: the person who set it up can turn recording on');
  }
  // A start the plan refuses (a stack left for a person to repair) is said now, and spends no start.
  const refused = start ? await deps.control.startRefusal(record ? { record: true } : {}) : undefined;
  if (refused) return problem(409, refused);
  if (start && !(await deps.rateLimit('start', deps.now()))) {
    return problem(429, 'a start was asked for less than a minute ago; the page shows its progress');
  }
  await deps.control.dispatch(start ? 'running' : 'stopped', actorOf(s), record ? { record: true } : {});
  return json(202, { accepted: start ? 'start' : 'stop', ...(record ? { record: true } : {}) });
}

/** GET /api/recordings: the recordings, for organizers. */
async function recordingsRoute(request: PageRequest, deps: PageDeps): Promise<PageResponse> {
  const s = await currentSession(request, deps);
  if ('status' in s) return s;
  if (s.role !== 'organizer') return problem(403, 'only organizers see the recordings');
  if (!deps.recordings) return json(200, { recordings: [] });
  return json(200, { recordings: await deps.recordings.list() });
}

/** POST /api/schedules and /api/schedules/remove: an organizer adds a meetup schedule or removes one by name. */
async function schedulesRoute(request: PageRequest, deps: PageDeps, remove: boolean): Promise<PageResponse> {
  const s = await stateChange(request, deps, 'only organizers change the meetup schedules');
  if ('status' in s) return s;
  const body = parseBody(request.body);
  if (!body || typeof body.name !== 'string') return problem(400, 'give the schedule as JSON with at least a "name"');
  const name = body.name;
  if (remove) {
    try {
      await deps.schedules.remove(name);
    } catch (error) {
      if ((error as Error).name === 'ResourceNotFoundException') return problem(404, `there is no schedule named ${name}`);
      throw error;
    }
    return json(200, { removed: name });
  }
  const built = meetupFromForm(body, {
    now: deps.now(),
    ...(deps.timeZone ? { timeZone: deps.timeZone } : {}),
    recorder: Boolean(deps.recordings),
  });
  if (!built.ok) return json(400, { error: built.error, field: built.field });
  try {
    await deps.schedules.add(built.schedule);
  } catch (error) {
    if ((error as Error).name === 'ConflictException') {
      return json(409, { error: `There is already a meetup named ${name}: choose another name.`, field: 'name' });
    }
    throw error;
  }
  return json(201, {
    schedule: built.schedule,
    ...(built.meetupAt !== undefined ? { at: new Date(built.meetupAt).toISOString() } : {}),
    ...(built.twice ? { twice: true } : {}),
  });
}

/** GET /api/room: the guest link of a room, read as Jitsi reads it (the same rule as Join and `meetctl link`). */
async function roomRoute(request: PageRequest, deps: PageDeps): Promise<PageResponse> {
  const s = await currentSession(request, deps);
  if ('status' in s) return s;
  const room = jitsiRoomName(request.query?.room ?? '');
  if (!room.ok) return json(400, { error: room.why, field: 'room' });
  return json(200, { room: room.room, display: room.display, guestUrl: `https://${deps.host}/${room.room}` });
}

/** POST /api/join: the member's meeting URL with a Jitsi token for the room. */
async function joinRoute(request: PageRequest, deps: PageDeps): Promise<PageResponse> {
  const s = await stateChange(request, deps, false);
  if ('status' in s) return s;
  const body = parseBody(request.body);
  if (!body || typeof body.room !== 'string') return problem(400, 'give the room as JSON: {"room": "weekly-meetup"}');
  try {
    return json(200, { url: await joinUrl(deps, s.idToken, body.room) });
  } catch (error) {
    if (error instanceof ExchangeRefused) return json(error.status, { error: error.message, field: 'room' });
    throw error;
  }
}
