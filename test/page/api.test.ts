import { CognitoJwtVerifier } from 'aws-jwt-verify';
import fc from 'fast-check';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyJitsiToken } from '../../src/auth/jitsi-token.js';
import { identityFrom } from '../../src/auth/token-exchange.js';
import { observe } from '../../src/control/observe.js';
import { phase } from '../../src/control/phase.js';
import { transition } from '../../src/control/transition.js';
import { CSRF_HEADER, handlePage, type PageDeps, type PageRequest, SESSION_COOKIE } from '../../src/page/api.js';
import { SimAws, VirtualClock } from '../../src/sim/simulated-aws.js';

// The page's API against the simulated AWS, with a locally generated key standing in for Cognito's.
const POOL = 'us-west-2_AbCdEf123';
const CLIENT = 'page-client';
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
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const verifier = CognitoJwtVerifier.create({ userPoolId: POOL, clientId: CLIENT, tokenUse: 'id' });
  verifier.cacheJwks({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' } as never] });
  verify = identityFrom(verifier as never);
  sign = (claims) =>
    new SignJWT({ token_use: 'id', aud: CLIENT, iss: `https://cognito-idp.us-west-2.amazonaws.com/${POOL}`, ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(privateKey);
});

function world() {
  const clock = new VirtualClock();
  const sim = new SimAws(clock, { ingress: 'direct' });
  const running: Array<Promise<unknown>> = [];
  let lastStart = Number.NEGATIVE_INFINITY;
  const rt = { ports: sim.ports, clock, host: 'meet.ne3d.org', pollMs: 5000, onProgress: () => {} };
  const deps: PageDeps = {
    origin: ORIGIN,
    verify,
    control: {
      status: async (role) => {
        const snapshot = await observe(sim.ports, { host: 'meet.ne3d.org', now: clock.now() });
        return {
          phase: snapshot ? phase(snapshot) : 'ABSENT',
          ...(role === 'organizer'
            ? {
                history: sim.state.log.map((e) => ({
                  at: new Date(e.at).toISOString(),
                  actor: e.actor,
                  goal: e.goal,
                  outcome: e.outcome,
                })),
              }
            : {}),
        };
      },
      dispatch: async (goal, actor) => {
        running.push(transition({ goal, actor, reason: 'organizer page' }, rt));
      },
    },
    rateLimit: async (_action, now) => {
      if (now - lastStart < 60_000) return false;
      lastStart = now;
      return true;
    },
    tokens: { settings, lifetimeSeconds: 3 * 3600 },
    now: () => clock.now(),
  };
  return { sim, clock, deps, settle: () => Promise.all(running.splice(0)) };
}

const request = (
  method: string,
  path: string,
  o: { token?: string; origin?: string; csrf?: boolean; body?: string } = {},
): PageRequest => ({
  method,
  path,
  headers: {
    ...(o.token ? { cookie: `other=1; ${SESSION_COOKIE}=${o.token}` } : {}),
    ...(o.origin ? { origin: o.origin } : {}),
    ...(o.csrf ? { [CSRF_HEADER]: '1' } : {}),
  },
  ...(o.body !== undefined ? { body: o.body } : {}),
});
const fromPage = { origin: ORIGIN, csrf: true };

describe('the organizer page API', () => {
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
    expect(status.history).toEqual([expect.objectContaining({ actor: 'page:ana@ne3d.org', goal: 'running', outcome: 'done' })]);
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
    for (const path of ['/api/status', '/api/start', '/api/stop', '/api/join']) {
      const method = path === '/api/status' ? 'GET' : 'POST';
      expect((await handlePage(request(method, path, fromPage), w.deps)).status, path).toBe(401);
      expect((await handlePage(request(method, path, { token: forged, ...fromPage }), w.deps)).status, path).toBe(401);
      expect((await handlePage(request(method, path, { token: nobody, ...fromPage }), w.deps)).status, path).toBe(403);
    }
    await w.settle();
    expect(w.sim.mutations).toEqual([]);
  });

  it('fuzzed: no input gives a 500 or changes anything without an organizer session from the page', async () => {
    const w = world();
    const member = await sign({ sub: 'u2', 'cognito:groups': ['members'] });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'get', 'OPTIONS'),
        fc.oneof(fc.constantFrom('/api/status', '/api/start', '/api/stop', '/api/join', '/', '/api/start/'), fc.string()),
        fc.option(fc.oneof(fc.string(), fc.constant(member), fc.constant('%E0%A4%A'))),
        fc.option(fc.oneof(fc.constant(ORIGIN), fc.string())),
        fc.boolean(),
        fc.option(fc.oneof(fc.string(), fc.json(), fc.constant('{"room":"weekly"}'), fc.constant('{"room":"../x"}'))),
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
});
