import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyJitsiToken } from '../../src/auth/jitsi-token.js';
import type { AutomationDeps } from '../../src/automation/handlers.js';
import { brandingFromEnv, brandStyle } from '../../src/branding/page-branding.js';
import { pageStartRefusal, pageStatus } from '../../src/lambda/organizer-page.js';
import {
  CSRF_HEADER,
  handlePage,
  type PageDeps,
  type PageRequest,
  pkceChallenge,
  SESSION_COOKIE,
  type StoredSession,
} from '../../src/page/api.js';
import { sessionKey } from '../../src/page/session.js';
import { START_NEEDS_REPAIR, START_REFUSED } from '../../src/page/start-refusal.js';
import { clientThrottle, PAGE_LIMITS } from '../../src/page/throttle.js';
import { runPageAction } from '../../src/page/worker.js';
import { SimAws, VirtualClock } from '../../src/sim/simulated-aws.js';
import { CLIENT, localCognito } from '../support/cognito.js';
import { simSchedules } from '../support/page.js';

// The page's API against the simulated AWS, with a locally generated key standing in for Cognito's.
const ORIGIN = 'https://start.meet.ne3d.org';
const settings = {
  appId: 'meetctl',
  secret: 'a-secret-of-at-least-32-bytes-for-hs256!!',
  audience: 'jitsi',
  host: 'meet.ne3d.org',
};
let sign: (claims: Record<string, unknown>) => Promise<string>;
let verify: PageDeps['verify'];

beforeAll(async () => {
  ({ sign, verify } = await localCognito());
});

/**
 * The sessions every world here shares (the state table's rows in Lambda). `request(…, { token })`
 * signs in with that ID token: it stores a session and sends its id as the cookie.
 */
const sessions = new Map<string, StoredSession>();
let sessionIds = 0;
const memoryStore: PageDeps['sessions'] = {
  put: async (key, session) => {
    sessions.set(key, session);
  },
  get: async (key) => sessions.get(key),
  remove: async (key) => {
    const session = sessions.get(key);
    sessions.delete(key);
    return session;
  },
};
function sessionFor(idToken: string): string {
  const id = `session-${++sessionIds}`.padEnd(43, 'x');
  sessions.set(sessionKey(id), { idToken, refreshToken: `refresh-${sessionIds}`, expiresAt: Number.MAX_SAFE_INTEGER });
  return id;
}

function world(options: ConstructorParameters<typeof SimAws>[1] = { ingress: 'direct', recorder: true }) {
  const clock = new VirtualClock();
  const sim = new SimAws(clock, options);
  const running: Array<Promise<{ outcome: string; detail?: string }>> = [];
  let lastStart = Number.NEGATIVE_INFINITY;
  let randoms = 0;
  const codes = new Map<string, string>();
  const exchanged: Array<{ code: string; verifier: string; redirectUri: string }> = [];
  const revoked: string[] = [];
  const base: AutomationDeps = {
    ports: sim.ports,
    clock,
    host: 'meet.ne3d.org',
    settings: { idleStopMinutes: 15, startGraceMinutes: 20, maxRuntimeHours: 4 },
    notify: async () => {},
    log: () => {},
  };
  const dispatched: Array<{ goal: string; actor: string; record?: boolean }> = [];
  const deps: PageDeps = {
    origin: ORIGIN,
    verify,
    control: {
      // The page function's own status builder and start check, over the simulated AWS.
      status: pageStatus(base, { size: 'medium', architecture: 'arm64', ingress: 'direct', budgetUsd: 30 }),
      startRefusal: pageStartRefusal(base),
      // The page function's own asynchronous action: the control plane's transition, its refusals answered.
      dispatch: async (goal, actor, options) => {
        dispatched.push({ goal, actor, ...(options?.record ? { record: true } : {}) });
        running.push(runPageAction(base, { action: 'transition', goal, actor, ...(options?.record ? { record: true } : {}) }));
      },
    },
    schedules: simSchedules(sim),
    rateLimit: async (_action, now) => {
      if (now - lastStart < 60_000) return false;
      lastStart = now;
      return true;
    },
    tokens: { settings: async () => settings, lifetimeSeconds: 3 * 3600 },
    signIn: {
      baseUrl: 'https://meet-ne3d.auth.us-west-2.amazoncognito.com',
      clientId: CLIENT,
      exchangeCode: async (code, verifier, redirectUri) => {
        exchanged.push({ code, verifier, redirectUri });
        const identity = codes.get(code);
        if (!identity) throw new Error('invalid_grant');
        return { idToken: identity, refreshToken: `refresh-of-${code}` };
      },
      revoke: async (refreshToken) => {
        revoked.push(refreshToken);
      },
    },
    sessions: memoryStore,
    throttle: () => true,
    // As long as crypto.randomBytes(bytes) in base64url.
    random: (bytes) => `r${++randoms}`.padEnd(Math.ceil((bytes * 4) / 3), 'x'),
    host: 'meet.ne3d.org',
    now: () => clock.now(),
  };
  return { sim, clock, base, deps, codes, exchanged, revoked, dispatched, settle: () => Promise.all(running.splice(0)) };
}

const request = (
  method: string,
  path: string,
  o: { token?: string; origin?: string; csrf?: boolean; body?: string; cookie?: string; query?: Record<string, string> } = {},
): PageRequest => ({
  method,
  path,
  ...(o.query ? { query: o.query } : {}),
  headers: {
    ...(o.token ? { cookie: `other=1; ${SESSION_COOKIE}=${sessionFor(o.token)}` } : {}),
    ...(o.cookie ? { cookie: o.cookie } : {}),
    ...(o.origin ? { origin: o.origin } : {}),
    ...(o.csrf ? { [CSRF_HEADER]: '1' } : {}),
  },
  ...(o.body !== undefined ? { body: o.body } : {}),
});
const fromPage = { origin: ORIGIN, csrf: true };

