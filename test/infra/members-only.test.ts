import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { JITSI_APP_ID, JWT_SECRET_KEY, MEMBERS_ONLY_ENV } from '../../src/infra/constructs/jitsi-auth.js';
import { OUTPUTS } from '../../src/infra/meet-stack.js';
import { localRecordingEnv } from '../../src/recording/recorder.js';
import { configWith, resource, synth } from '../support/fixtures.js';
import { renderGoTemplate } from '../support/go-template.js';
import { arnOf, decide, policiesOfRole } from '../support/iam.js';
import { JICOFO_CONF, PROSODY_SITE_CFG, WEB_SETTINGS_CONFIG } from '../support/jitsi-templates.js';

// One template for the whole file: the shipped example, whose auth is the default, members.
const { json } = synth();
const taskDefinition = resource(json, 'AWS::ECS::TaskDefinition');
type Container = {
  Name: string;
  Environment?: Array<{ Name: string; Value: unknown }>;
  Secrets?: Array<{ Name: string; ValueFrom: unknown }>;
};
const containers = taskDefinition.props.ContainerDefinitions as Container[];
const env = (name: string) =>
  Object.fromEntries((containers.find((c) => c.Name === name)?.Environment ?? []).map((e) => [e.Name, e.Value]));
/** A container's plain variables (tokens such as the meeting URL left out), as the image's templates see them. */
const stringEnv = (values: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(Object.entries(values).filter((e): e is [string, string] => typeof e[1] === 'string'));
const tokenSecret = resource(json, 'AWS::SecretsManager::Secret', 'JitsiAuthTokenSecret');

describe('members-only meetings: Jitsi token authentication', () => {
  it('turns on JWT auth with guests and the wait-for-host recipe on prosody', () => {
    expect(env('prosody')).toMatchObject({
      ENABLE_AUTH: '1',
      ENABLE_GUESTS: '1',
      AUTH_TYPE: 'jwt',
      JWT_APP_ID: JITSI_APP_ID,
      JWT_ALLOW_EMPTY: '0',
      XMPP_MUC_MODULES: 'muc_wait_for_host',
      // persistent_lobby: without it nothing creates the lobby and guests walk in.
      // filter_iq_jibri: recording and streaming by token features, on the server too.
      XMPP_MODULES: 'persistent_lobby,filter_iq_jibri',
      WAIT_FOR_HOST_DISABLE_AUTO_OWNERS: '0',
    });
  });

  it('tells web about auth and guests, and keeps jicofo auth off as the recipe needs', () => {
    expect(env('web')).toMatchObject({
      ENABLE_AUTH: '1',
      ENABLE_GUESTS: '1',
      // A member who opens a room signs in on the organizer page and comes back with a token.
      TOKEN_AUTH_URL: 'https://start.meet.example.org/auth/room?room={room}',
    });
    expect(env('jicofo')).toMatchObject({ JICOFO_ENABLE_AUTH: '0', ENABLE_AUTO_OWNER: '0' });
    expect(env('jicofo').ENABLE_AUTH).toBeUndefined();
    expect(env('jvb').ENABLE_AUTH).toBeUndefined();
    expect(MEMBERS_ONLY_ENV.web).toEqual({ ENABLE_AUTH: '1', ENABLE_GUESTS: '1', DISABLE_GRANT_MODERATOR: '1' });
  });

  it('gives the app secret to prosody alone, from a secret of its own generated at deploy time', () => {
    const secretsOf = (name: string) => (containers.find((c) => c.Name === name)?.Secrets ?? []).map((s) => s.Name);
    expect(secretsOf('prosody')).toContain(JWT_SECRET_KEY);
    for (const other of ['web', 'jicofo', 'jvb', 'stats', 'tls']) expect(secretsOf(other)).not.toContain(JWT_SECRET_KEY);
    expect(tokenSecret.props.GenerateSecretString).toMatchObject({ GenerateStringKey: JWT_SECRET_KEY, PasswordLength: 64 });
    expect(tokenSecret.props.SecretString).toBeUndefined();
    expect(json.Outputs?.[OUTPUTS.tokenSecret]).toEqual(expect.objectContaining({ Value: { Ref: tokenSecret.id } }));
  });

  it('lets the task read the token secret, and nobody else in the stack', async () => {
    const executionRole = (taskDefinition.props.ExecutionRoleArn as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
    const secret = arnOf(json, tokenSecret.id);
    expect(await decide(policiesOfRole(json, executionRole), 'secretsmanager:GetSecretValue', secret)).toBe('Allowed');
    for (const fn of ['AutomationScheduledStart', 'TaskDnsFunction', 'AsleepFunction', 'TaskCertificateFunction']) {
      const role = (resource(json, 'AWS::Lambda::Function', fn).props.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
      expect(await decide(policiesOfRole(json, role), 'secretsmanager:GetSecretValue', secret), fn).toBe('ImplicitlyDenied');
    }
  });
});

/** The virtual hosts and components of a rendered prosody site config: authentication and modules of each. */
function prosodySections(cfg: string): Record<string, { authentication?: string; modules: string[]; text: string }> {
  const out: Record<string, { authentication?: string; modules: string[]; text: string }> = {};
  for (const section of cfg.split(/^(?=VirtualHost |Component )/m).filter((s) => /^(VirtualHost|Component) /.test(s))) {
    const name = /^\w+ "([^"]+)"/.exec(section)?.[1] ?? '';
    const modules = /modules_enabled = \{([\s\S]*?)\n\s*\}/.exec(section)?.[1] ?? '';
    const authentication = /authentication = "([^"]+)"/.exec(section)?.[1];
    out[name] = {
      ...(authentication ? { authentication } : {}),
      modules: [...modules.matchAll(/"([^"]+)";/g)].map((m) => m[1] as string),
      text: section,
    };
  }
  return out;
}

