import { runInNewContext } from 'node:vm';
import { decodeJwt } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { exchangeForJitsiToken } from '../../src/auth/token-exchange.js';
import { localRecordingEnv } from '../../src/recording/recorder.js';
import { SimAws, VirtualClock } from '../../src/sim/simulated-aws.js';
import { cli, communityConfig } from '../support/cli.js';
import { localCognito } from '../support/cognito.js';
import { configWith } from '../support/fixtures.js';
import { renderGoTemplate } from '../support/go-template.js';
import { WEB_SETTINGS_CONFIG } from '../support/jitsi-templates.js';

/**
 * Who may record or stream, decided the way the pinned Jitsi release decides it, on the tokens this
 * project really mints. The decisions below are re-implemented from the upstream sources (cited on
 * each); nothing of ours is in them.
 */
type Features = Readonly<Record<string, unknown>> | undefined;

/**
 * jitsi-meet stable/jitsi-meet_11146, react/features/base/jwt/functions.ts,
 * `isJwtFeatureEnabledStateless`: an absent feature (or no `features` at all) gives the caller's
 * default; a present one is on only when `String(value) === 'true'`. The local participant's
 * features are the token's `context.features` (react/features/base/jwt/middleware.ts, `_setJWT`).
 * (Older forms of this function also returned the caller's default for a token without features;
 * they agree on every token below, which all carry both features.)
 */
function clientFeature(features: Features, feature: string, ifNotInFeatures: boolean): boolean {
  if (typeof features?.[feature] === 'undefined') return ifNotInFeatures;
  return String(features[feature]) === 'true';
}

/**
 * jitsi-meet stable/jitsi-meet_11146, react/features/recording/functions.ts, `getRecordButtonProps`:
 * with local recording enabled (`!config.localRecording.disable`) and supported (desktop Chromium,
 * `supportsLocalRecording`) the button shows for everyone; otherwise it shows when the `recording`
 * feature is on, the moderator flag being the default, and the recording service is enabled.
 */
function recordButtonVisible(o: {
  features: Features;
  moderator: boolean;
  config: { localRecording?: { disable?: boolean }; recordingService?: { enabled?: boolean } };
  desktopChromium: boolean;
}): boolean {
  if (!o.config.localRecording?.disable && o.desktopChromium) return true;
  if (clientFeature(o.features, 'recording', o.moderator)) return Boolean(o.config.recordingService?.enabled);
  return false;
}

/**
 * The server, which a modified client cannot talk round:
 * - prosody, resources/prosody-plugins/mod_filter_iq_jibri.lua (stable/jitsi-meet_11146), loaded on
 *   the main and guest virtual hosts (XMPP_MODULES): a Jibri `start` for `recording_mode` file
 *   needs `recording`, any other mode `livestreaming`, by util.lib.lua's `is_feature_allowed`:
 *   with token features, the value `true` or `"true"`; without, granted features; else the moderator role;
 * - jicofo, BaseJibri.kt (stable/jitsi-meet_11146): with `enable-moderator-checks` (true in
 *   reference.conf, and our jicofo.conf sets nothing) only a moderator may start one.
 */
function serverStartsJibri(o: { features: Features; moderator: boolean; mode: 'file' | 'stream' }): boolean {
  const feature = o.mode === 'file' ? 'recording' : 'livestreaming';
  const value = o.features?.[feature];
  const prosodyAllows = o.features ? value === true || value === 'true' : o.moderator;
  return prosodyAllows && o.moderator;
}

/**
 * The older form of the same prosody check, which the code index also holds for these files:
 * mod_filter_iq_jibri refuses any session without a token, and `is_feature_allowed(session, ft)`
 * allows everything without features and otherwise only the string "true". A token that works
 * with both forms does not depend on which one the pinned image ships.
 */
function olderProsodyStartsJibri(o: { features: Features; token: boolean; mode: 'file' | 'stream' }): boolean {
  if (!o.token) return false;
  return o.features === undefined || o.features[o.mode === 'file' ? 'recording' : 'livestreaming'] === 'true';
}

/** web's config.js as the image renders it from the task's web variables (settings-config.js at stable-11146-2). */
function webConfig(env: Record<string, string>): {
  localRecording?: { disable?: boolean };
  recordingService?: { enabled?: boolean };
} {
  const config: Record<string, unknown> = {};
  runInNewContext(renderGoTemplate(WEB_SETTINGS_CONFIG, env), { config });
  // A recorder in the stack turns the recording service on (RECORDING_ENV: ENABLE_RECORDING=1 on web).
  return { ...config, recordingService: { enabled: true } };
}

const settings = {
  appId: 'meetctl',
  secret: 'a-secret-of-at-least-32-bytes-for-hs256!!',
  audience: 'jitsi',
  host: 'meet.ne3d.org',
};
const tokens: Record<'organizer' | 'member' | 'host link' | 'guest', Features> = {
  organizer: undefined,
  member: undefined,
  'host link': undefined,
  guest: undefined,
};
/** Token holders are moderators (mod_muc_wait_for_host); guests never are (test/infra/members-only.test.ts). */
const moderator = (role: keyof typeof tokens) => role !== 'guest';

