import { createHash, timingSafeEqual } from 'node:crypto';
import type { JitsiTokenSettings } from '../auth/jitsi-token.js';
import { jitsiRoomName } from '../auth/room-name.js';
import { type CognitoIdentity, ExchangeRefused, exchangeForJitsiToken, type Role, roleOf } from '../auth/token-exchange.js';
import type { Branding } from '../branding/jitsi-branding.js';
import type { MeetupSchedule } from '../control/ports.js';
import { ScheduleInputError } from '../schedule/expression.js';
import { meetupSchedule } from '../schedule/meetup.js';
import { organizerPage, pageCsp } from './html.js';

/**
 * The organizer page's API (issue 10, in progress): pure request → response, so it runs the same
 * in Lambda, in a local server for browser tests, and under property tests. Sessions are Cognito ID
 * tokens in an HttpOnly cookie, verified on every request (an HTTP API JWT authorizer reads no
 * cookies). State-changing calls need an organizer, the page's own Origin and a custom header (a
 * cross-site form cannot send one), and Start is rate-limited. Start and stop return at once: the
 * control plane runs them (same core, lock and event log as the CLI) with the member as the actor,
 * and the page polls the status.
 */

export interface PageRequest {
  readonly method: string;
  /** Path without the query string, e.g. /api/status. */
  readonly path: string;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** Query string parameters. */
  readonly query?: Readonly<Record<string, string | undefined>>;
  readonly body?: string;
}

export interface PageResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
  /** Set-Cookie values (API Gateway's payload 2.0 `cookies`). */
  readonly cookies?: readonly string[];
}

/** What the page shows; organizers see more. */
export interface StatusView {
  readonly phase: string;
  readonly participants?: number;
  readonly nextMeetup?: { readonly name: string; readonly at: string };
  /** Organizers only. */
  readonly history?: ReadonlyArray<{
    readonly at: string;
    readonly actor: string;
    readonly goal: string;
    readonly outcome: string;
  }>;
  readonly monthToDate?: { readonly costUsd: number; readonly budgetUsd: number };
  /** Organizers, when the stack has a recorder: where it is (off, starting, ready, recording, uploading, stopping). */
  readonly recorder?: string;
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
    /** The token endpoint call: the code and PKCE verifier for an ID token. */
    exchangeCode(code: string, verifier: string, redirectUri: string): Promise<string>;
  };
  /** Random bytes, base64url (PKCE verifier, state); crypto.randomBytes in Lambda. */
  readonly random: (bytes: number) => string;
  readonly now: () => number;
  /** The meeting host (the page's title). */
  readonly host: string;
  /** The group's branding (name, logo, colours, welcome line), from the config. */
  readonly branding?: Branding;
}

/** The login cookie: state and PKCE verifier, for the trip to Cognito and back (SameSite=Lax survives the redirect). */
export const LOGIN_COOKIE = 'meet_login';
/** How long a session lasts: the ID token's own lifetime (1 h). */
export const SESSION_SECONDS = 3600;
export const CALLBACK = '/auth/callback';

/** The session cookie (the Cognito ID token); HttpOnly, Secure, SameSite=Strict. */
export const SESSION_COOKIE = 'meet_session';
/** The header every state-changing call must carry (a plain cross-site form cannot set it). */
export const CSRF_HEADER = 'x-meetctl';

const json = (status: number, value: unknown): PageResponse => ({
  status,
  headers: {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  },
  body: JSON.stringify(value),
});
const problem = (status: number, message: string) => json(status, { error: message });

/** Cookies of a request, by name (malformed pairs are skipped). */
export function cookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    try {
      out[name] = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      // A value that is not valid percent-encoding is no session.
    }
  }
  return out;
}

interface Session {
  readonly identity: CognitoIdentity;
  readonly role: Role;
  readonly idToken: string;
}

async function session(request: PageRequest, deps: PageDeps): Promise<Session | PageResponse> {
  const idToken = cookies(request.headers.cookie)[SESSION_COOKIE];
  if (!idToken) return problem(401, 'sign in first');
  let identity: CognitoIdentity;
  try {
    identity = await deps.verify(idToken);
  } catch {
    return problem(401, 'the sign-in is not valid (expired or forged): sign in again');
  }
  const role = roleOf(identity.groups);
  if (!role) return problem(403, 'this account is in neither the organizers nor the members group');
  return { identity, role, idToken };
}

/** State changes only from the page itself: its Origin and the custom header. */
function crossSite(request: PageRequest, deps: PageDeps): PageResponse | undefined {
  if (request.headers.origin !== deps.origin) return problem(403, 'requests must come from the page itself');
  if (request.headers[CSRF_HEADER] !== '1') return problem(403, `missing the ${CSRF_HEADER} header`);
  return undefined;
}

/**
 * A session that may change state: signed in, from the page itself and, when `notOrganizer` names
 * the refusal, an organizer. Anything else is the answer to send back.
 */