/**
 * Who is a moderator in one room after a sequence of joins and leaves, by the rules of the pinned
 * release, fed with the settings the templates rendered:
 * - prosody, mod_muc_wait_for_host.lua (jitsi-meet stable/jitsi-meet_11146): on `muc-occupant-pre-join`
 *   a room that has not seen a token holder sends everyone else to its lobby; the first token holder
 *   opens it for good (`room.has_host`); on `muc-occupant-joined` each token holder is made owner
 *   unless `wait_for_host_disable_auto_owners`;
 * - jicofo, ChatRoomRoleManager.kt AutoOwnerRoleManager (stable/jitsi-meet_11146), used when
 *   `jicofo.conference.enable-auto-owner` is true (reference.conf's default) and jicofo has no
 *   authentication: when nobody owns the room, the owner is the first occupant with owner rights,
 *   or else the first occupant, who is granted ownership; when that owner leaves, it elects again.
 */
function moderators(
  events: ReadonlyArray<readonly ['join' | 'leave', string]>,
  rules: { readonly jicofoAutoOwner: boolean; readonly tokenHoldersOwn: boolean; readonly waitForHost: boolean },
  tokenHolders: ReadonlySet<string>,
): { inRoom: string[]; moderators: string[]; lobby: string[] } {
  const inRoom: string[] = [];
  const lobby: string[] = [];
  const owners = new Set<string>();
  let hasHost = false;
  let jicofoOwner: string | undefined;
  const elect = () => {
    if (!rules.jicofoAutoOwner || jicofoOwner) return;
    jicofoOwner = inRoom.find((o) => owners.has(o)) ?? inRoom[0];
    if (jicofoOwner) owners.add(jicofoOwner);
  };
  const enter = (who: string) => {
    inRoom.push(who);
    if (rules.tokenHoldersOwn && tokenHolders.has(who)) owners.add(who);
    elect();
  };
  for (const [event, who] of events) {
    if (event === 'join') {
      if (rules.waitForHost && !hasHost && !tokenHolders.has(who)) {
        lobby.push(who);
        continue;
      }
      if (tokenHolders.has(who)) hasHost = true;
      enter(who);
      // The host arrived: the lobby is destroyed and the waiting guests come in.
      for (const waiting of lobby.splice(0)) enter(waiting);
    } else {
      inRoom.splice(inRoom.indexOf(who), 1);
      owners.delete(who);
      if (who === jicofoOwner) {
        jicofoOwner = undefined;
        elect();
      }
    }
  }
  return { inRoom, moderators: inRoom.filter((o) => owners.has(o)), lobby };
}

