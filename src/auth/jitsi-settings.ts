/** The issuer and audience of the Jitsi tokens this project mints (`JWT_APP_ID`, the `aud` claim). */
export const JITSI_APP_ID = 'meetctl';
export const JITSI_AUDIENCE = 'jitsi';
/** The token secret's JSON key, named as the docker-jitsi-meet images name the variable. */
export const JWT_SECRET_KEY = 'JWT_APP_SECRET';
/** The token secret's name: `<stack>-jitsi-token` (Secrets Manager appends 6 random characters to its ARN). */
export const tokenSecretName = (stackName: string): string => `${stackName}-jitsi-token`;

/** The Cognito groups: organizers start and stop and record; members join. */
export const GROUPS = { organizers: 'organizers', members: 'members' } as const;
/** The organizer page's host: `start.<meeting host>` (inside the same zone). */
export const pageHost = (domain: string): string => `start.${domain}`;
/** The organizer page's address, where members sign in: the asleep and the waking page link to it. */
export const pageUrl = (domain: string): string => `https://${pageHost(domain)}/`;

/**
 * Who holds a Jitsi token: an organizer or a member (signed in on the organizer page), or whoever
 * opens a host link (`meetctl link`). Guests hold none.
 */
export type TokenHolder = 'organizer' | 'member' | 'host-link';

/**
 * The token's `context.features`, which Jitsi reads to decide who may record or stream. Every token
 * carries both, because a missing claim is not a "no" (jitsi-meet at stable/jitsi-meet_11146):
 * - the client (react/features/base/jwt/functions.ts, `isJwtFeatureEnabledStateless`) reads an
 *   absent feature as its caller's default, the moderator flag for the Record and Live stream
 *   buttons (react/features/recording/functions.ts), so a token without `features` lets every
 *   moderator record; a present value counts as on only when `String(value) === 'true'`;
 * - prosody (resources/prosody-plugins/util.lib.lua, `is_feature_allowed`, used by
 *   mod_filter_iq_jibri.lua) allows a feature only when the token's features say `true` or
 *   `"true"` (older versions: `"true"` only), and falls back to the moderator role when the token
 *   has no features at all.
 * So the token says them as the strings "true" and "false" (src/auth/jitsi-token.ts), which every
 * version reads the same way, as JaaS's own tokens do.
 * Both names are in the client's MEET_FEATURES (react/features/base/jwt/constants.ts), so neither is
 * reported as an unknown feature.
 */
export interface JitsiFeatures {
  readonly recording: boolean;
  readonly livestreaming: boolean;
}

/** Organizers record and stream; members and host links do neither. */
export function featuresFor(holder: TokenHolder): JitsiFeatures {
  const organizer = holder === 'organizer';
  return { recording: organizer, livestreaming: organizer };
}

/**
 * Members-only meetings: the environment of each container (the app secret goes to prosody as an
 * ECS secret). Every variable was read in docker-jitsi-meet's templates at stable-11146-2, which
 * the images render with jitsi/tpl at start; jicofo's defaults are its reference.conf at
 * stable/jitsi-meet_11146.
 *
 * Who is a moderator: only someone with a token (a member, an organizer or a host link), at any
 * time, also after every one of them has left.
 * - prosody's `muc_wait_for_host` makes each token holder an owner (moderator) when they join
 *   (mod_muc_wait_for_host.lua, unless `wait_for_host_disable_auto_owners`), and keeps guests in the
 *   lobby until the first token holder is in; `persistent_lobby` creates that lobby.
 * - jicofo's own auto-owner rule (jicofo.conference.enable-auto-owner, true in reference.conf;
 *   ChatRoomRoleManager.kt's AutoOwnerRoleManager) would make the first participant, and then
 *   whoever is left when the owner leaves, a moderator: a guest, once the last member has left.
 *   ENABLE_AUTO_OWNER=0 turns it off (jicofo.conf renders `enable-auto-owner = false`).
 * - jicofo's own authentication stays off (JICOFO_ENABLE_AUTH=0): the image would turn it on with
 *   ENABLE_AUTH, and its AuthenticationRoleManager would grant owner to whoever authenticates with
 *   jicofo, which the wait-for-host recipe does not use.
 * - the meeting's "Grant moderator" menu is hidden (DISABLE_GRANT_MODERATOR=1 renders
 *   `remoteVideoMenu.disableGrantModerator: true` in settings-config.js): a member cannot hand a
 *   guest moderator rights (and with them the member's own features, mod_jitsi_permissions.lua).
 * Who records: `filter_iq_jibri` (a host module, so in XMPP_MODULES, which the template adds to the
 * main and the guest virtual host) refuses a recording or streaming start from anyone whose token
 * features do not allow it, and from guests; the client hides the buttons by the same features.
 */
export const MEMBERS_ONLY_ENV = {
  prosody: {
    ENABLE_AUTH: '1',
    ENABLE_GUESTS: '1',
    AUTH_TYPE: 'jwt',
    JWT_APP_ID: JITSI_APP_ID,
    JWT_ALLOW_EMPTY: '0',
    // The handbook's wait-for-host recipe: guests wait in the lobby until someone with a token joins.
    XMPP_MUC_MODULES: 'muc_wait_for_host',
    // persistent_lobby creates that lobby (without it guests walk straight in); filter_iq_jibri
    // checks the recording and streaming features of whoever asks for a recorder.
    XMPP_MODULES: 'persistent_lobby,filter_iq_jibri',
    // Said explicitly: token holders become moderators when they join (the template's default).
    WAIT_FOR_HOST_DISABLE_AUTO_OWNERS: '0',
  },
  // web reads these (system-config.js, settings-config.js); AUTH_TYPE is prosody's and jicofo's.
  web: { ENABLE_AUTH: '1', ENABLE_GUESTS: '1', DISABLE_GRANT_MODERATOR: '1' },
  // The recipe needs jicofo's own authentication off, and its auto-owner rule off so that no guest
  // inherits the room.
  jicofo: { JICOFO_ENABLE_AUTH: '0', ENABLE_AUTO_OWNER: '0' },
} as const;
