import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { MAX_LIFETIME_SECONDS, mintJitsiToken, verifyJitsiToken } from '../../src/auth/jitsi-token.js';

const NOW = Date.UTC(2026, 11, 3, 18, 0);
const settings = {
  appId: 'meetctl',
  secret: 'a-secret-of-at-least-32-bytes-for-hs256!!',
  audience: 'jitsi',
  host: 'meet.example.org',
};
const user = { id: 'cognito-sub-1', name: 'Ana Organizer', email: 'ana@example.org' };
const features = { recording: false, livestreaming: false };
const verify = (token: string, extra: Partial<Parameters<typeof verifyJitsiToken>[1]> = {}) =>
  verifyJitsiToken(token, { secret: settings.secret, appId: settings.appId, room: 'weekly', now: NOW + 60_000, ...extra });

/** A token signed with the right secret but built by hand, to break one rule at a time. */
async function handmade(
  overrides: { header?: Record<string, unknown>; claims?: Record<string, unknown>; drop?: string[]; secret?: string } = {},
) {
  const now = Math.floor(NOW / 1000);
  const claims: Record<string, unknown> = {
    iss: 'meetctl',
    aud: 'jitsi',
    sub: 'meet.example.org',
    room: 'weekly',
    exp: now + 3600,
    nbf: now - 30,
    context: { user: { id: 'u', name: 'U' } },
    ...overrides.claims,
  };
  for (const key of overrides.drop ?? []) delete claims[key];
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT', ...overrides.header } as { alg: string })
    .sign(new TextEncoder().encode(overrides.secret ?? settings.secret));
}

describe('the Jitsi token we mint', () => {
  it('passes every check of Jitsi token verification for its room', async () => {
    const token = await mintJitsiToken(settings, { room: 'weekly', user, features, lifetimeSeconds: 3 * 3600, now: NOW });
    const header = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString());
    expect(header).toEqual({ alg: 'HS256', typ: 'JWT' });
    const verdict = await verify(token);
    expect(verdict).toMatchObject({
      ok: true,
      claims: {
        iss: 'meetctl',
        aud: 'jitsi',
        sub: 'meet.example.org',
        room: 'weekly',
        context: { user: { id: 'cognito-sub-1', name: 'Ana Organizer', email: 'ana@example.org' } },
      },
    });
    if (verdict.ok) expect((verdict.claims.exp as number) - (verdict.claims.iat as number)).toBe(3 * 3600);
  });

  it('is refused for another room, and accepted for every room with *', async () => {
    const token = await mintJitsiToken(settings, { room: 'weekly', user, features, lifetimeSeconds: 600, now: NOW });
    expect(await verify(token, { room: 'other' })).toMatchObject({ ok: false, why: expect.stringContaining('not other') });
    // verify_room lower-cases the claim (Lua's string.lower: A-Z only) and compares it with the
    // room's node as the client sent it, which Jitsi's client always lower-cases.
    const upper = await mintJitsiToken(settings, { room: 'Weekly', user, features, lifetimeSeconds: 600, now: NOW });
    expect(await verify(upper, { room: 'weekly' })).toMatchObject({ ok: true });
    expect(await verify(token, { room: 'WEEKLY' })).toMatchObject({ ok: false });
    const accented = await mintJitsiToken(settings, { room: 'CAFÉ', user, features, lifetimeSeconds: 600, now: NOW });
    expect(await verify(accented, { room: 'cafÉ' })).toMatchObject({ ok: true });
    expect(await verify(accented, { room: 'café' })).toMatchObject({ ok: false });
    const any = await mintJitsiToken(settings, { room: '*', user, features, lifetimeSeconds: 600, now: NOW });
    expect(await verify(any, { room: 'other' })).toMatchObject({ ok: true });
  });

  it('always carries both features, as the strings every version of prosody reads', async () => {
    const token = await mintJitsiToken(settings, {
      room: '*',
      user,
      features: { recording: true, livestreaming: false },
      lifetimeSeconds: 600,
      now: NOW,
    });
    expect(await verify(token)).toMatchObject({
      ok: true,
      claims: { context: { features: { recording: 'true', livestreaming: 'false' } } },
    });
  });

  it('lives minutes to hours, never longer: it travels in the meeting URL', async () => {
    await expect(
      mintJitsiToken(settings, { room: 'w', user, features, lifetimeSeconds: MAX_LIFETIME_SECONDS + 1, now: NOW }),
    ).rejects.toThrow(/at most 12 h/);
    await expect(mintJitsiToken(settings, { room: 'w', user, features, lifetimeSeconds: 10, now: NOW })).rejects.toThrow(
      /at least/,
    );
    await expect(mintJitsiToken(settings, { room: '', user, features, lifetimeSeconds: 600, now: NOW })).rejects.toThrow(/room/);
    const token = await mintJitsiToken(settings, { room: 'weekly', user, features, lifetimeSeconds: 600, now: NOW });
    expect(await verify(token, { now: NOW + 601_000 })).toMatchObject({ ok: false, why: 'Not acceptable by exp' });
  });
});

describe('each wrong token is refused, as prosody would', () => {
  it('a well-formed handmade token passes (the baseline for the cases below)', async () => {
    expect(await verify(await handmade())).toMatchObject({ ok: true });
  });

  it.each([
    ['no typ in the header (a Cognito token)', { header: { typ: undefined } }, 'Invalid typ'],
    ['typ other than JWT', { header: { typ: 'at+jwt' } }, 'Invalid typ'],
    ['another alg', { header: { alg: 'HS512' } }, 'Invalid or incorrect alg'],
    ['another secret', { secret: 'not-the-secret-but-also-long-enough-123' }, 'Invalid signature'],
    ['expired', { claims: { exp: Math.floor(NOW / 1000) - 1 } }, 'Not acceptable by exp'],
    ['not yet valid', { claims: { nbf: Math.floor(NOW / 1000) + 3600 } }, 'Not acceptable by nbf'],
    ['no exp', { drop: ['exp'] }, 'exp'],
    ['no iss', { drop: ['iss'] }, "'iss' claim is missing"],
    ['another issuer', { claims: { iss: 'someone-else' } }, "Invalid issuer ('iss' claim)"],
    ['no room', { drop: ['room'] }, "'room' claim is missing"],
    ['no aud', { drop: ['aud'] }, "'aud' claim is missing"],
  ] as const)('%s', async (_name, overrides, why) => {
    const verdict = await verify(await handmade(overrides as Parameters<typeof handmade>[0]));
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.why).toContain(why);
  });

  it('another audience, once audiences are restricted', async () => {
    const token = await handmade({ claims: { aud: 'elsewhere' } });
    expect(await verify(token)).toMatchObject({ ok: true }); // prosody's default accepts any audience
    expect(await verify(token, { acceptedAudiences: ['jitsi'] })).toMatchObject({
      ok: false,
      why: "Invalid audience ('aud' claim)",
    });
  });

  it('garbage', async () => {
    expect(await verify('not.a.token')).toMatchObject({ ok: false });
    expect(await verify('two.parts')).toMatchObject({ ok: false, why: 'Invalid token' });
  });
});
