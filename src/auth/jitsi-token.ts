import { errors, jwtVerify, SignJWT } from 'jose';
import type { JitsiFeatures } from './jitsi-settings.js';

/**
 * Jitsi's token authentication (prosody's `token_verification` with an app secret): an HS256 JWT
 * whose header says `typ: JWT`, with `iss` (one of the accepted issuers, by default the app id),
 * `aud` (one of the accepted audiences, by default any), a `room` claim (`*` for every room),
 * `exp`/`nbf`, and `context.user` for the name shown in the meeting. The rules below are those of
 * jitsi-meet's `luajwtjitsi.lib.lua` and `token/util.lib.lua`; the verifier exists so that tests
 * can show a minted token passes them and each wrong one fails, without running prosody.
 */

/** What a member (or a host link) is allowed in the meeting. */
export interface JitsiUser {
  /** Stable id (the Cognito `sub`, or `link:<random>` for a one-off host link). */
  readonly id: string;
  readonly name: string;
  readonly email?: string;
}

export interface JitsiTokenSettings {
  /** `JWT_APP_ID`: the issuer prosody accepts by default. */
  readonly appId: string;
  /** `JWT_APP_SECRET`: the HMAC key shared with prosody. */
  readonly secret: string;
  /** The `aud` claim (prosody accepts any unless `JWT_ACCEPTED_AUDIENCES` is set). */
  readonly audience: string;
  /** The meeting host, as the `sub` claim. */
  readonly host: string;
}

export interface MintRequest {
  /** The room as prosody's MUC names it (src/auth/room-name.ts), or `*` for every room. */
  readonly room: string;
  readonly user: JitsiUser;
  /** `context.features`: always present, so that Jitsi never falls back to "every moderator" (see JitsiFeatures). */
  readonly features: JitsiFeatures;
  readonly lifetimeSeconds: number;
  /** Epoch ms. */
  readonly now: number;
}

/** Tokens travel in the meeting URL: they live minutes to hours, never longer. */
export const MIN_LIFETIME_SECONDS = 60;
export const MAX_LIFETIME_SECONDS = 12 * 3600;
/** Tolerance for a clock a little ahead of prosody's. */
const NOT_BEFORE_SKEW_SECONDS = 30;

/** Mint a Jitsi token for one room (or `*`). */
export async function mintJitsiToken(settings: JitsiTokenSettings, request: MintRequest): Promise<string> {
  if (!Number.isInteger(request.lifetimeSeconds) || request.lifetimeSeconds < MIN_LIFETIME_SECONDS) {
    throw new RangeError(`a token must live at least ${MIN_LIFETIME_SECONDS} s`);
  }
  if (request.lifetimeSeconds > MAX_LIFETIME_SECONDS) {
    throw new RangeError(`a token may live at most ${MAX_LIFETIME_SECONDS / 3600} h: it travels in the meeting URL`);
  }
  if (!request.room) throw new RangeError('a token needs a room (or * for every room)');
  const now = Math.floor(request.now / 1000);
  return new SignJWT({
    room: request.room,
    context: {
      user: {
        id: request.user.id,
        name: request.user.name,
        ...(request.user.email ? { email: request.user.email } : {}),
      },
      // As strings: Jitsi's client compares String(value) with 'true', and prosody's is_feature_allowed
      // accepts "true" in every version (the boolean only in newer ones).
      features: { recording: String(request.features.recording), livestreaming: String(request.features.livestreaming) },
    },
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(settings.appId)
    .setAudience(settings.audience)
    .setSubject(settings.host)
    .setIssuedAt(now)
    .setNotBefore(now - NOT_BEFORE_SKEW_SECONDS)
    .setExpirationTime(now + request.lifetimeSeconds)
    .sign(new TextEncoder().encode(settings.secret));
}

export interface VerifyOptions {
  readonly secret: string;
  readonly appId: string;
  /** `asap_accepted_issuers`; prosody's default is the app id alone. */
  readonly acceptedIssuers?: readonly string[];
  /** `asap_accepted_audiences`; prosody's default is `*`. */
  readonly acceptedAudiences?: readonly string[];
  /** The MUC room joined (prosody compares it with the claim in lower case; `*` allows every room). */
  readonly room: string;
  /** Epoch ms. */
  readonly now: number;
}

export type Verdict =
  | { readonly ok: true; readonly claims: Record<string, unknown> }
  | { readonly ok: false; readonly why: string };

const fail = (why: string): Verdict => ({ ok: false, why });

function decodeHeader(token: string): Record<string, unknown> | undefined {
  const [header] = token.split('.');
  try {
    const value = JSON.parse(Buffer.from(header ?? '', 'base64url').toString('utf8')) as unknown;
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Lua's `string.lower` in the C locale prosody runs in: A-Z only, every other byte unchanged. */
const luaLower = (text: string): string => text.replace(/[A-Z]/g, (c) => c.toLowerCase());

/** Check a token as prosody would for a given room (plus: `exp` required, as every token we mint has it). */
export async function verifyJitsiToken(token: string, options: VerifyOptions): Promise<Verdict> {
  if (token.split('.').length !== 3) return fail('Invalid token');
  const header = decodeHeader(token);
  if (!header) return fail('Invalid header');
  // luajwtjitsi: the header must say typ JWT exactly, and alg must be the one configured.
  if (header.typ !== 'JWT') return fail('Invalid typ');
  if (header.alg !== 'HS256') return fail('Invalid or incorrect alg');
  let claims: Record<string, unknown>;
  try {
    const verified = await jwtVerify(token, new TextEncoder().encode(options.secret), {
      algorithms: ['HS256'],
      currentDate: new Date(options.now),
      requiredClaims: ['exp'],
    });
    claims = verified.payload as Record<string, unknown>;
  } catch (error) {
    if (error instanceof errors.JWSSignatureVerificationFailed) return fail('Invalid signature');
    if (error instanceof errors.JWTExpired) return fail('Not acceptable by exp');
    if (error instanceof errors.JWTClaimValidationFailed) return fail(`Not acceptable by ${error.claim}`);
    return fail(error instanceof Error ? error.message : String(error));
  }
  // token/util.lib.lua: iss required and accepted, room required, aud required and accepted.
  const issuers = options.acceptedIssuers ?? [options.appId];
  if (typeof claims.iss !== 'string') return fail("'iss' claim is missing");
  if (!issuers.includes(claims.iss)) return fail("Invalid issuer ('iss' claim)");
  if (typeof claims.room !== 'string') return fail("'room' claim is missing");
  const audiences = options.acceptedAudiences ?? ['*'];
  if (claims.aud === undefined) return fail("'aud' claim is missing");
  if (!audiences.includes('*') && !audiences.some((a) => a === claims.aud)) return fail("Invalid audience ('aud' claim)");
  // verify_room (token/util.lib.lua): the MUC room node must equal the claim passed through Lua's
  // string.lower, which changes only the ASCII letters A-Z; `*` allows every room.
  if (claims.room !== '*' && options.room !== luaLower(claims.room)) {
    return fail(`the token is for room ${claims.room}, not ${options.room}`);
  }
  return { ok: true, claims };
}