async function stateChange(request: PageRequest, deps: PageDeps, notOrganizer: string | false): Promise<Session | PageResponse> {
  const s = await session(request, deps);
  if ('status' in s) return s;
  const refused = crossSite(request, deps);
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

/** Handle one API request. Never throws: every failure is an answer with a status below 500, or a 503. */
export async function handlePage(request: PageRequest, deps: PageDeps): Promise<PageResponse> {
  try {
    return await route(request, deps);
  } catch {
    // A dependency failed (AWS unreachable): say so without details; nothing changed on our side.
    return problem(503, 'the service could not answer just now; try again in a minute');
  }
}

const redirect = (location: string, setCookies: string[] = []): PageResponse => ({
  status: 302,
  headers: { location, 'cache-control': 'no-store' },
  body: '',
  ...(setCookies.length > 0 ? { cookies: setCookies } : {}),
});

const cookie = (name: string, value: string, o: { path: string; maxAge: number; sameSite: 'Strict' | 'Lax' }) =>
  `${name}=${encodeURIComponent(value)}; Path=${o.path}; Max-Age=${o.maxAge}; HttpOnly; Secure; SameSite=${o.sameSite}`;

/** S256 PKCE challenge of a verifier. */
export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

const sameText = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** The meeting URL with a Jitsi token for `room`, from the member's Cognito ID token (ExchangeRefused when not allowed). */
async function joinRoom(deps: PageDeps, idToken: string, room: string): Promise<string> {
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

async function signInRoutes(key: string, request: PageRequest, deps: PageDeps): Promise<PageResponse | undefined> {
  const redirectUri = `${deps.origin}${CALLBACK}`;
  // Jitsi's tokenAuthUrl (TOKEN_AUTH_URL) sends a member who opens a room here: straight into the
  // room with a token when signed in, through the sign-in first otherwise. The room is read as
  // Jitsi reads it, the same way as on the Join button and in `meetctl link`.
  const wanted = request.query?.room === undefined ? undefined : jitsiRoomName(request.query.room);
  const wantedRoom = wanted?.ok ? wanted.room : undefined;
  if (key === 'GET /auth/room') {
    if (!wanted) return problem(400, 'no room to join: open the meeting link again');
    if (!wanted.ok) return problem(400, wanted.why);
    const idToken = cookies(request.headers.cookie)[SESSION_COOKIE];
    if (idToken) {
      try {
        return redirect(await joinRoom(deps, idToken, wanted.room));
      } catch (error) {
        if (!(error instanceof ExchangeRefused) || error.status !== 401) {
          return error instanceof ExchangeRefused ? problem(error.status, error.message) : Promise.reject(error);
        }
        // An expired session: sign in again below.
      }
    }
  }
  switch (key) {
    case 'GET /auth/room':
    case 'GET /auth/login': {
      const room = wantedRoom ?? '';
      const state = deps.random(16);
      const verifier = deps.random(32);
      const params = new URLSearchParams({
        response_type: 'code',
        client_id: deps.signIn.clientId,
        redirect_uri: redirectUri,
        scope: 'openid email profile',
        state,
        code_challenge: pkceChallenge(verifier),
        code_challenge_method: 'S256',
      });
      return redirect(`${deps.signIn.baseUrl}/oauth2/authorize?${params}`, [
        cookie(LOGIN_COOKIE, [state, verifier, ...(room ? [room] : [])].join('.'), {
          path: '/auth',
          maxAge: 600,
          sameSite: 'Lax',
        }),
      ]);
    }
    case `GET ${CALLBACK}`: {
      // state.verifier.room: state and verifier are base64url; the room (percent-encoded) may hold dots.
      const [state, verifier, ...roomParts] = (cookies(request.headers.cookie)[LOGIN_COOKIE] ?? '').split('.');
      const returnTo = jitsiRoomName(roomParts.join('.'));
      const code = request.query?.code;
      const returned = request.query?.state;
      if (!state || !verifier || !code || !returned || !sameText(state, returned)) {
        return problem(400, 'the sign-in could not be matched to this browser; start again from the page');
      }
      let idToken: string;
      try {
        idToken = await deps.signIn.exchangeCode(code, verifier, redirectUri);
        await deps.verify(idToken);
      } catch {
        return problem(401, 'the sign-in did not complete; start again from the page');
      }
      const signedIn = [
        cookie(SESSION_COOKIE, idToken, { path: '/', maxAge: SESSION_SECONDS, sameSite: 'Strict' }),
        cookie(LOGIN_COOKIE, '', { path: '/auth', maxAge: 0, sameSite: 'Lax' }),
      ];
      // Sent here from a room: into it now, with the ID token in hand (the Strict session cookie would
      // not travel on the rest of this cross-site redirect chain).
      if (returnTo.ok) {
        try {
          return redirect(await joinRoom(deps, idToken, returnTo.room), signedIn);
        } catch (error) {
          if (error instanceof ExchangeRefused) return problem(error.status, error.message);
          throw error;
        }
      }
      return redirect('/', signedIn);
    }
    case 'GET /auth/logout': {
      const params = new URLSearchParams({ client_id: deps.signIn.clientId, logout_uri: `${deps.origin}/` });
      return redirect(`${deps.signIn.baseUrl}/logout?${params}`, [
        cookie(SESSION_COOKIE, '', { path: '/', maxAge: 0, sameSite: 'Strict' }),
      ]);
    }
    default:
      return undefined;
  }
}

async function route(request: PageRequest, deps: PageDeps): Promise<PageResponse> {
  const key = `${request.method.toUpperCase()} ${request.path}`;
  const signIn = await signInRoutes(key, request, deps);
  if (signIn) return signIn;
  switch (key) {
    case 'GET /':
      // The page itself needs no session: its script asks /api/status, which does.
      return {
        status: 200,
        headers: {
          'content-type': 'text/html; charset=utf-8',
          'cache-control': 'no-store',
          'content-security-policy': pageCsp(deps.branding),
          'strict-transport-security': 'max-age=31536000',
          'x-content-type-options': 'nosniff',
          'referrer-policy': 'no-referrer',
        },
        body: organizerPage(deps.host, deps.branding),
      };
    case 'GET /api/status': {
      const s = await session(request, deps);
      if ('status' in s) return s;
      const [status, schedules] = await Promise.all([
        deps.control.status(s.role),
        s.role === 'organizer' ? deps.schedules.list() : Promise.resolve(undefined),
      ]);
      return json(200, {
        role: s.role,
        ...status,
        ...(schedules
          ? { schedules: schedules.map((x) => ({ name: x.name, timeZone: x.timeZone, description: x.description })) }
          : {}),
      });
    }
    case 'POST /api/start':
    case 'POST /api/stop': {
      const s = await stateChange(request, deps, 'only organizers start and stop the server');
      if ('status' in s) return s;
      const start = key === 'POST /api/start';
      const record = start && parseBody(request.body)?.record === true;
      if (record && !deps.recordings) {
        return problem(400, 'recording is off on this server: the config needs "recording": { "enabled": true }');
      }
      if (start && !(await deps.rateLimit('start', deps.now()))) {
        return problem(429, 'a start was asked for less than a minute ago; the page shows its progress');
      }
      await deps.control.dispatch(start ? 'running' : 'stopped', actorOf(s), record ? { record: true } : {});
      return json(202, { accepted: start ? 'start' : 'stop', ...(record ? { record: true } : {}) });
    }
    case 'GET /api/recordings': {
      const s = await session(request, deps);
      if ('status' in s) return s;
      if (s.role !== 'organizer') return problem(403, 'only organizers see the recordings');
      if (!deps.recordings) return json(200, { recordings: [] });
      return json(200, { recordings: await deps.recordings.list() });
    }
    case 'POST /api/schedules':
    case 'POST /api/schedules/remove': {
      const s = await stateChange(request, deps, 'only organizers change the meetup schedules');
      if ('status' in s) return s;
      const body = parseBody(request.body);
      if (!body || typeof body.name !== 'string') return problem(400, 'give the schedule as JSON with at least a "name"');
      const name = body.name;
      if (key === 'POST /api/schedules/remove') {
        try {
          await deps.schedules.remove(name);
        } catch (error) {
          if ((error as Error).name === 'ResourceNotFoundException') return problem(404, `there is no schedule named ${name}`);
          throw error;
        }
        return json(200, { removed: name });
      }
      const text = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
      const whole = (v: unknown, fallback: number) => (v === undefined ? fallback : typeof v === 'number' ? v : Number.NaN);
      let built: ReturnType<typeof meetupSchedule>;
      try {
        built = meetupSchedule(
          {
            name,
            ...(text(body.at) ? { at: text(body.at) as string } : {}),
            ...(text(body.cron) ? { cron: text(body.cron) as string } : {}),
            tz: text(body.tz) ?? 'UTC',
            lead: whole(body.lead, 15),
            window: whole(body.window, 120),
            // A recorded meetup only where there is a recorder; the guard adds it once the meeting is READY.
            ...(body.record === true && deps.recordings ? { record: true } : {}),
            actor: actorOf(s),
          },
          deps.now(),
        );
      } catch (error) {
        if (error instanceof ScheduleInputError) return json(400, { error: error.message, hint: error.hint });
        throw error;
      }
      try {
        await deps.schedules.add(built.schedule);
      } catch (error) {
        if ((error as Error).name === 'ConflictException') return problem(409, `a schedule named ${name} already exists`);
        throw error;
      }
      return json(201, { schedule: built.schedule });
    }
    case 'POST /api/join': {
      const s = await stateChange(request, deps, false);
      if ('status' in s) return s;
      const body = parseBody(request.body);
      if (!body || typeof body.room !== 'string') return problem(400, 'give the room as JSON: {"room": "weekly-meetup"}');
      try {
        return json(200, { url: await joinRoom(deps, s.idToken, body.room) });
      } catch (error) {
        if (error instanceof ExchangeRefused) return problem(error.status, error.message);
        throw error;
      }
    }
    default:
      return problem(404, 'no such page');
  }
}
