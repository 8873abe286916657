import { describe, expect, it } from 'vitest';
import {
  emailVerified,
  isAllowed,
  type PreTokenEvent,
  preSignUp,
  preTokenGeneration,
  SignUpRefused,
} from '../../src/auth/external-sign-in.js';

// Events shaped as Cognito sends them: userAttributes is a map of strings, so a provider's verified
// address arrives as email_verified "true" (docs: user-pool-lambda-pre-sign-up, shared trigger syntax).
const allow = ['ana@example.org', '@blender-users.org'];
/** `verified` null: no email_verified attribute at all. */
const signUp = (triggerSource: string, email?: string, verified: string | boolean | null = 'true') => ({
  triggerSource,
  request: {
    userAttributes: { ...(email ? { email } : {}), ...(verified === null ? {} : { email_verified: verified }) },
  },
  response: {},
});
const token = (attributes: Record<string, string>, groups: string[] = []): PreTokenEvent => ({
  triggerSource: 'TokenGeneration_HostedAuth',
  userName: 'google_1234',
  request: { userAttributes: attributes, groupConfiguration: { groupsToOverride: groups } },
  response: {},
});
const google = JSON.stringify([{ providerName: 'Google', userId: '1234' }]);

describe('the allow list', () => {
  it('matches exact addresses and whole domains, case-insensitively, and nothing else', () => {
    expect(isAllowed('Ana@Example.org', allow)).toBe(true);
    expect(isAllowed('bo@blender-users.org', allow)).toBe(true);
    expect(isAllowed('bo@example.org', allow)).toBe(false);
    expect(isAllowed('eve@evil-blender-users.org', allow)).toBe(false);
    expect(isAllowed('eve@blender-users.org.evil.com', allow)).toBe(false);
    expect(isAllowed(undefined, allow)).toBe(false);
    expect(isAllowed('not-an-address', allow)).toBe(false);
  });
});

describe('pre sign-up', () => {
  it('admits admin-created users, and external identities on the allow list', () => {
    expect(preSignUp(signUp('PreSignUp_AdminCreateUser', 'anyone@x.org'), allow)).toBeTruthy();
    expect(preSignUp(signUp('PreSignUp_ExternalProvider', 'bo@blender-users.org'), allow)).toBeTruthy();
  });

  it('refuses an allow-listed address the provider has not verified: "false", absent, or anything but true', () => {
    for (const verified of ['false', 'False', null, '', '1', 'yes', false]) {
      expect(() => preSignUp(signUp('PreSignUp_ExternalProvider', 'ana@example.org', verified), allow), String(verified)).toThrow(
        /has not verified this address/,
      );
    }
    // The string Cognito sends, in any case, and a boolean from a provider mapped as is.
    for (const verified of ['true', 'TRUE', true]) {
      expect(preSignUp(signUp('PreSignUp_ExternalProvider', 'ana@example.org', verified), allow)).toBeTruthy();
    }
    expect(emailVerified({ email_verified: ' true ' })).toBe(true);
    expect(emailVerified({})).toBe(false);
  });

  it('refuses external identities off the list, and any self sign-up', () => {
    expect(() => preSignUp(signUp('PreSignUp_ExternalProvider', 'eve@evil.org'), allow)).toThrow(SignUpRefused);
    expect(() => preSignUp(signUp('PreSignUp_ExternalProvider'), allow)).toThrow(/allow list/);
    expect(() => preSignUp(signUp('PreSignUp_SignUp', 'ana@example.org'), allow)).toThrow(/created by an organizer/);
  });
});

describe('pre token generation', () => {
  it('makes allow-listed external users members, keeping groups an organizer gave them', () => {
    const event = preTokenGeneration(
      token({ email: 'bo@blender-users.org', email_verified: 'true', identities: google }, ['organizers']),
      allow,
    );
    expect(event.response.claimsOverrideDetails?.groupOverrideDetails?.groupsToOverride).toEqual(['members', 'organizers']);
  });

  it('takes every group from an external user whose provider does not (or no longer) verify the address', () => {
    for (const attributes of [
      { email: 'bo@blender-users.org', email_verified: 'false', identities: google },
      { email: 'bo@blender-users.org', identities: google },
    ] as Array<Record<string, string>>) {
      const event = preTokenGeneration(token(attributes, ['members', 'organizers']), allow);
      expect(event.response.claimsOverrideDetails?.groupOverrideDetails?.groupsToOverride).toEqual([]);
    }
  });

  it('takes every group from an external user whose address left the list', () => {
    const event = preTokenGeneration(
      token({ email: 'eve@evil.org', email_verified: 'true', identities: google }, ['members']),
      allow,
    );
    expect(event.response.claimsOverrideDetails?.groupOverrideDetails?.groupsToOverride).toEqual([]);
  });

  it('leaves admin-created users to their real groups', () => {
    const event = preTokenGeneration(token({ email: 'zed@elsewhere.org' }, ['members']), allow);
    expect(event.response.claimsOverrideDetails).toBeUndefined();
  });
});