describe('members-only meetings: moderators are token holders only, also after the last one leaves', () => {
  // The images' own templates at stable-11146-2 (test/support/jitsi-templates.ts), rendered with the
  // environment of the synthesized task definition, as the containers render them at start.
  const jicofoConf = renderGoTemplate(JICOFO_CONF, stringEnv(env('jicofo')));
  const prosody = prosodySections(renderGoTemplate(PROSODY_SITE_CFG, stringEnv(env('prosody'))));
  const rules = {
    jicofoAutoOwner: !/^\s*enable-auto-owner = false$/m.test(jicofoConf),
    tokenHoldersOwn: !(prosody['muc.meet.jitsi']?.text ?? '').includes('wait_for_host_disable_auto_owners = true'),
    waitForHost: (prosody['muc.meet.jitsi']?.modules ?? []).includes('muc_wait_for_host'),
  };
  const holders = new Set(['organizer', 'member', 'host']);

  it("renders jicofo's config with auto-owner off and no authentication of its own", () => {
    expect(jicofoConf).toMatch(/^\s*enable-auto-owner = false$/m);
    expect(jicofoConf).not.toContain('authentication {');
    // Without our two variables the image turns both on (auth follows ENABLE_AUTH; auto-owner is
    // reference.conf's default, true, when the template writes nothing).
    const imageDefault = renderGoTemplate(JICOFO_CONF, { ENABLE_AUTH: '1' });
    expect(imageDefault).toContain('authentication {');
    expect(imageDefault).not.toContain('enable-auto-owner');
  });

  it("renders prosody's config: tokens on the main host, anonymous guests, wait for host and the recorder filter on both", () => {
    expect(prosody['meet.jitsi']).toMatchObject({
      authentication: 'token',
      modules: ['persistent_lobby', 'filter_iq_jibri'],
    });
    expect(prosody['meet.jitsi']?.text).toContain('allow_empty_token = false');
    expect(prosody['guest.meet.jitsi']).toMatchObject({
      authentication: 'jitsi-anonymous',
      modules: ['persistent_lobby', 'filter_iq_jibri'],
    });
    expect(prosody['muc.meet.jitsi']?.modules).toEqual(['muc_wait_for_host', 'token_verification']);
    expect(rules).toEqual({ jicofoAutoOwner: false, tokenHoldersOwn: true, waitForHost: true });
  });

  it('renders web\'s config without the "Grant moderator" menu', () => {
    const config: Record<string, Record<string, unknown>> = {};
    runInNewContext(renderGoTemplate(WEB_SETTINGS_CONFIG, stringEnv(env('web'))), { config });
    expect(config.remoteVideoMenu).toMatchObject({ disableGrantModerator: true });
  });

  it('keeps guests in the lobby until a token holder comes, makes every token holder a moderator, and no guest ever', () => {
    const evening = [
      ['join', 'guest-1'],
      ['join', 'guest-2'],
      ['join', 'member'],
      ['join', 'host'],
      ['join', 'guest-3'],
      ['join', 'organizer'],
      ['leave', 'member'],
      ['leave', 'organizer'],
      ['leave', 'host'],
      ['join', 'guest-4'],
    ] as const;
    expect(moderators(evening.slice(0, 2), rules, holders)).toEqual({
      inRoom: [],
      moderators: [],
      lobby: ['guest-1', 'guest-2'],
    });
    expect(moderators(evening.slice(0, 6), rules, holders).moderators).toEqual(['member', 'host', 'organizer']);
    // Every member has left: the guests stay (the room is open once a host came), with no moderator.
    expect(moderators(evening, rules, holders)).toEqual({
      inRoom: ['guest-1', 'guest-2', 'guest-3', 'guest-4'],
      moderators: [],
      lobby: [],
    });
  });

  it('would hand the room to a guest with the image defaults (the finding this fixes)', () => {
    const defaults = { ...rules, jicofoAutoOwner: true };
    const left = moderators(
      [
        ['join', 'member'],
        ['join', 'guest-1'],
        ['leave', 'member'],
      ],
      defaults,
      holders,
    );
    expect(left.moderators).toEqual(['guest-1']);
  });

  it('keeps local recording off in the browser by default (config.localRecording.disable)', () => {
    const config: Record<string, Record<string, unknown>> = {};
    runInNewContext(renderGoTemplate(WEB_SETTINGS_CONFIG, stringEnv(env('web'))), { config });
    expect(config.localRecording).toMatchObject({ disable: true });
    // Turned on in the config, the same web variables (localRecordingEnv, which the task uses) turn it on.
    const onConfig: Record<string, Record<string, unknown>> = {};
    const on = localRecordingEnv(configWith({ recording: { local: { enabled: true } } }).recording.local);
    runInNewContext(renderGoTemplate(WEB_SETTINGS_CONFIG, { ...stringEnv(env('web')), ...on }), { config: onConfig });
    expect(onConfig.localRecording).toMatchObject({ disable: false });
  });
});

