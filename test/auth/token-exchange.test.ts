import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyJitsiToken } from '../../src/auth/jitsi-token.js';
import { type ExchangeRefused, exchangeForJitsiToken, identityFrom, roleOf } from '../../src/auth/token-exchange.js';

// A locally generated RSA key stands in for Cognito's: aws-jwt-verify checks the tokens against a
// JWKS we hand it (cacheJwks), so nothing is fetched.
const POOL = 'us-west-2_AbCdEf123';
const CLIENT = 'client123';
const ISSUER = `https://cognito-idp.us-west-2.amazonaws.com/${POOL}`;
const settings = {
  appId: 'meetctl',
  secret: 'a-secret-of-at-least-32-bytes-for-hs256!!',
  audience: 'jitsi',
  host: 'meet.example.org',
};

let sign: (claims: Record<string, unknown>, header?: Record<string, unknown>) => Promise<string>;
let verify: ReturnType<typeof identityFrom>;

beforeAll(async () => {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  const verifier = CognitoJwtVerifier.create({ userPoolId: POOL, clientId: CLIENT, tokenUse: 'id' });
  verifier.cacheJwks({ keys: [jwk as never] });
  verify = identityFrom(verifier as never);
  sign = (claims, header = {}) =>
    new SignJWT({ token_use: 'id', aud: CLIENT, iss: ISSUER, ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: 'test-key', ...header })
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(privateKey);
});

const exchange = (idToken: string, room = 'weekly') =>
  exchangeForJitsiToken({ verify, idToken, room, settings, lifetimeSeconds: 3 * 3600, now: Date.now() });

describe('exchanging a Cognito sign-in for a Jitsi token', () => {
  it('gives a member a token for the room that passes Jitsi verification, and the URL to open', async () => {
    const idToken = await sign({ sub: 'user-1', email: 'bo@example.org', 'cognito:groups': ['members'] });
    const result = await exchange(idToken);
    expect(result.role).toBe('member');
    expect(result.url).toBe(`https://meet.example.org/weekly?jwt=${result.token}`);
    const verdict = await verifyJitsiToken(result.token, { ...settings, room: 'weekly', now: Date.now() });
    // A member records and streams nothing, and the token says so (a missing claim would let every moderator).
    expect(verdict).toMatchObject({
      ok: true,
      claims: {
        context: { user: { id: 'user-1', email: 'bo@example.org' }, features: { recording: 'false', livestreaming: 'false' } },
      },
    });
  });

  it('gives organizers the recording and streaming features', async () => {
    const idToken = await sign({ sub: 'user-2', name: 'Ana', 'cognito:groups': ['members', 'organizers'] });
    const result = await exchange(idToken);
    expect(result.role).toBe('organizer');
    const verdict = await verifyJitsiToken(result.token, { ...settings, room: 'weekly', now: Date.now() });
    expect(verdict).toMatchObject({
      ok: true,
      claims: { context: { user: { name: 'Ana' }, features: { recording: 'true', livestreaming: 'true' } } },
    });
  });

  it('refuses an account in no group (403), a forged or foreign token (401), and a bad room name (400)', async () => {
    const refusal = async (p: Promise<unknown>) => p.then(() => undefined).catch((e: unknown) => e as ExchangeRefused);
    expect((await refusal(exchange(await sign({ sub: 'u', 'cognito:groups': [] }))))?.status).toBe(403);
    expect(
      (await refusal(exchange(await sign({ sub: 'u', 'cognito:groups': ['members'], aud: 'another-client' }))))?.status,
    ).toBe(401);
    expect((await refusal(exchange(await sign({ sub: 'u', 'cognito:groups': ['members'], token_use: 'access' }))))?.status).toBe(
      401,
    );
    expect((await refusal(exchange(await sign({ sub: 'u', 'cognito:groups': ['members'] }, { kid: 'unknown' }))))?.status).toBe(
      401,
    );
    const valid = await sign({ sub: 'u', 'cognito:groups': ['members'] });
    const tampered = `${valid.slice(0, -4)}AAAA`;
    expect((await refusal(exchange(tampered)))?.status).toBe(401);
    expect((await refusal(exchange(valid, '../admin')))?.status).toBe(400);
    expect((await refusal(exchange(valid, 'hello!')))?.message).toContain('which Jitsi removes from meeting links');
  });

  it('reads the room as Jitsi does: the URL and the token name the room the meeting opens', async () => {
    const valid = await sign({ sub: 'u', 'cognito:groups': ['members'] });
    const result = await exchange(valid, 'Weekly Meetup');
    expect(result.room).toBe('weekly%20meetup');
    expect(result.url).toBe(`https://meet.example.org/weekly%20meetup?jwt=${result.token}`);
    const verdict = await verifyJitsiToken(result.token, { ...settings, room: 'weekly%20meetup', now: Date.now() });
    expect(verdict).toMatchObject({ ok: true, claims: { room: 'weekly%20meetup' } });
  });

  it('reads roles from groups: organizers over members, nothing otherwise', () => {
    expect(roleOf(['members', 'organizers'])).toBe('organizer');
    expect(roleOf(['members'])).toBe('member');
    expect(roleOf(['admins'])).toBeUndefined();
  });
});
