import { GROUPS } from './jitsi-settings.js';

/**
 * Federated sign-in (Google, any OIDC provider) creates a Cognito user on the first sign-in, which
 * would bypass "users are created by an admin". Two Cognito triggers keep it closed:
 * - pre sign-up admits an external identity only when its e-mail is on the allow list (an exact
 *   address, or `@domain` for everyone at a domain) and the provider says the address is verified;
 *   admin-created users pass as before;
 * - pre token generation puts such external users in the `members` group of their tokens (no IAM
 *   needed), and drops every group again once their address leaves the list or is not verified.
 * Everything else is authorized by group, as for admin-created users.
 *
 * "Verified" is the provider's `email_verified` claim, mapped to the user attribute of that name
 * (src/infra/constructs/members.ts). Without it, anyone who controls an OIDC account could type an
 * allow-listed address they do not own. Cognito passes trigger events' `userAttributes` as a map of
 * strings ("the attributes that have been provided ... or mapped from provider attributes for a
 * federated user", https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-sign-up.html;
 * the shared trigger syntax types each value as a string), so a provider's JSON `true` arrives as
 * "true"; a provider or mapping that sends the boolean itself is read the same. Anything else
 * ("false", absent, "1", "yes") is not verified.
 */

/** The allow list: `ana@example.org`, or `@example.org` for every address at that domain. */
export type AllowList = readonly string[];

export function isAllowed(email: string | undefined, allow: AllowList): boolean {
  if (!email) return false;
  const address = email.trim().toLowerCase();
  const at = address.lastIndexOf('@');
  if (at <= 0) return false;
  const domain = address.slice(at);
  return allow.some((entry) => {
    const rule = entry.trim().toLowerCase();
    return rule.startsWith('@') ? domain === rule : address === rule;
  });
}

/** User attributes as a trigger event carries them: strings, though a boolean is read too (see above). */
export type EventAttributes = Readonly<Record<string, string | boolean | undefined>>;

/** True only when the provider said the address is verified: "true" (any case) or true. */
export function emailVerified(attributes: EventAttributes): boolean {
  const value = attributes.email_verified;
  return value === true || (typeof value === 'string' && value.trim().toLowerCase() === 'true');
}

/** The address of an external identity that may become a member: verified and on the allow list. */
const admitted = (attributes: EventAttributes, allow: AllowList): boolean =>
  emailVerified(attributes) && isAllowed(typeof attributes.email === 'string' ? attributes.email : undefined, allow);

/** The fields of Cognito's pre sign-up event this trigger reads. */
export interface PreSignUpEvent {
  readonly triggerSource: string;
  readonly request: { readonly userAttributes: EventAttributes };
  readonly response: Record<string, unknown>;
}

/** Thrown to refuse a sign-up; Cognito shows the message to the person. */
export class SignUpRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SignUpRefused';
  }
}

/** Pre sign-up: external identities only from the allow list; self sign-up never (it is off anyway). */
export function preSignUp<E extends PreSignUpEvent>(event: E, allow: AllowList): E {
  switch (event.triggerSource) {
    case 'PreSignUp_AdminCreateUser':
      return event;
    case 'PreSignUp_ExternalProvider':
      if (!isAllowed(stringOf(event.request.userAttributes.email), allow)) {
        throw new SignUpRefused('This address is not on the community allow list. Ask an organizer to add you.');
      }
      if (!emailVerified(event.request.userAttributes)) {
        throw new SignUpRefused('Your sign-in provider has not verified this address. Verify it there, then sign in again.');
      }
      return event;
    default:
      throw new SignUpRefused('Accounts are created by an organizer. Ask one to add you.');
  }
}

/** The fields of Cognito's pre token generation event (V1) this trigger reads and writes. */
export interface PreTokenEvent {
  readonly triggerSource: string;
  readonly userName: string;
  readonly request: {
    readonly userAttributes: EventAttributes;
    readonly groupConfiguration: { readonly groupsToOverride?: readonly string[] };
  };
  response: { claimsOverrideDetails?: { groupOverrideDetails?: { groupsToOverride: string[] } } };
}

/** A user who signed in through a federated provider (Cognito records the provider in `identities`). */
export const isExternal = (attributes: EventAttributes): boolean =>
  Boolean(attributes.identities && attributes.identities !== '[]');

const stringOf = (value: string | boolean | undefined) => (typeof value === 'string' ? value : undefined);

/** Pre token generation: allow-listed, verified external users are members; both are checked at every sign-in. */
export function preTokenGeneration<E extends PreTokenEvent>(event: E, allow: AllowList): E {
  const attributes = event.request.userAttributes;
  if (!isExternal(attributes)) return event;
  const groups = new Set(event.request.groupConfiguration.groupsToOverride ?? []);
  if (admitted(attributes, allow)) groups.add(GROUPS.members);
  else {
    // Off the list, or the provider no longer vouches for the address: no group at all, so the
    // page and the token exchange refuse them.
    groups.clear();
  }
  event.response = {
    ...event.response,
    claimsOverrideDetails: { groupOverrideDetails: { groupsToOverride: [...groups].sort() } },
  };
  return event;
}