beforeAll(async () => {
  const { sign, verify } = await localCognito();
  const features = async (groups: string[]) => {
    const idToken = await sign({ sub: `u-${groups.join('-')}`, name: 'Someone', 'cognito:groups': groups });
    const { token } = await exchangeForJitsiToken({
      verify,
      idToken,
      room: 'weekly',
      settings,
      lifetimeSeconds: 3600,
      now: Date.now(),
    });
    return (decodeJwt(token).context as { features?: Features }).features;
  };
  tokens.organizer = await features(['members', 'organizers']);
  tokens.member = await features(['members']);
  const link = await cli(['link', 'weekly', '--json'], {
    files: { 'meet.config.json': communityConfig() },
    sim: new SimAws(new VirtualClock()),
  });
  const jwt = new URL(JSON.parse(link.stdout).url as string).searchParams.get('jwt') ?? '';
  tokens['host link'] = (decodeJwt(jwt).context as { features?: Features }).features;
});

describe('only organizers record or stream', () => {
  const defaults = webConfig(localRecordingEnv(configWith({}).recording.local));

  it('mints every token with both features said: "true" for organizers, "false" for members and host links', () => {
    expect(tokens.organizer).toEqual({ recording: 'true', livestreaming: 'true' });
    expect(tokens.member).toEqual({ recording: 'false', livestreaming: 'false' });
    expect(tokens['host link']).toEqual({ recording: 'false', livestreaming: 'false' });
  });

  it.each([
    ['organizer', true],
    ['member', false],
    ['host link', false],
    ['guest', false],
  ] as const)('%s: Record button %s, and the server agrees', (role, allowed) => {
    const who = { features: tokens[role], moderator: moderator(role) };
    expect(recordButtonVisible({ ...who, config: defaults, desktopChromium: true })).toBe(allowed);
    expect(recordButtonVisible({ ...who, config: defaults, desktopChromium: false })).toBe(allowed);
    expect(serverStartsJibri({ ...who, mode: 'file' })).toBe(allowed);
    expect(serverStartsJibri({ ...who, mode: 'stream' })).toBe(allowed);
    const token = role !== 'guest';
    expect(olderProsodyStartsJibri({ features: tokens[role], token, mode: 'file' })).toBe(allowed);
    expect(olderProsodyStartsJibri({ features: tokens[role], token, mode: 'stream' })).toBe(allowed);
  });

  it('reads a missing claim as "every moderator", and only true or "true" as yes', () => {
    // The member token before this change had no features: the moderator default let it record.
    expect(recordButtonVisible({ features: undefined, moderator: true, config: defaults, desktopChromium: false })).toBe(true);
    expect(serverStartsJibri({ features: undefined, moderator: true, mode: 'file' })).toBe(true);
    // A features object without the key: the client falls back to the moderator flag, prosody says no.
    expect(clientFeature({ livestreaming: false }, 'recording', true)).toBe(true);
    expect(serverStartsJibri({ features: { livestreaming: true }, moderator: true, mode: 'file' })).toBe(false);
    for (const [value, on] of [
      [true, true],
      ['true', true],
      [false, false],
      ['false', false],
      ['yes', false],
      [1, false],
    ] as const) {
      expect(clientFeature({ recording: value }, 'recording', true), String(value)).toBe(on);
      expect(serverStartsJibri({ features: { recording: value }, moderator: true, mode: 'file' }), String(value)).toBe(on);
    }
    // The older prosody check reads only the string: a boolean true would not let an organizer record there.
    expect(olderProsodyStartsJibri({ features: { recording: true }, token: true, mode: 'file' })).toBe(false);
    expect(olderProsodyStartsJibri({ features: { recording: 'true' }, token: true, mode: 'file' })).toBe(true);
  });

  it('keeps local recording off by default; turned on, Jitsi shows Record to everyone on desktop Chromium, guests included', () => {
    expect(defaults.localRecording?.disable).toBe(true);
    const on = webConfig(localRecordingEnv(configWith({ recording: { local: { enabled: true } } }).recording.local));
    expect(on.localRecording?.disable).toBe(false);
    for (const role of ['member', 'host link', 'guest'] as const) {
      expect(recordButtonVisible({ features: tokens[role], moderator: moderator(role), config: on, desktopChromium: true })).toBe(
        true,
      );
      // Off desktop Chromium, and on the server, nothing changes.
      expect(
        recordButtonVisible({ features: tokens[role], moderator: moderator(role), config: on, desktopChromium: false }),
      ).toBe(false);
      expect(serverStartsJibri({ features: tokens[role], moderator: moderator(role), mode: 'file' })).toBe(false);
    }
  });
});