describe('the organizer page API', () => {
  it('starts with the recorder when asked and the server has one; refuses it (and spends no start) when it has none', async () => {
    const w = world();
    const token = await sign({ sub: 'u1', email: 'ana@ne3d.org', 'cognito:groups': ['organizers', 'members'] });
    const refused = await handlePage(request('POST', '/api/start', { token, ...fromPage, body: '{"record":true}' }), w.deps);
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.body).error).toBe('this server has no recorder: the person who set it up can turn recording on');
    expect(w.dispatched).toEqual([]);
    const recordings = { list: async () => [] };
    const started = await handlePage(request('POST', '/api/start', { token, ...fromPage, body: '{"record":true}' }), {
      ...w.deps,
      recordings,
    });
    expect(started.status).toBe(202);
    expect(JSON.parse(started.body)).toEqual({ accepted: 'start', record: true });
    expect(w.dispatched).toEqual([{ goal: 'running', actor: 'page:ana@ne3d.org', record: true }]);
  });

  it('adds a recorded meetup only where there is a recorder', async () => {
    const w = world();
    const token = await sign({ sub: 'u1', email: 'ana@ne3d.org', 'cognito:groups': ['organizers', 'members'] });
    const add = (deps: PageDeps, name: string) =>
      handlePage(
        request('POST', '/api/schedules', {
          token,
          ...fromPage,
          body: JSON.stringify({ name, at: '2030-12-03T18:00', tz: 'Europe/Berlin', record: true }),
        }),
        deps,
      );
    expect((await add({ ...w.deps, recordings: { list: async () => [] } }, 'recorded')).status).toBe(201);
    expect((await add(w.deps, 'plain')).status).toBe(201);
    const stored = Object.fromEntries(w.sim.schedules.map((x) => [x.schedule.name, x.schedule.record ?? false]));
    expect(stored).toEqual({ recorded: true, plain: false });
  });

  it('lists recordings with download links for organizers only', async () => {
    const w = world();
    const list = [
      {
        day: '2026-12-03',
        room: 'weekly',
        file: 'weekly_2026-12-03-18-00-05.mp4',
        sizeBytes: 5,
        url: 'https://s3.example/x?X-Amz-Expires=900',
      },
    ];
    const deps = { ...w.deps, recordings: { list: async () => list } };
    expect((await handlePage(request('GET', '/api/recordings'), deps)).status).toBe(401);
    const member = await sign({ sub: 'u2', email: 'bo@ne3d.org', 'cognito:groups': ['members'] });
    expect((await handlePage(request('GET', '/api/recordings', { token: member }), deps)).status).toBe(403);
    const organizer = await sign({ sub: 'u1', email: 'ana@ne3d.org', 'cognito:groups': ['organizers', 'members'] });
    const answer = await handlePage(request('GET', '/api/recordings', { token: organizer }), deps);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ recordings: list });
    expect(answer.headers['cache-control']).toBe('no-store');
    // Without a recorder there is nothing to list.
    expect(JSON.parse((await handlePage(request('GET', '/api/recordings', { token: organizer }), w.deps)).body)).toEqual({
      recordings: [],
    });
  });

  it("serves the page in the group's branding, its style and logo allowed by the CSP and nothing more", async () => {
    const w = world();
    const plain = await handlePage(request('GET', '/'), w.deps);
    const plainCsp = plain.headers['content-security-policy'] ?? '';
    expect(plainCsp).toContain("img-src 'self';");
    expect(plainCsp.match(/style-src [^;]*/)?.[0].split(' ')).toHaveLength(2);
    expect(plain.body).toContain('<title>meet.ne3d.org</title>');
    const branding = {
      appName: 'NE3D "Blender" Meet',
      logoUrl: 'https://cdn.ne3d.org/logo.svg',
      primaryColor: '#e87d0d',
      welcomeText: 'Hi <all>',
    };
    const branded = await handlePage(request('GET', '/'), { ...w.deps, branding });
    const csp = branded.headers['content-security-policy'] ?? '';
    expect(csp).toContain("img-src 'self' https://cdn.ne3d.org;");
    const hash = `'sha256-${createHash('sha256').update(brandStyle(branding)).digest('base64')}'`;
    expect(csp.match(/style-src [^;]*/)?.[0].split(' ')).toEqual(['style-src', expect.any(String), hash]);
    expect(branded.body).toContain(`<style>${brandStyle(branding)}</style>`);
    expect(branded.body).toContain('<title>NE3D &quot;Blender&quot; Meet (meet.ne3d.org)</title>');
    expect(branded.body).toContain('<p id="welcome">Hi &lt;all&gt;</p>');
    expect(branded.body).toContain('<img src="https://cdn.ne3d.org/logo.svg" alt="" height="40">');
  });

  it('reads its branding from the environment, keeping only what the schema allows', () => {
    expect(brandingFromEnv(undefined)).toBeUndefined();
    expect(brandingFromEnv('{not json')).toBeUndefined();
    expect(brandingFromEnv('{}')).toBeUndefined();
    expect(
      brandingFromEnv(
        JSON.stringify({ appName: 'A', logoUrl: 'javascript:x', websiteUrl: 'https://a.org', other: 'x', primaryColor: 3 }),
      ),
    ).toEqual({ appName: 'A', websiteUrl: 'https://a.org' });
    // A colour that is not #rrggbb never reaches the style.
    expect(brandStyle({ primaryColor: 'red}body{display:none', backgroundColor: '#123456' })).toBe(
      'body{border-top:.5rem solid #123456;padding-top:1rem}',
    );
  });

  it('lets an organizer start: 202 at once, READY once the control plane is done, the member named in the log', async () => {
    const w = world();
    const token = await sign({ sub: 'u1', email: 'ana@ne3d.org', 'cognito:groups': ['organizers', 'members'] });
    const started = await handlePage(request('POST', '/api/start', { token, ...fromPage }), w.deps);
    expect(started.status).toBe(202);
    expect(started.headers['cache-control']).toBe('no-store');
    // A second start within a minute is refused: the page shows the first one's progress.
    expect((await handlePage(request('POST', '/api/start', { token, ...fromPage }), w.deps)).status).toBe(429);
    await w.settle();
    const status = JSON.parse((await handlePage(request('GET', '/api/status', { token }), w.deps)).body);
    expect(status).toMatchObject({ role: 'organizer', phase: 'READY' });
    expect(status.history).toEqual([{ at: expect.any(String), text: 'ana@ne3d.org started the server' }]);
    // Two minutes later the stats sidecar has said nobody is in a call, so the stop may proceed.
    await w.clock.sleep(120_000);
    expect((await handlePage(request('POST', '/api/stop', { token, ...fromPage }), w.deps)).status).toBe(202);
    await w.settle();
    expect(JSON.parse((await handlePage(request('GET', '/api/status', { token }), w.deps)).body).phase).toBe('STOPPED');
  });

  it('shows members the status and mints their join link, but never lets them start or stop', async () => {
    const w = world();
    const token = await sign({ sub: 'u2', email: 'bo@ne3d.org', name: 'Bo', 'cognito:groups': ['members'] });
    const status = JSON.parse((await handlePage(request('GET', '/api/status', { token }), w.deps)).body);
    expect(status).toEqual({ role: 'member', phase: 'STOPPED' });
    expect((await handlePage(request('POST', '/api/start', { token, ...fromPage }), w.deps)).status).toBe(403);
    const join = await handlePage(request('POST', '/api/join', { token, ...fromPage, body: '{"room":"weekly"}' }), w.deps);
    expect(join.status).toBe(200);
    const url = JSON.parse(join.body).url as string;
    const jitsiToken = url.split('jwt=')[1] ?? '';
    expect(await verifyJitsiToken(jitsiToken, { ...settings, room: 'weekly', now: w.clock.now() })).toMatchObject({
      ok: true,
      claims: { context: { user: { name: 'Bo' } } },
    });
    expect(w.sim.mutations).toEqual([]);
  });

  it('refuses state changes from another origin or without the custom header, even for an organizer', async () => {
    const w = world();
    const token = await sign({ sub: 'u1', email: 'ana@ne3d.org', 'cognito:groups': ['organizers'] });
    for (const o of [
      {},
      { origin: 'https://evil.example' },
      { origin: ORIGIN },
      { csrf: true },
      { origin: 'https://evil.example', csrf: true },
    ]) {
      expect((await handlePage(request('POST', '/api/start', { token, ...o }), w.deps)).status).toBe(403);
    }
    await w.settle();
    expect(w.sim.mutations).toEqual([]);
  });

  it('answers anonymous, forged and group-less requests with 401/403 and changes nothing', async () => {
    const w = world();
    const forged = `${(await sign({ sub: 'u1', 'cognito:groups': ['organizers'] })).slice(0, -6)}AAAAAA`;
    const nobody = await sign({ sub: 'u3', 'cognito:groups': [] });
    const guessed = `${SESSION_COOKIE}=${'A'.repeat(43)}`;
    for (const path of ['/api/status', '/api/start', '/api/stop', '/api/join']) {
      const method = path === '/api/status' ? 'GET' : 'POST';
      expect((await handlePage(request(method, path, fromPage), w.deps)).status, path).toBe(401);
      expect((await handlePage(request(method, path, { cookie: guessed, ...fromPage }), w.deps)).status, path).toBe(401);
      expect((await handlePage(request(method, path, { token: forged, ...fromPage }), w.deps)).status, path).toBe(401);
      expect((await handlePage(request(method, path, { token: nobody, ...fromPage }), w.deps)).status, path).toBe(403);
    }
    await w.settle();
    expect(w.sim.mutations).toEqual([]);
  });

  it('fuzzed: no input gives a 500 or changes anything without an organizer session from the page', async () => {
    const w = world();
    const member = sessionFor(await sign({ sub: 'u2', 'cognito:groups': ['members'] }));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'get', 'OPTIONS'),
        fc.oneof(
          fc.constantFrom(
            '/api/status',
            '/api/start',
            '/api/stop',
            '/api/join',
            '/api/schedules',
            '/api/schedules/remove',
            '/',
            '/api/start/',
            '/auth/room',
            '/auth/logout',
          ),
          fc.string(),
        ),
        fc.option(fc.oneof(fc.string(), fc.constant(member), fc.constant('%E0%A4%A'))),
        fc.option(fc.oneof(fc.constant(ORIGIN), fc.string())),
        fc.boolean(),
        fc.option(
          fc.oneof(
            fc.string(),
            fc.json(),
            fc.constant('{"room":"weekly"}'),
            fc.constant('{"room":"../x"}'),
            fc.constant('room=weekly'),
          ),
        ),
        async (method, path, token, origin, csrf, body) => {
          const response = await handlePage(
            {
              method,
              path,
              headers: {
                ...(token !== null ? { cookie: `${SESSION_COOKIE}=${token}` } : {}),
                ...(origin !== null ? { origin } : {}),
                ...(csrf ? { [CSRF_HEADER]: '1' } : {}),
              },
              ...(body !== null ? { body } : {}),
            },
            w.deps,
          );
          expect(response.status).toBeLessThan(500);
          expect(response.status === 202).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
    await w.settle();
    expect(w.sim.mutations).toEqual([]);
  });

  it('signs in with Cognito: PKCE (S256) and state in a Lax cookie, then a server-side session behind a Strict __Host- cookie', async () => {
    const w = world();
    const login = await handlePage(request('GET', '/auth/login'), w.deps);
    expect(login.status).toBe(302);
    const location = new URL(login.headers.location ?? '');
    expect(location.origin + location.pathname).toBe('https://meet-ne3d.auth.us-west-2.amazoncognito.com/oauth2/authorize');
    expect(Object.fromEntries(location.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: CLIENT,
      redirect_uri: `${ORIGIN}/auth/callback`,
      code_challenge_method: 'S256',
    });
    const loginCookie = login.cookies?.[0] ?? '';
    expect(loginCookie).toMatch(/^__Host-meet_login=.+; Path=\/; Max-Age=600; HttpOnly; Secure; SameSite=Lax$/);
    expect(loginCookie).not.toMatch(/Domain=/i);
    const [state, verifier] = decodeURIComponent(loginCookie.split(';')[0]?.split('=')[1] ?? '').split('.');
    expect(location.searchParams.get('state')).toBe(state);
    expect(location.searchParams.get('code_challenge')).toBe(pkceChallenge(verifier ?? ''));

    const idToken = await sign({ sub: 'u1', email: 'ana@ne3d.org', 'cognito:groups': ['organizers'] });
    w.codes.set('the-code', idToken);
    const cookieHeader = loginCookie.split(';')[0] ?? '';
    // Another state (a login started elsewhere) is refused, and nothing is exchanged.
    const mismatch = await handlePage(
      request('GET', '/auth/callback', { cookie: cookieHeader, query: { code: 'the-code', state: 'other' } }),
      w.deps,
    );
    expect(mismatch.status).toBe(400);
    expect(w.exchanged).toEqual([]);
    const back = await handlePage(
      request('GET', '/auth/callback', { cookie: cookieHeader, query: { code: 'the-code', state: state ?? '' } }),
      w.deps,
    );
    expect(back.status).toBe(302);
    expect(back.headers.location).toBe('/');
    expect(w.exchanged).toEqual([{ code: 'the-code', verifier, redirectUri: `${ORIGIN}/auth/callback` }]);
    expect(back.cookies?.[0]).toMatch(
      /^__Host-meet_session=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=3600; HttpOnly; Secure; SameSite=Strict$/,
    );
    expect(back.cookies?.[1]).toMatch(/^__Host-meet_login=; Path=\/; Max-Age=0/);
    // The cookie is a random id; the tokens stay on the server, under the id's hash.
    const id = decodeURIComponent(back.cookies?.[0]?.split(';')[0]?.split('=')[1] ?? '');
    expect(back.cookies?.join(' ')).not.toContain(idToken);
    expect(sessions.get(sessionKey(id))).toMatchObject({ idToken, refreshToken: 'refresh-of-the-code' });
    const status = await handlePage(request('GET', '/api/status', { cookie: `${SESSION_COOKIE}=${id}` }), w.deps);
    expect(status.status).toBe(200);
    // The ID token itself as the cookie is no session.
    expect((await handlePage(request('GET', '/api/status', { cookie: `${SESSION_COOKIE}=${idToken}` }), w.deps)).status).toBe(
      401,
    );
    // A code Cognito does not know gives no session.
    const bad = await handlePage(
      request('GET', '/auth/callback', { cookie: cookieHeader, query: { code: 'forged', state: state ?? '' } }),
      w.deps,
    );
    expect(bad.status).toBe(401);
    expect(bad.cookies).toBeUndefined();
  });

  it('signs out on the server: the session row is gone (a copied cookie is worthless), the refresh token revoked', async () => {
    const w = world();
    const idToken = await sign({ sub: 'u1', email: 'ana@ne3d.org', 'cognito:groups': ['organizers'] });
    const cookie = `${SESSION_COOKIE}=${sessionFor(idToken)}`;
    expect((await handlePage(request('GET', '/api/status', { cookie }), w.deps)).status).toBe(200);
    const out = await handlePage(request('GET', '/auth/logout', { cookie }), w.deps);
    expect(out.headers.location).toBe(
      `https://meet-ne3d.auth.us-west-2.amazoncognito.com/logout?client_id=${CLIENT}&logout_uri=${encodeURIComponent(`${ORIGIN}/`)}`,
    );
    expect(out.cookies?.[0]).toMatch(/^__Host-meet_session=; Path=\/; Max-Age=0; HttpOnly; Secure; SameSite=Strict$/);
    expect(w.revoked).toEqual([`refresh-${sessionIds}`]);
    // The ID token inside is still valid for its hour, but the same cookie, replayed, gets nothing.
    expect(await verify(idToken)).toMatchObject({ sub: 'u1' });
    for (const [method, path] of [
      ['GET', '/api/status'],
      ['POST', '/api/start'],
    ] as const) {
      expect((await handlePage(request(method, path, { cookie, ...fromPage }), w.deps)).status, path).toBe(401);
    }
    await w.settle();
    expect(w.sim.mutations).toEqual([]);
    // Signing out signs out even when Cognito cannot be reached.
    const offline = { ...w.deps, signIn: { ...w.deps.signIn, revoke: () => Promise.reject(new Error('unreachable')) } };
    const other = `${SESSION_COOKIE}=${sessionFor(idToken)}`;
    expect((await handlePage(request('GET', '/auth/logout', { cookie: other }), offline)).status).toBe(302);
    expect((await handlePage(request('GET', '/api/status', { cookie: other }), w.deps)).status).toBe(401);
  });

  it('ends a session at its expiry, whatever the cookie says', async () => {
    const w = world();
    const idToken = await sign({ sub: 'u1', 'cognito:groups': ['organizers'] });
    const id = sessionFor(idToken);
    sessions.set(sessionKey(id), { idToken, expiresAt: Math.floor(w.clock.now() / 1000) });
    expect((await handlePage(request('GET', '/api/status', { cookie: `${SESSION_COOKIE}=${id}` }), w.deps)).status).toBe(401);
  });

  it('limits each client: a session to its requests a minute, an address without a session to its own', async () => {
    const w = world();
    const deps = { ...w.deps, throttle: clientThrottle() };
    const idToken = await sign({ sub: 'u2', 'cognito:groups': ['members'] });
    const cookie = `${SESSION_COOKIE}=${sessionFor(idToken)}`;
    const statuses: number[] = [];
    for (let i = 0; i <= PAGE_LIMITS.perSession; i++) {
      statuses.push((await handlePage({ ...request('GET', '/api/status', { cookie }), client: '198.51.100.7' }, deps)).status);
    }
    expect(statuses.slice(0, -1).every((x) => x === 200)).toBe(true);
    const limited = await handlePage({ ...request('GET', '/api/status', { cookie }), client: '198.51.100.7' }, deps);
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('60');
    // Another member at the same address (a venue) is not limited by the first one's polling.
    const other = `${SESSION_COOKIE}=${sessionFor(idToken)}`;
    expect((await handlePage({ ...request('GET', '/api/status', { cookie: other }), client: '198.51.100.7' }, deps)).status).toBe(
      200,
    );
    const anonymous = (client: string) => handlePage({ ...request('GET', '/auth/login'), client }, deps);
    for (let i = 0; i < PAGE_LIMITS.perAddress; i++) expect((await anonymous('203.0.113.9')).status).toBe(302);
    expect((await anonymous('203.0.113.9')).status).toBe(429);
    expect((await anonymous('203.0.113.10')).status).toBe(302);
    // A minute later the first session may poll again.
    w.clock.t += 60_000;
    expect((await handlePage({ ...request('GET', '/api/status', { cookie }), client: '198.51.100.7' }, deps)).status).toBe(200);
  });

  it('serves the page with a CSP that allows only its own inline script and style', async () => {
    const w = world();
    const page = await handlePage(request('GET', '/'), w.deps);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>meet.ne3d.org</title>');
    const csp = page.headers['content-security-policy'] ?? '';
    expect(csp).toMatch(/default-src 'none'; script-src 'sha256-[A-Za-z0-9+/=]+'; style-src 'sha256-/);
    expect(csp).toContain("frame-ancestors 'none'");
    const script = /<script>([\s\S]*)<\/script>/.exec(page.body)?.[1] ?? '';
    const { createHash } = await import('node:crypto');
    expect(csp).toContain(`'sha256-${createHash('sha256').update(script).digest('base64')}'`);
  });

  it("Jitsi's tokenAuthUrl: a member lands on the room's Join page (signing in first when needed); no link mints a token", async () => {
    const w = world();
    const token = await sign({ sub: 'u2', email: 'bo@ne3d.org', name: 'Bo', 'cognito:groups': ['members'] });
    const cookie = `${SESSION_COOKIE}=${sessionFor(token)}`;
    // Signed in: a page with a Join button for the room, and no token in it.
    const page = await handlePage(request('GET', '/auth/room', { cookie, query: { room: 'weekly' } }), w.deps);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<form class="card" method="post" action="/auth/room">');
    expect(page.body).toContain('<input type="hidden" name="room" value="weekly">');
    expect(JSON.stringify(page)).not.toMatch(/jwt|eyJ/);
    // The form's answer redirects to the meeting, which form-action must allow (and nothing else).
    expect(page.headers['content-security-policy']).toContain("form-action 'self' https://meet.ne3d.org;");
    // Not signed in: to Cognito, with the room remembered in the login cookie…
    const away = await handlePage(request('GET', '/auth/room', { query: { room: 'weekly' } }), w.deps);
    expect(away.headers.location).toMatch(/oauth2\/authorize/);
    const loginCookie = away.cookies?.[0]?.split(';')[0] ?? '';
    const state = new URL(away.headers.location ?? '').searchParams.get('state') ?? '';
    w.codes.set('c1', token);
    // …and back from it signed in, on the Join page, still without a token.
    const back = await handlePage(
      request('GET', '/auth/callback', { cookie: loginCookie, query: { code: 'c1', state } }),
      w.deps,
    );
    expect(back.status).toBe(200);
    expect(back.body).toContain('value="weekly"');
    expect(back.body).not.toMatch(/jwt|eyJ/);
    expect(back.cookies?.[0]).toMatch(/^__Host-meet_session=/);
    expect((await handlePage(request('GET', '/auth/room', { query: { room: '../etc' } }), w.deps)).status).toBe(400);
    // The browser opened it: a page with the reason in plain words and the way back, not JSON.
    const refused = await handlePage(request('GET', '/auth/room', { query: { room: '../etc' } }), w.deps);
    expect(refused.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(refused.headers['content-security-policy']).toContain("script-src 'sha256-");
    expect(refused.body).toContain('<p>The room name contains &quot;/&quot;, which Jitsi removes from meeting links');
    expect(refused.body).toContain('<a class="button" href="/">Back to the page</a>');
    // A room Jitsi names with dots and escapes survives the trip through the sign-in.
    const dotted = await handlePage(request('GET', '/auth/room', { query: { room: 'Café.Sync' } }), w.deps);
    const dottedState = new URL(dotted.headers.location ?? '').searchParams.get('state') ?? '';
    w.codes.set('c2', token);
    const landed = await handlePage(
      request('GET', '/auth/callback', {
        cookie: dotted.cookies?.[0]?.split(';')[0] ?? '',
        query: { code: 'c2', state: dottedState },
      }),
      w.deps,
    );
    expect(landed.status).toBe(200);
    expect(landed.body).toContain('value="caf%c3%a9.sync"');
    expect(landed.body).toContain('Join café.sync');
  });

  it('mints the room token only for the Join form posted from the page itself', async () => {
    const w = world();
    const token = await sign({ sub: 'u2', email: 'bo@ne3d.org', name: 'Bo', 'cognito:groups': ['members'] });
    const cookie = `${SESSION_COOKIE}=${sessionFor(token)}`;
    const post = (headers: Record<string, string>, body = 'room=weekly') =>
      handlePage({ method: 'POST', path: '/auth/room', headers: { cookie, ...headers }, body }, w.deps);
    const joined = await post({ origin: ORIGIN, 'sec-fetch-site': 'same-origin' });
    expect(joined.status).toBe(303);
    const jwt = new URL(joined.headers.location ?? '').searchParams.get('jwt') ?? '';
    expect(await verifyJitsiToken(jwt, { ...settings, room: 'weekly', now: w.clock.now() })).toMatchObject({ ok: true });
    // Browsers without Fetch Metadata still send Origin on a POST.
    expect((await post({ origin: ORIGIN })).status).toBe(303);
    // A form on another site (or one that hides its origin) gets nothing, signed-in cookie or not.
    for (const headers of [
      { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      { origin: 'https://evil.example' },
      { origin: 'null' },
      {},
      { origin: ORIGIN, 'sec-fetch-site': 'same-site' },
      { origin: ORIGIN, 'sec-fetch-site': 'cross-site' },
    ] as Array<Record<string, string>>) {
      const refused = await post(headers);
      expect(refused.status, JSON.stringify(headers)).toBe(403);
      expect(JSON.stringify(refused)).not.toContain('jwt');
    }
    expect(
      (await handlePage({ method: 'POST', path: '/auth/room', headers: { origin: ORIGIN }, body: 'room=weekly' }, w.deps)).status,
    ).toBe(401);
    expect((await post({ origin: ORIGIN }, 'room=../etc')).status).toBe(400);
  });

  it('refuses API state changes that Fetch Metadata marks as not from the page itself', async () => {
    const w = world();
    const token = await sign({ sub: 'u1', email: 'ana@ne3d.org', 'cognito:groups': ['organizers'] });
    for (const site of ['cross-site', 'same-site', 'none']) {
      const answer = await handlePage(
        {
          ...request('POST', '/api/start', { token, ...fromPage }),
          headers: { ...request('POST', '/api/start', { token, ...fromPage }).headers, 'sec-fetch-site': site },
        },
        w.deps,
      );
      expect(answer.status, site).toBe(403);
    }
    await w.settle();
    expect(w.sim.mutations).toEqual([]);
  });

  it('lets organizers add and remove meetup schedules, with the CLI rules, naming nobody in the (public) description', async () => {
    const w = world();
    const organizer = await sign({ sub: 'u1', email: 'ana@ne3d.org', 'cognito:groups': ['organizers'] });
    const member = await sign({ sub: 'u2', email: 'bo@ne3d.org', 'cognito:groups': ['members'] });
    const add = (token: string, body: unknown, extra = fromPage) =>
      handlePage(request('POST', '/api/schedules', { token, ...extra, body: JSON.stringify(body) }), w.deps);
    const created = await add(organizer, { name: 'weekly', cron: '0 18 ? * WED *', tz: 'Europe/Berlin' });
    expect(created.status).toBe(201);
    expect(JSON.parse(created.body).schedule).toMatchObject({
      name: 'weekly',
      expression: 'cron(45 17 ? * WED *)',
      timeZone: 'Europe/Berlin',
      leadMinutes: 15,
    });
    expect(JSON.parse(created.body).schedule.description).not.toMatch(/ana|ne3d|page:|Created by/);
    expect(JSON.parse((await add(organizer, { name: 'weekly', cron: '0 18 ? * WED *', tz: 'UTC' })).body)).toEqual({
      field: 'name',
      error: 'There is already a meetup named weekly: choose another name.',
    });
    const bad = await add(organizer, { name: 'x', at: '2026-02-30T18:00', tz: 'UTC' });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toEqual({ field: 'at', error: 'There is no 2026-02-30 18:00: check the day and the time.' });
    expect((await add(organizer, { name: 'x', at: '2030-01-01T18:00', tz: 'Mars/Olympus' })).status).toBe(400);
    expect((await add(member, { name: 'y', cron: '0 18 ? * WED *' })).status).toBe(403);
    expect(
      (await add(organizer, { name: 'z', cron: '0 18 ? * WED *' }, { origin: 'https://evil.example', csrf: true })).status,
    ).toBe(403);
    const status = JSON.parse((await handlePage(request('GET', '/api/status', { token: organizer }), w.deps)).body);
    // The next Wednesday 18:00 in Berlin after the world's clock (Thursday 3 December 2026): 9 December, 17:00 UTC.
    expect(status.schedules).toEqual([
      { name: 'weekly', timeZone: 'Europe/Berlin', next: '2026-12-09T17:00:00.000Z', repeats: true },
    ]);
    expect(
      JSON.parse((await handlePage(request('GET', '/api/status', { token: member }), w.deps)).body).schedules,
    ).toBeUndefined();
    const remove = (name: string) =>
      handlePage(
        request('POST', '/api/schedules/remove', { token: organizer, ...fromPage, body: JSON.stringify({ name }) }),
        w.deps,
      );
    expect((await remove('weekly')).status).toBe(200);
    expect((await remove('weekly')).status).toBe(404);
  });

  it("says what is wrong with a meetup beside its field, in plain words, never in the command line's", async () => {
    const w = world();
    const organizer = await sign({ sub: 'u1', email: 'ana@ne3d.org', 'cognito:groups': ['organizers'] });
    const add = async (body: unknown, deps = w.deps) => {
      const answer = await handlePage(
        request('POST', '/api/schedules', { token: organizer, ...fromPage, body: JSON.stringify(body) }),
        deps,
      );
      return { status: answer.status, ...JSON.parse(answer.body) };
    };
    const cases: Array<[unknown, string, RegExp]> = [
      [{ name: '', at: '2030-12-03T18:00', tz: 'UTC' }, 'name', /^Give the meetup a name/],
      [{ name: 'a b', at: '2030-12-03T18:00', tz: 'UTC' }, 'name', /^Use only letters, digits and - _ \./],
      [{ name: 'm', at: '', tz: 'UTC' }, 'at', /^Pick the date and time the meetup starts\.$/],
      [{ name: 'm', at: 'next week', tz: 'UTC' }, 'at', /^Pick the date and time from the calendar/],
      [{ name: 'm', at: '2030-12-03T18:00', tz: 'Mars/Olympus' }, 'tz', /^"Mars\/Olympus" is not a time zone\./],
      [{ name: 'm', at: '2026-12-01T18:00', tz: 'UTC' }, 'at', /^That time has passed/],
      // The world's clock is 17:45 UTC: 17:55 is in the future, but the server would have to start at 17:40.
      [{ name: 'm', at: '2026-12-03T17:55', tz: 'UTC' }, 'at', /^That is too soon: the server starts 15 minutes before/],
      // 14 March 2027, 02:30 does not exist in New York: the clocks jump from 02:00 to 03:00.
      [
        { name: 'm', at: '2027-03-14T02:30', tz: 'America/New_York' },
        'at',
        /^02:30 does not exist that night in America\/New_York: the clocks jump from 02:00 to 03:00\. Pick a time before 02:00 or from 03:00 on\.$/,
      ],
    ];
    for (const [body, field, error] of cases) {
      const answer = await add(body);
      expect(answer, JSON.stringify(body)).toEqual({ status: 400, field, error: expect.stringMatching(error) });
      expect(answer.error).not.toMatch(/--|meetctl|`/);
    }
    // What only the shared rules refuse (a series through the API) is said for the page too.
    const cron = await add({ name: 'm', cron: '0 18 ? *', tz: 'UTC' });
    expect(cron).toMatchObject({
      status: 400,
      field: 'cron',
      error: expect.stringMatching(/^The repeat rule "0 18 \? \*" has 4 fields/),
    });
    expect(cron.error).not.toMatch(/--|meetctl/);
    expect(w.sim.schedules).toEqual([]);
  });

  it("defaults a meetup's time zone to the config's, and to nothing else: without one it asks", async () => {
    const w = world();
    const organizer = await sign({ sub: 'u1', email: 'ana@ne3d.org', 'cognito:groups': ['organizers'] });
    const add = async (deps: PageDeps, name: string) => {
      const body = JSON.stringify({ name, at: '2030-12-03T18:00' });
      const answer = await handlePage(request('POST', '/api/schedules', { token: organizer, ...fromPage, body }), deps);
      return { status: answer.status, ...JSON.parse(answer.body) };
    };
    expect(await add(w.deps, 'nowhere')).toEqual({
      status: 400,
      field: 'tz',
      error: 'Choose the time zone the meetup is in, for example Europe/Berlin.',
    });
    const created = await add({ ...w.deps, timeZone: 'America/Los_Angeles' }, 'la');
    expect(created).toMatchObject({ status: 201, at: '2030-12-04T02:00:00.000Z', schedule: { timeZone: 'America/Los_Angeles' } });
    // The page's form starts from the same zone, and from no zone when the config has none.
    const page = (await handlePage(request('GET', '/'), { ...w.deps, timeZone: 'America/Los_Angeles' })).body;
    expect(page).toContain('<body data-time-zone="America/Los_Angeles">');
    expect(page).toMatch(/<input id="meetup-tz"[^>]* value="America\/Los_Angeles"/);
    const bare = (await handlePage(request('GET', '/'), w.deps)).body;
    expect(bare).toContain('<body>');
    expect(bare).toMatch(/<input id="meetup-tz"[^>]* value=""/);
  });

  it("gives a signed-in member a room's guest link, the room read as Jitsi reads it, and says why a name cannot be one", async () => {
    const w = world();
    const member = await sign({ sub: 'u2', email: 'bo@ne3d.org', 'cognito:groups': ['members'] });
    const room = async (name: string, token?: string) => {
      const answer = await handlePage(
        request('GET', '/api/room', { ...(token ? { token } : {}), query: { room: name } }),
        w.deps,
      );
      return { status: answer.status, ...JSON.parse(answer.body) };
    };
    expect(await room('Café Sync', member)).toEqual({
      status: 200,
      room: 'caf%c3%a9%20sync',
      display: 'café sync',
      guestUrl: 'https://meet.ne3d.org/caf%c3%a9%20sync',
    });
    expect(await room('a/b', member)).toMatchObject({
      status: 400,
      field: 'room',
      error: expect.stringMatching(/^the room name contains "\/", which Jitsi removes from meeting links/),
    });
    expect((await room('weekly')).status).toBe(401);
  });
});

describe('the organizer page API on a stack CloudFormation left for a person to repair', () => {
  const organizer = () => sign({ sub: 'u1', email: 'ana@ne3d.org', 'cognito:groups': ['organizers', 'members'] });
  const member = () => sign({ sub: 'u2', email: 'bo@ne3d.org', 'cognito:groups': ['members'] });
  const statusOf = async (w: ReturnType<typeof world>, token: string) =>
    JSON.parse((await handlePage(request('GET', '/api/status', { token }), w.deps)).body);
  const ask = (w: ReturnType<typeof world>, token: string, what: 'start' | 'stop', body = '{}', deps = w.deps) =>
    handlePage(request('POST', `/api/${what}`, { token, ...fromPage, body }), deps);
  const withRecorder = (w: ReturnType<typeof world>): PageDeps => ({ ...w.deps, recordings: { list: async () => [] } });
  /**
   * A deploy whose update fails and whose rollback fails too (the simulator's `updateRollbackFails`):
   * the stack is left UPDATE_ROLLBACK_FAILED with the service and tasks it had.
   */
  async function breakStack(w: ReturnType<typeof world>, desired: 0 | 1): Promise<void> {
    w.sim.faults.updateRollbackFails = true;
    await w.sim.deploy(desired, { changesTaskDefinition: false });
    await w.clock.sleep(5 * 60_000);
    expect((await w.sim.ports.stack.describe())?.status).toBe('UPDATE_ROLLBACK_FAILED');
  }

  it('a running meeting: its own phase and the repair for everyone, Start refused in plain words, Stop stops the task', async () => {
    const w = world();
    const [ana, bo] = [await organizer(), await member()];
    expect((await ask(w, ana, 'start')).status).toBe(202);
    expect(await w.settle()).toEqual([{ outcome: 'done' }]);
    await breakStack(w, 1);
    // The meeting runs on: organizers and members see it ready (members join), and that the setup needs repair.
    expect(await statusOf(w, ana)).toMatchObject({ phase: 'READY', repair: { stackStatus: 'UPDATE_ROLLBACK_FAILED' } });
    const seen = await statusOf(w, bo);
    expect(seen).toMatchObject({ phase: 'READY' });
    // Members get no stack status: it is for the person who set the server up.
    expect(seen.repair).toEqual({});
    // Start is refused now, in the organizers' words, and nothing is asked of the control plane.
    for (const body of ['{}', '{"record":true}']) {
      const refused = await ask(w, ana, 'start', body, withRecorder(w));
      expect(refused.status, body).toBe(409);
      expect(JSON.parse(refused.body)).toEqual({ error: START_NEEDS_REPAIR });
    }
    expect(START_NEEDS_REPAIR).not.toMatch(/CloudFormation|stack|meetctl|`|--/);
    expect(w.dispatched).toHaveLength(1);
    // Stop goes through the control plane and ends the task; the stack stays as broken as it was.
    expect((await ask(w, ana, 'stop')).status).toBe(202);
    expect(await w.settle()).toEqual([{ outcome: 'done' }]);
    expect(w.sim.liveTasks()).toBe(0);
    expect(w.sim.desired).toBe(0);
    expect(w.sim.stackStatus).toBe('UPDATE_ROLLBACK_FAILED');
    const after = await statusOf(w, ana);
    expect(after).toMatchObject({ phase: 'STOPPED', repair: { stackStatus: 'UPDATE_ROLLBACK_FAILED' } });
    expect(after.history.at(-1)).toEqual({ at: expect.any(String), text: 'ana@ne3d.org stopped the server' });
  });

  it('stopped: asleep with the repair; every start refused (none spends the minute) until the repair, then one starts', async () => {
    const w = world();
    const ana = await organizer();
    await breakStack(w, 0);
    const changes = w.sim.mutations.length;
    expect(await statusOf(w, ana)).toMatchObject({ phase: 'STOPPED', repair: { stackStatus: 'UPDATE_ROLLBACK_FAILED' } });
    // Two in the same minute: both refused for the repair, not the second as a start asked for already.
    expect((await ask(w, ana, 'start')).status).toBe(409);
    expect((await ask(w, ana, 'start')).status).toBe(409);
    expect(w.dispatched).toEqual([]);
    expect(w.sim.mutations).toHaveLength(changes);
    // A stop has nothing to do, and says so in the log.
    expect((await ask(w, ana, 'stop')).status).toBe(202);
    expect(await w.settle()).toEqual([{ outcome: 'no-op' }]);
    // The repair the guard's e-mail names; then Start works again and the notice goes.
    w.sim.cloudFormation.continueUpdateRollback();
    await w.clock.sleep(2 * 60_000);
    expect((await ask(w, ana, 'start')).status).toBe(202);
    expect(await w.settle()).toEqual([{ outcome: 'done' }]);
    const repaired = await statusOf(w, ana);
    expect(repaired.phase).toBe('READY');
    expect(repaired.repair).toBeUndefined();
  });

  it('with the recorder: Stop ends the meeting and removes the recorder, as on a healthy stack', async () => {
    const w = world();
    const ana = await organizer();
    expect((await ask(w, ana, 'start', '{"record":true}', withRecorder(w))).status).toBe(202);
    expect(await w.settle()).toEqual([{ outcome: 'done' }]);
    await breakStack(w, 1);
    expect(await statusOf(w, ana)).toMatchObject({ phase: 'READY', recorder: 'ready', repair: {} });
    expect(w.sim.recorderCapacity).toBe(1);
    expect((await ask(w, ana, 'stop')).status).toBe(202);
    expect(await w.settle()).toEqual([{ outcome: 'done' }]);
    expect(w.sim.liveTasks()).toBe(0);
    expect(w.sim.recorderCapacity).toBe(0);
    expect(w.sim.recorderTasks.every((t) => t.stoppedAt !== undefined)).toBe(true);
    // Once Auto Scaling has ended its instance.
    await w.clock.sleep(5 * 60_000);
    expect(await statusOf(w, ana)).toMatchObject({ phase: 'STOPPED', recorder: 'off', repair: {} });
  });

  it('a recorder left on without a meeting: Stop removes it', async () => {
    const w = world();
    const ana = await organizer();
    expect((await ask(w, ana, 'start', '{"record":true}', withRecorder(w))).status).toBe(202);
    await w.settle();
    await breakStack(w, 1);
    // The meeting's task went (ECS alone, as the idle stop would if the recorder's teardown had failed).
    await w.sim.ports.service.setDesired('meet-cluster', 'meet-service', 0);
    await w.clock.sleep(2 * 60_000);
    expect(await statusOf(w, ana)).toMatchObject({ phase: 'STOPPED', recorder: 'ready', repair: {} });
    expect((await ask(w, ana, 'stop')).status).toBe(202);
    expect(await w.settle()).toEqual([{ outcome: 'done' }]);
    expect(w.sim.recorderCapacity).toBe(0);
    await w.clock.sleep(5 * 60_000);
    expect(await statusOf(w, ana)).toMatchObject({ phase: 'STOPPED', recorder: 'off' });
  });

  it('people in a call: the stop is refused under the lock as anywhere, and Recently says so', async () => {
    const w = world();
    const ana = await organizer();
    expect((await ask(w, ana, 'start')).status).toBe(202);
    await w.settle();
    w.sim.participants = 4;
    await breakStack(w, 1);
    expect((await ask(w, ana, 'stop')).status).toBe(202);
    expect(await w.settle()).toEqual([{ outcome: 'refused', detail: '4 people are in a call right now.' }]);
    expect(w.sim.liveTasks()).toBe(1);
    expect((await statusOf(w, ana)).history.at(-1).text).toBe(
      'ana@ne3d.org asked to stop the server: refused, to protect a meeting or a recording',
    );
  });

  it('every status CloudFormation leaves for a person: the repair shown, the start refused', async () => {
    for (const stackStatus of ['UPDATE_ROLLBACK_FAILED', 'ROLLBACK_COMPLETE', 'DELETE_FAILED', 'ROLLBACK_FAILED']) {
      const w = world();
      const ana = await organizer();
      w.sim.stackStatus = stackStatus;
      expect(await statusOf(w, ana), stackStatus).toMatchObject({ phase: 'STOPPED', repair: { stackStatus } });
      const refused = await ask(w, ana, 'start');
      expect([refused.status, JSON.parse(refused.body).error], stackStatus).toEqual([409, START_NEEDS_REPAIR]);
    }
    // A stack CloudFormation is only changing is no repair: the start waits for it instead.
    const w = world();
    w.sim.stackStatus = 'UPDATE_IN_PROGRESS';
    expect((await statusOf(w, await organizer())).repair).toBeUndefined();
    expect((await ask(w, await organizer(), 'start')).status).toBe(202);
  });

  it('the start is checked as the action will run it: with the recorder when Record is ticked', async () => {
    // The page function believes in a recorder the stack does not have: the plan refuses that start.
    const w = world({ ingress: 'direct' });
    const ana = await organizer();
    const refused = await ask(w, ana, 'start', '{"record":true}', withRecorder(w));
    expect([refused.status, JSON.parse(refused.body).error]).toEqual([409, START_REFUSED]);
    expect((await ask(w, ana, 'start', '{}', withRecorder(w))).status).toBe(202);
  });

  it('a start the plan refuses under the lock (the stack broke after the page checked) is answered, not thrown for a retry', async () => {
    const w = world();
    await breakStack(w, 0);
    expect(await runPageAction(w.base, { action: 'transition', goal: 'running', actor: 'page:ana@ne3d.org' })).toEqual({
      outcome: 'refused',
      detail: 'stack Meet-meet-ne3d-org is UPDATE_ROLLBACK_FAILED; CloudFormation needs a person to repair it.',
    });
    expect(w.sim.desired).toBe(0);
  });
});
