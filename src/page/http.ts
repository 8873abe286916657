import { HSTS } from '../web-headers.js';

/** The page's requests and answers, independent of Lambda and of node:http (pure). */

export interface PageRequest {
  readonly method: string;
  /** Path without the query string, e.g. /api/status. */
  readonly path: string;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** Query string parameters. */
  readonly query?: Readonly<Record<string, string | undefined>>;
  readonly body?: string;
  /** The caller's address as API Gateway saw the connection (requestContext.http.sourceIp), for per-client limits. */
  readonly client?: string;
}

export interface PageResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
  /** Set-Cookie values (API Gateway's payload 2.0 `cookies`). */
  readonly cookies?: readonly string[];
}

/**
 * Sent with every answer of the page's host. The referrer policy is `same-origin`, not `no-referrer`:
 * nothing leaves for other sites (the meeting URL with its token included), and the page's own form
 * POSTs keep their Origin, which browsers send as `null` under `no-referrer` (Fetch, "serializing a
 * request origin") and which the room form's check needs.
 */
const COMMON = {
  'cache-control': 'no-store',
  'strict-transport-security': HSTS,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
} as const;

export const json = (status: number, value: unknown, extra: Record<string, string> = {}): PageResponse => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8', ...COMMON, ...extra },
  body: JSON.stringify(value),
});

export const problem = (status: number, message: string, extra: Record<string, string> = {}) =>
  json(status, { error: message }, extra);

/** A redirect; `status` 303 after a form POST (the browser follows it with a GET). */
export const redirect = (location: string, setCookies: readonly string[] = [], status: 302 | 303 = 302): PageResponse => ({
  status,
  headers: { location, ...COMMON },
  body: '',
  ...(setCookies.length > 0 ? { cookies: setCookies } : {}),
});

/** An HTML document of the page with its Content-Security-Policy. */
export const html = (body: string, csp: string, setCookies: readonly string[] = [], status = 200): PageResponse => ({
  status,
  headers: { 'content-type': 'text/html; charset=utf-8', ...COMMON, 'content-security-policy': csp },
  body,
  ...(setCookies.length > 0 ? { cookies: setCookies } : {}),
});

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

/**
 * A Set-Cookie value. Every cookie of the page is `__Host-` prefixed: the browser keeps it only
 * when it is Secure, has Path=/ and no Domain, so no other host of the domain can set or shadow it
 * (RFC 6265bis, "Cookie Name Prefixes").
 */
export const setCookie = (name: `__Host-${string}`, value: string, o: { maxAge: number; sameSite: 'Strict' | 'Lax' }) =>
  `${name}=${encodeURIComponent(value)}; Path=/; Max-Age=${o.maxAge}; HttpOnly; Secure; SameSite=${o.sameSite}`;