describe('members-only meetings: the user pool', () => {
  const pool = resource(json, 'AWS::Cognito::UserPool');
  const client = resource(json, 'AWS::Cognito::UserPoolClient');

  it('lets only an admin create users, signs in by e-mail, and keeps the accounts when the stack goes', () => {
    expect(pool.props).toMatchObject({
      AdminCreateUserConfig: expect.objectContaining({ AllowAdminCreateUserOnly: true }),
      UsernameAttributes: ['email'],
      AutoVerifiedAttributes: ['email'],
      UserPoolTier: 'ESSENTIALS',
      MfaConfiguration: 'OPTIONAL',
      Policies: { PasswordPolicy: expect.objectContaining({ MinimumLength: 12 }) },
    });
    expect(json.Resources[pool.id]?.DeletionPolicy).toBe('Retain');
  });

  it('runs the sign-in rules before every sign-up and token (an empty allow list: no federated sign-in)', () => {
    const rules = resource(json, 'AWS::Lambda::Function', 'MembersSignInRules');
    expect(pool.props.LambdaConfig).toEqual({
      PreSignUp: { 'Fn::GetAtt': [rules.id, 'Arn'] },
      PreTokenGeneration: { 'Fn::GetAtt': [rules.id, 'Arn'] },
    });
    expect(rules.props.Environment).toEqual({ Variables: { SIGN_IN_ALLOW: '[]' } });
    expect(client.props.SupportedIdentityProviders).toEqual(['COGNITO']);
  });

  it('has the organizers and members groups', () => {
    const groups = Object.values(json.Resources)
      .filter((r) => r.Type === 'AWS::Cognito::UserPoolGroup')
      .map((r) => r.Properties?.GroupName)
      .sort();
    expect(groups).toEqual(['members', 'organizers']);
  });

  it("uses Cognito's prefix domain, and an app client for the organizer page: code flow with PKCE, no secret", () => {
    const domain = resource(json, 'AWS::Cognito::UserPoolDomain');
    expect(domain.props.Domain).toBe('meet-meet-example-org');
    expect(domain.props.CustomDomainConfig).toBeUndefined();
    expect(client.props).toMatchObject({
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: expect.arrayContaining(['openid', 'email', 'profile']),
      CallbackURLs: ['https://start.meet.example.org/auth/callback'],
      LogoutURLs: ['https://start.meet.example.org/'],
      SupportedIdentityProviders: ['COGNITO'],
      PreventUserExistenceErrors: 'ENABLED',
    });
    expect(client.props.AllowedOAuthFlows).not.toContain('implicit');
    expect(json.Outputs?.[OUTPUTS.userPool]).toEqual(expect.objectContaining({ Value: { Ref: pool.id } }));
  });

  // The review signed in with SRP and the public client id (ExplicitAuthFlows unset allows
  // ALLOW_USER_SRP_AUTH and ALLOW_CUSTOM_AUTH, per CreateUserPoolClient) and then rewrote its own name
  // with UpdateUserAttributes (WriteAttributes unset: every standard attribute). moto enforces
  // neither, so these are the template's values against the Cognito API reference.
  it('lets the page client sign in only through the managed login, and write nothing the system trusts', () => {
    expect(client.props.ExplicitAuthFlows).toEqual(['ALLOW_REFRESH_TOKEN_AUTH']);
    // No OAuth scope that UpdateUserAttributes accepts.
    expect(client.props.AllowedOAuthScopes).not.toContain('aws.cognito.signin.user.admin');
    // Not empty, which Cognito reads as "every standard attribute"; nothing the tokens or the log use.
    expect(client.props.WriteAttributes).toEqual(['locale']);
    expect(client.props.EnableTokenRevocation).toBe(true);
  });
});
