import { featuresFor, GROUPS } from './jitsi-settings.js';
import { type JitsiTokenSettings, mintJitsiToken } from './jitsi-token.js';
import { jitsiRoomName } from './room-name.js';

/**
 * A signed-in member's Cognito ID token, exchanged for a short-lived Jitsi token. A Cognito token
 * cannot be given to Jitsi as it is: its header has no `typ: JWT`, it has no `room` claim, and it is
 * signed with Cognito's RSA keys, not the app secret prosody knows. So the page's function verifies
 * it (aws-jwt-verify, against the pool's keys) and mints a Jitsi token for the room.
 */

export { GROUPS } from './jitsi-settings.js';
export type Role = 'organizer' | 'member';

/** The verified claims of a Cognito ID token that the exchange reads. */
export interface CognitoIdentity {
  readonly sub: string;
  readonly email?: string;
  readonly name?: string;
  readonly groups: readonly string[];
}

/** What a member may do: organizers start and stop and record; members join. Others nothing. */
export function roleOf(groups: readonly string[]): Role | undefined {
  if (groups.includes(GROUPS.organizers)) return 'organizer';
  if (groups.includes(GROUPS.members)) return 'member';
  return undefined;
}

/** The identity is not allowed a token (no group, a bad room): the page answers 403 / 400 with `why`. */
export class ExchangeRefused extends Error {
  constructor(
    message: string,
    readonly status: 400 | 401 | 403,
  ) {
    super(message);
    this.name = 'ExchangeRefused';
  }
}

export interface ExchangeRequest {
  /** Reads and verifies the Cognito ID token; throws when it is not valid. */
  readonly verify: (idToken: string) => Promise<CognitoIdentity>;
  readonly idToken: string;
  /** The room as typed or as Jitsi's tokenAuthUrl names it; read as Jitsi reads it (room-name.ts). */
  readonly room: string;
  readonly settings: JitsiTokenSettings;
  readonly lifetimeSeconds: number;
  /** Epoch ms. */
  readonly now: number;
}

export interface Exchanged {
  readonly role: Role;
  /** The room as the meeting names it (the URL's path and the token's `room` claim). */
  readonly room: string;
  /** The Jitsi token (short-lived; never logged). */
  readonly token: string;
  /** Where to send the browser: the room with the token. */
  readonly url: string;
}

/** Verify the Cognito identity and mint its Jitsi token for `room`. */
export async function exchangeForJitsiToken(request: ExchangeRequest): Promise<Exchanged> {
  const name = jitsiRoomName(request.room);
  if (!name.ok) throw new ExchangeRefused(name.why, 400);
  let identity: CognitoIdentity;
  try {
    identity = await request.verify(request.idToken);
  } catch {
    throw new ExchangeRefused('the sign-in is not valid (expired or forged): sign in again', 401);
  }
  const role = roleOf(identity.groups);
  if (!role) throw new ExchangeRefused('this account is in neither the organizers nor the members group', 403);
  const token = await mintJitsiToken(request.settings, {
    room: name.room,
    user: {
      id: identity.sub,
      name: identity.name ?? identity.email ?? 'Member',
      ...(identity.email ? { email: identity.email } : {}),
    },
    // Organizers record and stream; members do neither (both said, never left out: see JitsiFeatures).
    features: featuresFor(role),
    lifetimeSeconds: request.lifetimeSeconds,
    now: request.now,
  });
  return { role, room: name.room, token, url: `https://${request.settings.host}/${name.room}?jwt=${token}` };
}

/** The Cognito ID token verifier of a user pool and app client (aws-jwt-verify). */
export async function cognitoVerifier(
  userPoolId: string,
  clientId: string,
): Promise<(idToken: string) => Promise<CognitoIdentity>> {
  const { CognitoJwtVerifier } = await import('aws-jwt-verify');
  const verifier = CognitoJwtVerifier.create({ userPoolId, clientId, tokenUse: 'id' });
  return identityFrom(verifier);
}

/** Adapt a verifier's payload to the identity the exchange reads. */
export function identityFrom(verifier: {
  verify(token: string): Promise<Record<string, unknown>>;
}): (idToken: string) => Promise<CognitoIdentity> {
  return async (idToken) => {
    const payload = await verifier.verify(idToken);
    const groups = Array.isArray(payload['cognito:groups']) ? (payload['cognito:groups'] as unknown[]).map(String) : [];
    return {
      sub: String(payload.sub),
      ...(typeof payload.email === 'string' ? { email: payload.email } : {}),
      ...(typeof payload.name === 'string' ? { name: payload.name } : {}),
      groups,
    };
  };
}
