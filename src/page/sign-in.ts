import { createHash, timingSafeEqual } from 'node:crypto';
import { jitsiRoomName, type RoomName } from '../auth/room-name.js';
import { ExchangeRefused, exchangeForJitsiToken } from '../auth/token-exchange.js';
import type { PageDeps } from './api.js';
import { messagePage, pageCsp, roomPage } from './html.js';
import { cookies, html, type PageRequest, type PageResponse, problem, redirect, setCookie } from './http.js';
import { crossSite, currentSession, LOGIN_COOKIE, SESSION_COOKIE, SESSION_SECONDS, sessionId, sessionKey } from './session.js';

/**
 * Signing in and out, and joining a room from Jitsi's tokenAuthUrl (TOKEN_AUTH_URL sends a member who
 * opens a room, or presses "I am the host", to GET /auth/room?room=…).
 *
 * A token for a room is minted only for a same-origin request (issue 20): GET /auth/room, which any
 * site can link to, only shows a page with a Join button for that room (after signing in, when
 * needed), and the button's form POSTs to /auth/room from the page itself, which the Origin and
 * Sec-Fetch-Site checks prove. A link from another site can so never drop a signed-in member into a
 * room of the linker's choosing (login CSRF into a room) without the member pressing Join.
 */

export const CALLBACK = '/auth/callback';

/** S256 PKCE challenge of a verifier. */
export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

const sameText = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

type AcceptedRoom = Extract<RoomName, { ok: true }>;

/** The page that asks a signed-in member to press Join for `room` (read as Jitsi reads it, room-name.ts). */
const joinPage = (deps: PageDeps, room: AcceptedRoom, setCookies: readonly string[] = []) =>
  html(roomPage(deps.host, room.room, deps.branding, room.display), pageCsp(deps.branding, deps.host), setCookies);

/**
 * The routes here are opened by the browser itself (links, redirects, a form), so a refusal is a page
 * with the message in plain words and the way back, with the same status; never a JSON body.
 */
function asPage(deps: PageDeps, response: PageResponse): PageResponse {
  if (!response.headers['content-type']?.startsWith('application/json')) return response;
  let error = 'Something went wrong';
  try {
    error = (JSON.parse(response.body) as { error?: string }).error ?? error;
  } catch {
    // Not a problem of ours: the generic words.
  }
  const message = `${error.charAt(0).toUpperCase()}${error.slice(1)}${/[.!?]$/.test(error) ? '' : '.'}`;
  return html(
    messagePage(deps.host, deps.branding, message),
    pageCsp(deps.branding),
    [...(response.cookies ?? [])],
    response.status,
  );
}

/** The sign-in routes, or undefined for any other path. */
export async function signInRoutes(key: string, request: PageRequest, deps: PageDeps): Promise<PageResponse | undefined> {
  const answer = await signInRoute(key, request, deps);
  return answer && asPage(deps, answer);
}

async function signInRoute(key: string, request: PageRequest, deps: PageDeps): Promise<PageResponse | undefined> {
  switch (key) {
    case 'GET /auth/room': {
      // The room is read as Jitsi reads it, the same way as on the Join button and in `meetctl link`.
      const wanted = request.query?.room === undefined ? undefined : jitsiRoomName(request.query.room);
      if (!wanted) return problem(400, 'no room to join: open the meeting link again');
      if (!wanted.ok) return problem(400, wanted.why);
      const s = await currentSession(request, deps);
      return 'status' in s ? login(deps, wanted.room) : joinPage(deps, wanted);
    }
    case 'POST /auth/room':
      return joinRoom(request, deps);
    case 'GET /auth/login':
      return login(deps, '');
    case `GET ${CALLBACK}`:
      return callback(request, deps);
    case 'GET /auth/logout':
      return logout(request, deps);
    default:
      return undefined;
  }
}

