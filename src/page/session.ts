import { createHash } from 'node:crypto';
import { type CognitoIdentity, type Role, roleOf } from '../auth/token-exchange.js';
import { cookies, type PageRequest, type PageResponse, problem } from './http.js';

/**
 * The page's sessions, kept on the server (issue 20): the session cookie holds only a random id,
 * and a row of the state table, keyed by the id's SHA-256, holds the Cognito tokens until the
 * session ends. Sign-out deletes the row, so the cookie is worth nothing afterwards even if it was
 * copied (a Cognito ID token in the cookie stayed valid for its hour whatever the page did), and
 * revokes the refresh token at Cognito. The tokens never reach the browser.
 */

/** The session cookie: the session's random id. HttpOnly, Secure, SameSite=Strict, `__Host-`. */
export const SESSION_COOKIE = '__Host-meet_session';
/** The login cookie: state, PKCE verifier and the room, for the trip to Cognito and back (Lax survives the redirect). */
export const LOGIN_COOKIE = '__Host-meet_login';
/** How long a session lasts: the ID token's own lifetime (1 h). */
export const SESSION_SECONDS = 3600;
/** The header every state-changing API call must carry (a plain cross-site form cannot set it). */
export const CSRF_HEADER = 'x-meetctl';
/** A session id as the page makes them: 32 random bytes, base64url. */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

/** What the state table keeps for a session. */
export interface StoredSession {
  readonly idToken: string;
  /** Revoked at Cognito on sign-out. */
  readonly refreshToken?: string;
  /** Epoch seconds; the row is worth nothing after it (DynamoDB's TTL deletes it some time later). */
  readonly expiresAt: number;
}

/** Where sessions live (the state table in Lambda, a Map in tests), by the key {@link sessionKey} gives. */
export interface SessionStore {
  put(key: string, session: StoredSession): Promise<void>;
  get(key: string): Promise<StoredSession | undefined>;
  /** Delete the row and return what it held. */
  remove(key: string): Promise<StoredSession | undefined>;
}

/** The store's key of a session id: its SHA-256, so a leak of the table gives no usable cookie. */
export const sessionKey = (id: string) => createHash('sha256').update(id).digest('base64url');

/** The session id a request carries, when it has the form of one. */
export function sessionId(request: PageRequest): string | undefined {
  const id = cookies(request.headers.cookie)[SESSION_COOKIE];
  return id && SESSION_ID.test(id) ? id : undefined;
}

export interface Session {
  readonly identity: CognitoIdentity;
  readonly role: Role;
  readonly idToken: string;
}

/** The signed-in session of a request, or the answer to give (401/403). */
export async function currentSession(
  request: PageRequest,
  deps: {
    readonly sessions: SessionStore;
    readonly verify: (idToken: string) => Promise<CognitoIdentity>;
    readonly now: () => number;
  },
): Promise<Session | PageResponse> {
  const id = sessionId(request);
  if (!id) return problem(401, 'sign in first');
  const stored = await deps.sessions.get(sessionKey(id));
  if (!stored || stored.expiresAt * 1000 <= deps.now()) return problem(401, 'the sign-in has ended: sign in again');
  let identity: CognitoIdentity;
  try {
    identity = await deps.verify(stored.idToken);
  } catch {
    return problem(401, 'the sign-in is not valid any more: sign in again');
  }
  const role = roleOf(identity.groups);
  if (!role) return problem(403, 'this account is in neither the organizers nor the members group');
  return { identity, role, idToken: stored.idToken };
}

/**
 * Only the page itself may change state or mint a token: its Origin and, where the browser sends
 * Fetch Metadata, `Sec-Fetch-Site: same-origin`. `customHeader` also asks for the x-meetctl header
 * (the API's JSON calls; the room form is a plain form, which the Origin check covers).
 */
export function crossSite(request: PageRequest, origin: string, customHeader: boolean): PageResponse | undefined {
  if (request.headers.origin !== origin) return problem(403, 'requests must come from the page itself');
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') return problem(403, 'requests must come from the page itself');
  if (customHeader && request.headers[CSRF_HEADER] !== '1') return problem(403, `missing the ${CSRF_HEADER} header`);
  return undefined;
}
