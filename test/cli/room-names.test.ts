import fc from 'fast-check';
import { decodeJwt } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { jitsiRoomName } from '../../src/auth/room-name.js';
import { ExitCode } from '../../src/errors.js';
import { CSRF_HEADER, handlePage, type PageDeps, SESSION_COOKIE } from '../../src/page/api.js';
import { type StoredSession, sessionKey } from '../../src/page/session.js';
import { SimAws, VirtualClock } from '../../src/sim/simulated-aws.js';
import { cli, communityConfig } from '../support/cli.js';
import { localCognito } from '../support/cognito.js';

// `meetctl link` and the organizer page's Join read a room name with one function: the same name
// gives the same room (the link's path and the token's room claim) or the same reason to refuse.
const ORIGIN = 'https://start.meet.ne3d.org';
const files = { 'meet.config.json': communityConfig() };
let deps: PageDeps;
let sessionCookie: string;

const unused = () => {
  throw new Error('not used by Join');
};

beforeAll(async () => {
  const { sign, verify } = await localCognito();
  const idToken = await sign({ sub: 'u1', email: 'ana@ne3d.org', 'cognito:groups': ['members'] });
  // The page keeps the session on the server; the cookie carries only its id.
  const id = 'room-names-session'.padEnd(43, 'x');
  const sessions = new Map<string, StoredSession>([[sessionKey(id), { idToken, expiresAt: Number.MAX_SAFE_INTEGER }]]);
  sessionCookie = `${SESSION_COOKIE}=${id}`;
  deps = {
    origin: ORIGIN,
    verify,
    control: { status: unused, startRefusal: unused, dispatch: unused },
    schedules: { list: unused, add: unused, remove: unused },
    rateLimit: unused,
    tokens: {
      settings: async () => ({ appId: 'meetctl', secret: 'x'.repeat(40), audience: 'jitsi', host: 'meet.ne3d.org' }),
      lifetimeSeconds: 3600,
    },
    signIn: { baseUrl: 'https://auth.example', clientId: 'c', exchangeCode: unused, revoke: unused },
    sessions: { put: unused, get: async (key) => sessions.get(key), remove: unused },
    throttle: () => true,
    random: () => 'r',
    now: () => Date.now(),
    host: 'meet.ne3d.org',
  };
});

async function page(room: string): Promise<{ room: string; claim: unknown } | { error: string }> {
  const response = await handlePage(
    {
      method: 'POST',
      path: '/api/join',
      headers: { cookie: sessionCookie, origin: ORIGIN, 'sec-fetch-site': 'same-origin', [CSRF_HEADER]: '1' },
      body: JSON.stringify({ room }),
    },
    deps,
  );
  const body = JSON.parse(response.body) as { url?: string; error?: string };
  if (response.status !== 200) {
    expect(response.status).toBe(400);
    return { error: body.error ?? '' };
  }
  const url = new URL(body.url ?? '');
  return { room: url.pathname.slice(1), claim: decodeJwt(url.searchParams.get('jwt') ?? '').room };
}

async function link(room: string): Promise<{ room: string; claim: unknown } | { error: string }> {
  const result = await cli(['link', '--json', '--', room], { files, sim: new SimAws(new VirtualClock()) });
  if (result.code !== ExitCode.ok) {
    expect(result.code).toBe(ExitCode.usage);
    // With --json the error is a JSON document on stdout.
    return { error: (JSON.parse(result.stdout) as { error: { message: string } }).error.message };
  }
  const url = new URL((JSON.parse(result.stdout) as { url: string }).url);
  return { room: url.pathname.slice(1), claim: decodeJwt(url.searchParams.get('jwt') ?? '').room };
}

describe('room names: the CLI and the page agree', () => {
  it.each(['Weekly Meetup', 'team.sync', 'Café', 'Ｗｅｅｋｌｙ', '-starts-with-a-dash'])('%s', async (name) => {
    const expected = jitsiRoomName(name);
    if (!expected.ok) throw new Error(expected.why);
    expect(await page(name)).toEqual({ room: expected.room, claim: expected.room });
    expect(await link(name)).toEqual({ room: expected.room, claim: expected.room });
  });

  it('fuzzed: the same room from both, or the same reason from both', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 16 }),
          fc.string({ unit: fc.constantFrom('a', 'B', ' ', '%', '.', '!', '/', 'é', 'İ', '\uD800', '-'), maxLength: 8 }),
        ),
        async (name) => {
          const [fromPage, fromCli] = [await page(name), await link(name)];
          const expected = jitsiRoomName(name);
          if (expected.ok) {
            expect(fromPage).toEqual({ room: expected.room, claim: expected.room });
            expect(fromCli).toEqual(fromPage);
          } else {
            expect(fromPage).toEqual({ error: expected.why });
            expect(fromCli).toEqual({ error: `room ${JSON.stringify(name)} cannot be used: ${expected.why}.` });
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