/** To Cognito's managed login (authorization code with PKCE), remembering the room to join after. */
function login(deps: PageDeps, room: string): PageResponse {
  const state = deps.random(16);
  const verifier = deps.random(32);
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: deps.signIn.clientId,
    redirect_uri: `${deps.origin}${CALLBACK}`,
    scope: 'openid email profile',
    state,
    code_challenge: pkceChallenge(verifier),
    code_challenge_method: 'S256',
  });
  return redirect(`${deps.signIn.baseUrl}/oauth2/authorize?${params}`, [
    setCookie(LOGIN_COOKIE, [state, verifier, ...(room ? [room] : [])].join('.'), { maxAge: 600, sameSite: 'Lax' }),
  ]);
}

/** Back from Cognito: the code for tokens, a new server-side session, and the Join page when a room waits. */
async function callback(request: PageRequest, deps: PageDeps): Promise<PageResponse> {
  // state.verifier.room: state and verifier are base64url; the room (percent-encoded) may hold dots.
  const [state, verifier, ...roomParts] = (cookies(request.headers.cookie)[LOGIN_COOKIE] ?? '').split('.');
  const returnTo = roomParts.length > 0 ? jitsiRoomName(roomParts.join('.')) : undefined;
  const code = request.query?.code;
  const returned = request.query?.state;
  if (!state || !verifier || !code || !returned || !sameText(state, returned)) {
    return problem(400, 'the sign-in could not be matched to this browser; start again from the page');
  }
  let tokens: Awaited<ReturnType<PageDeps['signIn']['exchangeCode']>>;
  try {
    tokens = await deps.signIn.exchangeCode(code, verifier, `${deps.origin}${CALLBACK}`);
    await deps.verify(tokens.idToken);
  } catch {
    return problem(401, 'the sign-in did not complete; start again from the page');
  }
  const id = deps.random(32);
  await deps.sessions.put(sessionKey(id), {
    idToken: tokens.idToken,
    ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}),
    expiresAt: Math.floor(deps.now() / 1000) + SESSION_SECONDS,
  });
  const signedIn = [
    setCookie(SESSION_COOKIE, id, { maxAge: SESSION_SECONDS, sameSite: 'Strict' }),
    setCookie(LOGIN_COOKIE, '', { maxAge: 0, sameSite: 'Lax' }),
  ];
  // Sent here from a room: its Join page now, answered directly (the Strict session cookie would not
  // travel on a redirect at the end of this cross-site chain).
  if (returnTo?.ok) return joinPage(deps, returnTo, signedIn);
  return redirect('/', signedIn);
}

/** The Join button's POST: signed in, from the page itself, then into the room with a Jitsi token. */
async function joinRoom(request: PageRequest, deps: PageDeps): Promise<PageResponse> {
  const s = await currentSession(request, deps);
  if ('status' in s) return s;
  const refused = crossSite(request, deps.origin, false);
  if (refused) return refused;
  const room = new URLSearchParams(request.body ?? '').get('room') ?? '';
  try {
    const joined = await exchangeForJitsiToken({
      verify: deps.verify,
      idToken: s.idToken,
      room,
      settings: await deps.tokens.settings(),
      lifetimeSeconds: deps.tokens.lifetimeSeconds,
      now: deps.now(),
    });
    return redirect(joined.url, [], 303);
  } catch (error) {
    if (error instanceof ExchangeRefused) return problem(error.status, error.message);
    throw error;
  }
}

/**
 * Sign-out: the session's row is deleted (the cookie is worthless from now on, wherever it was
 * copied), its refresh token revoked at Cognito, and the browser sent through Cognito's logout, which
 * ends Cognito's own sign-in session.
 */
async function logout(request: PageRequest, deps: PageDeps): Promise<PageResponse> {
  const id = sessionId(request);
  const ended = id ? await deps.sessions.remove(sessionKey(id)) : undefined;
  if (ended?.refreshToken) {
    try {
      await deps.signIn.revoke(ended.refreshToken);
    } catch {
      // The session is already gone from the only place its tokens were kept; Cognito being
      // unreachable must not keep the member signed in on the page.
    }
  }
  const params = new URLSearchParams({ client_id: deps.signIn.clientId, logout_uri: `${deps.origin}/` });
  return redirect(`${deps.signIn.baseUrl}/logout?${params}`, [setCookie(SESSION_COOKIE, '', { maxAge: 0, sameSite: 'Strict' })]);
}
